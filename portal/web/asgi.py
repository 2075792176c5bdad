"""The whole portal as one ASGI app: Flask for the API and pages, Datasette for the rest."""

from pathlib import Path

from portal import paths
from portal.web.api.http import ConditionalAnswers
from portal.web.app import create_app as create_flask_app
from portal.web.bridge import Bridge
from portal.web.cors import DataCors
from portal.web.security import SecureHeaders
from portal.web.site import DATABASE_NAME, HeldToLimits, create_datasette

# Paths the Flask app answers.
FLASK_PREFIXES = (
    "/api/",
    "/static/",
    "/plans/",
    "/regions/",
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
    "/about",
    "/healthz",
    "/readyz",
    "/releases.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/catalog.jsonld",
)
# Paths Datasette answers: the database's pages, its own pages under /-/, its index as JSON and
# its icon. Any other path is the portal's, which answers one it does not know with its 404 page.
DATASETTE_PREFIXES = (f"/{DATABASE_NAME}/", f"/{DATABASE_NAME}.", "/-/")
DATASETTE_PATHS = (f"/{DATABASE_NAME}", "/.json", "/favicon.ico")


def served_by_datasette(path: str) -> bool:
    return path.startswith(DATASETTE_PREFIXES) or path in DATASETTE_PATHS


def served_by_flask(path: str) -> bool:
    return path.startswith(FLASK_PREFIXES) or path in FLASK_PATHS or not served_by_datasette(path)


def without_lang(scope: dict) -> dict:
    """A request to Datasette without the portal's ?lang=, which Datasette would read as a filter
    on a column `lang` (and find no row): its pages are bilingual as they are."""
    query = scope.get("query_string", b"")
    if b"lang" not in query:
        return scope
    kept = [part for part in query.split(b"&") if part.split(b"=", 1)[0] != b"lang"]
    return {**scope, "query_string": b"&".join(kept)}


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


def create_app(db_path: Path | None = None, base_url: str | None = None):
    """The portal as an ASGI app, serving the database at db_path (default: $PORTAL_DB), whose
    public address is base_url (default: $PORTAL_BASE_URL, see portal.web.security)."""
    db_path = Path(db_path or paths.database_path())
    flask_app = Bridge(create_flask_app({"PORTAL_DB": str(db_path)}), workers=8)
    flask_app = ConditionalAnswers(flask_app, db_path)
    datasette = DataCors(HeldToLimits(create_datasette(db_path).app()))

    async def portal(scope, receive, send):
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
        elif scope["type"] == "http" and served_by_flask(scope.get("path", "")):
            await flask_app(scope, receive, send)
        else:
            await datasette(without_lang(scope), receive, send)

    return SecureHeaders(portal, strict_paths=served_by_flask, base_url=base_url)
