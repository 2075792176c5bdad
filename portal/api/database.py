"""One read-only connection per request, closed at teardown."""

import os
import sqlite3

from flask import Flask, current_app, g

from .. import query


def get_db() -> sqlite3.Connection:
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = open_db()
    return g.db


def open_db() -> sqlite3.Connection:
    """A connection of its own, for work that outlives the request (a streamed export)."""
    return query.connect(current_app.config["PORTAL_DB"])


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
