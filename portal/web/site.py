"""The Datasette side of the portal: the database served read-only, with metadata.yml."""

import sqlite3
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

from portal import paths
from portal.build import search_index
from portal.build.figures import figures_schema
from portal.tableschema import load_schemas
from portal.web import datasette_hooks

DATABASE_NAME = "portal"

SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "facet_time_limit_ms": 200,
    "allow_download": True,
    "default_cache_ttl": 300,
}


# Tables the build derives, with the tables whose columns they repeat.
DERIVED = {"progress": ("targets",), "series": ("achievements", "targets")}


def load_metadata(metadata_path: Path | None = None, db_path: Path | None = None) -> dict:
    """metadata.yml with each table's column descriptions taken from its Table Schema; the columns
    a derived table repeats are described as in the table they come from."""
    metadata = yaml.safe_load(Path(metadata_path or paths.METADATA).read_text(encoding="utf-8"))
    tables = (
        metadata.setdefault("databases", {}).setdefault(DATABASE_NAME, {}).setdefault("tables", {})
    )
    for table in search_index.INDEXED:
        tables.setdefault(table, {}).setdefault("fts_table", search_index.fts_table(table))
    schemas = load_schemas()
    for name, schema in [*schemas.items(), ("figures", figures_schema())]:
        columns = tables.setdefault(name, {}).setdefault("columns", {})
        for f in schema.fields:
            columns.setdefault(f.name, describe(f))
    if db_path:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
        try:
            for name, sources in DERIVED.items():
                present = {row[1] for row in conn.execute(f"PRAGMA table_info({name})")}
                columns = tables.setdefault(name, {}).setdefault("columns", {})
                for source in sources:
                    for f in schemas[source].fields:
                        if f.name in present:
                            columns.setdefault(f.name, describe(f))
        finally:
            conn.close()
    return metadata


def describe(field) -> str:
    """A column's description in Datasette: 比较方式 · Comparator: How the value bounds the goal."""
    return f"{field.title_zh} · {field.title}: {field.description}"


def create_datasette(db_path: Path | None = None) -> Datasette:
    """A Datasette serving the built database, immutable, under the name `portal`."""
    db_path = Path(db_path or paths.database_path())
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path} does not exist: run `portal build` first")
    if not pm.is_registered(datasette_hooks):
        pm.register(datasette_hooks, name="portal")
    if default := pm.get_plugin(datasette_hooks.DEFAULT_ERROR_HANDLER):
        pm.unregister(default)  # the portal's handle_exception answers every error instead
    datasette = Datasette(
        metadata=load_metadata(db_path=db_path),
        settings=SETTINGS,
        template_dir=str(paths.TEMPLATES / "datasette"),
    )
    datasette.add_database(
        Database(datasette, path=str(db_path), is_mutable=False), name=DATABASE_NAME
    )
    if "_memory" in datasette.databases:
        datasette.remove_database("_memory")
    return datasette
