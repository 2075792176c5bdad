"""The Datasette side of the portal: the database served read-only, with metadata.yml, held to
the limits a public server needs, and reopened when a new build replaces the file."""

import asyncio
import json
import sqlite3
import threading
from pathlib import Path
from urllib.parse import unquote_plus

import yaml
from datasette.app import Datasette
from datasette.database import Database

from portal import compat, paths
from portal.build import search_index
from portal.tableschema import load_schemas
from portal.web import datasette_hooks
from portal.web.database import identity_of
from portal.web.security import respond

DATABASE_NAME = "portal"

SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "facet_time_limit_ms": 200,
    "default_facet_size": 30,
    "num_sql_threads": 4,
    "allow_download": True,
    "default_cache_ttl": 300,
}


# Facets one request may ask for (_facet, _facet_array, _facet_date, each value counted once):
# each runs a query of its own, and each repeats every value of its column in the answer.
MAX_FACETS = 5
# Bytes of values one query may hand back (on top of the 1 000-row cap): a query of long
# generated strings stops here rather than filling the worker's memory within its time limit.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# Requests running SQL of their own (sql=, _where=) that one worker runs at once, of its
# num_sql_threads: the others are left for table pages, facets and counts.
MAX_SQL_AT_ONCE = 2


class AnswerTooLarge(sqlite3.DataError):
    pass


class BudgetCursor(sqlite3.Cursor):
    """A cursor that stops a query whose rows hold more than MAX_ANSWER_BYTES of values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = MAX_ANSWER_BYTES

    def execute(self, *args, **kwargs):
        self.budget = MAX_ANSWER_BYTES
        return super().execute(*args, **kwargs)

    def _count(self, row):
        if row is not None:
            self.budget -= sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
            if self.budget < 0:
                raise AnswerTooLarge(
                    f"The answer would be larger than {MAX_ANSWER_BYTES // 2**20} MB; "
                    "ask for fewer rows or shorter values."
                )
        return row

    def fetchone(self):
        return self._count(super().fetchone())

    def fetchmany(self, size=None):
        rows = []
        for _ in range(self.arraysize if size is None else size):
            row = self.fetchone()
            if row is None:
                break
            rows.append(row)
        return rows

    def fetchall(self):
        return list(iter(self.fetchone, None))

    def __next__(self):
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row


class BudgetConnection(sqlite3.Connection):
    def cursor(self, factory=BudgetCursor):
        return super().cursor(factory)


# ServedFile overrides and clears Datasette internals: see portal.compat.
class ServedFile(Database):
    """The database file as Datasette reads it: immutable, each thread's connection kept while
    the file is the same, and replaced when a new build has replaced the file (another inode or
    modification time, portal.web.database.identity_of), as the API's connections are. So the
    whole portal serves one data version at a time, without a reload."""

    def __init__(self, ds, path: Path):
        super().__init__(ds, path=str(path), is_mutable=False)
        self._local = threading.local()
        self._identity = None

    def connect(self, write=False):
        assert not write, "the served file is read-only"
        return sqlite3.connect(
            f"file:{self.path}?immutable=1",
            uri=True,
            check_same_thread=False,
            factory=BudgetConnection,
        )

    async def execute_fn(self, fn):
        identity = identity_of(self.path)
        if identity != self._identity:
            if self._identity is not None:
                await self._forget()
            self._identity = identity

        def in_thread():
            held = getattr(self._local, "held", None)
            if held is None or held[0] != identity:
                if held is not None:
                    held[1].close()
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                self._local.held = held = (identity, conn)
            return fn(held[1])

        if self.ds.executor is None:
            return in_thread()
        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)

    async def _forget(self):
        """Drop what Datasette keeps about the previous file: counts, hash, size, schema."""
        self.cached_hash = self.cached_size = self._cached_table_counts = None
        if self.ds.internal_db_created:
            await self.ds.get_database("_internal").execute_write(
                "DELETE FROM databases WHERE database_name = ?", [self.name]
            )


class HeldToLimits:
    """Datasette's ASGI app, with each facet asked for once and at most MAX_FACETS of them, and
    at most MAX_SQL_AT_ONCE requests of a worker running SQL of the client's own (sql, _where)
    at once: more are answered 503 with Retry-After at once, so that such queries, each up to
    the time limit, never hold every one of Datasette's SQL threads and the table pages, facets
    and API of other readers keep being answered."""

    def __init__(self, app):
        self.app = app
        self.sql_running = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope.get("query_string"):
            return await self.app(scope, receive, send)
        kept, facets, own_sql = [], set(), False
        for pair in scope["query_string"].split(b"&"):
            name, _, value = pair.partition(b"=")
            name = unquote_plus(name.decode("latin-1"))
            own_sql = own_sql or name in ("sql", "_where")
            if name.startswith("_facet") and name != "_facet_size":
                facet = (name, unquote_plus(value.decode("latin-1")))
                if facet in facets:
                    continue
                facets.add(facet)
            kept.append(pair)
        if len(facets) > MAX_FACETS:
            message = f"At most {MAX_FACETS} facets at once; this request asks for {len(facets)}."
            return await refuse(scope, send, 400, message)
        scope = {**scope, "query_string": b"&".join(kept)}
        if not own_sql:
            return await self.app(scope, receive, send)
        if self.sql_running >= MAX_SQL_AT_ONCE:
            message = "As many SQL queries as this server runs at once are running; try again."
            return await refuse(scope, send, 503, message, [(b"retry-after", b"1")])
        self.sql_running += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.sql_running -= 1


async def refuse(scope, send, status: int, message: str, headers=()):
    """Datasette's error shape for .json, plain text for pages."""
    if scope.get("path", "").endswith(".json"):
        body = json.dumps({"ok": False, "error": message, "status": status, "title": None})
        kind = b"application/json; charset=utf-8"
    else:
        body, kind = message, b"text/plain; charset=utf-8"
    await respond(send, status, kind, body.encode(), list(headers))


def load_metadata(metadata_path: Path | None = None) -> dict:
    """metadata.yml (what is Datasette's own: labels, sorts, facets) with every table's title,
    description and column descriptions taken from its Table Schema, in both languages."""
    metadata = yaml.safe_load(Path(metadata_path or paths.METADATA).read_text(encoding="utf-8"))
    tables = (
        metadata.setdefault("databases", {}).setdefault(DATABASE_NAME, {}).setdefault("tables", {})
    )
    for table in search_index.INDEXED:
        tables.setdefault(table, {}).setdefault("fts_table", search_index.fts_table(table))
    # The search's own table of tokens, hidden like the FTS tables Datasette hides itself.
    tables.setdefault(search_index.TERMS, {}).setdefault("hidden", True)
    for name, schema in load_schemas(derived=True).items():
        table = tables.setdefault(name, {})
        table.setdefault("title", f"{schema.title_zh} · {schema.title}")
        table.setdefault("description", f"{schema.description_zh} {schema.description}")
        columns = table.setdefault("columns", {})
        for f in schema.fields:
            columns.setdefault(f.name, describe(f))
    return metadata


def describe(field) -> str:
    """A column's description in Datasette: 比较方式 · Comparator: How the value bounds the goal."""
    return f"{field.title_zh} · {field.title}: {field.description}"


def create_datasette(db_path: Path | None = None) -> Datasette:
    """A Datasette serving the built database, immutable, under the name `portal`."""
    db_path = Path(db_path or paths.database_path())
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path} does not exist: run `portal build` first")
    compat.use_error_handler(datasette_hooks)
    datasette = Datasette(
        metadata=load_metadata(),
        settings=SETTINGS,
        template_dir=str(paths.TEMPLATES / "datasette"),
    )
    datasette.add_database(ServedFile(datasette, db_path), name=DATABASE_NAME)
    if "_memory" in datasette.databases:
        datasette.remove_database("_memory")
    return datasette
