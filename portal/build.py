"""The build: validated CSVs into a SQLite database, written aside and renamed into place."""

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from . import paths
from .derive import create_derived
from .release import Release, current_release
from .report import InvalidData
from .tableschema import TableSchema, load_schemas
from .validate import validate_datasets

PYTHON_TYPES = {"string": str, "integer": int, "number": float, "date": str}

# Columns people filter or sort by, beyond the foreign keys (which are always indexed).
INDEXED = {
    "targets": [("target_year",), ("indicator_id", "target_year")],
    "achievements": [("period_end",), ("indicator_id", "period_end")],
    "programs": [("plan_id", "parent_id", "ordinal")],
}


class BuildError(Exception):
    """The database failed a check after it was written; nothing was published."""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    release: Release
    rows: dict[str, int]


def build_database(
    db_path: Path | None = None, datasets: Path | None = None, schemas_dir: Path | None = None
) -> BuildResult:
    """Validate the datasets, write the database aside, check it, rename it into place.

    Raises InvalidData (with every problem) before anything is written, or BuildError if the
    written database fails its checks; in both cases the previous database is left as it was.
    """
    datasets = Path(datasets or paths.DATASETS)
    schemas = load_schemas(schemas_dir)
    report = validate_datasets(datasets, schemas)
    if not report.valid:
        raise InvalidData(report)
    release = current_release(datasets / "CHANGELOG.md")
    db_path = Path(db_path or paths.database_path())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{db_path.name}.", suffix=".building", dir=db_path.parent
    )
    os.close(fd)
    try:
        write_database(Path(temporary), schemas, report.tables, release)
        check_database(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, db_path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return BuildResult(db_path, release, {name: len(rows) for name, rows in report.tables.items()})


def write_database(
    path: Path, schemas: dict[str, TableSchema], tables: dict[str, list[dict]], release: Release
) -> None:
    """Create every table from its schema and load its rows."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    for name, schema in schemas.items():
        create_table(db, schema)
        columns = schema.field_names
        rows = ({c: row[c] for c in columns} for row in tables[name])
        db[name].insert_all(rows, batch_size=5000)
        for columns in INDEXED.get(name, []):
            db[name].create_index(columns, if_not_exists=True)
    create_derived(db.conn)
    db["portal_meta"].insert_all(
        [
            {"key": "data_version", "value": release.version},
            {"key": "data_date", "value": release.date},
        ],
        pk="key",
    )
    db.conn.commit()
    db.close()
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def create_table(db: sqlite_utils.Database, schema: TableSchema) -> None:
    """A table with its schema's types, NOT NULLs, primary key, foreign keys and their indexes."""
    foreign_keys = [(fk.fields[0], fk.table, fk.columns[0]) for fk in schema.foreign_keys]
    db[schema.name].create(
        {f.name: PYTHON_TYPES[f.type] for f in schema.fields},
        pk=schema.primary_key[0] if len(schema.primary_key) == 1 else schema.primary_key,
        not_null={f.name for f in schema.fields if f.required},
        foreign_keys=foreign_keys,
    )
    for column, _, _ in foreign_keys:
        db[schema.name].create_index([column], if_not_exists=True)


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
