"""The Datasette side of the portal: the database served read-only, with metadata.yml."""

from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

from portal import paths
from portal.build import search_index
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


def load_metadata(metadata_path: Path | None = None) -> dict:
    """metadata.yml (what is Datasette's own: labels, sorts, facets) with every table's title,
    description and column descriptions taken from its Table Schema, in both languages."""
    metadata = yaml.safe_load(Path(metadata_path or paths.METADATA).read_text(encoding="utf-8"))
    tables = (
        metadata.setdefault("databases", {}).setdefault(DATABASE_NAME, {}).setdefault("tables", {})
    )
    for table in search_index.INDEXED:
        tables.setdefault(table, {}).setdefault("fts_table", search_index.fts_table(table))
    for name, schema in load_schemas(derived=True).items():
        table = tables.setdefault(name, {})
        table.setdefault("title", f"{schema.title_zh} · {schema.title}")
        table.setdefault("description", f"{schema.description_zh} {schema.description}")
        columns = table.setdefault("columns", {})
        for f in schema.fields:
            columns.setdefault(f.name, describe(f))
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
        metadata=load_metadata(),
        settings=SETTINGS,
        template_dir=str(paths.TEMPLATES / "datasette"),
    )
    datasette.add_database(
        Database(datasette, path=str(db_path), is_mutable=False), name=DATABASE_NAME
    )
    if "_memory" in datasette.databases:
        datasette.remove_database("_memory")
    return datasette
