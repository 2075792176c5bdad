"""Curation rules that span columns or tables, beyond what a Table Schema can say."""

import re

from portal.curate import numbers
from portal.validate.report import Problem

# A figure about part of a region says so first in its note: "Scope: <the part>." (README).
_SCOPE = re.compile(r"^Scope: (.+?)(?:\.(?:\s|$)|;|$)")
# Figures about Tianjin and Hebei (津冀 in the indicator's name) are Beijing's projects, branches
# and contracts there: recorded under Beijing, never under JJJ, which would count Beijing in.
TIANJIN_HEBEI, TIANJIN_HEBEI_REGION = "津冀", "110000"
FIGURES = ("targets", "achievements")


def scope(row: dict) -> str | None:
    """The part of its region that a figure is about, as its note names it; None for all of it."""
    match = _SCOPE.match(row.get("note_en") or "")
    return match[1] if match else None


def _problem(table, row, column, message, value=None, hint=None):
    return Problem(
        f"{table}.csv",
        row["_line"],
        column,
        "rule-error",
        message,
        value=None if value is None else str(value),
        hint=hint,
    )


def check(tables: dict[str, list[dict]]) -> list:
    """Every broken rule, as Problems."""
    problems = []
    indicators = {i["indicator_id"]: i for i in tables.get("indicators", [])}
    units = {key: i["unit"] for key, i in indicators.items()}
    for row in tables.get("targets", []):
        qualitative = row["comparator"] == "qualitative"
        if qualitative and (row["value"] is not None or row["value_text"]):
            problems.append(
                _problem(
                    "targets",
                    row,
                    "value",
                    "a qualitative target has no value",
                    row["value"],
                    "empty value and value_text, or set a comparator",
                )
            )
        if not qualitative and row["value"] is None:
            problems.append(
                _problem(
                    "targets",
                    row,
                    "value",
                    "a numeric target needs a value",
                    hint="give the value, or use comparator qualitative",
                )
            )
    for table in FIGURES:
        for row in tables.get(table, []):
            problems.extend(_check_value_text(table, row, units))
            if "note_zh" in row and bool(row["note_en"]) != bool(row["note_zh"]):
                problems.append(
                    _problem(
                        table,
                        row,
                        "note_zh" if row["note_en"] else "note_en",
                        "a note in one language only",
                        hint="a reader of either language sees the note: give note_en and "
                        "note_zh together, or neither",
                    )
                )
            indicator = indicators.get(row["indicator_id"])
            if indicator:
                problems.extend(_check_basis(table, row, indicator))
                problems.extend(_check_tianjin_hebei(table, row, indicator))
    problems.extend(_check_sentence_scopes(tables))
    for table in ("plans", "achievements"):
        for row in tables.get(table, []):
            if row["period_start"] > row["period_end"]:
                problems.append(
                    _problem(
                        table,
                        row,
                        "period_end",
                        "the period ends before it starts",
                        row["period_end"],
                        f"period_end is at least period_start ({row['period_start']}); a stock at "
                        "one date has both the same",
                    )
                )
    programs = {p["program_id"]: p for p in tables.get("programs", [])}
    for row in programs.values():
        parent = programs.get(row["parent_id"]) if row["parent_id"] else None
        if (row["level"] == "pillar") != (row["parent_id"] is None):
            problems.append(
                _problem(
                    "programs",
                    row,
                    "parent_id",
                    "pillars have no parent and tasks and measures have one",
                    row["parent_id"],
                    "empty parent_id for a pillar; the enclosing programme's id for a task or "
                    "measure",
                )
            )
        if parent and parent["plan_id"] != row["plan_id"]:
            problems.append(
                _problem(
                    "programs",
                    row,
                    "parent_id",
                    "the parent belongs to another plan",
                    row["parent_id"],
                    "a programme's parent is a programme of the same plan",
                )
            )
    return problems


def _check_value_text(table, row, units):
    if row["value"] is None or not row["value_text"] or row["indicator_id"] not in units:
        return []
    unit = units[row["indicator_id"]]
    printed_unit = numbers.printed_unit(row["value_text"])
    if printed_unit and not numbers.same_unit(printed_unit, unit):
        return [
            _problem(
                table,
                row,
                "indicator_id",
                f"the printed value is in {printed_unit} but the indicator counts {unit}",
                row["indicator_id"],
                "choose an indicator measured in the printed unit",
            )
        ]
    printed = numbers.in_unit(row["value_text"], unit)
    if printed is None:
        return [
            _problem(
                table,
                row,
                "value_text",
                "no number in the printed value",
                row["value_text"],
                "copy the number and its unit as printed, e.g. 1.2万家 or 28%",
            )
        ]
    if abs(printed - row["value"]) > 1e-6 * max(1.0, abs(printed)):
        return [
            _problem(
                table,
                row,
                "value",
                f"the printed value {row['value_text']} is {printed:g} {unit}",
                row["value"],
                f"value is in the indicator's unit ({unit})",
            )
        ]
    return []


def _check_basis(table, row, indicator):
    if row["basis"] == indicator["basis"]:
        return []
    return [
        _problem(
            table,
            row,
            "basis",
            f"the indicator {indicator['indicator_id']} holds {indicator['basis']} figures",
            row["basis"],
            "one indicator has one basis: file the figure under an indicator of its basis "
            "(a period total, an annual flow and a stock are different indicators)",
        )
    ]


def _check_tianjin_hebei(table, row, indicator):
    if TIANJIN_HEBEI not in indicator["name_zh"] or row["region_code"] == TIANJIN_HEBEI_REGION:
        return []
    return [
        _problem(
            table,
            row,
            "region_code",
            f"a figure about Tianjin and Hebei ({indicator['name_zh']}) is recorded under "
            f"{TIANJIN_HEBEI_REGION}",
            row["region_code"],
            "Beijing's projects, contracts and branches in Tianjin and Hebei are Beijing's "
            f"figures: region_code {TIANJIN_HEBEI_REGION}; the indicator names the destination",
        )
    ]


def _check_sentence_scopes(tables):
    """Every figure of one passage names the same part of its region, or none does."""
    sentences: dict[tuple, list] = {}
    for table in FIGURES:
        for row in tables.get(table, []):
            sentences.setdefault((row["plan_id"], row["source_quote"]), []).append((table, row))
    problems = []
    for rows in sentences.values():
        named = next((scope(row) for _, row in rows if scope(row)), None)
        if named is None:
            continue
        for table, row in rows:
            if scope(row) != named:
                problems.append(
                    _problem(
                        table,
                        row,
                        "note_en",
                        f"another figure of this passage is about part of the region ({named})",
                        scope(row) or "",
                        f"start note_en with 'Scope: {named}.' and use an indicator that names "
                        "it, as for every figure of the passage",
                    )
                )
    return problems


class IndicatorScopes:
    """Across every group of rows: an indicator holds figures about whole regions or about a
    named part of one, never both (a park's revenue is not a point on a city's series)."""

    def __init__(self):
        self.first: dict[str, tuple[bool, str, int]] = {}
        self.found: list[Problem] = []

    def add(self, tables: dict[str, list[dict]]) -> None:
        for table in FIGURES:
            for row in tables.get(table, []):
                part = scope(row) is not None
                key = row["indicator_id"]
                seen = self.first.setdefault(key, (part, f"{table}.csv", row["_line"]))
                if seen[0] != part:
                    where = f"{seen[1]} line {seen[2]}"
                    self.found.append(
                        _problem(
                            table,
                            row,
                            "indicator_id",
                            f"{key} holds figures about "
                            + ("whole regions" if seen[0] is False else "part of a region")
                            + f" ({where}); this one is about "
                            + ("part of its region" if part else "its whole region"),
                            key,
                            "a figure about part of a region (note_en 'Scope: ...') goes on an "
                            "indicator that names the part; a whole-region figure on one that "
                            "does not",
                        )
                    )

    def problems(self) -> list[Problem]:
        return list(self.found)
