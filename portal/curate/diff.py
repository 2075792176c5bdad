"""What a release changes: the rows added, removed and changed in each table of the data.

Either side is a data package (a folder or a .zip holding the table CSVs) or a git revision,
read from datasets/ at that revision. Rows are matched by their table's primary key.
"""

import csv
import io
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from portal import paths
from portal.tableschema import TableSchema, load_schemas

# Long texts such as quotes are shortened in Markdown; the JSON keeps them whole.
_SHOWN = 60


class NoPackage(Exception):
    """A version that is neither a folder, a .zip of CSVs nor a git revision."""


@dataclass
class Table:
    """One table's CSV as a version holds it."""

    columns: list[str]
    rows: list[dict]


@dataclass
class RowChange:
    key: str
    changes: dict[str, tuple[str, str]]  # column: (old, new)


@dataclass
class TableDiff:
    """How one table differs between two versions."""

    table: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    status: str = ""  # "new table" or "table removed" when only one version has it

    def __bool__(self) -> bool:
        return bool(
            self.added or self.removed or self.changed or self.columns_added or self.columns_removed
        )

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": [
                {
                    "key": c.key,
                    "changes": {k: {"old": o, "new": n} for k, (o, n) in c.changes.items()},
                }
                for c in self.changed
            ],
            "columns_added": self.columns_added,
            "columns_removed": self.columns_removed,
            "status": self.status or None,
        }


def read_version(
    version: str, tables: list[str], repo: Path | None = None
) -> dict[str, Table | None]:
    """Each table of a folder, a .zip or a git revision; None for a table the version lacks."""
    path = Path(version)
    if path.is_dir():
        return {name: _read_folder(path, name) for name in tables}
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise NoPackage(f"{version} is not a .zip of CSV files")
        with zipfile.ZipFile(path) as archive:
            return {name: _read_zip(archive, name) for name in tables}
    repo = Path(repo or paths.ROOT)
    if git(repo, "rev-parse", "--verify", "--quiet", f"{version}^{{commit}}") is None:
        raise NoPackage(f"{version} is neither a folder, a .zip nor a git revision")
    return {name: _read_revision(repo, version, name) for name in tables}


def _parse(text: str) -> Table:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
    return Table(list(reader.fieldnames or []), rows)


def _read_folder(folder: Path, name: str) -> Table | None:
    # The folder itself (datasets/), or a package or checkout holding data/ or datasets/.
    for candidate in (folder, folder / "data", folder / "datasets"):
        path = candidate / f"{name}.csv"
        if path.is_file():
            return _parse(path.read_text(encoding="utf-8"))
    return None


def _read_zip(archive: zipfile.ZipFile, name: str) -> Table | None:
    members = [m for m in archive.namelist() if m.rsplit("/", 1)[-1] == f"{name}.csv"]
    if not members:
        return None
    return _parse(archive.read(min(members, key=len)).decode("utf-8"))


def _read_revision(repo: Path, revision: str, name: str) -> Table | None:
    text = git(repo, "show", f"{revision}:datasets/{name}.csv")
    return None if text is None else _parse(text)


def git(repo: Path, *args: str) -> str | None:
    """What a git command prints in repo, or None if it fails (or git is not there)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=60
        )
    except OSError:
        return None
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def diff_tables(name: str, key: tuple[str, ...], old: Table | None, new: Table | None) -> TableDiff:
    """Rows added, removed and changed between two versions of one table, matched by key."""
    result = TableDiff(name)
    if old is None and new is None:
        return result
    if old is None or new is None:
        result.status = "new table" if old is None else "table removed"
    old = old or Table(new.columns, [])
    new = new or Table(old.columns, [])
    result.columns_added = [c for c in new.columns if c not in old.columns]
    result.columns_removed = [c for c in old.columns if c not in new.columns]
    common = [c for c in new.columns if c in old.columns]
    before = {_key(row, key): row for row in old.rows}
    after = {_key(row, key): row for row in new.rows}
    result.added = [row for k, row in after.items() if k not in before]
    result.removed = [row for k, row in before.items() if k not in after]
    for k, row in after.items():
        if k in before:
            changes = {c: (before[k][c], row[c]) for c in common if before[k][c] != row[c]}
            if changes:
                result.changed.append(RowChange(k, changes))
    return result


def _key(row: dict, key: tuple[str, ...]) -> str:
    return ",".join(row.get(column, "") for column in key)


def diff_versions(
    old: str,
    new: str,
    schemas: dict[str, TableSchema] | None = None,
    repo: Path | None = None,
) -> list[TableDiff]:
    """How every table differs between two versions of the data, in load order."""
    schemas = schemas or load_schemas()
    names = list(schemas)
    before, after = read_version(old, names, repo), read_version(new, names, repo)
    return [diff_tables(n, schemas[n].primary_key, before[n], after[n]) for n in names]


def to_json(diffs: list[TableDiff], old: str, new: str) -> dict:
    """The differences for programs: every row whole."""
    return {"old": old, "new": new, "tables": {d.table: d.as_dict() for d in diffs}}


def to_markdown(
    diffs: list[TableDiff], old: str, new: str, schemas: dict[str, TableSchema] | None = None
) -> str:
    """The differences as Markdown, ready to paste under a release heading of CHANGELOG.md."""
    schemas = schemas or load_schemas()
    changed = [d for d in diffs if d]
    if not changed:
        return f"No changes to the data between {old} and {new}.\n"
    lines = [
        f"Changes from {old} to {new}:",
        "",
        "| table | added | removed | changed |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {d.table} | {len(d.added)} | {len(d.removed)} | {len(d.changed)} |" for d in changed
    ]
    for d in changed:
        key = schemas[d.table].primary_key
        lines += ["", f"### {d.table}" + (f" ({d.status})" if d.status else ""), ""]
        for column in d.columns_added:
            lines.append(f"- New column `{column}`")
        for column in d.columns_removed:
            lines.append(f"- Column `{column}` removed")
        lines += [f"- Added {_describe(row, key)}" for row in d.added]
        lines += [f"- Removed {_describe(row, key)}" for row in d.removed]
        for change in d.changed:
            parts = "; ".join(
                f"{column} {_code(o)} → {_code(n)}" for column, (o, n) in change.changes.items()
            )
            lines.append(f"- Changed `{change.key}`: {parts}")
    return "\n".join(lines) + "\n"


def _describe(row: dict, key: tuple[str, ...]) -> str:
    """A row's key and what it is: `bd14-t003` tech_smes 200家."""
    if "value_text" in row:
        what = " ".join(v for v in (row.get("indicator_id", ""), row["value_text"]) if v)
    else:
        what = next(
            (row[c] for c in ("title_zh", "name_zh", "title_en", "name_en") if row.get(c)), ""
        )
    text = f"`{_key(row, key)}`"
    return f"{text} {_shorten(what)}" if what else text


def _code(value: str) -> str:
    return f"`{_shorten(value).replace('`', chr(39))}`" if value else "(empty)"


def _shorten(value: str) -> str:
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"
