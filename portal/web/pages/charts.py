"""What the chart of one indicator draws: a panel per basis, a series per region, figures and
goals apart, and the goals that are stated in words.

A function of the points it is given, so a page that shows part of a series draws that part.
"""

import math

from portal.web import i18n

# Colour-blind-safe palette (Okabe-Ito), one colour a region, the same in every panel.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

# A five-year total, a flow in one year and a count at a date are never drawn on one axis.
BASES = ("stock", "annual", "cumulative", "share", "growth")

# Figures of these bases follow one another in time, and a line joins them; totals and rates
# over periods stand each on its own.
JOINED = ("stock", "annual", "share")

# A panel with at most this many figures and goals writes each value beside its point.
LABELLED = 12

# Above this ratio of its largest to its smallest value, a panel's axis is logarithmic: the
# figures of a district and of its municipality differ a hundredfold.
LOG_RATIO = 50


def series_chart(indicator: dict, points: list[dict]) -> dict:
    """Everything the page draws for an indicator's points, ready for Chart.js and the CSV."""
    numeric = [p for p in points if p["value"] is not None]
    colours: dict[str, str] = {}
    for point in numeric:
        colours.setdefault(point["region_code"], PALETTE[len(colours) % len(PALETTE)])
    bases = [b for b in BASES if any(p["basis"] == b for p in numeric)]
    unit = indicator["unit"] if i18n.language() == "zh" else indicator["unit_en"]
    # The value axis in English reads scale words: "billion yuan", not "100 million yuan".
    axis_unit, axis_scale = (unit, 1.0) if i18n.language() == "zh" else i18n.axis_unit(unit)
    return {
        "indicator": indicator["indicator_id"],
        "unit": unit,
        "axisUnit": axis_unit,
        "axisScale": axis_scale,
        "axis": year_axis(numeric),
        "panels": [
            panel(indicator, basis, [p for p in numeric if p["basis"] == basis], colours, unit)
            for basis in bases
        ],
        "in_words": [
            {
                "id": p["point_id"],
                "region": i18n.pick(p, "region"),
                "plan": i18n.pick(p, "plan"),
                "year": p["year"],
                "quote": p["source_quote"],
            }
            for p in points
            if p["value"] is None and p["kind"] == "target"
        ],
        "logLabel": i18n.t("log_scale"),
    }


def year_axis(points: list[dict]) -> dict | None:
    """The years the chart spans: from the first year of a figure's period to the last goal
    year, a year of margin either side (so a single year stands in the middle, labelled)."""
    years = [p["year"] for p in points] + [p["period_start"] for p in points if p["period_start"]]
    if not years:
        return None
    return {"min": min(years) - 1, "max": max(years) + 1, "years": sorted(set(years))}


def period(point: dict) -> str:
    start, end = point["period_start"], point["year"]
    return f"{start}–{end}" if start and start != end else str(end)


def panel(indicator: dict, basis: str, points: list[dict], colours: dict, unit: str) -> dict:
    """One basis: per region its figures, its goals, and a line from the latest figure to each
    goal; the rows of its CSV, one per figure and goal drawn."""
    basis_word = i18n.t(f"basis_{basis}")
    regions: dict[str, dict] = {}
    for point in points:
        region = regions.setdefault(
            point["region_code"], {"name": i18n.pick(point, "region"), "figure": [], "target": []}
        )
        region["target" if point["kind"] == "target" else "figure"].append(point)
    labelled = len(points) <= LABELLED
    datasets, rows = [], []
    for code, region in regions.items():
        colour = colours[code]
        figures = sorted(region["figure"], key=lambda p: (p["year"], p["point_id"]))
        goals = sorted(region["target"], key=lambda p: (p["year"], p["point_id"]))
        for kind, members in (("figure", figures), ("goal", goals)):
            if not members:
                continue
            label = i18n.t(
                "chart_series",
                region=region["name"],
                kind=i18n.t(f"chart_{kind}s"),
                basis=basis_word,
            )
            datasets.append(
                {
                    "kind": kind,
                    "label": label,
                    "color": colour,
                    "line": kind == "figure" and basis in JOINED,
                    "data": [drawn(indicator, p, kind) for p in members],
                }
            )
            rows += [csv_row(indicator, p, kind, label, basis_word, unit) for p in members]
        spans = [p for p in figures if p["period_start"] and p["period_start"] != p["year"]]
        if spans:
            datasets.append(
                {
                    "kind": "span",
                    "label": f"{region['name']} · {i18n.t('chart_spans')}",
                    "color": colour,
                    "data": gapped(
                        [(p["period_start"], p["value"]), (p["year"], p["value"])] for p in spans
                    ),
                }
            )
        paths = []
        for goal in goals:
            before = [f for f in figures if f["year"] <= goal["year"]]
            if before:
                latest = before[-1]
                paths.append([(latest["year"], latest["value"]), (goal["year"], goal["value"])])
        if paths:
            datasets.append(
                {
                    "kind": "path",
                    "label": f"{region['name']} · {i18n.t('chart_paths')}",
                    "color": colour,
                    "data": gapped(paths),
                }
            )
    values = [p["value"] for p in points]
    logarithmic = min(values) > 0 and max(values) / min(values) > LOG_RATIO
    # On a log axis a margin is a factor: no point sits on the frame.
    bounds = None
    if logarithmic:
        bounds = {"min": nice(min(values) / 1.5, down=True), "max": nice(max(values) * 1.5)}
    return {
        "basis": basis,
        "title": i18n.t(f"panel_{basis}"),
        "scale": "logarithmic" if logarithmic else "linear",
        "bounds": bounds,
        "labelled": labelled,
        "datasets": datasets,
        "file": f"{indicator['indicator_id']}-{basis}",
        "csv": {"header": csv_header(), "rows": rows},
    }


def nice(value: float, down: bool = False) -> float:
    """The nearest of 1, 2, 5, 10, 20, 50 ... at or beyond value: a round end for a log axis."""
    power = 10 ** math.floor(math.log10(value))
    steps = [s * power for s in (1, 2, 5, 10)]
    if down:
        return max(s for s in steps if s <= value)
    return min(s for s in steps if s >= value)


def drawn(indicator: dict, point: dict, kind: str) -> dict:
    """A point as Chart.js draws it, with the words written beside it and in its tooltip."""
    comparator = i18n.comparator(point["comparator"])
    value = f"{comparator} {i18n.quantity(point['value'], indicator)}".strip()
    if kind == "goal":
        text = f"{i18n.t('chart_goal')} {value}"
        tip = f"{text} ({point['year']})"
    else:
        text = value if period(point) == str(point["year"]) else f"{value} ({period(point)})"
        tip = f"{value} ({period(point)})"
    printed = f"{point['qualifier_zh'] or ''}{point['value_text'] or ''}"
    return {
        "x": point["year"],
        "y": point["value"],
        "id": point["point_id"],
        "text": text,
        "tip": f"{tip} · {printed}" if printed else tip,
    }


def gapped(segments) -> list[dict]:
    """Segments as one series: a point without a value between them breaks the line."""
    data: list[dict] = []
    for segment in segments:
        if data:
            data.append({"x": data[-1]["x"], "y": None})
        data += [{"x": x, "y": y} for x, y in segment]
    return data


def csv_header() -> list[str]:
    return [
        i18n.t(key)
        for key in (
            "csv_basis",
            "csv_series",
            "region",
            "csv_kind",
            "csv_period_start",
            "year",
            "csv_comparator",
            "value",
            "unit",
            "as_printed",
            "csv_id",
        )
    ]


def csv_row(indicator, point, kind, label, basis_word, unit) -> list:
    return [
        basis_word,
        label,
        i18n.pick(point, "region"),
        i18n.t("chart_" + kind),
        "" if period(point) == str(point["year"]) else point["period_start"],
        point["year"],
        i18n.comparator(point["comparator"]),
        point["value"],
        unit,
        f"{point['qualifier_zh'] or ''}{point['value_text'] or ''}",
        point["point_id"],
    ]
