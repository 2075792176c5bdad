"""Every table, curated or derived, is defined once, by its Table Schema in schemas/."""

import sqlite3

import pytest

from portal.tableschema import DERIVED_TABLES, TABLES, load_schemas
from portal.web.api.v1.schemas import ROWS
from portal.web.site import load_metadata

SCHEMAS = load_schemas(derived=True)


def test_every_table_of_the_database_has_a_schema_and_is_created_from_it(db_path):
    with sqlite3.connect(db_path) as conn:
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%'"
            )
        }
        assert tables - {"portal_meta"} == set(SCHEMAS) == set(TABLES + DERIVED_TABLES)
        for name, schema in SCHEMAS.items():
            info = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
            columns = [(row[1], row[2], bool(row[3])) for row in info]
            assert columns == [(f.name, f.sqlite_type, f.required) for f in schema.fields], name
            keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            assert keys == list(schema.primary_key), name


@pytest.mark.parametrize("name", DERIVED_TABLES)
def test_a_derived_column_taken_from_a_curated_table_is_described_as_there(name):
    schema = SCHEMAS[name]
    assert set(schema.derived_from) <= set(TABLES)
    shared = 0
    for column in schema.descriptor["fields"]:
        for source in schema.derived_from:
            if column["name"] in SCHEMAS[source].field_names:
                original = SCHEMAS[source].field(column["name"])
                if schema.field(column["name"]).description == original.description:
                    shared += 1
    assert shared >= 5


def test_datasette_titles_descriptions_and_columns_come_from_the_schemas():
    tables = load_metadata()["databases"]["portal"]["tables"]
    for name, schema in SCHEMAS.items():
        assert tables[name]["title"] == f"{schema.title_zh} · {schema.title}"
        assert schema.description in tables[name]["description"]
        assert schema.description_zh in tables[name]["description"]
        for f in schema.fields:
            assert tables[name]["columns"][f.name].startswith(f"{f.title_zh} · {f.title}")


def test_the_api_row_of_every_table_has_the_schemas_columns_and_types():
    for name, schema in SCHEMAS.items():
        row = ROWS[name]()
        assert list(row.fields) == schema.field_names, name
        for f in schema.fields:
            assert row.fields[f.name].allow_none is (not f.required), (name, f.name)
            assert row.fields[f.name].metadata.get("enum") == f.enum, (name, f.name)
