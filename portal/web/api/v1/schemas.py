"""marshmallow schemas of API v1, derived from the Table Schemas so they cannot disagree."""

import marshmallow as ma
from marshmallow import fields, validate
from webargs.fields import DelimitedList

from portal.tableschema import TableSchema, load_schemas
from portal.web.api.v1.resources import LISTINGS, SINGULAR
from portal.web.search import COUNT_LIMIT

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50

# marshmallow's field for each Python type of portal.tableschema.TYPES.
_FIELD_CLASSES = {str: fields.String, int: fields.Integer, float: fields.Float}
# The name of a row in the OpenAPI document, where it is not the table's singular.
_ROW_NAMES = {"series": "SeriesPoint"}


def row_field(f) -> fields.Field:
    metadata = {"description": f"{f.title}: {f.description}"}
    if f.type == "date":
        metadata["format"] = "date"
    enum = f.constraints.get("enum")
    if enum:
        metadata["enum"] = enum
    return _FIELD_CLASSES[f.python_type](
        required=True, allow_none=not f.required, metadata=metadata
    )


def row_name(table: str) -> str:
    """The name of a table's row in the OpenAPI document."""
    return _ROW_NAMES.get(table, SINGULAR[table])


def row_schema(schema: TableSchema, extra: dict | None = None) -> type[ma.Schema]:
    """A response schema for one row of a table: every column, typed and described."""
    return ma.Schema.from_dict(
        {f.name: row_field(f) for f in schema.fields} | (extra or {}),
        name=row_name(schema.name),
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


# Limited copies of a query schema kept, by the set of names a request gives (QuerySchema.load).
LIMITED_KEPT = 256


class QuerySchema(ma.Schema):
    """The query parameters of a route; one given twice is refused rather than half read
    (webargs would take its first value): several values go in a comma list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limited: dict[frozenset, QuerySchema] = {}  # by the set of names given

    def load(self, data, *, many=None, partial=None, unknown=None):
        """The fields the request names, those with a default and those required, loaded by a
        copy of this schema limited to them (one per set of names, up to LIMITED_KEPT): each
        load visits every field of its schema, given or not, twenty for a list. The fields left
        out would have given nothing, so the answer and the errors are the same. A request that
        names a field the schema lacks is loaded whole, and refused."""
        if self.only is not None or many or partial:
            return super().load(data, many=many, partial=partial, unknown=unknown)
        given = frozenset(data)
        limited = self._limited.get(given)
        if limited is None:
            by_key = {(field.data_key or name): name for name, field in self.load_fields.items()}
            if not given <= by_key.keys() or len(self._limited) >= LIMITED_KEPT:
                return super().load(data, partial=partial, unknown=unknown)
            named = {by_key[key] for key in given} | {
                name
                for name, field in self.load_fields.items()
                if field.required or field.load_default is not ma.missing
            }
            limited = self._limited[given] = type(self)(only=named)
        return super(QuerySchema, limited).load(data, partial=partial, unknown=unknown)

    @ma.validates_schema(pass_original=True, skip_on_field_errors=False)
    def given_once(self, data, original, **kwargs):
        getlist = getattr(original, "getlist", None)
        if getlist is None:
            return
        repeated = sorted({name for name in original if len(getlist(name)) > 1})
        if repeated:
            message = "Give this parameter once; separate several values with commas."
            raise ma.ValidationError({name: [message] for name in repeated})


_ID = validate.Length(min=1, max=100)

# A cursor is a JSON array in unpadded base64url, so it always starts with the encoding of '["'
# and a letter (after, before, offset). One of that form which names no position in the list
# (made up, or from another sort order or query) is a 404: no such page.
CURSOR_PATTERN = "^WyJ[A-Za-z0-9_-]+$"
NOT_A_CURSOR = "Not a cursor from links.next or links.prev."


def cursor_field(max_length: int) -> fields.Field:
    return fields.String(
        validate=[
            validate.Length(min=4, max=max_length),
            validate.Regexp(CURSOR_PATTERN, error=NOT_A_CURSOR),
        ],
        metadata={
            "description": "Opaque position from links.next or links.prev (a cursor of this "
            "form that names no page of this list, sort and query is a 404)."
        },
    )


_YEAR = validate.Range(min=1000, max=9999)


FORMAT = fields.String(
    metadata={
        "description": "json (the default) or csv; the Accept header (application/json, text/csv) "
        "works too. Any other format is a 406.",
        "enum": ["json", "csv"],
    }
)


BOM = fields.Boolean(
    metadata={
        "description": "With format=csv: start the file with a byte-order mark, so that Excel "
        "reads UTF-8 (Chinese) correctly."
    }
)
SAFE = fields.Boolean(
    metadata={
        "description": "With format=csv: prefix text cells that start with =, +, -, @, tab or "
        "carriage return with ' so that spreadsheets do not run them as formulas."
    }
)


def item_query_schema(name: str) -> type[ma.Schema]:
    """The query parameters of a single row: only its format."""
    return QuerySchema.from_dict(
        {"format": FORMAT, "bom": BOM, "safe": SAFE}, name=f"{SINGULAR[name]}ItemQuery"
    )


def query_schema(name: str, listing=None, fixed: tuple[str, ...] = ()) -> type[ma.Schema]:
    """The query parameters a collection accepts; anything else is rejected."""
    listing = listing or LISTINGS[name]
    spec = {}
    for f in listing.filters:
        if f.name in fixed:
            continue
        if f.op == "in":
            item = (
                fields.Integer(validate=_YEAR)
                if f.type is int
                else fields.String(validate=_ID, metadata={"pattern": "^[^,]+$"})
            )
            spec[f.name] = DelimitedList(
                item,
                validate=validate.Length(min=1, max=100),
                metadata={
                    "description": f"Only rows whose {f.column} is "
                    "one of these values (comma-separated)."
                },
            )
        else:
            bound = "at least" if f.op == ">=" else "at most"
            spec[f.name] = fields.Integer(
                validate=_YEAR,
                metadata={"description": f"Only rows whose {f.column} is {bound} this year."},
            )
    if listing.text_columns:
        spec["q"] = fields.String(
            validate=validate.Length(min=1, max=200),
            metadata={"description": "Words that every row must contain."},
        )
    choices = "|".join(listing.sortable)
    spec["sort"] = Sort(
        listing.sortable,
        metadata={
            "description": "Comma-separated columns, '-' for descending, from: "
            + ", ".join(listing.sortable),
            "pattern": f"^-?({choices})(,-?({choices}))*$",
            "maxLength": 200,
        },
    )
    spec["limit"] = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Rows per page, 1 to {MAX_LIMIT}."},
    )
    spec["cursor"] = cursor_field(2000)
    spec["format"] = FORMAT
    spec["bom"] = BOM
    spec["safe"] = SAFE
    return QuerySchema.from_dict(spec, name=f"{SINGULAR[name]}Query")


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
            if column not in seen:  # a column named again adds nothing to the order
                seen.add(column)
                order.append((column, part.startswith("-")))
        return order


TABLE_SCHEMAS = load_schemas(derived=True)
ROWS = {name: row_schema(schema) for name, schema in TABLE_SCHEMAS.items()}
ProgressSchema = ROWS["progress"]

SeriesMetaSchema = ma.Schema.from_dict(
    {
        "total": fields.Integer(
            metadata={"description": "Points matching the filters, on all pages."}
        ),
        "count": fields.Integer(metadata={"description": "Points on this page."}),
        "limit": fields.Integer(metadata={"description": "Largest number of points on one page."}),
        "sort": fields.String(metadata={"description": "Order of the points."}),
        "data_version": fields.String(
            required=True, metadata={"description": "Release of the data."}
        ),
        "indicator": fields.Nested(
            ROWS["indicators"],
            required=True,
            metadata={"description": "The indicator the points measure."},
        ),
    },
    name="SeriesMeta",
)

SeriesSchema = ma.Schema.from_dict(
    {
        "data": fields.List(fields.Nested(ROWS["series"]), required=True),
        "meta": fields.Nested(SeriesMetaSchema, required=True),
        "links": fields.Nested(LinksSchema, required=True),
    },
    name="Series",
)


SEARCH_KINDS = ["plan", "indicator", "program", "target", "achievement"]

SearchQuerySchema = QuerySchema.from_dict(
    {
        "q": fields.String(
            required=True,
            validate=validate.Length(min=1, max=200),
            metadata={
                "description": "Words to find, in Chinese or English; every word must match. "
                "Chinese terms of any length match where their characters stand together."
            },
        ),
        "kind": DelimitedList(
            fields.String(validate=validate.OneOf(SEARCH_KINDS)),
            validate=validate.Length(min=1, max=5),
            metadata={
                "description": "Only these kinds of result (comma-separated): "
                + ", ".join(SEARCH_KINDS)
            },
        ),
        "plan_id": fields.String(
            validate=validate.Length(min=1, max=100),
            metadata={
                "description": "Only hits of this plan (indicators: those with a figure or goal "
                "in it)."
            },
        ),
        "region_code": fields.String(
            validate=validate.Length(min=1, max=20),
            metadata={
                "description": "Only hits about this region or a region within it (indicators: "
                "those with a figure or goal there; programmes: those of its plans)."
            },
        ),
        "limit": fields.Integer(
            load_default=20,
            validate=validate.Range(min=1, max=100),
            metadata={"description": "Hits per page, 1 to 100."},
        ),
        # The query is part of the cursor: 200 characters of up to 4 bytes, in base64.
        "cursor": cursor_field(1200),
        "format": FORMAT,
        "bom": BOM,
        "safe": SAFE,
    },
    name="SearchQuery",
)

HitSchema = ma.Schema.from_dict(
    {
        "kind": fields.String(
            required=True, metadata={"enum": SEARCH_KINDS, "description": "What the hit is."}
        ),
        "id": fields.String(required=True, metadata={"description": "Its id in its table."}),
        "plan_id": fields.String(
            required=True,
            allow_none=True,
            metadata={"description": "The plan it belongs to, if it belongs to one."},
        ),
        "name_zh": fields.String(required=True, metadata={"description": "Its name in Chinese."}),
        "name_en": fields.String(required=True, metadata={"description": "Its name in English."}),
        "snippet": fields.String(
            required=True,
            metadata={
                "description": "HTML: a passage around the first match, escaped, matches in <mark>."
            },
        ),
        "score": fields.Integer(
            required=True,
            metadata={
                "description": "0 if its names hold every word of the query, 1 if some, 2 if "
                "none (found in a summary or quote); hits come in this order, then by kind "
                "and their order in the data."
            },
        ),
        "api_url": fields.String(required=True, metadata={"description": "The row in this API."}),
        "url": fields.String(
            required=True,
            metadata={"description": "The reading page that shows the row (at its anchor)."},
        ),
    },
    name="SearchHit",
)

SearchMetaSchema = ma.Schema.from_dict(
    {
        "total": fields.Integer(
            required=True,
            metadata={
                "description": f"Hits on all pages, counted up to {COUNT_LIMIT:,} of each kind: "
                "where total_exact is false, there are more."
            },
        ),
        "total_exact": fields.Boolean(
            required=True,
            metadata={"description": f"false if a kind has more than {COUNT_LIMIT:,} hits."},
        ),
        "count": fields.Integer(required=True, metadata={"description": "Hits on this page."}),
        "limit": fields.Integer(required=True, metadata={"description": "Largest page."}),
        "query": fields.String(required=True, metadata={"description": "The query as searched."}),
        "data_version": fields.String(
            required=True, metadata={"description": "Release of the data."}
        ),
    },
    name="SearchMeta",
)

SearchSchema = ma.Schema.from_dict(
    {
        "data": fields.List(fields.Nested(HitSchema), required=True),
        "meta": fields.Nested(SearchMetaSchema, required=True),
        "links": fields.Nested(LinksSchema, required=True),
    },
    name="SearchResults",
)
