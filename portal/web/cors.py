"""CORS for Datasette's JSON and CSV, with the same headers as the API (portal.web.api.http),
so that a page on another site can read the tables as it reads the API."""

from urllib.parse import parse_qs

HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Content-Disposition"),
]
FORMATS = ("json", "csv")


def is_data(scope) -> bool:
    """A request for JSON or CSV: /portal/targets.json, /portal.csv?sql=…, ?_format=json."""
    if scope.get("path", "").rsplit(".", 1)[-1] in FORMATS:
        return True
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return any(value in FORMATS for value in query.get("_format", []))


class DataCors:
    """Add the API's CORS headers to Datasette's JSON and CSV answers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not is_data(scope):
            return await self.app(scope, receive, send)

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": headers + HEADERS}
            await send(message)

        await self.app(scope, receive, send_with_cors)
