"""File names that say what a download holds: its table, its filter and its release.

targets-1.1.0.csv                     every target of release 1.1.0
targets-baodi-st-14fyp-1.1.0.csv      the targets of one plan
figures-high_tech_enterprises-120115-1.1.0.xlsx
"""

import re
from collections.abc import Mapping

# Ids are ASCII slugs already; anything else a filter brings is folded to this alphabet, so
# that a name is safe in a Content-Disposition header and on every file system.
_UNSAFE = re.compile(r"[^A-Za-z0-9_.]+")
MAX_PART = 60


def download_name(table: str, filters: Mapping[str, object], version: str, extension: str) -> str:
    """`table[-filter values…]-version.extension`, the filter values in the order given."""
    return f"{download_stem(table, filters, version)}.{extension}"


def download_stem(table: str, filters: Mapping[str, object], version: str) -> str:
    """The name without its extension."""
    parts = [table, *(_part(value) for value in filters.values() if value not in (None, ""))]
    return "-".join(p for p in [*parts, version] if p)


def _part(value: object) -> str:
    values = value if isinstance(value, list | tuple) else [value]
    text = "-".join(str(v) for v in values)
    return _UNSAFE.sub("-", text).strip("-.")[:MAX_PART]
