"""What a page says about progress: a plan's goals counted by status, as of the data release."""

import sqlite3

from portal.build.progress import STATUSES

# Statuses of a target whose year is over: what the published documents tell of it.
PASSED = ("met", "not_met", "no_figure_for_year")


def as_of(conn: sqlite3.Connection) -> int | None:
    """The year progress is assessed in: that of the data release."""
    row = conn.execute("SELECT value FROM portal_meta WHERE key = 'data_date'").fetchone()
    return int(row[0][:4]) if row and row[0] else None


def summary(targets: list[dict]) -> dict:
    """How many goals, with a number, with a baseline, qualitative, and how many of each status,
    those of target years that are over apart from those still ahead."""
    counts = dict.fromkeys(STATUSES, 0)
    for target in targets:
        if target.get("status") in counts:
            counts[target["status"]] += 1
    qualitative = sum(1 for t in targets if t["comparator"] == "qualitative")
    return {
        "goals": len(targets),
        "numeric": len(targets) - qualitative,
        "baseline": sum(1 for t in targets if t.get("baseline_value") is not None),
        "qualitative": qualitative,
        "passed": {s: counts[s] for s in PASSED},
        "ahead": {s: counts[s] for s in STATUSES if s not in PASSED},
    }


def shown(rows: list[dict]) -> list[str]:
    """The statuses among rows, in the order of the legend; 'qualitative' where a goal has none."""
    present = {r.get("status") for r in rows}
    found = [s for s in STATUSES if s in present]
    if any(r.get("comparator") == "qualitative" for r in rows):
        found.append("qualitative")
    return found
