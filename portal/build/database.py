"""The build: validated CSVs into a SQLite database, written aside and renamed into place."""

import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from portal import paths
from portal.build import figures
from portal.build.derive import create_derived
from portal.release import Release, current_release
from portal.tableschema import TableSchema, descriptors, load_schemas, with_derived
from portal.validate.datasets import check_datasets
from portal.validate.report import InvalidData

# The file is written once, by one process, and checked before it is used: no journal.
PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA locking_mode = EXCLUSIVE",
    "PRAGMA cache_size = -1000000",  # KiB: the primary keys' indexes stay in memory
    "PRAGMA temp_store = MEMORY",
)

# Columns people filter or sort by, beyond the foreign keys (which are always indexed).
INDEXED = {
    "targets": [("target_year",), ("indicator_id", "target_year"), ("region_code", "target_year")],
    "achievements": [
        ("period_end",),
        ("indicator_id", "period_end"),
        ("region_code", "period_end"),
    ],
    "programs": [("plan_id", "parent_id", "ordinal")],
}


class BuildError(Exception):
    """The database failed a check after it was written; nothing was published."""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    release: Release
    rows: dict[str, int]
    seconds: dict[str, float]  # by phase, in order


class Stopwatch:
    """Seconds spent in each phase of the build."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = now - self._last
        self._last = now


def build_database(
    db_path: Path | None = None, datasets: Path | None = None, schemas_dir: Path | None = None
) -> BuildResult:
    """Validate the datasets into a database written aside, check it, rename it into place.

    Raises InvalidData (with every problem) or BuildError if the written database fails its
    checks; in both cases the aside file is removed and the previous database left as it was.
    """
    datasets = Path(datasets or paths.DATASETS)
    schemas = load_schemas(schemas_dir)
    db_path = Path(db_path or paths.database_path())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in db_path.parent.glob(f".{db_path.name}.*.building"):
        stale.unlink(missing_ok=True)  # left behind by a build that was killed
    fd, temporary = tempfile.mkstemp(
        prefix=f".{db_path.name}.", suffix=".building", dir=db_path.parent
    )
    os.close(fd)
    watch = Stopwatch()
    try:
        release, rows = write_database(Path(temporary), schemas, datasets, watch)
        check_database(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, db_path)
        watch.lap("checks")
    finally:
        Path(temporary).unlink(missing_ok=True)
    return BuildResult(db_path, release, rows, watch.seconds)


class DatabaseSink:
    """Valid rows into the tables of the database being written; each row's rowid is its line."""

    def __init__(self, conn: sqlite3.Connection, schemas: dict[str, TableSchema]):
        self.conn, self.schemas = conn, schemas
        self.rows = dict.fromkeys(schemas, 0)
        self.sql = {
            name: f"INSERT INTO [{name}] (rowid, {', '.join(f'[{c}]' for c in s.field_names)}) "
            f"VALUES (?{', ?' * len(s.field_names)})"
            for name, s in schemas.items()
        }

    def insert(self, table: str, rows: list[tuple]) -> None:
        self.conn.executemany(self.sql[table], rows)
        self.rows[table] += len(rows)

    def discard(self, table: str) -> None:
        self.conn.execute(f"DELETE FROM [{table}]")
        self.rows[table] = 0

    def lookup(self, table: str, columns: tuple[str, ...], keys: set[tuple]) -> list[dict]:
        names = self.schemas[table].field_names
        select = f"SELECT rowid, {', '.join(f'[{c}]' for c in names)} FROM [{table}]"
        found, keys = [], list(keys)
        for start in range(0, len(keys), 200):
            chunk = keys[start : start + 200]
            where = " OR ".join(
                "(" + " AND ".join(f"[{c}] = ?" for c in columns) + ")" for _ in chunk
            )
            for line, *row in self.conn.execute(
                f"{select} WHERE {where}", [v for k in chunk for v in k]
            ):
                found.append(dict(zip(names, row, strict=True), _line=line))
        return found


def write_database(
    path: Path, schemas: dict[str, TableSchema], datasets: Path, watch: Stopwatch | None = None
) -> tuple[Release, dict[str, int]]:
    """Create every table from its schema, load its valid rows, then indexes and derived tables.

    Raises InvalidData if the datasets have any problem.
    """
    watch = watch or Stopwatch()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        db = sqlite_utils.Database(conn)
        for schema in schemas.values():
            create_table(db, schema)
        conn.execute("CREATE TABLE portal_meta ([key] TEXT PRIMARY KEY, [value] TEXT)")
        sink = DatabaseSink(conn, schemas)
        conn.execute("BEGIN")
        report = check_datasets(sink, datasets, schemas)
        if not report.valid:
            raise InvalidData(report)
        release = current_release(datasets / "CHANGELOG.md")
        watch.lap("validate and load")
        for name, schema in schemas.items():
            for columns in [fk.fields[:1] for fk in schema.foreign_keys] + INDEXED.get(name, []):
                db[name].create_index(columns, if_not_exists=True)
        watch.lap("indexes")
        everything = with_derived(schemas)
        # A target year before the release's year is over: its progress says what is known.
        create_derived(conn, everything, as_of=int(release.date[:4]))
        conn.executemany(
            "INSERT INTO portal_meta (key, value) VALUES (?, ?)",
            [
                ("data_version", release.version),
                ("data_date", release.date),
                # What the file holds, as the schemas it was built with (a synthetic dataset's
                # are wider than the curated ones): the API describes the file it serves.
                ("schemas", descriptors(everything)),
            ],
        )
        figures.store_coverage(conn)
        conn.execute("COMMIT")
        watch.lap("derived tables")
        # Statistics for the query planner: without them it may take a year's index (thousands
        # of rows) over a region's (dozens) for a filter on both. A sample of each index is enough.
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("ANALYZE")
        watch.lap("statistics")
    finally:
        conn.close()
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return release, sink.rows


def create_table(db: sqlite_utils.Database, schema: TableSchema) -> None:
    """A table with its schema's types, NOT NULLs, primary key and foreign keys."""
    foreign_keys = [(fk.fields[0], fk.table, fk.columns[0]) for fk in schema.foreign_keys]
    db[schema.name].create(
        {f.name: f.python_type for f in schema.fields},
        pk=schema.primary_key[0] if len(schema.primary_key) == 1 else schema.primary_key,
        not_null={f.name for f in schema.fields if f.required},
        foreign_keys=foreign_keys,
    )


def check_database(path: Path) -> None:
    """Raise BuildError unless SQLite finds the file intact and every foreign key resolved."""
    conn = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            raise BuildError(f"integrity_check failed: {'; '.join(integrity[:5])}")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise BuildError(f"{len(broken)} foreign key(s) do not resolve, first: {broken[0]}")
    finally:
        conn.close()
