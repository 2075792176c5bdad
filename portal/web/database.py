"""Read-only connections to the served database: one per thread, kept while the file is the same.

The file is immutable, so a connection carries nothing from one request to the next but its
caches (the parsed schema, pages read); opening a new one for every request cost about as much
as the request's queries (benchmarks/performance.py). A file replaced by a new build has another
inode, so the next request opens the new one.
"""

import os
import sqlite3
import threading

from flask import current_app, g

from portal.web import query


def file_identity() -> tuple[str, int, int]:
    """The served file: its path, inode and modification time (a new build is a new file).

    Looked at once a request: its connection, data version and ETag all name the same file.
    """
    if "portal_file" not in g:
        g.portal_file = identity_of(current_app.config["PORTAL_DB"])
    return g.portal_file


def identity_of(path) -> tuple[str, int, int]:
    """A file's path, inode and modification time: Datasette's side (portal.web.site) reopens
    the file on the same change as the API's connections."""
    stat = os.stat(path)
    return (str(path), stat.st_ino, stat.st_mtime_ns)


def get_db() -> sqlite3.Connection:
    """This thread's connection to the database file being served, for this app."""
    key = file_identity()
    local = current_app.extensions.setdefault("portal.connections", threading.local())
    connections = local.__dict__.setdefault("connections", {})
    conn = connections.get(key)
    if conn is None:
        for old in [k for k in connections if k[0] == key[0]]:
            connections.pop(old).close()
        conn = connections[key] = open_db()
    return conn


def open_db() -> sqlite3.Connection:
    """A connection of its own, for work that outlives the request (a streamed export)."""
    return query.connect(current_app.config["PORTAL_DB"])


_versions: dict[tuple, str] = {}


def data_version() -> str:
    """The data release of the database file being served (re-read when the file is replaced)."""
    key = file_identity()
    if key not in _versions:
        row = (
            get_db().execute("SELECT value FROM portal_meta WHERE key = 'data_version'").fetchone()
        )
        _versions[key] = row[0]
    return _versions[key]
