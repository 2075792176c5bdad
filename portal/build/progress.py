"""Progress against targets, in the manner of Open SDG's progress measure.

For each numeric target, the figures reported for the same indicator, region and basis give:
- the baseline: the latest figure before the target year;
- the growth needed: the compound annual growth from the baseline to the target;
- the growth achieved: the compound annual growth between the earliest and the latest figure;
- a status: achieved (the baseline already meets the target), on_track (achieved growth at least the
  growth needed), needs_acceleration (less), no_trend (one figure only), no_baseline (none).
The build writes these into the `progress` table, which the pages and the API both read.
"""

import sqlite3

from portal.tableschema import TableSchema, load_schemas

# The statuses, in the order a reader meets them; the schema's enum is their definition.
STATUSES = tuple(load_schemas(derived=True)["progress"].field("status").enum)


def cagr(start: float, end: float, years: int) -> float | None:
    """Compound annual growth in percent, or None where it is not defined."""
    if years <= 0 or start <= 0 or end < 0:
        return None
    return round(((end / start) ** (1 / years) - 1) * 100, 4)


def meets(value: float, comparator: str, target: float) -> bool:
    if comparator == "<=":
        return value <= target
    if comparator == ">":
        return value > target
    return value >= target


def assess(target: dict, figures: list[dict]) -> dict:
    """The progress of one target, given the figures of its indicator, region and basis."""
    before = sorted(
        (f for f in figures if f["period_end"] < target["target_year"]),
        key=lambda f: (f["period_end"], f["achievement_id"]),
    )
    row = {
        k: target[k]
        for k in (
            "target_id",
            "plan_id",
            "indicator_id",
            "region_code",
            "target_year",
            "comparator",
        )
    }
    row |= {
        "target_value": target["value"],
        "baseline_id": None,
        "baseline_year": None,
        "baseline_value": None,
        "earliest_id": None,
        "earliest_year": None,
        "earliest_value": None,
        "growth_needed": None,
        "growth_achieved": None,
        "status": "no_baseline",
    }
    if not before:
        return row
    latest, earliest = before[-1], before[0]
    row |= {
        "baseline_id": latest["achievement_id"],
        "baseline_year": latest["period_end"],
        "baseline_value": latest["value"],
        "growth_needed": cagr(
            latest["value"], target["value"], target["target_year"] - latest["period_end"]
        ),
    }
    if earliest["period_end"] < latest["period_end"]:
        row |= {
            "earliest_id": earliest["achievement_id"],
            "earliest_year": earliest["period_end"],
            "earliest_value": earliest["value"],
            "growth_achieved": cagr(
                earliest["value"], latest["value"], latest["period_end"] - earliest["period_end"]
            ),
        }
    if meets(latest["value"], target["comparator"], target["value"]):
        row["status"] = "achieved"
    elif row["growth_achieved"] is None or row["growth_needed"] is None:
        row["status"] = "no_trend"
    else:
        declining = target["comparator"] == "<="
        on_track = (
            row["growth_achieved"] <= row["growth_needed"]
            if declining
            else row["growth_achieved"] >= row["growth_needed"]
        )
        row["status"] = "on_track" if on_track else "needs_acceleration"
    return row


def create_progress(conn: sqlite3.Connection, schema: TableSchema) -> None:
    """The progress table: one row per numeric target."""
    conn.execute(schema.create_sql())
    conn.row_factory = sqlite3.Row
    figures: dict[tuple, list[dict]] = {}
    for f in conn.execute(
        "SELECT achievement_id, indicator_id, region_code, basis, period_end, "
        "value FROM achievements"
    ):
        figures.setdefault((f["indicator_id"], f["region_code"], f["basis"]), []).append(dict(f))
    rows = [
        assess(dict(t), figures.get((t["indicator_id"], t["region_code"], t["basis"]), []))
        for t in conn.execute("SELECT * FROM targets WHERE value IS NOT NULL")
    ]
    conn.row_factory = None
    columns = schema.field_names
    conn.executemany(
        f"INSERT INTO progress ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[r[c] for c in columns] for r in rows],
    )
    for column in ("plan_id", "indicator_id", "region_code", "status"):
        conn.execute(f"CREATE INDEX idx_progress_{column} ON progress ({column})")
