"""One ASGI application for the whole portal: /api/ to Flask, everything else to Datasette."""

from pathlib import Path

from a2wsgi import WSGIMiddleware

from . import paths
from .api import create_app as create_api
from .site import create_datasette

API_PREFIX = "/api/"


def create_app(db_path: Path | None = None):
    """The portal as an ASGI app, serving the database at db_path (default: $PORTAL_DB)."""
    db_path = Path(db_path or paths.database_path())
    api = WSGIMiddleware(create_api({"PORTAL_DB": str(db_path)}), workers=8)
    datasette = create_datasette(db_path).app()

    async def portal(scope, receive, send):
        if scope["type"] == "http" and (
            scope["path"].startswith(API_PREFIX) or scope["path"] == "/api"
        ):
            await api(scope, receive, send)
        else:
            await datasette(scope, receive, send)

    return portal
