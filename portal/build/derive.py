"""What the build derives from the curated tables: tables that pages and the API share, each
created from its Table Schema (schemas/series.schema.json, schemas/progress.schema.json)."""

import sqlite3

from portal.build import progress, search_index
from portal.tableschema import TableSchema

# Every figure and goal of an indicator as one series, one row a point, ready to draw. A table
# rather than a view: a view of the two tables has to gather and sort every point of an
# indicator (tens of thousands at national scale) for each page; the table's index reads a page.
# The SELECTs give the schema's columns in its order.
SERIES_ROWS = """
SELECT achievement_id, 'achievement', indicator_id, plan_id, region_code,
       period_end, period_start, period_end, comparator, value, value_text,
       qualifier_zh, basis, section, source_quote
FROM achievements
UNION ALL
SELECT target_id, 'target', indicator_id, plan_id, region_code,
       target_year, NULL, target_year, comparator, value, value_text,
       qualifier_zh, basis, section, source_quote
FROM targets
"""

INDEXES = [
    "CREATE INDEX idx_series_indicator_year ON series (indicator_id, year, point_id)",
    "CREATE INDEX idx_series_plan ON series (plan_id)",
    "CREATE INDEX idx_series_region ON series (region_code, year)",
]


def create_series(conn: sqlite3.Connection, schema: TableSchema) -> None:
    conn.execute(schema.create_sql())
    columns = ", ".join(f"[{c}]" for c in schema.field_names)
    conn.execute(f"INSERT INTO series ({columns}) {SERIES_ROWS}")
    for sql in INDEXES:
        conn.execute(sql)


def create_derived(conn: sqlite3.Connection, schemas: dict[str, TableSchema]) -> None:
    """Create every derived table in a freshly loaded database, from its schema."""
    create_series(conn, schemas["series"])
    progress.create_progress(conn, schemas["progress"])
    search_index.create_indexes(conn)
