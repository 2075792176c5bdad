"""Reading the built database: filtered, sorted, keyset-paged lists and single rows.

Values from a request reach SQL only as bound parameters; table and column names come from
the Listing definitions below, never from the request.
"""

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to an immutable database file."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} does not exist: run `portal build` first")
    conn = sqlite3.connect(
        f"file:{Path(path).resolve()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )
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
    if q:
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
    order = list(sort) + (
        [(listing.key, sort[-1][1] if sort else False)]
        if listing.key not in [c for c, _ in sort]
        else []
    )
    clauses, params = where_clause(listing, filters, q)
    total = conn.execute(
        f"SELECT count(*) FROM {listing.table}"
        + (" WHERE " + " AND ".join(clauses) if clauses else ""),
        params,
    ).fetchone()[0]
    reverse = before is not None
    position = before if reverse else after
    page_clauses, page_params = list(clauses), list(params)
    if position is not None:
        clause, values = keyset_clause(order, position, reverse)
        page_clauses.append(clause)
        page_params.extend(values)
    direction = lambda desc: "DESC" if desc != reverse else "ASC"  # noqa: E731
    sql = (
        f"SELECT * FROM {listing.table}"
        + (" WHERE " + " AND ".join(page_clauses) if page_clauses else "")
        + " ORDER BY "
        + ", ".join(f"{c} {direction(d)}" for c, d in order)
        + " LIMIT ?"
    )
    fetched = [dict(r) for r in conn.execute(sql, [*page_params, limit + 1])]
    more = len(fetched) > limit
    rows = fetched[:limit]
    if reverse:
        rows.reverse()
    keys = [c for c, _ in order]
    first = [rows[0][c] for c in keys] if rows else None
    last = [rows[-1][c] for c in keys] if rows else None
    if reverse:
        next_after = last if rows else None
        prev_before = first if more else None
    else:
        next_after = last if more else None
        prev_before = first if position is not None and rows else None
    return Page(rows, total, next_after, prev_before)


def get_row(conn: sqlite3.Connection, listing: Listing, key: str) -> dict | None:
    row = conn.execute(f"SELECT * FROM {listing.table} WHERE {listing.key} = ?", [key]).fetchone()
    return dict(row) if row else None
