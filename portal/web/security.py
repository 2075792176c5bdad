"""What every response of the portal carries, and the paths it refuses, in one ASGI middleware."""

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
    """Paths answered with a 404: the hidden pages, and double slashes that could redirect away."""
    if path.startswith(("//", "/\\")) or "\\" in path:
        return True
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "/") for p in HIDDEN)


class SecureHeaders:
    """Add the security headers to every response; refuse the paths above."""

    def __init__(self, app, strict_paths):
        self.app = app
        self.strict = strict_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if status := too_large(scope):
            return await plain(send, status, b"Request too large")
        if refused(path):
            return await plain(send, 404, b"Not found")
        csp, extra = frame_policy(path, STRICT_CSP if self.strict(path) else DATASETTE_CSP, HEADERS)
        csp = csp.encode()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {h for h, _ in HEADERS} | {b"content-security-policy"}
                ]
                message = {
                    **message,
                    "headers": headers + extra + [(b"content-security-policy", csp)],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def plain(send, status: int, body: bytes):
    """A short plain-text answer, with the same headers as every other."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
                (b"content-security-policy", STRICT_CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
