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
        if refused(path):
            return await not_found(send)
        csp = (STRICT_CSP if self.strict(path) else DATASETTE_CSP).encode()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {h for h, _ in HEADERS} | {b"content-security-policy"}
                ]
                message = {
                    **message,
                    "headers": headers + HEADERS + [(b"content-security-policy", csp)],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def not_found(send):
    body = b"Not found"
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
                (b"content-security-policy", STRICT_CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
