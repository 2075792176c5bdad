"""The views of API v1: a list and an item view for each collection."""

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import RAISE, ValidationError

from ... import query
from ..database import data_version, get_db
from . import schemas
from .paging import decode_cursor, encode_cursor, link
from .resources import LISTINGS, SINGULAR


def list_page(name: str, args: dict) -> dict:
    """The envelope for one page of a collection."""
    listing = LISTINGS[name]
    sort = args.get("sort") or [(c, False) for c in listing.default_sort]
    sort_text = ",".join(("-" if d else "") + c for c, d in sort)
    width = len(sort) + (listing.key not in [c for c, _ in sort])
    after = before = None
    if "cursor" in args:
        try:
            direction, values = decode_cursor(args["cursor"], sort_text, width)
        except ValidationError as error:
            abort(400, errors={"cursor": error.messages})
        after, before = (values, None) if direction == "after" else (None, values)
    filters = {f.name: args[f.name] for f in listing.filters if f.name in args}
    page = query.list_rows(
        get_db(),
        listing,
        filters=filters,
        q=args.get("q"),
        sort=sort,
        limit=args["limit"],
        after=after,
        before=before,
    )
    return {
        "data": page.rows,
        "meta": {
            "total": page.total,
            "count": len(page.rows),
            "limit": args["limit"],
            "sort": sort_text,
            "data_version": data_version(),
        },
        "links": {
            "self": link(args.get("cursor")),
            "next": link(encode_cursor("after", sort_text, page.next_after))
            if page.next_after
            else None,
            "prev": link(encode_cursor("before", sort_text, page.prev_before))
            if page.prev_before
            else None,
        },
    }


def item(name: str, key: str) -> dict:
    listing = LISTINGS[name]
    row = query.get_row(get_db(), listing, key)
    if row is None:
        abort(404, message=f"No {SINGULAR[name].lower()} has {listing.key} {key!r}.")
    return row


def register(blp) -> None:
    """Add the list and item routes of every collection to the blueprint."""
    for name in LISTINGS:
        _register_collection(blp, name)


def _register_collection(blp, name: str) -> None:
    listing = LISTINGS[name]
    row = schemas.ROWS[name]
    extra = {}
    if name == "programs":
        extra["children"] = schemas.fields.List(
            schemas.fields.Nested(row),
            required=True,
            metadata={"description": "Programmes directly below it."},
        )
    item_row = schemas.row_schema(schemas.TABLE_SCHEMAS[name], extra) if extra else row
    if extra:
        item_row.__name__ = f"{SINGULAR[name]}WithChildren"

    @blp.route(f"/{name}", endpoint=f"{name}_list")
    class Collection(MethodView):
        @blp.arguments(schemas.query_schema(name), location="query", unknown=RAISE)
        @blp.response(200, schemas.list_envelope(name, row))
        def get(self, args):
            return list_page(name, args)

    Collection.get.__doc__ = f"List {name}\n\nFilter, sort and page through the {name}."

    @blp.route(f"/{name}/<string:key>", endpoint=f"{name}_item")
    class Item(MethodView):
        @blp.arguments(
            schemas.ma.Schema.from_dict({}, name=f"{SINGULAR[name]}ItemQuery"),
            location="query",
            unknown=RAISE,
        )
        @blp.response(200, schemas.item_envelope(name, item_row))
        def get(self, args, key):
            data = item(name, key)
            if name == "programs":
                data["children"] = [
                    dict(r)
                    for r in get_db().execute(
                        "SELECT * FROM programs WHERE parent_id = ? ORDER BY ordinal", [key]
                    )
                ]
            return {
                "data": data,
                "meta": {"data_version": data_version()},
                "links": {"self": request.path},
            }

    Item.get.__doc__ = f"One {SINGULAR[name].lower()}\n\nOne row of {name} by its {listing.key}."


def index() -> dict:
    links = {name: url_for(f"v1.{name}_list") for name in LISTINGS}
    links["openapi"] = url_for("api-docs.openapi_json")
    return {
        "data": {"name": "Science and Technology Plans Open Data API", "version": "v1"},
        "meta": {"data_version": data_version()},
        "links": links,
    }
