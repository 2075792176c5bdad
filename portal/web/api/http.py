"""HTTP conventions of the API: ETags and caching for immutable data, and CORS for GET.

An answer is a function of the database file, the URL and the Accept header alone, so its tag
is computed from those before anything is read: a request whose If-None-Match names it is
answered 304 at once, without parsing its arguments or running its query.
"""

import hashlib

from flask import Blueprint, Response, current_app, request

from portal.web.database import file_identity

MAX_AGE = 300


def etag() -> str:
    """A tag for this request's answer: the database file, the URL and the negotiated type."""
    _, inode, modified = file_identity()
    accept = request.headers.get("Accept", "")
    key = "|".join((str(inode), str(modified), request.full_path, accept))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def cache_headers(response: Response, tag: str) -> None:
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
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
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Disposition"
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
