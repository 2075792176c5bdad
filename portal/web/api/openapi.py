"""The OpenAPI document of the database being served: each row's enums as the file's own Table
Schemas state them (the build stores them in portal_meta), not as the curated ones do. A
synthetic national database lists other plans than the five curated ones."""

import json

from flask import current_app

from portal.tableschema import TableSchema, from_json
from portal.web.api.v1.schemas import TABLE_SCHEMAS, row_name
from portal.web.database import file_identity, get_db

_documents: dict[tuple, str] = {}


def served_schemas() -> dict[str, TableSchema]:
    """The Table Schemas the served file was built with."""
    row = get_db().execute("SELECT value FROM portal_meta WHERE key = 'schemas'").fetchone()
    return from_json(row[0]) if row else TABLE_SCHEMAS


def described(spec: dict, schemas: dict[str, TableSchema]) -> dict:
    """The spec with every row property's enum set as the schemas say (or removed)."""
    components = spec["components"]["schemas"]
    for name, schema in schemas.items():
        properties = components.get(row_name(name), {}).get("properties", {})
        for f in schema.fields:
            prop = properties.get(f.name)
            if prop is None:
                continue
            if f.enum:
                prop["enum"] = list(f.enum)
            else:
                prop.pop("enum", None)
    return spec


def openapi_json():
    """/api/v1/openapi.json, for the file being served (computed once per file); without a
    file yet, as the curated schemas describe it."""
    try:
        key = file_identity()
    except OSError:
        key = None
    if key not in _documents:
        schemas = served_schemas() if key else TABLE_SCHEMAS
        spec = described(current_app.extensions["portal.api"].spec.to_dict(), schemas)
        _documents[key] = json.dumps(spec, indent=2, ensure_ascii=False)
    return current_app.response_class(_documents[key], mimetype="application/json")
