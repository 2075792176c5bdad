"""The formats of API v1: JSON by default, CSV on request, anything else a 406."""

from collections.abc import Iterable

from flask import Response, request
from flask_smorest import abort
from marshmallow import fields

from portal.exports import csv_chunks

FORMATS = {"json": "application/json", "csv": "text/csv"}


def negotiate(args: dict, offered: tuple[str, ...] = tuple(FORMATS)) -> str:
    """json or csv, from ?format= or else the Accept header; 406 for anything not offered."""
    requested = args.get("format")
    if requested is not None:
        if requested not in offered:
            abort(406, message=f"Format {requested!r} is not offered; use {' or '.join(offered)}.")
        return requested
    if "Accept" not in request.headers:
        return "json"
    best = request.accept_mimetypes.best_match([FORMATS[name] for name in offered])
    if best is None:
        types = [FORMATS[name] for name in offered]
        verb = "are" if len(types) > 1 else "is"
        abort(406, message=f"Only {' and '.join(types)} {verb} offered.")
    return "csv" if best == "text/csv" else "json"


def csv_response(filename: str, row_schema, rows: Iterable, args: dict) -> Response:
    """Rows (mappings) as a streamed CSV with the row schema's columns; numbers never guarded."""
    row_fields = row_schema().fields
    columns = list(row_fields)
    numeric = {name for name, field in row_fields.items() if isinstance(field, fields.Number)}
    body = csv_chunks(
        columns,
        (tuple(row[c] for c in columns) for row in rows),
        bom=bool(args.get("bom")),
        safe=bool(args.get("safe")),
        numeric_columns=numeric,
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )
