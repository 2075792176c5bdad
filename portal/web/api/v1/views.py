"""The views of API v1: a list and an item view for each collection, series, progress, search."""

from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import RAISE, ValidationError

from portal.exports.names import download_stem
from portal.web import query, search
from portal.web.api.v1 import schemas
from portal.web.api.v1.formats import csv_response, negotiate
from portal.web.api.v1.paging import (
    decode_cursor,
    decode_offset,
    encode_cursor,
    encode_offset,
    link,
)
from portal.web.api.v1.resources import LISTINGS, PROGRESS, SERIES, SINGULAR
from portal.web.database import data_version, get_db, open_db

NO_PAGE = "No page of this list is at this cursor: it was not handed out for this sort or query."


def _position(args: dict, sort_text: str, width: int) -> tuple[list | None, list | None]:
    if "cursor" not in args:
        return None, None
    try:
        direction, values = decode_cursor(args["cursor"], sort_text, width)
    except ValidationError as error:  # of the documented form, but no page of this list
        abort(404, message=NO_PAGE, errors={"cursor": error.messages})
    return (values, None) if direction == "after" else (None, values)


def list_response(
    name: str,
    listing: query.Listing,
    args: dict,
    fixed: dict | None = None,
    meta: dict | None = None,
):
    """One page of a listing as the JSON envelope, or all its rows as streamed CSV."""
    output = negotiate(args)
    sort = args.get("sort") or [(c, False) for c in listing.default_sort]
    sort_text = ",".join(("-" if d else "") + c for c, d in sort)
    width = len(query.ordering(listing, sort))
    after, before = _position(args, sort_text, width)
    filters = {f.name: args[f.name] for f in listing.filters if f.name in args} | (fixed or {})
    if output == "csv":
        return list_csv(name, listing, filters, args, sort, after, before)
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
    # Returned as a Response, flask-smorest writes it as it is: the rows come from SQL with the
    # schema's columns and types, so dumping them through the schema would change nothing
    # (tests/test_api_contract.py checks it for every collection) and cost half the request.
    return current_app.json.response(
        {
            "data": page.rows,
            "meta": {
                "total": page.total,
                "count": len(page.rows),
                "limit": args["limit"],
                "sort": sort_text,
                "data_version": data_version(),
            }
            | (meta or {}),
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
    )


def list_csv(name, listing, filters, args, sort, after, before):
    """Every matching row (or `limit` if given) as CSV, streamed from its own connection."""
    limit = args["limit"] if "limit" in request.args else None
    row_schema = schemas.ROWS[listing.table]
    # Named after what it holds: targets-baodi-st-14fyp-1.1.0.csv
    name = download_stem(name, filters, data_version())
    if before is not None:
        # A page before a position: read it in reverse and turn it round (it is at most `limit`).
        rows = list(
            query.iter_rows(
                get_db(),
                listing,
                filters=filters,
                q=args.get("q"),
                sort=sort,
                limit=limit,
                before=before,
            )
        )[::-1]
        return csv_response(name, row_schema, rows, args)

    conn = open_db()

    def rows():
        try:
            yield from query.iter_rows(
                conn, listing, filters=filters, q=args.get("q"), sort=sort, limit=limit, after=after
            )
        finally:
            conn.close()

    return csv_response(name, row_schema, rows(), args)


def item_response(name: str, key: str, args: dict):
    output = negotiate(args)
    listing = LISTINGS[name]
    row = query.get_row(get_db(), listing, key)
    if row is None:
        abort(404, message=f"No {SINGULAR[name].lower()} has {listing.key} {key!r}.")
    if output == "csv":
        return csv_response(f"{name}-{key}", schemas.ROWS[name], [row], args)
    if name == "programs":
        row["children"] = [
            dict(r)
            for r in get_db().execute(
                "SELECT * FROM programs WHERE parent_id = ? ORDER BY ordinal", [key]
            )
        ]
    return {"data": row, "meta": {"data_version": data_version()}, "links": {"self": request.path}}


def negotiated(blp):
    """Document what a view that negotiates its format and honours If-None-Match may answer."""

    def decorate(view):
        view = blp.alt_response(406, response="NOT_ACCEPTABLE")(view)
        return blp.alt_response(304, response="NOT_MODIFIED")(view)

    return decorate


def register(blp) -> None:
    """Add the list and item routes of every collection, the series, search and progress."""
    for name in LISTINGS:
        _register_collection(blp, name)
    _register_series(blp)
    _register_search(blp)
    _register_progress(blp)


def _register_collection(blp, name: str) -> None:
    listing = LISTINGS[name]
    row = schemas.ROWS[name]
    item_row = row
    if name == "programs":
        item_row = schemas.row_schema(
            schemas.TABLE_SCHEMAS[name],
            {
                "children": schemas.fields.List(
                    schemas.fields.Nested(row),
                    required=True,
                    metadata={"description": "Programmes directly below it, in order."},
                )
            },
        )
        item_row.__name__ = "ProgramWithChildren"

    @blp.route(f"/{name}", endpoint=f"{name}_list")
    class Collection(MethodView):
        @blp.arguments(schemas.query_schema(name)(), location="query", unknown=RAISE)
        @blp.response(200, schemas.list_envelope(name, row))
        @blp.alt_response(404, response="NOT_FOUND")
        @negotiated(blp)
        def get(self, args):
            return list_response(name, listing, args)

    Collection.get.__doc__ = f"List {name}\n\nFilter, sort and page through the {name}."

    @blp.route(f"/{name}/<string:{listing.key}>", endpoint=f"{name}_item")
    class Item(MethodView):
        @blp.arguments(schemas.item_query_schema(name)(), location="query", unknown=RAISE)
        @blp.response(200, schemas.item_envelope(name, item_row))
        @blp.alt_response(404, response="NOT_FOUND")
        @negotiated(blp)
        def get(self, args, **path):
            return item_response(name, path[listing.key], args)

    Item.get.__doc__ = f"One {SINGULAR[name].lower()}\n\nOne row of {name} by its {listing.key}."


def _register_series(blp) -> None:
    @blp.route("/indicators/<string:indicator_id>/series", endpoint="indicator_series")
    class Series(MethodView):
        @blp.arguments(
            schemas.query_schema("series", SERIES, fixed=("indicator_id",))(),
            location="query",
            unknown=RAISE,
        )
        @blp.response(200, schemas.SeriesSchema)
        @blp.alt_response(404, response="NOT_FOUND")
        @negotiated(blp)
        def get(self, args, indicator_id):
            """Every figure and goal of an indicator

            Every target and achievement of the indicator, in every plan and region, ordered by
            year: one point a row, ready to draw."""
            indicator = query.get_row(get_db(), LISTINGS["indicators"], indicator_id)
            if indicator is None:
                abort(404, message=f"No indicator has indicator_id {indicator_id!r}.")
            return list_response(
                "series",
                SERIES,
                args,
                fixed={"indicator_id": [indicator_id]},
                meta={"indicator": indicator},
            )


def _register_progress(blp) -> None:
    envelope = schemas.ma.Schema.from_dict(
        {
            "data": schemas.fields.List(
                schemas.fields.Nested(schemas.ProgressSchema), required=True
            ),
            "meta": schemas.fields.Nested(schemas.MetaSchema, required=True),
            "links": schemas.fields.Nested(schemas.LinksSchema, required=True),
        },
        name="ProgressList",
    )

    @blp.route("/progress", endpoint="progress_list")
    class Progress(MethodView):
        @blp.arguments(
            schemas.query_schema("progress", PROGRESS)(), location="query", unknown=RAISE
        )
        @blp.response(200, envelope)
        @blp.alt_response(404, response="NOT_FOUND")
        @negotiated(blp)
        def get(self, args):
            """Progress against targets

            For each numeric target: the baseline, the growth needed to reach the target, the
            growth achieved so far and a status, computed by the build from the achievements."""
            return list_response("progress", PROGRESS, args)


def _register_search(blp) -> None:
    @blp.route("/search", endpoint="search")
    class Search(MethodView):
        @blp.arguments(schemas.SearchQuerySchema(), location="query", unknown=RAISE)
        @blp.response(200, schemas.SearchSchema)
        @blp.alt_response(404, response="NOT_FOUND")
        @negotiated(blp)
        def get(self, args):
            """Search everything

            Plans, indicators, programmes, targets and achievements whose names, summaries or
            quotes contain every word of the query, in Chinese or English. Hits whose names
            hold every word come first, then those whose names hold some, then the rest."""
            return search_response(args)


# A CSV of search results holds every hit unless `limit` is given, as a CSV list does.
ALL_HITS = 100_000


def search_response(args: dict):
    output = negotiate(args)
    offset = 0
    if "cursor" in args:
        try:
            offset = decode_offset(args["cursor"], args["q"])
        except ValidationError as error:  # of the documented form, but no page of these hits
            abort(404, message=NO_PAGE, errors={"cursor": error.messages})
    tables = (
        [t for t, kind in search.KINDS.items() if kind in args["kind"]] if "kind" in args else None
    )
    limit = args["limit"] if output == "json" or "limit" in request.args else ALL_HITS
    hits, total, exact = search.search(
        get_db(),
        args["q"],
        tables,
        limit,
        offset,
        plan_id=args.get("plan_id"),
        region_code=args.get("region_code"),
    )
    found = [
        {
            "kind": h.kind,
            "id": h.id,
            "plan_id": h.plan_id,
            "name_zh": h.name_zh,
            "name_en": h.name_en,
            "snippet": search.snippet(h.text, args["q"]),
            "score": h.rank,
            "api_url": f"{API_ROOT}/{TABLES[h.kind]}/{h.id}",
            "url": search.page_url(h),
        }
        for h in hits
    ]
    if output == "csv":
        return csv_response("search", schemas.HitSchema, found, args)
    end = offset + len(hits)
    # Written as it is, as a list is: tests/test_api_contract.py checks that the schema's dump
    # would change nothing.
    return current_app.json.response(
        {
            "data": found,
            "meta": {
                "total": total,
                "total_exact": exact,
                "count": len(hits),
                "limit": args["limit"],
                "query": args["q"],
                "data_version": data_version(),
            },
            "links": {
                "self": link(args.get("cursor")),
                "next": link(encode_offset(end, args["q"])) if end < total else None,
                "prev": link(encode_offset(max(0, offset - args["limit"]), args["q"]))
                if offset
                else None,
            },
        }
    )


TABLES = {kind: table for table, kind in search.KINDS.items()}
API_ROOT = "/api/v1"


def index(args: dict) -> dict:
    """Links to every collection, item, series, search, progress and the documentation.

    An item's link is a URI template (RFC 6570): its key in braces, to be filled in.
    """
    negotiate(args, offered=("json",))
    links = {"self": url_for("v1.index")}
    for name, listing in LISTINGS.items():
        links[name] = url_for(f"v1.{name}_list")
        links[SINGULAR[name].lower()] = f"{links[name]}/{{{listing.key}}}"
    links["series"] = url_for("v1.indicators_list") + "/{indicator_id}/series"
    links["progress"] = url_for("v1.progress_list")
    links["search"] = url_for("v1.search")
    links["openapi"] = url_for("api-docs.openapi_json")
    links["docs"] = url_for("assets.api_docs")
    return {
        "data": {"name": "Science and Technology Plans Open Data API", "version": "v1"},
        "meta": {"data_version": data_version()},
        "links": links,
    }
