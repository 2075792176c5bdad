"""Reading the built database: filtered, sorted, keyset-paged lists and single rows.

Values from a request reach SQL only as bound parameters; table and column names come from
the Listing definitions below, never from the request.
"""

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

# What the file answers, by file and question, for every connection of the process: the file
# never changes, a total over a million rows costs milliseconds and every page of a list asks for
# it; a search reads the same few tokens of the index for every query that holds them.
KEPT = 4096
_kept: OrderedDict[tuple, object] = OrderedDict()
_kept_lock = threading.Lock()
T = TypeVar("T")


class ReadOnlyConnection(sqlite3.Connection):
    """A connection to an immutable file, which knows the file (inode and time) it reads."""

    file: tuple = ()


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to an immutable database file."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} does not exist: run `portal build` first")
    stat = os.stat(path)
    conn = sqlite3.connect(
        f"file:{Path(path).resolve()}?mode=ro&immutable=1",
        uri=True,
        check_same_thread=False,
        factory=ReadOnlyConnection,
    )
    conn.file = (str(Path(path).resolve()), stat.st_ino, stat.st_mtime_ns)
    conn.row_factory = sqlite3.Row
    return conn


@dataclass(frozen=True)
class Filter:
    """A query parameter that selects rows: column IN (values), or a range on a column."""

    name: str
    column: str
    type: type = str
    op: str = "in"  # in, >=, <=
    # SQL that yields the column's values for the given values, for filters through another table.
    subquery: str | None = None


@dataclass(frozen=True)
class Listing:
    """How one table is listed: its key, filters, sortable columns and searched text."""

    table: str
    key: str
    filters: tuple[Filter, ...] = ()
    sortable: tuple[str, ...] = ()
    default_sort: tuple[str, ...] = ()
    text_columns: tuple[str, ...] = ()
    columns: tuple[str, ...] = field(default=())

    def filter(self, name: str) -> Filter:
        return next(f for f in self.filters if f.name == name)


@dataclass
class Page:
    rows: list[dict]
    total: int
    next_after: list | None  # keyset values after which the next page starts
    prev_before: list | None  # keyset values before which the previous page ends


def where_clause(listing: Listing, filters: dict, q: str | None) -> tuple[list[str], list]:
    clauses, params = [], []
    for f in listing.filters:
        value = filters.get(f.name)
        if value is None:
            continue
        if f.op == "in":
            values = list(value)
            marks = ", ".join("?" * len(values))
            if f.subquery:
                clauses.append(f"{f.column} IN ({f.subquery.format(marks=marks)})")
            else:
                clauses.append(f"{f.column} IN ({marks})")
            params.extend(values)
        else:
            clauses.append(f"{f.column} {f.op} ?")
            params.append(value)
    if q and listing.text_columns:
        for term in q.split():
            like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append(
                "(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in listing.text_columns) + ")"
            )
            params.extend([like] * len(listing.text_columns))
    return clauses, params


def keyset_clause(order: list[tuple[str, bool]], values: list, reverse: bool) -> tuple[str, list]:
    """Rows strictly after `values` in the order (or before them, if reverse)."""
    alternatives, params = [], []
    for i, (column, descending) in enumerate(order):
        parts = [f"{c} = ?" for c, _ in order[:i]]
        after = descending != reverse
        parts.append(f"{column} {'<' if after else '>'} ?")
        alternatives.append("(" + " AND ".join(parts) + ")")
        params.extend(values[: i + 1])
    return "(" + " OR ".join(alternatives) + ")", params


def select_sql(
    listing: Listing,
    *,
    filters: dict,
    q: str | None,
    sort: list[tuple[str, bool]],
    position: list | None = None,
    reverse: bool = False,
) -> tuple[str, list]:
    """The SELECT of a listing's rows in order, from just after (or before) a keyset position."""
    order = ordering(listing, sort)
    clauses, params = where_clause(listing, filters, q)
    if position is not None:
        clause, values = keyset_clause(order, position, reverse)
        clauses.append(clause)
        params.extend(values)
    direction = {False: "DESC" if reverse else "ASC", True: "ASC" if reverse else "DESC"}
    sql = (
        f"SELECT * FROM {listing.table}"
        + (" WHERE " + " AND ".join(clauses) if clauses else "")
        + " ORDER BY "
        + ", ".join(f"{column} {direction[descending]}" for column, descending in order)
    )
    return sql, params


def ordering(listing: Listing, sort: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The sort, ended by the key (in the last column's direction) so that the order is total."""
    if listing.key in [column for column, _ in sort]:
        return list(sort)
    return [*sort, (listing.key, sort[-1][1] if sort else False)]


def count_rows(conn: sqlite3.Connection, listing: Listing, *, filters: dict, q: str | None) -> int:
    clauses, params = where_clause(listing, filters, q)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return cached_count(conn, f"SELECT count(*) FROM {listing.table}{where}", params)


def remembered(conn: sqlite3.Connection, question: tuple, read: Callable[[], T]) -> T:
    """read()'s answer to a question of a ReadOnlyConnection's file, kept for the process (up to
    KEPT, the least recently asked forgotten first); other connections read again each time."""
    file = getattr(conn, "file", None)
    if not file:
        return read()
    key = (file, *question)
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    answer = read()
    with _kept_lock:
        _kept[key] = answer
        if len(_kept) > KEPT:
            _kept.popitem(last=False)
    return answer


def cached_count(conn: sqlite3.Connection, sql: str, params: list) -> int:
    """The count a query gives, remembered for a ReadOnlyConnection's file (others count again)."""
    return remembered(
        conn, ("count", sql, tuple(params)), lambda: conn.execute(sql, params).fetchone()[0]
    )


def list_rows(
    conn: sqlite3.Connection,
    listing: Listing,
    *,
    filters: dict,
    q: str | None,
    sort: list[tuple[str, bool]],
    limit: int,
    after: list | None = None,
    before: list | None = None,
) -> Page:
    """One page of rows: at most `limit`, after (or before) a keyset position."""
    reverse = before is not None
    position = before if reverse else after
    sql, params = select_sql(
        listing, filters=filters, q=q, sort=sort, position=position, reverse=reverse
    )
    fetched = [dict(r) for r in conn.execute(sql + " LIMIT ?", [*params, limit + 1])]
    more = len(fetched) > limit
    rows = fetched[:limit]
    if reverse:
        rows.reverse()
    keys = [column for column, _ in ordering(listing, sort)]
    first = [rows[0][c] for c in keys] if rows else None
    last = [rows[-1][c] for c in keys] if rows else None
    if reverse:
        next_after, prev_before = last, first if more else None
    else:
        next_after, prev_before = last if more else None, first if position is not None else None
    total = count_rows(conn, listing, filters=filters, q=q)
    return Page(rows, total, next_after, prev_before)


def iter_rows(
    conn: sqlite3.Connection,
    listing: Listing,
    *,
    filters: dict,
    q: str | None,
    sort: list[tuple[str, bool]],
    limit: int | None = None,
    after: list | None = None,
    before: list | None = None,
    batch: int = 1000,
):
    """Every row in order (or `limit` of them), fetched in batches: for streaming exports."""
    reverse = before is not None
    sql, params = select_sql(
        listing,
        filters=filters,
        q=q,
        sort=sort,
        position=before if reverse else after,
        reverse=reverse,
    )
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    cursor = conn.execute(sql, params)
    while rows := cursor.fetchmany(batch):
        yield from rows


def get_row(conn: sqlite3.Connection, listing: Listing, key: str) -> dict | None:
    row = conn.execute(f"SELECT * FROM {listing.table} WHERE {listing.key} = ?", [key]).fetchone()
    return dict(row) if row else None
