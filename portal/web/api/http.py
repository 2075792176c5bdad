"""HTTP conventions of the API: ETags and caching for immutable data, and CORS for GET.

An answer is a function of the database file, the URL and the Accept header alone, so its tag
is computed from those before anything is read: a request whose If-None-Match names it is
answered 304 at once, without parsing its arguments or running its query: in front of the
WSGI app (ConditionalAnswers, which spares the request its thread and Flask altogether) and, for
any request that reaches Flask, before the view (unchanged).
"""

import hashlib
import os

from flask import Blueprint, Response, current_app, request
from werkzeug.http import parse_etags, quote_etag

from portal.web.database import file_identity

MAX_AGE = 300
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Disposition",
}


def tag_for(inode: int, modified: int, full_path: str, accept: str) -> str:
    """The tag of an answer: the database file, the path with its query and the Accept header."""
    key = "|".join((str(inode), str(modified), full_path, accept))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def etag() -> str:
    """A tag for this request's answer: the database file, the URL and the negotiated type."""
    _, inode, modified = file_identity()
    return tag_for(inode, modified, request.full_path, request.headers.get("Accept", ""))


def cache_headers(response: Response, tag: str) -> None:
    response.set_etag(tag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept")


def unchanged() -> Response | None:
    """A bodiless 304 when If-None-Match names this request's tag, before the view runs.

    A tag is only ever given with a 200 (add_headers), and the same file, URL and Accept give the
    same answer, so a request that names it would be a 200 again: an unknown id or a bad
    parameter has no tag to name. `If-None-Match: *` is left to the view, which may fail.
    """
    if request.method not in ("GET", "HEAD") or "If-None-Match" not in request.headers:
        return None
    wanted = request.if_none_match
    if wanted.star_tag:
        return None
    tag = etag()
    if not wanted.contains_weak(tag):
        return None
    response = current_app.response_class(status=304)
    for header in ("Content-Type", "Content-Length"):
        response.headers.pop(header, None)
    cache_headers(response, tag)
    return response


def not_modified(response: Response) -> Response:
    """The answer as a bodiless 304, keeping its ETag, Cache-Control, Vary and CORS headers.

    It is decided once the answer is known to be a 200, so that an unknown id, a bad parameter
    or `If-None-Match: *` never pass for an unchanged answer.
    """
    response.close()  # a streamed CSV's rows are never read
    response.response = []
    response.status_code = 304
    for header in ("Content-Type", "Content-Length", "Content-Disposition"):
        response.headers.pop(header, None)
    return response


def add_headers(response: Response) -> Response:
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        tag = etag()
        cache_headers(response, tag)
        # If-None-Match compares weakly (RFC 9110 13.1.2): W/"tag" names the same answer.
        if request.if_none_match.contains_weak(tag):
            return not_modified(response)
    return response


def init_blueprint(blueprint: Blueprint) -> None:
    blueprint.before_request(unchanged)
    blueprint.after_request(add_headers)


class ConditionalAnswers:
    """ASGI: a GET or HEAD under `prefix` whose If-None-Match names its tag is answered 304 here,
    with the headers add_headers gives it, before it is handed to the WSGI app.

    The tag is computed as etag() computes it in Flask (werkzeug's full_path: the path, "?" and
    the raw query string); a request this cannot judge exactly (several If-None-Match or Accept
    headers, `*`) goes on to Flask, which answers it itself.
    """

    def __init__(self, app, db_path, prefix: str = "/api/"):
        self.app, self.db_path, self.prefix = app, str(db_path), prefix

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(self.prefix)
            and (tag := self.matched(scope))
        ):
            headers = [
                (b"etag", quote_etag(tag).encode()),
                (b"cache-control", CACHE_CONTROL.encode()),
                (b"vary", b"Accept"),
                *((name.lower().encode(), value.encode()) for name, value in CORS.items()),
            ]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)

    def matched(self, scope) -> str | None:
        wanted = [v for k, v in scope["headers"] if k == b"if-none-match"]
        accept = [v for k, v in scope["headers"] if k == b"accept"]
        if len(wanted) != 1 or len(accept) > 1:
            return None
        tags = parse_etags(wanted[0].decode("latin-1"))
        if tags.star_tag:
            return None
        stat = os.stat(self.db_path)
        full_path = "/" + scope["path"].lstrip("/") + "?" + scope["query_string"].decode("ascii")
        accepted = accept[0].decode("latin-1") if accept else ""
        tag = tag_for(stat.st_ino, stat.st_mtime_ns, full_path, accepted)
        return tag if tags.contains_weak(tag) else None
