"""The whole portal as one ASGI app: Flask for the API and pages, Datasette for the rest."""

from pathlib import Path

from a2wsgi import WSGIMiddleware

from portal import paths
from portal.web.app import create_app as create_flask_app
from portal.web.cors import DataCors
from portal.web.security import SecureHeaders
from portal.web.site import create_datasette

# Paths the Flask app answers; everything else is Datasette's.
FLASK_PREFIXES = (
    "/api/",
    "/static/",
    "/plans/",
    "/indicators/",
    "/downloads/",
    "/read/",
    "/embed/",
)
FLASK_PATHS = (
    "/",
    "/api",
    "/search",
    "/indicators",
    "/downloads",
    "/healthz",
    "/readyz",
    "/releases.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/catalog.jsonld",
)


def served_by_flask(path: str) -> bool:
    return path.startswith(FLASK_PREFIXES) or path in FLASK_PATHS


def create_app(db_path: Path | None = None):
    """The portal as an ASGI app, serving the database at db_path (default: $PORTAL_DB)."""
    db_path = Path(db_path or paths.database_path())
    flask_app = WSGIMiddleware(create_flask_app({"PORTAL_DB": str(db_path)}), workers=8)
    datasette = DataCors(create_datasette(db_path).app())

    async def portal(scope, receive, send):
        if scope["type"] == "http" and served_by_flask(scope.get("path", "")):
            await flask_app(scope, receive, send)
        else:
            await datasette(scope, receive, send)

    return SecureHeaders(portal, strict_paths=served_by_flask)
