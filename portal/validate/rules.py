"""Curation rules that span columns or tables, beyond what a Table Schema can say."""

from portal.curate import numbers
from portal.validate.report import Problem


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
    units = {i["indicator_id"]: i["unit"] for i in tables.get("indicators", [])}
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
    for table in ("targets", "achievements"):
        for row in tables.get(table, []):
            problems.extend(_check_value_text(table, row, units))
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
