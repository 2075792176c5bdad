"""The `figures` table: every number of the plans, targets and achievements together, one flat
row each with its plan, region and indicator by name, so that a reader needs no join.

Its columns are those of schemas/figures.schema.json; the table is created from it.
"""

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
