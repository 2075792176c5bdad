"""Validation of the curated CSVs against their Table Schemas, collecting every problem.

Table after table, each CSV is checked on its own (cells.py), then the references between them
and the rules across columns and tables (references.py, rules.py). Valid rows go to a sink: a
list per table for `validate_datasets`, the database being written for the build.
"""

from pathlib import Path

from portal import paths
from portal.tableschema import TableSchema, load_schemas
from portal.validate.cells import TableCheck, Unreadable, encoding_problem, read_batches
from portal.validate.references import References, RuleGroups, Sink
from portal.validate.report import Problem, Report


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
        except Unreadable:
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
