"""The checks across rows and tables: references (foreign keys), and the rules in groups.

References are checked against the keys of the valid rows of the table they name; the rules
across columns and tables (rules.py) get the valid rows in groups of about RULE_GROUP rows.
"""

from typing import Protocol

from portal.tableschema import TableSchema
from portal.validate import rules
from portal.validate.report import Problem

RULE_GROUP = 250_000  # rows given to rules.check at once


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
        self.indicator_scopes = rules.IndicatorScopes()

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
            # Targets and achievements are never context: each group holds its own only.
            self.indicator_scopes.add(tables)

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
        found = self.found + self.indicator_scopes.problems()
        return [p for p in found if p.file[:-4] not in self.discarded]
