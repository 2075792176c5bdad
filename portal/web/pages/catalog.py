"""What the reading pages show, read from the built database."""

import sqlite3

from portal.web.pages.memo import kept


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, params)]


def one(conn: sqlite3.Connection, sql: str, params=()) -> dict | None:
    row = conn.execute(sql, params).fetchone()
    return dict(row) if row else None


# A plan with its region's names and how many targets, achievements and programmes it holds,
# from the plans given as {plans} (the table, or a subquery of some of its rows).
PLANS_COUNTED = """
    SELECT p.*, r.name_zh AS region_zh, r.name_en AS region_en,
      (SELECT count(*) FROM targets t WHERE t.plan_id = p.plan_id) AS targets,
      (SELECT count(*) FROM achievements a WHERE a.plan_id = p.plan_id) AS achievements,
      (SELECT count(*) FROM programs g WHERE g.plan_id = p.plan_id) AS programs
    FROM {plans} p JOIN regions r USING (region_code)"""


def plans(conn) -> list[dict]:
    """Every plan with its region and the number of its targets, achievements and programmes."""
    return rows(conn, PLANS_COUNTED.format(plans="plans") + " ORDER BY p.published_on")


def themes(conn) -> list[dict]:
    return rows(
        conn,
        """
        SELECT th.*, count(i.indicator_id) AS indicators
        FROM themes th LEFT JOIN indicators i USING (theme_id)
        GROUP BY th.theme_id ORDER BY indicators DESC, th.theme_id""",
    )


def plan(conn, plan_id: str) -> dict | None:
    return one(
        conn,
        """
        SELECT p.*, r.name_zh AS region_zh, r.name_en AS region_en
        FROM plans p JOIN regions r USING (region_code) WHERE plan_id = ?""",
        [plan_id],
    )


_INDICATOR_COLUMNS = """i.name_zh AS indicator_zh, i.name_en AS indicator_en, i.unit, i.unit_en,
    r.name_zh AS region_zh, r.name_en AS region_en"""


def targets(conn, plan_id: str) -> list[dict]:
    """A plan's targets with their indicator, region and progress."""
    return rows(
        conn,
        f"""
        SELECT t.*, {_INDICATOR_COLUMNS}, pr.baseline_value, pr.baseline_year,
               pr.final_value, pr.growth_needed, pr.growth_achieved, pr.status
        FROM targets t JOIN indicators i USING (indicator_id)
        JOIN regions r ON r.region_code = t.region_code
        LEFT JOIN progress pr USING (target_id)
        WHERE t.plan_id = ? ORDER BY t.target_id""",
        [plan_id],
    )


def achievements(conn, plan_id: str) -> list[dict]:
    return rows(
        conn,
        f"""
        SELECT a.*, {_INDICATOR_COLUMNS}
        FROM achievements a JOIN indicators i USING (indicator_id)
        JOIN regions r ON r.region_code = a.region_code
        WHERE a.plan_id = ? ORDER BY a.achievement_id""",
        [plan_id],
    )


def program_tree(conn, plan_id: str) -> list[dict]:
    """A plan's programmes as a tree: pillars with their tasks, tasks with their measures."""
    nodes = rows(
        conn, "SELECT * FROM programs WHERE plan_id = ? ORDER BY ordinal, program_id", [plan_id]
    )
    by_id = {n["program_id"]: n | {"children": []} for n in nodes}
    roots = []
    for node in by_id.values():
        parent = by_id.get(node["parent_id"])
        (parent["children"] if parent else roots).append(node)
    return roots


def indicator(conn, indicator_id: str) -> dict | None:
    return one(
        conn,
        """
        SELECT i.*, th.name_zh AS theme_zh, th.name_en AS theme_en
        FROM indicators i JOIN themes th USING (theme_id) WHERE indicator_id = ?""",
        [indicator_id],
    )


def indicators(conn, theme_id: str | None = None) -> list[dict]:
    sql = """SELECT i.*, th.name_zh AS theme_zh, th.name_en AS theme_en,
               th.description_zh AS theme_description_zh, th.description_en AS theme_description_en
             FROM indicators i JOIN themes th USING (theme_id)"""
    if theme_id:
        found = rows(conn, sql + " WHERE theme_id = ? ORDER BY i.indicator_id", [theme_id])
    else:
        found = rows(conn, sql + " ORDER BY th.theme_id, i.indicator_id")
    points = kept(conn, points_by_indicator)
    return [i | {"points": points.get(i["indicator_id"], 0)} for i in found]


def points_by_indicator(conn) -> dict[str, int]:
    """How many figures and goals each indicator has (counted once per file: millions of rows)."""
    return dict(conn.execute("SELECT indicator_id, count(*) FROM series GROUP BY indicator_id"))


def readable_url(conn, table: str, key: str) -> str | None:
    """The page a reader sees a row on."""
    if table == "plans":
        return f"/plans/{key}" if plan(conn, key) else None
    if table == "indicators":
        return f"/indicators/{key}" if indicator(conn, key) else None
    keys = {
        "targets": "target_id",
        "progress": "target_id",
        "achievements": "achievement_id",
        "programs": "program_id",
    }
    if table not in keys:
        return None
    row = one(conn, f"SELECT plan_id FROM {table} WHERE {keys[table]} = ?", [key])
    return f"/plans/{row['plan_id']}#{key}" if row else None


_FIGURE_COLUMNS = """t.comparator, t.value, t.value_text, t.qualifier_zh, t.basis, t.plan_id,
    t.source_quote,
    i.unit, i.unit_en, r.name_zh AS region_zh, r.name_en AS region_en,
    p.title_zh AS plan_zh, p.title_en AS plan_en"""
_FIGURE_JOINS = """JOIN indicators i ON i.indicator_id = t.indicator_id
    JOIN regions r ON r.region_code = t.region_code JOIN plans p ON p.plan_id = t.plan_id"""


def hit_figures(conn, target_ids: list[str], achievement_ids: list[str]) -> dict[str, dict]:
    """What a search hit on a target or achievement shows: its figure as printed, its year or
    period, its region and its plan, with the units its figure is written in; by id."""
    found = []
    if target_ids:
        found += rows(
            conn,
            f"""SELECT t.target_id AS id, 'target' AS kind, t.target_year, {_FIGURE_COLUMNS}
            FROM targets t {_FIGURE_JOINS}
            WHERE t.target_id IN ({", ".join("?" * len(target_ids))})""",
            target_ids,
        )
    if achievement_ids:
        found += rows(
            conn,
            f"""SELECT t.achievement_id AS id, 'achievement' AS kind, t.period_start,
                   t.period_end, {_FIGURE_COLUMNS}
            FROM achievements t {_FIGURE_JOINS}
            WHERE t.achievement_id IN ({", ".join("?" * len(achievement_ids))})""",
            achievement_ids,
        )
    return {row["id"]: row for row in found}


# A filter offers a choice of plans while there are few enough to read in a list; beyond, a plan
# is chosen from its own page (its search link) and the list offers provinces and larger regions.
FILTER_CHOICES = 50


def filter_choices(conn) -> tuple[list[dict], list[dict]]:
    """The plans and regions a reader may filter search by."""
    plans = rows(
        conn,
        "SELECT plan_id, title_zh, title_en, region_code FROM plans "
        f"ORDER BY published_on DESC, plan_id LIMIT {FILTER_CHOICES + 1}",
    )
    if len(plans) > FILTER_CHOICES:
        plans = []
    codes = sorted({p["region_code"] for p in plans})
    regions = rows(
        conn,
        f"""SELECT region_code, name_zh, name_en, level FROM regions
           WHERE level IN ('macro-region', 'province')
              OR region_code IN ({", ".join("?" * len(codes)) or "NULL"})
           ORDER BY region_code = 'JJJ' DESC, region_code""",
        codes,
    )
    return plans, regions


def target_notes(conn, target_ids: list[str]) -> dict[str, dict]:
    """The curators' notes of some targets, in whichever languages the targets table has."""
    if not target_ids:
        return {}
    marks = ", ".join("?" * len(target_ids))
    found = rows(conn, f"SELECT * FROM targets WHERE target_id IN ({marks})", target_ids)
    return {
        row["target_id"]: {k: v for k, v in row.items() if k.startswith("note_") and v}
        for row in found
    }
