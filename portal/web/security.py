"""What every response of the portal carries, and what it refuses before any application code
runs, in one ASGI middleware: oversized or hostile requests, bodies it has no use for, methods
Datasette does not serve, and the request's own idea of the portal's host."""

import asyncio
import json
import os
from urllib.parse import urlsplit

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Datasette's own pages carry inline scripts and styles of their own making (data values in them
# are escaped); everything else is as strict as on the portal's pages.
DATASETTE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# The headers of an answer that SecureHeaders sets itself, whatever the app said.
REPLACED = frozenset(name for name, _ in HEADERS) | {b"content-security-policy"}

# Datasette's introspection pages that tell a stranger about the server, not about the data.
HIDDEN = (
    "/-/versions",
    "/-/plugins",
    "/-/threads",
    "/-/settings",
    "/-/actor",
    "/-/permissions",
    "/-/allow-debug",
    "/-/messages",
    "/-/patterns",
    "/-/actions",
    "/-/config",
)


# Chart-only pages that any site may frame (portal.web.pages.feeds): their own frame-ancestors,
# and no X-Frame-Options. Every other page keeps refusing to be framed.
EMBEDDABLE = "/embed/"


def frame_policy(path: str, csp: str, headers: list) -> tuple[str, list]:
    """The CSP and headers of a page as to framing: refused, except for the embeddable pages."""
    if not path.startswith(EMBEDDABLE):
        return csp, headers
    return (
        csp.replace("frame-ancestors 'none'", "frame-ancestors *"),
        [(k, v) for k, v in headers if k != b"x-frame-options"],
    )


MAX_TARGET = 8190  # bytes of path and query together
MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 100
MAX_SEGMENT = 255  # bytes of one path segment: longer is no file name, nor any id of the data
# The portal reads no request body (every page and API answer is a GET); a body is read here,
# up to this size and within this time, before any application sees the request.
MAX_BODY = 64 * 1024
BODY_TIMEOUT = 10.0
# Requests a worker runs at once; more are answered 503 at once, with Retry-After.
MAX_IN_FLIGHT = 256
# Datasette serves reading only: any other method is a 405 before it can read a body.
DATASETTE_METHODS = ("GET", "HEAD", "OPTIONS")
BASE_URL_VARIABLE = "PORTAL_BASE_URL"
PROBLEM_JSON = b"application/problem+json"
TITLES = {
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    503: "Service Unavailable",
}
DETAILS = {
    404: "Nothing is served at this path.",
    405: "This path answers only GET, HEAD and OPTIONS.",
    408: f"The request body did not arrive within {BODY_TIMEOUT:g} seconds.",
    413: f"A request body may hold at most {MAX_BODY} bytes.",
    414: f"The path and query may hold at most {MAX_TARGET} bytes.",
    431: f"At most {MAX_HEADERS} headers of {MAX_HEADER_BYTES} bytes in all.",
    503: "The server is answering as many requests as it can; try again in a second.",
}


def canonical_origin(base_url: str | None = None) -> tuple[str, bytes]:
    """(scheme, host) of the portal's public address: PORTAL_BASE_URL, such as
    https://data.example.org, or http://localhost:$PORT where it is not set.

    Redirects and links are built from it, never from the Host a request brings.
    """
    if base_url is None:
        base_url = os.environ.get(BASE_URL_VARIABLE) or (
            f"http://localhost:{os.environ.get('PORT', '8000')}"
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{BASE_URL_VARIABLE} must be http(s)://host[:port], not {base_url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{BASE_URL_VARIABLE} names a host only, not {base_url!r}")
    return parts.scheme, parts.netloc.lower().encode("idna")


def too_large(scope) -> int | None:
    """414 or 431 for a request whose target or headers exceed the limits, else None."""
    if (
        len(scope.get("raw_path") or scope.get("path", "").encode())
        + len(scope.get("query_string", b""))
        > MAX_TARGET
    ):
        return 414
    headers = scope.get("headers", [])
    if len(headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
        return 431
    return None


def refused(path: str) -> bool:
    """Paths answered with a 404: the hidden pages, double slashes that could redirect away, and
    segments longer than any file name (the file system would refuse them with an error)."""
    if path.startswith(("//", "/\\")) or "\\" in path:
        return True
    if any(
        len(segment.encode("utf-8", "surrogatepass")) > MAX_SEGMENT for segment in path.split("/")
    ):
        return True
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "/") for p in HIDDEN)


def body_expected(scope) -> int | None:
    """The declared length of the request's body, 0 for none, None for a chunked one."""
    length = None
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None  # h11 refuses a malformed length before this; be safe anyway
        elif name == b"transfer-encoding":
            return None
    return length or 0


async def read_body(receive, limit: int, timeout: float) -> bytes | int | None:
    """The whole body, or 413 if it is longer than limit, 408 if it is slower than timeout,
    None if the client went away."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    chunks, size = [], 0
    while True:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
        except TimeoutError:
            return 408
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return 413
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive):
    """A receive that hands the body read already, then whatever the client sends next."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class SecureHeaders:
    """Add the security headers to every response; refuse the requests above; put the portal's
    configured host and scheme in place of the request's."""

    def __init__(self, app, strict_paths, base_url: str | None = None):
        self.app = app
        self.strict = strict_paths
        self.scheme, self.host = canonical_origin(base_url)
        self.in_flight = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        strict = self.strict(path)
        length = body_expected(scope)
        # A refused request's body is not read on: its connection closes after the answer.
        close = [(b"connection", b"close")] if length != 0 else []
        scope = {
            **scope,
            "scheme": self.scheme,
            "headers": [(k, v) for k, v in scope.get("headers", []) if k != b"host"]
            + [(b"host", self.host)],
        }
        if status := too_large(scope):
            return await refuse(send, path, status, close)
        if refused(path):
            return await refuse(send, path, 404, close)
        if not strict and scope.get("method") not in DATASETTE_METHODS:
            allow = (b"allow", ", ".join(DATASETTE_METHODS).encode())
            return await refuse(send, path, 405, [allow, *close])
        if length != 0:
            if length is not None and length > MAX_BODY:
                return await refuse(send, path, 413, close)
            body = await read_body(receive, MAX_BODY, BODY_TIMEOUT)
            if body is None:
                return None
            if isinstance(body, int):
                return await refuse(send, path, body, close)
            receive = replaying(body, receive)
        if self.in_flight >= MAX_IN_FLIGHT:
            return await refuse(send, path, 503, [(b"retry-after", b"1"), *close])
        csp, extra = frame_policy(path, STRICT_CSP if strict else DATASETTE_CSP, HEADERS)
        csp = csp.encode()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in REPLACED
                ]
                message = {
                    **message,
                    "headers": headers + extra + [(b"content-security-policy", csp)],
                }
            await send(message)

        self.in_flight += 1
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.in_flight -= 1


async def refuse(send, path: str, status: int, headers=()):
    """A refusal: application/problem+json under /api/, as every API answer; plain text
    elsewhere."""
    if path.startswith("/api/"):
        body = json.dumps(
            {
                "type": "about:blank",
                "title": TITLES[status],
                "status": status,
                "detail": DETAILS[status],
            }
        ).encode()
        kind = PROBLEM_JSON
    else:
        body = f"{TITLES[status]}: {DETAILS[status]}".encode()
        kind = b"text/plain; charset=utf-8"
    await respond(send, status, kind, body, list(headers))


async def respond(send, status: int, kind: bytes, body: bytes, headers: list):
    """A short answer, with the same headers as every other."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                *headers,
                *HEADERS,
                (b"content-security-policy", STRICT_CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
