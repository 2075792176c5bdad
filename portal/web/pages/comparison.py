"""An indicator page at national scale: a few regions compared in the chart, every figure paged.

The chart draws the series of at most MAX_REGIONS regions: those a reader chose (`regions=` in
the URL, so that a comparison can be shared), or by default the regions highest in the tree, the
ones with the largest latest figure first. The table pages through every figure of the indicator,
filtered by region and year.
"""

import math
import sqlite3
from dataclasses import dataclass

from portal.web import query
from portal.web.pages.catalog import rows
from portal.web.pages.memo import kept
from portal.web.pages.regions import RegionTree
from portal.web.pages.regions import tree as region_tree

MAX_REGIONS = 8
ROWS_PER_PAGE = 50


def requested_codes(values: list[str]) -> list[str]:
    """Region codes from `regions=` parameters, comma-separated or repeated, in order, once."""
    codes: list[str] = []
    for value in values:
        for code in value.split(","):
            code = code.strip()
            if code and code not in codes:
                codes.append(code)
    return codes


def ranking(conn: sqlite3.Connection, indicator_id: str) -> list[str]:
    """The indicator's regions, highest in the tree first, then by their latest figure, largest
    first (regions with goals only come after those with figures); kept per file."""
    return kept(conn, read_ranking, indicator_id)


def read_ranking(conn: sqlite3.Connection, indicator_id: str) -> list[str]:
    """The ranking of ranking(), read from the database."""
    regions = region_tree(conn).regions
    latest: dict[str, tuple] = {}
    # From idx_series_indicator_region alone, without reading the table's rows.
    for code, kind, year, value in conn.execute(
        "SELECT region_code, kind, year, value FROM series WHERE indicator_id = ?", [indicator_id]
    ):
        figure = (kind == "achievement" and value is not None, year, value or 0)
        if code not in latest or figure[:2] > latest[code][:2]:
            latest[code] = figure

    def rank(code: str) -> tuple:
        region = regions.get(code)
        has_figure, _, value = latest[code]
        return (region.depth if region else 99, not has_figure, -value, code)

    return sorted(latest, key=rank)


@dataclass
class Choice:
    codes: list[str]  # the regions drawn, at most MAX_REGIONS
    chosen: bool  # by the reader (else the default)
    unknown: list[str]  # codes or names asked for that are no region
    dropped: list[str]  # asked for beyond MAX_REGIONS


def choose(
    conn: sqlite3.Connection,
    tree: RegionTree,
    indicator_id: str,
    asked: list[str],
    added: str = "",
) -> Choice:
    """The regions the chart compares: those asked for (codes, and one name or code added),
    else the default ranking's first MAX_REGIONS."""
    codes, unknown = [], []
    for code in asked:
        if code in tree.regions:
            codes.append(code)
        else:
            unknown.append(code)
    if added.strip():
        region = tree.find(added)
        if region is None:
            unknown.append(added.strip())
        elif region.code not in codes:
            codes.append(region.code)
    if codes:
        return Choice(codes[:MAX_REGIONS], True, unknown, codes[MAX_REGIONS:])
    return Choice(ranking(conn, indicator_id)[:MAX_REGIONS], False, unknown, [])


_POINT_SQL = """
    SELECT s.*, r.name_zh AS region_zh, r.name_en AS region_en,
           p.title_zh AS plan_zh, p.title_en AS plan_en, pr.status
    FROM series s JOIN regions r USING (region_code) JOIN plans p USING (plan_id)
    LEFT JOIN progress pr ON pr.target_id = s.point_id"""


def chart_points(conn: sqlite3.Connection, indicator_id: str, codes: list[str]) -> list[dict]:
    """Every figure and goal of the indicator for the compared regions, by year; the regions in
    the order given (the chart's colours follow it)."""
    if not codes:
        return []
    marks = ", ".join("?" * len(codes))
    points = rows(
        conn,
        # By the regions' index (a few hundred rows each), not the indicator's (tens of thousands
        # at national scale): the unary + keeps the planner off the latter.
        f"{_POINT_SQL} WHERE +s.indicator_id = ? AND s.region_code IN ({marks})"
        " ORDER BY s.year, s.kind, s.point_id",
        [indicator_id, *codes],
    )
    position = {code: i for i, code in enumerate(codes)}
    # The chart takes its series in the order their regions first appear: put the chosen first.
    return sorted(points, key=lambda p: (position[p["region_code"]], p["year"], p["point_id"]))


@dataclass
class FiguresPage:
    rows: list[dict]
    total: int
    page: int
    pages: int


def figures_page(
    conn: sqlite3.Connection,
    indicator_id: str,
    *,
    region: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = ROWS_PER_PAGE,
) -> FiguresPage:
    """One page of the indicator's figures and goals, by year, filtered by region and year."""
    clauses, params = ["s.indicator_id = ?"], [indicator_id]
    if region:
        clauses.append("s.region_code = ?")
        params.append(region)
    if year is not None:
        clauses.append("s.year = ?")
        params.append(year)
    where = " WHERE " + " AND ".join(clauses)
    total = query.cached_count(conn, f"SELECT count(*) FROM series s{where}", params)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    # The page's keys first, from the index alone; then the joins for its rows only.
    found = rows(
        conn,
        f"""{_POINT_SQL}
        WHERE s.rowid IN (SELECT s.rowid FROM series s{where}
                             ORDER BY s.year, s.point_id LIMIT ? OFFSET ?)
        ORDER BY s.year, s.point_id""",
        [*params, per_page, (page - 1) * per_page],
    )
    return FiguresPage(found, total, page, pages)


def years(conn: sqlite3.Connection, indicator_id: str) -> list[int]:
    """The years the indicator has a figure or goal for."""
    return [
        y
        for (y,) in conn.execute(
            "SELECT DISTINCT year FROM series WHERE indicator_id = ? ORDER BY year",
            [indicator_id],
        )
    ]
