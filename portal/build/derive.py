"""What the build derives from the curated tables: tables that pages and the API share."""

import sqlite3

from portal.build import figures, progress, search_index

# Every figure and goal of an indicator as one series, one row a point, ready to draw. A table
# rather than a view: a view of the two tables has to gather and sort every point of an
# indicator (tens of thousands at national scale) for each page; the table's index reads a page.
SERIES = """
CREATE TABLE series AS
SELECT achievement_id AS point_id, 'achievement' AS kind, indicator_id, plan_id, region_code,
       period_end AS year, period_start, period_end, comparator, value, value_text,
       qualifier_zh, basis, section, source_quote
FROM achievements
UNION ALL
SELECT target_id, 'target', indicator_id, plan_id, region_code,
       target_year, NULL, target_year, comparator, value, value_text,
       qualifier_zh, basis, section, source_quote
FROM targets
"""

TABLES = {"series": SERIES}
INDEXES = [
    "CREATE INDEX idx_series_indicator_year ON series (indicator_id, year, point_id)",
    "CREATE INDEX idx_series_plan ON series (plan_id)",
    "CREATE INDEX idx_series_region ON series (region_code, year)",
]


def create_derived(conn: sqlite3.Connection) -> None:
    """Create every derived table in a freshly loaded database."""
    for sql in TABLES.values():
        conn.execute(sql)
    for sql in INDEXES:
        conn.execute(sql)
    progress.create_progress(conn)
    figures.create_figures(conn)
    search_index.create_indexes(conn)
