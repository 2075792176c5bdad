"""Validation of the curated CSVs against their Table Schemas, collecting every problem.

Each CSV is read as a stream, a batch of rows at a time, so that millions of rows take little
memory. A batch is first checked a column at a time with set and map operations (the fast path
for clean data); a batch in which any cell may be wrong is checked again cell by cell, which finds
and words every problem. References are checked against the keys of the valid rows of the table
they name; the rules across columns and tables (rules.py) get the valid rows in groups. Valid rows
go to a sink: a list per table for `validate_datasets`, the database being written for the build.
"""

import csv
import math
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Protocol

from . import paths, rules
from .report import Problem, Report
from .tableschema import TableSchema, load_schemas

_INTEGER = re.compile(r"-?\d+")
BATCH = 5000  # rows read and checked at once
RULE_GROUP = 250_000  # rows given to rules.check at once


class _Unreadable(Exception):
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
        raise _Unreadable() from None
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

    Raises _Unreadable if the file is not UTF-8.
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
                raise _Unreadable() from None
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


class References:
    """Every foreign key, checked against the keys of the valid rows of the table it names."""

    def __init__(self, schemas: dict[str, TableSchema]):
        self.schemas = schemas
        self.keys: dict[tuple[str, tuple], set] = {}
        self.loaded: set[str] = set()
        # Per foreign key: its table, the key, the rows' positions of its columns (after the
        # line), the references to check once the table they name is read, the problems found.
        self.checks: list[tuple[str, object, tuple, list, list]] = []
        for name, schema in schemas.items():
            for fk in schema.foreign_keys:
                self.keys.setdefault((fk.table, fk.columns), set())
                index = tuple(schema.field_names.index(c) + 1 for c in fk.fields)
                self.checks.append((name, fk, index, [], []))

    def add(self, table: str, rows: list[tuple]) -> None:
        fields = self.schemas[table].field_names
        for (parent, columns), keys in self.keys.items():
            if parent == table:
                keys.update(_keys(rows, tuple(fields.index(c) + 1 for c in columns)))
        for child, fk, index, pending, problems in self.checks:
            if child != table:
                continue
            keys = self.keys[(fk.table, fk.columns)]
            if keys.issuperset(_keys(rows, index)):
                continue
            for row, value in zip(rows, _row_keys(rows, index), strict=True):
                if value is None or value in keys:
                    continue
                if fk.table in self.loaded:
                    problems.append(self.problem(child, fk, row[0], value))
                else:  # the table it names is not read yet (or is this one): check at the end
                    pending.append((row[0], value))

    def table_done(self, table: str) -> None:
        self.loaded.add(table)

    def discard(self, table: str) -> None:
        """Forget a table's rows: it could not be read."""
        for (parent, _), keys in self.keys.items():
            if parent == table:
                keys.clear()
        for child, _, _, pending, problems in self.checks:
            if child == table:
                pending.clear()
                problems.clear()

    def problem(self, table: str, fk, line: int, value) -> Problem:
        shown = value if isinstance(value, tuple) else (value,)
        return Problem(
            f"{table}.csv",
            line,
            ",".join(fk.fields),
            "foreign-key",
            f"no row of {fk.table}.csv has {','.join(fk.columns)} = this value",
            value=",".join(map(str, shown)),
            hint=f"add it to {fk.table}.csv or correct the reference",
        )

    def problems(self) -> list[Problem]:
        """Every unresolved reference: table by table, key by key, row by row."""
        found = []
        for child, fk, _, pending, problems in self.checks:
            keys = self.keys[(fk.table, fk.columns)]
            late = [self.problem(child, fk, line, v) for line, v in pending if v not in keys]
            found.extend(sorted(problems + late, key=lambda p: p.row))
        return found


def _row_keys(rows: list[tuple], index: tuple) -> list:
    """Each row's key: a value, a tuple of values, or None where a part of it is empty."""
    if len(index) == 1:
        i = index[0]
        return [row[i] for row in rows]
    keys = [tuple(row[i] for i in index) for row in rows]
    return [None if None in key else key for key in keys]


def _keys(rows: list[tuple], index: tuple) -> set:
    keys = set(_row_keys(rows, index))
    keys.discard(None)
    return keys


class Sink(Protocol):
    """Where the valid rows go, and where the rules find rows of earlier groups."""

    def insert(self, table: str, rows: list[tuple]) -> None: ...

    def discard(self, table: str) -> None: ...

    def lookup(self, table: str, columns: tuple[str, ...], keys: set[tuple]) -> list[dict]: ...


class ListSink:
    """The valid rows as dicts, with their line as `_line`: a list per table."""

    def __init__(self, schemas: dict[str, TableSchema]):
        self.names = {name: ["_line", *schema.field_names] for name, schema in schemas.items()}
        self.tables: dict[str, list[dict]] = {name: [] for name in schemas}

    def insert(self, table: str, rows: list[tuple]) -> None:
        names = self.names[table]
        self.tables[table].extend(dict(zip(names, row, strict=True)) for row in rows)

    def discard(self, table: str) -> None:
        self.tables[table] = []

    def lookup(self, table: str, columns: tuple[str, ...], keys: set[tuple]) -> list[dict]:
        return [r for r in self.tables[table] if tuple(r[c] for c in columns) in keys]


class RuleGroups:
    """rules.check, given the valid rows in groups of about RULE_GROUP rows.

    The rules look at a row together with the rows it refers to (a figure's indicator, a
    programme's parent). So a group holds, besides its own rows, every row of the tables that
    others refer to, and the rows its own rows refer to in their own table; the problems of those
    rows are reported with their own group. The curated data fits one group, in which
    rules.check sees every table whole, as if it were called once.
    """

    def __init__(self, schemas: dict[str, TableSchema], sink: Sink):
        self.schemas, self.sink = schemas, sink
        self.names = {name: ["_line", *schema.field_names] for name, schema in schemas.items()}
        self.whole = {
            fk.table: []
            for name, schema in schemas.items()
            for fk in schema.foreign_keys
            if fk.table != name
        }
        self.group: dict[str, list[dict]] = {}
        self.size = 0
        self.deferred: dict[str, list[dict]] = {}
        self.found: list[Problem] = []
        self.discarded: set[str] = set()

    def add(self, table: str, rows: list[tuple]) -> None:
        names = self.names[table]
        dicts = [dict(zip(names, row, strict=True)) for row in rows]
        self.group.setdefault(table, []).extend(dicts)
        if table in self.whole:
            self.whole[table].extend(dicts)
        self.size += len(dicts)
        if self.size >= RULE_GROUP:
            self.flush()

    def discard(self, table: str) -> None:
        self.discarded.add(table)
        self.group.pop(table, None)
        self.deferred.pop(table, None)
        if table in self.whole:
            self.whole[table] = []

    def flush(self, last: bool = False) -> None:
        group, self.group, self.size = self.group, {}, 0
        for table, rows in self.deferred.items() if last else ():
            group.setdefault(table, []).extend(rows)
        tables, context = {}, set()
        for name in self.schemas:
            own = group.get(name, [])
            rows = list(own)
            if name in self.whole:
                lines = {r["_line"] for r in own}
                extra = [r for r in self.whole[name] if r["_line"] not in lines] if lines else []
                rows.extend(extra if lines else self.whole[name])
                context.update((name, r["_line"]) for r in (extra if lines else self.whole[name]))
            for fk in self.schemas[name].foreign_keys if own else ():
                if fk.table == name:
                    rows = self.add_referred(name, fk, own, rows, context, last)
            if rows:
                tables[name] = rows
        if tables:
            self.found.extend(p for p in rules.check(tables) if (p.file[:-4], p.row) not in context)

    def add_referred(self, name, fk, own, rows, context, last) -> list[dict]:
        """The group's rows of a table, with the rows they refer to in it from other groups."""
        have = {tuple(r[c] for c in fk.columns) for r in rows}
        wanted = {tuple(r[c] for c in fk.fields) for r in own}
        wanted = {key for key in wanted - have if None not in key}
        if not wanted:
            return rows
        found = self.sink.lookup(name, fk.columns, wanted)
        context.update((name, r["_line"]) for r in found)
        missing = wanted - {tuple(r[c] for c in fk.columns) for r in found}
        if missing and not last:  # referring to a row not read yet: check it at the end
            later = [r for r in own if tuple(r[c] for c in fk.fields) in missing]
            self.deferred.setdefault(name, []).extend(later)
            lines = {r["_line"] for r in later}
            rows = [r for r in rows if r["_line"] not in lines]
        return rows + found

    def problems(self) -> list[Problem]:
        """Every broken rule, once every table is read."""
        self.flush(last=True)
        return [p for p in self.found if p.file[:-4] not in self.discarded]


class Validation:
    """One run of the checks: table after table, then the references and the rules."""

    def __init__(
        self,
        sink: Sink,
        datasets: Path | None = None,
        schemas: dict[str, TableSchema] | None = None,
    ):
        self.datasets = Path(datasets or paths.DATASETS)
        self.schemas = schemas or load_schemas()
        self.sink = sink
        self.report = Report()
        self.found: dict[str, list[Problem]] = {name: [] for name in self.schemas}
        self.rows_read = dict.fromkeys(self.schemas, 0)
        self.references = References(self.schemas)
        self.rules = RuleGroups(self.schemas, sink)

    def read(self, name: str) -> None:
        """Check one table's CSV, sending its valid rows to the sink."""
        schema, path = self.schemas[name], self.datasets / f"{name}.csv"
        found, table = self.found[name], TableCheck(schema)
        counter = Report()
        try:
            for lines, rows, form in read_batches(path, schema, counter):
                rows, cells = table.check(lines, rows)
                # In the order of the file: problems of form and of cells, row by row.
                found.extend(sorted(form + cells, key=lambda p: p.row) if form else cells)
                if rows:
                    self.sink.insert(name, rows)
                    self.references.add(name, rows)
                    self.rules.add(name, rows)
        except _Unreadable:
            found[:] = [encoding_problem(path)]
            self.sink.discard(name)
            self.references.discard(name)
            self.rules.discard(name)
        found[:0] = counter.problems  # of the file and its header, found before any row
        self.rows_read[name] = counter.rows_read
        self.references.table_done(name)

    def finish(self) -> Report:
        """The report: problems table by table, then references, then rules."""
        report = self.report
        for problems in self.found.values():
            report.problems.extend(problems)
        report.problems.extend(self.references.problems())
        report.problems.extend(self.rules.problems())
        report.rows_read = sum(self.rows_read.values())
        return report


def check_datasets(
    sink: Sink, datasets: Path | None = None, schemas: dict[str, TableSchema] | None = None
) -> Report:
    """Check every CSV and the references between them, sending the valid rows to the sink."""
    validation = Validation(sink, datasets, schemas)
    for name in validation.schemas:
        validation.read(name)
    return validation.finish()


def validate_datasets(
    datasets: Path | None = None, schemas: dict[str, TableSchema] | None = None
) -> Report:
    """Validate every table's CSV and the references between them; never raises for bad data."""
    schemas = schemas or load_schemas()
    sink = ListSink(schemas)
    report = check_datasets(sink, datasets, schemas)
    report.tables = sink.tables
    return report
