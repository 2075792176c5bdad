"""Pages of a long list on a reading page: which page and filters a URL asks for, and links."""

from urllib.parse import urlencode

from flask import request


def requested_page() -> int:
    """The page asked for (?page=), 1 if none or nonsense."""
    page = request.args.get("page", "1")
    return max(1, int(page)) if page.isdigit() and len(page) < 10 else 1


def requested_year() -> int | None:
    """The year asked for (?year=), if it is one."""
    year = request.args.get("year", "")
    return int(year) if year.isdigit() and len(year) == 4 else None


def url_with(**changes) -> str:
    """This page's address with some query parameters changed (None or '' removes one); a
    filter that changes goes back to the first page."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    if "page" not in changes and set(changes) - {"page"}:
        args.pop("page", None)
    for key, value in changes.items():
        if value in (None, "") or (key == "page" and value == 1):
            args.pop(key, None)
        else:
            args[key] = str(value)
    return request.path + ("?" + urlencode(args, safe=",") if args else "")
