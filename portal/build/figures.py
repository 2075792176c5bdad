"""The `figures` table: every number of the plans, targets and achievements together, one flat
row each with its plan, region and indicator by name, so that a reader needs no join.

Its columns are those of schemas/figures.schema.json; the table is created from it.
"""

import json
import sqlite3

from portal.tableschema import TableSchema

# Each column of the table from the tables it is derived from (f: the figure, p: its plan,
# r: its region, i: its indicator), for an achievement and for a target. A target is a goal
# for one year; an achievement covers a period and is dated by its last year.
SOURCES = {
    "figure_id": ("achievement_id", "target_id"),
    "kind": ("'achievement'", "'target'"),
    "plan_id": ("f.plan_id", "f.plan_id"),
    "plan_title_zh": ("p.title_zh", "p.title_zh"),
    "plan_title_en": ("p.title_en", "p.title_en"),
    "region_code": ("f.region_code", "f.region_code"),
    "region_name_zh": ("r.name_zh", "r.name_zh"),
    "region_name_en": ("r.name_en", "r.name_en"),
    "indicator_id": ("f.indicator_id", "f.indicator_id"),
    "indicator_name_zh": ("i.name_zh", "i.name_zh"),
    "indicator_name_en": ("i.name_en", "i.name_en"),
    "unit": ("i.unit", "i.unit"),
    "unit_en": ("i.unit_en", "i.unit_en"),
    "basis": ("f.basis", "f.basis"),
    "year": ("f.period_end", "f.target_year"),
    "period_start": ("f.period_start", "NULL"),
    "comparator": ("f.comparator", "f.comparator"),
    "value": ("f.value", "f.value"),
    "value_text": ("f.value_text", "f.value_text"),
    "qualifier_zh": ("f.qualifier_zh", "f.qualifier_zh"),
    "section": ("f.section", "f.section"),
    "source_quote": ("f.source_quote", "f.source_quote"),
    "note_en": ("f.note_en", "f.note_en"),
    "note_zh": ("f.note_zh", "f.note_zh"),
}

_JOINS = """FROM {table} f JOIN plans p ON p.plan_id = f.plan_id
  JOIN regions r ON r.region_code = f.region_code
  JOIN indicators i ON i.indicator_id = f.indicator_id"""

INDEXES = ("plan_id", "indicator_id", "region_code", "year")


def select_sql(schema: TableSchema) -> str:
    """Targets then achievements, each in its curated (file) order, as rows of the schema."""
    names = schema.field_names
    targets = ", ".join(f"{SOURCES[c][1]} AS [{c}]" for c in names)
    achievements = ", ".join(f"{SOURCES[c][0]} AS [{c}]" for c in names)
    return (
        f"SELECT {targets}, 0 AS part, f.rowid AS line {_JOINS.format(table='targets')}"
        f" UNION ALL SELECT {achievements}, 1, f.rowid {_JOINS.format(table='achievements')}"
        " ORDER BY part, line"
    )


def create_figures(conn: sqlite3.Connection, schema: TableSchema) -> None:
    """Create the figures table from its schema and fill it from the curated tables."""
    conn.execute(schema.create_sql())
    columns = ", ".join(f"[{c}]" for c in schema.field_names)
    rows = select_sql(schema)
    conn.execute(f"INSERT INTO [{schema.name}] ({columns}) SELECT {columns} FROM ({rows})")
    for column in INDEXES:
        conn.execute(f"CREATE INDEX idx_{schema.name}_{column} ON [{schema.name}] ([{column}])")


# Past this many regions, a compilation's coverage names the top regions that hold them (a
# national database's provinces) instead of every county: a page's description stays small.
MAX_PLACES = 50


def coverage(conn: sqlite3.Connection, plan_id: str | None = None) -> dict:
    """The years and regions the figures cover, for all plans or one: {"start", "end",
    "regions": [[code, name_zh, name_en], ...]}. For all plans it reads the whole figures
    table, so the build stores it (portal_meta `coverage`, stored_coverage reads it)."""
    where, params = ("WHERE plan_id = ?", [plan_id]) if plan_id else ("", [])
    first, last = conn.execute(
        f"SELECT min(coalesce(period_start, year)), max(year) FROM figures {where}", params
    ).fetchone()
    covered = f"SELECT region_code FROM figures {where} UNION SELECT region_code FROM plans {where}"
    regions = conn.execute(
        f"SELECT region_code, name_zh, name_en FROM regions WHERE region_code IN ({covered})"
        " ORDER BY region_code",
        params * 2,
    ).fetchall()
    if len(regions) > MAX_PLACES:
        regions = conn.execute(
            f"""WITH RECURSIVE up(code, top) AS (
                  SELECT region_code, region_code FROM regions WHERE coalesce(parent_code, '') = ''
                  UNION ALL
                  SELECT r.region_code, up.top FROM regions r JOIN up ON r.parent_code = up.code)
                SELECT region_code, name_zh, name_en FROM regions WHERE region_code IN
                  (SELECT top FROM up WHERE code IN ({covered}))
                ORDER BY region_code""",
            params * 2,
        ).fetchall()
    return {"start": first, "end": last, "regions": [list(region) for region in regions]}


def store_coverage(conn: sqlite3.Connection) -> None:
    """Write the whole compilation's coverage into portal_meta, read once at build time."""
    conn.execute(
        "INSERT OR REPLACE INTO portal_meta (key, value) VALUES ('coverage', ?)",
        [json.dumps(coverage(conn), ensure_ascii=False)],
    )


def stored_coverage(conn: sqlite3.Connection) -> dict:
    """The whole compilation's coverage as the build stored it."""
    row = conn.execute("SELECT value FROM portal_meta WHERE key = 'coverage'").fetchone()
    return json.loads(row[0])
