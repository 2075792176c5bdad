"""One read-only connection per request, closed at teardown."""

import os
import sqlite3

from flask import Flask, current_app, g

from .. import query


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = query.connect(current_app.config["PORTAL_DB"])
    return g.db


def close_db(exception=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


_versions: dict[tuple, str] = {}


def data_version() -> str:
    """The data release of the database file being served (re-read when the file is replaced)."""
    stat = os.stat(current_app.config["PORTAL_DB"])
    key = (current_app.config["PORTAL_DB"], stat.st_ino, stat.st_mtime_ns)
    if key not in _versions:
        row = (
            get_db().execute("SELECT value FROM portal_meta WHERE key = 'data_version'").fetchone()
        )
        _versions[key] = row[0]
    return _versions[key]


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
