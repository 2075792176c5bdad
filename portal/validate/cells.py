"""One CSV against its Table Schema: its encoding, header, rows, cells and unique columns.

The file is read as a stream, a batch of rows at a time, so that millions of rows take little
memory. A batch is first checked a column at a time with set and map operations (the fast path
for clean data); a batch in which any cell may be wrong is checked again cell by cell, which finds
and words every problem.
"""

import csv
import math
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from portal.tableschema import TableSchema
from portal.validate.report import Problem, Report

_INTEGER = re.compile(r"-?\d+")
BATCH = 5000  # rows read and checked at once


class Unreadable(Exception):
    """The file is not UTF-8: none of its rows count."""


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


def typed_column(f, column: tuple[str, ...]) -> list | None:
    """The typed values of one column of a batch, or None if any of its cells may be wrong.

    A clean column passes every check of `check_cell` here, on its distinct values at once.
    """
    c = f.constraints
    distinct = set(column)
    if "" in distinct:
        if c.get("required"):
            return None
        distinct.discard("")
    if set(map(str.strip, distinct)) != distinct:
        return None
    if f.type == "string":
        typed_of = None
    else:
        try:
            typed_of = {value: cast(value, f.type) for value in distinct}
        except ValueError:
            return None
    values = set(typed_of.values()) if typed_of else distinct
    if "enum" in c and not values <= set(c["enum"]):
        return None
    if "pattern" in c and not all(map(re.compile(c["pattern"]).fullmatch, distinct)):
        return None
    if values and "minimum" in c and min(values) < c["minimum"]:
        return None
    if values and "maximum" in c and max(values) > c["maximum"]:
        return None
    if typed_of is not None:
        return list(map(typed_of.get, column))  # an empty cell is not in typed_of: None
    return [value or None for value in column]


def open_table(path: Path, schema: TableSchema, problems: list[Problem]):
    """A csv reader positioned after a header that matches the schema, or None."""
    name = path.name
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
        return None
    fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by read_batches)
    reader = csv.reader(fh, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(
            Problem(name, 1, None, "format-error", f"the header is not valid CSV: {error}")
        )
        fh.close()
        return None
    except UnicodeDecodeError:
        fh.close()
        raise Unreadable() from None
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
        fh.close()
        return None
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
        fh.close()
        return None
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
    return fh, reader, header


def encoding_problem(path: Path) -> Problem:
    """Where a file stops being UTF-8."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return Problem(
            path.name,
            line,
            None,
            "encoding-error",
            f"the file is not valid UTF-8 (byte {error.start})",
            hint="save the file as UTF-8",
        )
    raise AssertionError(f"{path} decodes as UTF-8")


def read_batches(path: Path, schema: TableSchema, report: Report) -> Iterator[tuple]:
    """The raw rows of one CSV in batches: (lines, rows, problems of form among them).

    Raises Unreadable if the file is not UTF-8.
    """
    opened = open_table(path, schema, report.problems)
    if opened is None:
        return
    fh, reader, header = opened
    width, name = len(header), path.name
    # Rows in another column order than the schema's are read in the schema's order.
    order = None if header == schema.field_names else [header.index(c) for c in schema.field_names]
    with fh:
        lines, rows, problems = [], [], []
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError:
                raise Unreadable() from None
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
            if not cells:
                continue
            report.rows_read += 1
            if len(cells) != width:
                code = "extra-cell" if len(cells) > width else "missing-cell"
                problems.append(
                    Problem(
                        name,
                        reader.line_num,
                        None,
                        code,
                        f"the row has {len(cells)} cells, the header {width}",
                        hint="a comma inside a text must be within double quotes",
                    )
                )
                continue
            lines.append(reader.line_num)
            rows.append(cells if order is None else [cells[i] for i in order])
            if len(rows) == BATCH:
                yield lines, rows, problems
                lines, rows, problems = [], [], []
        if rows or problems:
            yield lines, rows, problems


class TableCheck:
    """The checks of one table's cells and unique columns, batch after batch.

    Valid rows come out typed, as tuples of their line and their values in the schema's order.
    """

    def __init__(self, schema: TableSchema):
        self.schema, self.file = schema, f"{schema.name}.csv"
        self.unique = [
            (i, f.name, {}) for i, f in enumerate(schema.fields) if f.constraints.get("unique")
        ]

    def check(self, lines: list[int], rows: list[list[str]]) -> tuple[list[tuple], list]:
        """The valid rows of a batch, typed, and every problem of the others."""
        if not rows:
            return [], []
        typed = []
        for f, column in zip(self.schema.fields, zip(*rows, strict=True), strict=True):
            values = typed_column(f, column)
            if values is None:
                return self.check_rows(lines, rows)
            typed.append(values)
        for i, _, seen in self.unique:
            if len(set(typed[i])) != len(rows) or not seen.keys().isdisjoint(typed[i]):
                return self.check_rows(lines, rows)
        for i, _, seen in self.unique:
            seen.update(zip(typed[i], lines, strict=True))
        return list(zip(lines, *typed, strict=True)), []

    def check_rows(self, lines, rows) -> tuple[list[tuple], list]:
        """Cell by cell: every problem, in the order of the rows and columns."""
        problems, fields, valid = [], self.schema.fields, []
        for line, cells in zip(lines, rows, strict=True):
            row, row_ok = [line], True
            for f, value in zip(fields, cells, strict=True):
                problem = check_cell(self.file, line, f, value)
                if problem:
                    problems.append(problem)
                    row_ok = False
                    row.append(None)
                    continue
                row.append(None if value == "" else cast(value, f.type))
            for i, column, earlier in self.unique:
                value = row[i + 1]
                if value is None:
                    continue
                if value in earlier:
                    problems.append(
                        Problem(
                            self.file,
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
            if row_ok:
                valid.append(tuple(row))
        return valid, problems
