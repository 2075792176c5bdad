"""HTTP conventions of the API: ETags and caching for immutable data, and CORS for GET."""

import hashlib
import os

from flask import Blueprint, Response, current_app, request

MAX_AGE = 300


def etag() -> str:
    """A tag for this request's answer: the database file, the URL and the negotiated type."""
    stat = os.stat(current_app.config["PORTAL_DB"])
    key = "|".join(
        (
            str(stat.st_ino),
            str(stat.st_mtime_ns),
            str(stat.st_size),
            request.full_path,
            request.headers.get("Accept", ""),
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def not_modified() -> Response | None:
    """A 304 when the client already holds this answer (the database is immutable)."""
    if request.method not in ("GET", "HEAD") or not request.if_none_match:
        return None
    tag = etag()
    if request.if_none_match.contains(tag):
        response = Response(status=304)
        response.set_etag(tag)
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response
    return None


def add_headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Disposition"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.set_etag(etag())
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        response.vary.add("Accept")
    return response


def init_blueprint(blueprint: Blueprint) -> None:
    blueprint.before_request(not_modified)
    blueprint.after_request(add_headers)
