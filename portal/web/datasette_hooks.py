"""Datasette plugin hooks of the portal, registered by portal.site."""

import logging
import re
import sqlite3
import threading

from datasette import Response, hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

from portal.build import search_index

NOTHING = '""'  # an FTS5 query that matches no row

log = logging.getLogger(__name__)

# What Datasette raises, unanswered, on values a request brings: an unknown sort column or a bad
# _through (DatasetteError with its default 500), a NUL byte (ProgrammingError), a number too big
# for SQLite (OverflowError), an offset past SQLite's range (IntegrityError), a word where a number
# goes (ValueError), malformed JSON in _through (ValueError, KeyError, TypeError). The database is
# an immutable file, so these come from the request: the client's error, a 400, not the server's.
INPUT_ERRORS = (
    ValueError,
    OverflowError,
    TypeError,
    KeyError,
    IndexError,
    sqlite3.ProgrammingError,
    sqlite3.InterfaceError,
    sqlite3.IntegrityError,
    sqlite3.DataError,
)
TOO_LONG = "SQL query took too long"  # Datasette's words for its time limit


def escape_fts(query: str) -> str:
    """Datasette's search box, with the portal's Chinese-aware query (see portal.search)."""
    return search_index.fts_query(query or "") or NOTHING


# SQLite functions that answer something about the server rather than the data: fts3_tokenizer
# answers a process address; load_extension would load code (it is off anyway).
REFUSED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
# Columns read as NULL: pragma_database_list's file is the absolute path of the database.
HIDDEN_COLUMNS = {("pragma_database_list", "file")}
# No value longer than this (the longest in the data is well under 1 kB): a single call such as
# printf('%.*c', 900000000, 'x') or zeroblob(1e9) allocates at once, between two checks of the
# time limit, so only a cap on length stops it.
MAX_VALUE_BYTES = 1_000_000
MAX_COLUMNS = 100  # of a table, an index or a result row


# printf('%.*c', N, 'x') repeats a character N times in one step, one character at a time even
# once the value is past the length cap (some 4 s for N = 50 million, here): a width or
# precision above the cap answers NULL, as a value past the cap does, without running it.
PRINTF_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?(%|[a-zA-Z])")
_printf = threading.local()


def printf_sizes(fmt: str, args) -> list[int]:
    """The widths and precisions a printf format asks for, with its arguments for each *."""
    sizes, position = [], 0
    for width, precision, conversion in PRINTF_SPEC.findall(fmt):
        for part in (width, precision):
            if part == "*":
                value = args[position] if position < len(args) else 0
                position += 1
                try:
                    sizes.append(abs(int(float(value or 0))))
                except (TypeError, ValueError, OverflowError):
                    sizes.append(0)
            elif part:
                sizes.append(int(part))
        if conversion != "%":
            position += 1
    return sizes


def bounded_printf(fmt, *args):
    """SQLite's printf (and format), for a width and precision within MAX_VALUE_BYTES."""
    if fmt is None:
        return None
    if any(size > MAX_VALUE_BYTES for size in printf_sizes(str(fmt), args)):
        return None  # as SQLite's printf answers a value past the length cap
    conn = getattr(_printf, "conn", None)
    if conn is None:
        conn = _printf.conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    marks = ", ".join("?" * (len(args) + 1))
    return conn.execute(f"SELECT printf({marks})", [fmt, *args]).fetchone()[0]


def authorize(action, name, detail, database, trigger):
    if action == sqlite3.SQLITE_FUNCTION and (detail or "").lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (name, detail) in HIDDEN_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: replace Datasette's own escape_fts, which its default plugin registers first.
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    conn.create_function("printf", -1, bounded_printf, deterministic=True)
    conn.create_function("format", -1, bounded_printf, deterministic=True)
    conn.set_authorizer(authorize)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, MAX_COLUMNS)


def classify(exception: Exception) -> tuple[int, str, str | None, dict]:
    """(status, message, title, extra fields) of the answer to an exception."""
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0] if exception.args else ""), None, {}
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        # Datasette's own 500s (an unknown sort column, a bad _through) are all about the request.
        status = 400 if exception.status == 500 else exception.status
        return status, message, exception.title, dict(exception.error_dict)
    if isinstance(exception, QueryInterrupted):  # the CSV export lets the time limit through
        return 400, TOO_LONG, "SQL Interrupted", {}
    if isinstance(exception, INPUT_ERRORS):
        return 400, str(exception) or type(exception).__name__, None, {}
    return 500, "The server failed to answer this request; it has been logged.", None, {}


# Replaces Datasette's own handler, unregistered by portal.compat.use_error_handler.
@hookimpl
def handle_exception(datasette, request, exception):
    """Every error of Datasette's pages: 4xx for the request's faults, 500 logged once.

    It replaces Datasette's handler, which prints every exception with its local variables (with
    rich, where installed): half a second of work and a page of log for each bad request.
    """

    async def answer():
        status, message, title, info = classify(exception)
        if status >= 500:
            log.error("unhandled error at %s", request.path, exc_info=exception)
        elif not isinstance(exception, (Base400, DatasetteError)):
            log.info("%s for %s: %s: %s", status, request.path, type(exception).__name__, exception)
        info |= {"ok": False, "error": message, "status": status, "title": title}
        headers = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        context = info | {
            "urls": datasette.urls,
            "app_css_hash": datasette.app_css_hash(),
            "menu_links": lambda: [],
        }
        return Response.html(await template.render_async(context), status=status, headers=headers)

    return answer
