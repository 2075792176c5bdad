"""Places: the region tree with what each region and the regions within it publish.

The tree and its counts are read once per database file and kept: the file never changes, and
counting a million targets by region costs more than a page may (benchmarks/pages.py).
"""

import sqlite3
from dataclasses import dataclass, field

from portal.web.pages.catalog import PLANS_COUNTED, rows
from portal.web.pages.memo import kept

PLANS_PER_PAGE = 25
NEWEST_PLANS = 10


@dataclass
class Region:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str | None
    children: list["Region"] = field(default_factory=list)
    plans: int = 0  # its own
    targets: int = 0
    plans_within: int = 0  # its own and those of every region within it
    targets_within: int = 0
    depth: int = 0  # 0 at the top of the tree

    def get(self, key: str, default=None):
        """Read like a row, so that i18n.pick(region, 'name') works."""
        return getattr(self, key, default)

    @property
    def region_code(self) -> str:
        return self.code


@dataclass
class RegionTree:
    regions: dict[str, Region]
    top: list[Region]
    names: dict[str, list[Region]]  # lower-cased Chinese and English names, and codes

    def ancestors(self, region: Region) -> list[Region]:
        """The regions enclosing one, the top first."""
        chain, seen = [], {region.code}
        parent = self.regions.get(region.parent_code or "")
        while parent is not None and parent.code not in seen:
            chain.append(parent)
            seen.add(parent.code)
            parent = self.regions.get(parent.parent_code or "")
        return chain[::-1]

    def find(self, text: str) -> Region | None:
        """The region a reader means by a code or a name (the highest level if several share it);
        a name's beginning is enough when only one region starts with it."""
        text = text.strip()
        if not text:
            return None
        if text in self.regions:
            return self.regions[text]
        exact = self.names.get(text.lower())
        if exact:
            return min(exact, key=lambda r: (r.depth, r.code))
        prefix = text.lower()
        starting = {
            r.code: r
            for name, found in self.names.items()
            if name.startswith(prefix)
            for r in found
        }
        if len(starting) == 1:
            return next(iter(starting.values()))
        return None


def tree(conn: sqlite3.Connection) -> RegionTree:
    """The region tree of the connection's file, with counts (read once per file)."""
    return kept(conn, read_tree)


def read_tree(conn: sqlite3.Connection) -> RegionTree:
    """Every region with its parent, children, depth and counts, read from the database."""
    regions = {
        r["region_code"]: Region(
            r["region_code"], r["name_zh"], r["name_en"], r["level"], r["parent_code"] or None
        )
        for r in conn.execute(
            "SELECT region_code, name_zh, name_en, level, parent_code FROM regions"
        )
    }
    for code, n in conn.execute("SELECT region_code, count(*) FROM plans GROUP BY region_code"):
        regions[code].plans = n
    for code, n in conn.execute("SELECT region_code, count(*) FROM targets GROUP BY region_code"):
        regions[code].targets = n
    top = []
    for region in regions.values():
        parent = regions.get(region.parent_code or "")
        (parent.children if parent else top).append(region)
    names: dict[str, list[Region]] = {}
    for region in regions.values():
        region.children.sort(key=lambda r: r.code)
        for name in {region.name_zh.lower(), region.name_en.lower()}:
            names.setdefault(name, []).append(region)
    top.sort(key=lambda r: r.code)

    def total(region: Region, depth: int, seen: set) -> None:
        seen.add(region.code)
        region.depth = depth
        region.plans_within, region.targets_within = region.plans, region.targets
        for child in region.children:
            if child.code not in seen:
                total(child, depth + 1, seen)
                region.plans_within += child.plans_within
                region.targets_within += child.targets_within

    seen: set[str] = set()
    for region in top:
        total(region, 0, seen)
    return RegionTree(regions, top, names)


def newest_plans(conn: sqlite3.Connection, limit: int = NEWEST_PLANS) -> list[dict]:
    """The latest published plans, with their region and how many rows each holds."""
    return kept(conn, read_newest_plans, limit)


def read_newest_plans(conn: sqlite3.Connection, limit: int) -> list[dict]:
    """The newest plans, read from the database (newest_plans keeps them)."""
    newest = "(SELECT * FROM plans ORDER BY published_on DESC, plan_id LIMIT ?)"
    sql = PLANS_COUNTED.format(plans=newest) + " ORDER BY p.published_on DESC, p.plan_id"
    return rows(conn, sql, [limit])


def region_plans(
    conn: sqlite3.Connection, code: str, page: int, per_page: int = PLANS_PER_PAGE
) -> list[dict]:
    """One page of a region's own plans, the newest first."""
    return rows(
        conn,
        """
        SELECT plan_id, title_zh, title_en, doc_type, published_on, period_start, period_end
        FROM plans WHERE region_code = ? ORDER BY published_on DESC, plan_id LIMIT ? OFFSET ?""",
        [code, per_page, (page - 1) * per_page],
    )


def region_indicators(conn: sqlite3.Connection, code: str) -> list[dict]:
    """Each indicator a region's plans speak of, with its latest figure and its furthest goal."""
    points = rows(
        conn,
        """
        SELECT s.point_id, s.kind, s.indicator_id, s.plan_id, s.year, s.period_start,
               s.comparator, s.value, s.value_text, s.qualifier_zh, s.basis,
               i.name_zh, i.name_en, i.unit, i.unit_en, i.theme_id
        FROM series s JOIN indicators i USING (indicator_id)
        WHERE s.region_code = ?""",
        [code],
    )
    found: dict[str, dict] = {}
    for point in points:
        entry = found.setdefault(
            point["indicator_id"],
            {
                key: point[key]
                for key in ("indicator_id", "name_zh", "name_en", "unit", "unit_en", "theme_id")
            }
            | {"latest": None, "goal": None, "figures": 0, "goals": 0},
        )
        order = (point["year"], point["value"] is not None, point["point_id"])
        if point["kind"] == "achievement":
            entry["figures"] += 1
            if entry["latest"] is None or order > entry["latest"]["order"]:
                entry["latest"] = point | {"order": order}
        else:
            entry["goals"] += 1
            if entry["goal"] is None or order > entry["goal"]["order"]:
                entry["goal"] = point | {"order": order}
    return sorted(found.values(), key=lambda e: (e["theme_id"], e["indicator_id"]))
