"""marshmallow schemas of API v1, derived from the Table Schemas so they cannot disagree."""

import marshmallow as ma
from marshmallow import fields, validate
from webargs.fields import DelimitedList

from ...tableschema import TableSchema, load_schemas
from .resources import LISTINGS, SINGULAR

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50

_FIELD_TYPES = {
    "string": fields.String,
    "integer": fields.Integer,
    "number": fields.Float,
    "date": fields.String,
}


def row_field(f) -> fields.Field:
    metadata = {"description": f"{f.title}: {f.description}"}
    if f.type == "date":
        metadata["format"] = "date"
    enum = f.constraints.get("enum")
    if enum:
        metadata["enum"] = enum
    return _FIELD_TYPES[f.type](required=True, allow_none=not f.required, metadata=metadata)


def row_schema(schema: TableSchema, extra: dict | None = None) -> type[ma.Schema]:
    """A response schema for one row of a table: every column, typed and described."""
    return ma.Schema.from_dict(
        {f.name: row_field(f) for f in schema.fields} | (extra or {}), name=SINGULAR[schema.name]
    )


class LinksSchema(ma.Schema):
    self = fields.String(required=True, metadata={"description": "This page."})
    next = fields.String(allow_none=True, metadata={"description": "The next page, if any."})
    prev = fields.String(allow_none=True, metadata={"description": "The previous page, if any."})


class MetaSchema(ma.Schema):
    total = fields.Integer(metadata={"description": "Rows matching the filters, on all pages."})
    count = fields.Integer(metadata={"description": "Rows on this page."})
    limit = fields.Integer(metadata={"description": "Largest number of rows on one page."})
    sort = fields.String(metadata={"description": "Order of the rows."})
    data_version = fields.String(required=True, metadata={"description": "Release of the data."})


class ItemMetaSchema(ma.Schema):
    data_version = fields.String(required=True, metadata={"description": "Release of the data."})


class SelfLinkSchema(ma.Schema):
    self = fields.String(required=True, metadata={"description": "This resource."})


def list_envelope(name: str, row: type[ma.Schema]) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "data": fields.List(fields.Nested(row), required=True),
            "meta": fields.Nested(MetaSchema, required=True),
            "links": fields.Nested(LinksSchema, required=True),
        },
        name=f"{SINGULAR[name]}List",
    )


def item_envelope(name: str, row: type[ma.Schema]) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "data": fields.Nested(row, required=True),
            "meta": fields.Nested(ItemMetaSchema, required=True),
            "links": fields.Nested(SelfLinkSchema, required=True),
        },
        name=f"{SINGULAR[name]}Item",
    )


_ID = validate.Length(min=1, max=100)
_YEAR = validate.Range(min=1000, max=9999)


def query_schema(name: str) -> type[ma.Schema]:
    """The query parameters a collection accepts; anything else is rejected."""
    listing = LISTINGS[name]
    spec = {}
    for f in listing.filters:
        if f.op == "in":
            item = fields.Integer(validate=_YEAR) if f.type is int else fields.String(validate=_ID)
            spec[f.name] = DelimitedList(
                item,
                validate=validate.Length(min=1, max=100),
                metadata={
                    "description": f"Only rows whose {f.column} is "
                    "one of these values (comma-separated)."
                },
            )
        else:
            word = "from" if f.op == ">=" else "up to"
            spec[f.name] = fields.Integer(
                validate=_YEAR, metadata={"description": f"Only rows {word} this year."}
            )
    spec["q"] = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Words that every row must contain."},
    )
    spec["sort"] = Sort(
        listing.sortable,
        metadata={
            "description": "Comma-separated columns, '-' for descending, from: "
            + ", ".join(listing.sortable)
        },
    )
    spec["limit"] = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Rows per page, 1 to {MAX_LIMIT}."},
    )
    spec["cursor"] = fields.String(
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Opaque position from links.next or links.prev."},
    )
    return ma.Schema.from_dict(spec, name=f"{SINGULAR[name]}Query")


class Sort(fields.String):
    """'-target_year,plan_id' loads as [('target_year', True), ('plan_id', False)]."""

    def __init__(self, sortable: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.sortable = sortable

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not 0 < len(text) <= 200:
            raise ma.ValidationError("Give one to 200 characters.")
        order, seen = [], set()
        for part in text.split(","):
            column = part.removeprefix("-")
            if column not in self.sortable:
                raise ma.ValidationError(
                    f"Cannot sort by {column!r}; sortable: {', '.join(self.sortable)}."
                )
            if column in seen:
                raise ma.ValidationError(f"{column!r} appears twice.")
            seen.add(column)
            order.append((column, part.startswith("-")))
        return order


TABLE_SCHEMAS = load_schemas()
ROWS = {name: row_schema(schema) for name, schema in TABLE_SCHEMAS.items()}
