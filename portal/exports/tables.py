"""Reading the built database for exports: its release and each table's rows in file order."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from functools import cache
from pathlib import Path

from portal.release import Release, current_release
from portal.tableschema import DERIVED_TABLES, TABLES, TableSchema, load_schemas

# Tables the build derives from the curated ones, each with its Table Schema in schemas/.
DERIVED = DERIVED_TABLES
# What a download holds: the curated tables, then the derived ones.
PUBLISHED = TABLES + DERIVED


def connect(db_path: Path) -> sqlite3.Connection:
    """A read-only connection: exports never write to the published database."""
    return sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)


def data_release(db_path: Path) -> Release:
    """The release the database was built from (portal_meta), else the changelog's newest."""
    with closing(connect(db_path)) as conn:
        try:
            meta = dict(conn.execute("SELECT key, value FROM portal_meta"))
        except sqlite3.OperationalError:
            meta = {}
    if "data_version" in meta and "data_date" in meta:
        return Release(meta["data_version"], meta["data_date"])
    return current_release()


def table_rows(conn: sqlite3.Connection, schema: TableSchema, limit: int = -1) -> Iterator[tuple]:
    """The rows of a table as tuples in schema column order, in the order of its CSV."""
    columns = ", ".join(f'"{name}"' for name in schema.field_names)
    # The build inserts rows in file order, so rowid order is the curated order.
    sql = f'SELECT {columns} FROM "{schema.name}" ORDER BY rowid LIMIT ?'
    yield from conn.execute(sql, (limit,))


def plans(db_path: Path) -> list[dict]:
    """The source documents, in the order of the plans table."""
    with closing(connect(db_path)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM plans ORDER BY rowid")]


@cache
def published_schemas(schemas_dir: Path | None = None) -> dict[str, TableSchema]:
    """The Table Schema of every published table, curated then derived."""
    return load_schemas(schemas_dir, derived=True)
