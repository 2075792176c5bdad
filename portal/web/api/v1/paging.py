"""Opaque keyset cursors and the links between pages."""

import base64
import json
from urllib.parse import urlencode

from flask import request
from marshmallow import ValidationError


def encode_cursor(direction: str, sort: str, values: list) -> str:
    raw = json.dumps([direction, sort, values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, width: int) -> tuple[str, list]:
    """('after' or 'before', keyset values); ValidationError if the cursor is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, cursor_sort, values = json.loads(raw)
    except (ValueError, TypeError):
        raise ValidationError("Not a cursor from links.next or links.prev.", "cursor") from None
    if cursor_sort != sort:
        raise ValidationError("The cursor belongs to another sort order.", "cursor")
    if direction not in ("after", "before") or not isinstance(values, list) or len(values) != width:
        raise ValidationError("Not a cursor from links.next or links.prev.", "cursor")
    if not all(v is None or isinstance(v, str | int | float) for v in values):
        raise ValidationError("Not a cursor from links.next or links.prev.", "cursor")
    return direction, values


def link(cursor: str | None = None) -> str:
    """This request's path and query, with the cursor replaced."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    if cursor:
        args.append(("cursor", cursor))
    return request.path + ("?" + urlencode(args) if args else "")


def encode_offset(offset: int, query: str) -> str:
    """A cursor into ranked results (search), which have no keyset."""
    return encode_cursor("offset", query, [offset])


def decode_offset(cursor: str, query: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, cursor_query, values = json.loads(raw)
    except (ValueError, TypeError):
        raise ValidationError("Not a cursor from links.next or links.prev.", "cursor") from None
    valid = (
        direction == "offset"
        and isinstance(values, list)
        and len(values) == 1
        and isinstance(values[0], int)
        and 0 <= values[0] <= 100_000
    )
    if not valid:
        raise ValidationError("Not a cursor from links.next or links.prev.", "cursor")
    if cursor_query != query:
        raise ValidationError("The cursor belongs to another query.", "cursor")
    return values[0]
