"""The apps the portal is measured against, each served by the portal's own gunicorn settings.

    gunicorn -c gunicorn.conf.py --pythonpath benchmarks 'apps:hello()'
    gunicorn -c gunicorn.conf.py --pythonpath benchmarks 'apps:minimal()'
    gunicorn -c gunicorn.conf.py --pythonpath benchmarks 'apps:datasette()'
    gunicorn -w 2 --pythonpath benchmarks 'apps:minimal_wsgi()'

`hello` is the ceiling: an ASGI app that answers five bytes. `minimal` is what a developer would
write by hand for the filtered list: Flask and sqlite3, one SQL query for the page and one for the
total, the same JSON envelope as the portal, behind the same WSGI-to-ASGI bridge
(portal.web.bridge). `datasette` is the portal's Datasette alone (immutable, the same settings
and metadata), without the API.
`minimal_wsgi` is the same Flask app as a plain WSGI app, for gunicorn's default sync workers
(one request at a time, no keep-alive): what a developer would deploy by hand.
"""

import json
import os
import sqlite3
import threading

from flask import Flask, Response, request

from portal.web.bridge import Bridge
from portal.web.site import create_datasette


def hello():
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"5")],
            }
        )
        await send({"type": "http.response.body", "body": b"hello"})

    return app


def minimal():
    return Bridge(minimal_wsgi(), workers=8)


def minimal_wsgi():
    path = os.environ["PORTAL_DB"]
    local = threading.local()
    app = Flask(__name__)

    def db() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            local.conn.row_factory = sqlite3.Row
        return local.conn

    @app.get("/targets")
    def targets():
        region, year = request.args["region_code"], int(request.args["target_year"])
        limit = int(request.args.get("limit", 50))
        where = "WHERE region_code = ? AND target_year = ?"
        rows = [
            dict(r)
            for r in db().execute(
                f"SELECT * FROM targets {where} ORDER BY target_id LIMIT ?", [region, year, limit]
            )
        ]
        total = db().execute(f"SELECT count(*) FROM targets {where}", [region, year]).fetchone()[0]
        version = db().execute("SELECT value FROM portal_meta WHERE key = 'data_version'")
        body = {
            "data": rows,
            "meta": {
                "total": total,
                "count": len(rows),
                "limit": limit,
                "sort": "target_id",
                "data_version": version.fetchone()[0],
            },
            "links": {"self": request.full_path, "next": None, "prev": None},
        }
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")

    return app


def datasette():
    return create_datasette(os.environ["PORTAL_DB"]).app()
