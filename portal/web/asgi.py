"""The whole portal as one ASGI app: Flask for the API and pages, Datasette for the rest."""

from pathlib import Path

from a2wsgi import WSGIMiddleware

from portal import paths
from portal.web.api.http import ConditionalAnswers
from portal.web.app import create_app as create_flask_app
from portal.web.security import SecureHeaders
from portal.web.site import create_datasette

# Paths the Flask app answers; everything else is Datasette's.
FLASK_PREFIXES = ("/api/", "/static/", "/plans/", "/indicators/", "/downloads/", "/read/")
FLASK_PATHS = ("/", "/api", "/search", "/indicators", "/downloads", "/healthz", "/readyz")


def served_by_flask(path: str) -> bool:
    return path.startswith(FLASK_PREFIXES) or path in FLASK_PATHS


async def lifespan(receive, send) -> None:
    """The server's start and stop: nothing to do, so a worker listens as soon as it has forked.

    Passed on to Datasette, the start would run its start-up work there and then: counting every
    row of every table of the immutable file (9.6 million at a million targets) in each worker
    before it accepts a connection. Datasette does that work on its own first request instead.
    """
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(db_path: Path | None = None):
    """The portal as an ASGI app, serving the database at db_path (default: $PORTAL_DB)."""
    db_path = Path(db_path or paths.database_path())
    flask_app = WSGIMiddleware(create_flask_app({"PORTAL_DB": str(db_path)}), workers=8)
    flask_app = ConditionalAnswers(flask_app, db_path)
    datasette = create_datasette(db_path).app()

    async def portal(scope, receive, send):
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
        elif scope["type"] == "http" and served_by_flask(scope.get("path", "")):
            await flask_app(scope, receive, send)
        else:
            await datasette(scope, receive, send)

    return SecureHeaders(portal, strict_paths=served_by_flask)
