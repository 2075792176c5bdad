"""The whole data package: CSVs, Table Schemas and datapackage.json in one reproducible zip."""

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path

from portal import paths
from portal.exports.citation import description, licence, title
from portal.exports.csvstream import csv_chunks
from portal.exports.files import publish
from portal.exports.tables import connect, data_release, plans, published_schemas, table_rows
from portal.release import Release
from portal.tableschema import TableSchema

NAME = "portal-data"
LATEST = f"{NAME}-latest.zip"
DOCUMENTS = ("README.md", "CHANGELOG.md")  # of datasets/, put at the root of the zip
KEYWORDS = ["science and technology", "regional plans", "China", "targets", "indicators"]


def package_filename(version: str) -> str:
    return f"{NAME}-{version}.zip"


def build_data_package(
    out_dir: Path,
    db_path: Path,
    release: Release | None = None,
    *,
    datasets: Path | None = None,
    schemas_dir: Path | None = None,
) -> Path:
    """Write portal-data-<version>.zip and its copy portal-data-latest.zip; return the first."""
    out_dir = Path(out_dir)
    release = release or data_release(db_path)
    return publish(
        out_dir / package_filename(release.version),
        out_dir / LATEST,
        lambda path: write_data_package(path, db_path, release, datasets, schemas_dir),
    )


def write_data_package(
    path: Path,
    db_path: Path,
    release: Release,
    datasets: Path | None = None,
    schemas_dir: Path | None = None,
) -> None:
    """The zip: the database's tables as data/*.csv, schemas/, datapackage.json and the docs."""
    datasets = Path(datasets or paths.DATASETS)
    schemas_dir = Path(schemas_dir or paths.SCHEMAS)
    schemas = published_schemas(schemas_dir)
    with closing(connect(db_path)) as conn:

        def table_csv(name: str) -> Iterable[bytes]:
            schema = schemas[name]
            return csv_chunks(schema.field_names, table_rows(conn, schema), bom=True)

        # A first pass sizes and hashes each CSV for the descriptor, without holding it.
        files = {f"data/{name}.csv": file_stats(table_csv(name)) for name in schemas}
        descriptor = package_descriptor(release, schemas, files, plans(db_path))
        entries: dict[str, Callable[[], Iterable[bytes]]] = {
            f"data/{name}.csv": lambda name=name: table_csv(name) for name in schemas
        }
        entries["datapackage.json"] = lambda: [json_bytes(descriptor)]
        for name in schemas:
            schema_file = schemas_dir / f"{name}.schema.json"
            entries[f"schemas/{schema_file.name}"] = lambda f=schema_file: [f.read_bytes()]
        for document in DOCUMENTS:
            if (datasets / document).is_file():
                entries[document] = lambda f=datasets / document: [f.read_bytes()]
        write_zip(path, entries, release.date)


def package_descriptor(
    release: Release,
    schemas: dict[str, TableSchema],
    files: dict[str, tuple[int, str]],
    source_plans: list[dict],
) -> dict:
    """A Frictionless Data Package (v1) descriptor of the tables, their licence and sources."""
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": title(),
        "description": description(),
        "version": release.version,
        # The release date, not the build time, so that two builds give the same bytes.
        "created": f"{release.date}T00:00:00Z",
        "keywords": KEYWORDS,
        "licenses": [licence()],
        "sources": [{"title": f"{plan['title_zh']} · {plan['title_en']}"} for plan in source_plans],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": name,
                "path": f"data/{name}.csv",
                "title": schema.title,
                "description": schema.description,
                "format": "csv",
                "mediatype": "text/csv",
                # Each CSV starts with a byte-order mark, so that Excel reads it as UTF-8.
                "encoding": "utf-8-sig",
                "bytes": files[f"data/{name}.csv"][0],
                "hash": f"sha256:{files[f'data/{name}.csv'][1]}",
                "schema": schema.descriptor,
            }
            for name, schema in schemas.items()
        ],
    }


def file_stats(chunks: Iterable[bytes]) -> tuple[int, str]:
    """The size and SHA-256 of a stream of bytes."""
    size, digest = 0, hashlib.sha256()
    for chunk in chunks:
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def json_bytes(descriptor: dict) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_zip(path: Path, entries: dict[str, Callable[[], Iterable[bytes]]], date: str) -> None:
    """A zip whose bytes depend only on its entries: sorted names, one fixed timestamp and mode."""
    timestamp = (*(int(part) for part in date.split("-")), 0, 0, 0)
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is built
            info.external_attr = 0o100644 << 16
            with archive.open(info, "w") as member:
                for chunk in entries[name]():
                    member.write(chunk)
