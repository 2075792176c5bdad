"""CSV as a stream of UTF-8 chunks, optionally with a byte-order mark and spreadsheet-safe."""

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from portal.tableschema import TableSchema

BOM = b"\xef\xbb\xbf"

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Rows are gathered into chunks of about this many characters, so memory stays flat.
CHUNK_SIZE = 64 * 1024


def numeric_columns(schema: TableSchema) -> frozenset[str]:
    """The columns of a table that hold numbers (Table Schema type integer or number)."""
    return frozenset(f.name for f in schema.fields if f.numeric)


def format_value(value) -> str:
    """A value as the curated CSVs write it: 66 not 66.0, 0.00001 not 1e-05, '' for NULL."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def is_risky(text: str) -> bool:
    """Whether a spreadsheet would read this text cell as a formula."""
    return text.startswith(RISKY_PREFIXES)


def neutralise(text: str) -> str:
    """Prefix a risky text cell with a single quote, the OWASP advice: shown, never evaluated."""
    return "'" + text if is_risky(text) else text


def csv_chunks(
    columns: Sequence[str],
    rows: Iterable[Sequence | Mapping],
    *,
    bom: bool = False,
    safe: bool = False,
    numeric_columns: Iterable[str] = (),
) -> Iterator[bytes]:
    """The CSV of these rows as UTF-8 byte chunks, header first, for a streaming response.

    Rows are sequences in the order of `columns`, or mappings keyed by them. `bom` starts the
    file with EF BB BF so that Excel reads it as UTF-8. `safe` prefixes `'` to every text cell
    starting with = + - @ tab or carriage return; cells of `numeric_columns` (take them from
    the Table Schema with `numeric_columns(schema)`) and Python numbers are never changed.
    """
    columns = list(columns)
    numeric = set(numeric_columns)
    guarded = [safe and c not in numeric for c in columns]
    buffer = io.StringIO()
    # RFC 4180 line ends: with them the csv module also quotes a field holding a lone \r.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    if bom:
        yield BOM
    for row in rows:
        values = [row[c] for c in columns] if isinstance(row, Mapping) else row
        writer.writerow(
            [
                neutralise(format_value(v)) if guard and not _is_number(v) else format_value(v)
                for v, guard in zip(values, guarded, strict=True)
            ]
        )
        if buffer.tell() >= CHUNK_SIZE:
            yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk
