"""Validation of the curated CSVs against their Table Schemas, collecting every problem."""

import csv
import io
import math
import re
from datetime import date
from pathlib import Path

from . import paths, rules
from .report import Problem, Report
from .tableschema import TableSchema, load_schemas

_INTEGER = re.compile(r"-?\d+")


def cast(value: str, type_: str):
    """The typed value of a non-empty cell, or raise ValueError saying what was expected."""
    if type_ == "string":
        return value
    if type_ == "integer":
        if not _INTEGER.fullmatch(value):
            raise ValueError("expected a whole number")
        return int(value)
    if type_ == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError("expected a number such as 1500 or 2.5") from None
        if not math.isfinite(number):
            raise ValueError("expected a finite number")
        return int(number) if number.is_integer() and "." not in value else number
    if type_ == "date":
        try:
            if len(value) == 10:
                return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        raise ValueError("expected a date as YYYY-MM-DD")
    raise ValueError(f"unsupported type {type_}")


def read_table(path: Path, schema: TableSchema, report: Report) -> list[dict]:
    """Typed rows of one CSV; each problem found is added to the report."""
    name = path.name
    problems = report.problems
    if not path.exists():
        problems.append(
            Problem(
                name,
                None,
                None,
                "missing-file",
                "the table's CSV file is missing",
                hint=f"create {name} with the header {','.join(schema.field_names)}",
            )
        )
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                name,
                line,
                None,
                "encoding-error",
                f"the file is not valid UTF-8 (byte {error.start})",
                hint="save the file as UTF-8",
            )
        )
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(
            Problem(name, 1, None, "format-error", f"the header is not valid CSV: {error}")
        )
        return []
    if not header:
        problems.append(
            Problem(
                name,
                1,
                None,
                "header-error",
                "the file has no header row",
                hint=f"the header is {','.join(schema.field_names)}",
            )
        )
        return []
    expected = schema.field_names
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    for column in missing:
        problems.append(
            Problem(
                name,
                1,
                column,
                "header-error",
                "a required column is missing",
                hint=f"the header is {','.join(expected)}",
            )
        )
    for column in extra:
        problems.append(
            Problem(
                name,
                1,
                column,
                "header-error",
                "this column is not in the schema",
                value=column,
                hint=f"the columns are {','.join(expected)}",
            )
        )
    for column in duplicated:
        problems.append(Problem(name, 1, column, "header-error", "this column appears twice"))
    if missing or extra or duplicated:
        return []
    if header != expected:
        problems.append(
            Problem(
                name,
                1,
                None,
                "header-error",
                "the columns are not in the schema's order",
                value=",".join(header),
                hint=f"order them {','.join(expected)}",
            )
        )

    fields = [schema.field(column) for column in header]
    rows = []
    seen: dict[str, dict] = {f.name: {} for f in schema.fields if f.constraints.get("unique")}
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                Problem(
                    name,
                    reader.line_num,
                    None,
                    "format-error",
                    f"not valid CSV: {error}",
                    hint="check the quotes on this line",
                )
            )
            break
        line = reader.line_num
        if not cells:
            continue
        report.rows_read += 1
        if len(cells) != len(header):
            code = "extra-cell" if len(cells) > len(header) else "missing-cell"
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    code,
                    f"the row has {len(cells)} cells, the header {len(header)}",
                    hint="a comma inside a text must be within double quotes",
                )
            )
            continue
        row, row_ok = {}, True
        for f, value in zip(fields, cells, strict=True):
            problem = check_cell(name, line, f, value)
            if problem:
                problems.append(problem)
                row_ok = False
                row[f.name] = None
                continue
            row[f.name] = None if value == "" else cast(value, f.type)
        for column, earlier in seen.items():
            value = row.get(column)
            if value is None:
                continue
            if value in earlier:
                problems.append(
                    Problem(
                        name,
                        line,
                        column,
                        "unique-error",
                        f"the value is already used on row {earlier[value]}",
                        value=str(value),
                        hint="identifiers are never reused",
                    )
                )
                row_ok = False
            else:
                earlier[value] = line
        row["_line"] = line
        if row_ok:
            rows.append(row)
    return rows


def check_cell(file: str, line: int, f, value: str) -> Problem | None:
    """The first problem with one cell against its field's type and constraints."""
    c = f.constraints
    if value == "":
        if c.get("required"):
            return Problem(file, line, f.name, "constraint-error", "a value is required")
        return None
    if value != value.strip():
        return Problem(
            file,
            line,
            f.name,
            "constraint-error",
            "the value has spaces at its start or end",
            value=value,
            hint="remove the surrounding spaces",
        )
    try:
        typed = cast(value, f.type)
    except ValueError as error:
        return Problem(file, line, f.name, "type-error", str(error), value=value)
    if "enum" in c and typed not in c["enum"]:
        return Problem(
            file,
            line,
            f.name,
            "constraint-error",
            f"expected one of {', '.join(map(str, c['enum']))}",
            value=value,
        )
    if "pattern" in c and not re.fullmatch(c["pattern"], value):
        return Problem(
            file,
            line,
            f.name,
            "constraint-error",
            f"the value does not match the pattern {c['pattern']}",
            value=value,
        )
    if "minimum" in c and typed < c["minimum"]:
        return Problem(
            file, line, f.name, "constraint-error", f"expected at least {c['minimum']}", value=value
        )
    if "maximum" in c and typed > c["maximum"]:
        return Problem(
            file, line, f.name, "constraint-error", f"expected at most {c['maximum']}", value=value
        )
    return None


def check_foreign_keys(
    schemas: dict[str, TableSchema], tables: dict[str, list[dict]]
) -> list[Problem]:
    """Every reference resolves to a row of the table it names."""
    problems = []
    for name, schema in schemas.items():
        for fk in schema.foreign_keys:
            keys = {tuple(r[c] for c in fk.columns) for r in tables.get(fk.table, [])}
            for row in tables.get(name, []):
                value = tuple(row[c] for c in fk.fields)
                if any(v is None for v in value) or value in keys:
                    continue
                problems.append(
                    Problem(
                        f"{name}.csv",
                        row["_line"],
                        ",".join(fk.fields),
                        "foreign-key",
                        f"no row of {fk.table}.csv has {','.join(fk.columns)} = this value",
                        value=",".join(map(str, value)),
                        hint=f"add it to {fk.table}.csv or correct the reference",
                    )
                )
    return problems


def validate_datasets(
    datasets: Path | None = None, schemas: dict[str, TableSchema] | None = None
) -> Report:
    """Validate every table's CSV and the references between them; never raises for bad data."""
    datasets = Path(datasets or paths.DATASETS)
    schemas = schemas or load_schemas()
    report = Report()
    for name, schema in schemas.items():
        report.tables[name] = read_table(datasets / f"{name}.csv", schema, report)
    report.problems.extend(check_foreign_keys(schemas, report.tables))
    report.problems.extend(rules.check(report.tables))
    return report
