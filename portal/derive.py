"""What the build derives from the curated tables: views that pages and the API share."""

import sqlite3

from . import progress, search

# Every figure and goal of an indicator as one series, one row a point, ready to draw.
SERIES = """
CREATE VIEW series AS
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

VIEWS = {"series": SERIES}


def create_derived(conn: sqlite3.Connection) -> None:
    """Create every derived view and table in a freshly loaded database."""
    for sql in VIEWS.values():
        conn.execute(sql)
    progress.create_progress(conn)
    search.create_indexes(conn)
