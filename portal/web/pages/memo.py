"""What a page reads once per database file and keeps: the file never changes while served.

A connection to the served file names it (path, inode, modification time); answers are kept
under that name, so a new build of the same path is read afresh and the old answers dropped.
Connections that name no file (tests' own) are answered afresh every time.
"""

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable

KEPT = 2048
_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def kept(conn: sqlite3.Connection, compute: Callable, *args):
    """compute(conn, *args), read once per database file."""
    file = getattr(conn, "file", None)
    if not file:
        return compute(conn, *args)
    key = (file, compute.__module__, compute.__qualname__, args)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    value = compute(conn, *args)
    with _lock:
        for old in [k for k in _kept if k[0][0] == file[0] and k[0] != file]:
            del _kept[old]  # an earlier build of the same path
        _kept[key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value
