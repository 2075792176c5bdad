"""Excel workbooks: a README sheet, then one sheet per table with typed cells."""

import datetime
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.exports.citation import cite_compilation, cite_plan, description, licence, title
from portal.exports.csvstream import format_value
from portal.exports.tables import connect, data_release, plans, table_rows
from portal.release import Release
from portal.tableschema import TABLES, Field, TableSchema, load_schemas

README = "README"
MIN_WIDTH, MAX_WIDTH = 8, 60
WIDTH_SAMPLE = 500  # rows read to size a sheet's columns
BOLD = Font(bold=True)


def write_xlsx(
    path_or_fileobj: Path | str | BinaryIO,
    db_path: Path,
    tables: Sequence[str] = TABLES,
    rows_by_table: Mapping[str, Iterable[Sequence | Mapping]] | None = None,
) -> None:
    """A workbook: a README sheet, then one sheet per table with typed cells and a frozen header.

    Rows come from the database, or for a filtered view from `rows_by_table` (sequences in
    schema column order, or mappings keyed by column name; numbers may be given as text).
    Text is always stored as text, so a cell starting with = is never a formula.
    """
    schemas = load_schemas()
    release = data_release(db_path)
    rows_by_table = rows_by_table or {}
    workbook = Workbook(write_only=True)
    released = datetime.datetime.fromisoformat(release.date)
    workbook.properties.title = title()
    workbook.properties.creator = title()
    workbook.properties.created = workbook.properties.modified = released
    write_readme(workbook.create_sheet(README), [schemas[t] for t in tables], release, db_path)
    with closing(connect(db_path)) as conn:
        for name in tables:
            schema = schemas[name]
            sheet = workbook.create_sheet(name)
            sheet.freeze_panes = "A2"
            for index, width in enumerate(column_widths(conn, schema), 1):
                sheet.column_dimensions[get_column_letter(index)].width = width
            sheet.append([text_cell(sheet, column, bold=True) for column in schema.field_names])
            rows = rows_by_table.get(name)
            for row in table_rows(conn, schema) if rows is None else rows:
                sheet.append(typed_row(sheet, schema, row))
    workbook.save(path_or_fileobj)


def write_readme(sheet, schemas: list[TableSchema], release: Release, db_path: Path) -> None:
    """The first sheet: what the tables and columns are, the data version, licence, citations."""
    for column, width in zip("ABCDE", (22, 30, 30, 10, 90), strict=True):
        sheet.column_dimensions[column].width = width
    terms = licence()

    def heading(*texts):
        sheet.append([text_cell(sheet, text, bold=True) for text in texts])

    def line(*texts):
        sheet.append([text_cell(sheet, text) for text in texts])

    heading(title())
    line(description())
    line()
    line("Data version", release.version)
    line("Data date", release.date)
    line("Licence", terms["title"], terms["path"])
    line("Cite the data", cite_compilation(release))
    line("", "Cite also the source plan of each figure, named by its plan_id (see below).")
    line("Sheets", "One sheet per table, named after it; row 1 holds the column names below.")
    line()
    heading("Source plans", "Suggested citation")
    for plan in plans(db_path):
        line(plan["plan_id"], cite_plan(plan))
    line()
    heading("Table", "Column", "Title", "Type", "Description")
    for schema in schemas:
        heading(schema.name, "", schema.title, "", schema.description)
        for field in schema.fields:
            line(schema.name, field.name, field.title, field.type, field.description)


def typed_row(sheet, schema: TableSchema, row: Sequence | Mapping) -> list:
    """A row's cells as the Table Schema types them: int, float, date or text."""
    values = [row[c] for c in schema.field_names] if isinstance(row, Mapping) else row
    return [
        typed_value(sheet, field, value) for field, value in zip(schema.fields, values, strict=True)
    ]


def typed_value(sheet, field: Field, value):
    if value is None or value == "":
        return None
    if field.numeric:
        return value if isinstance(value, int | float) else field.python_type(value)
    if field.type == "date":
        return datetime.date.fromisoformat(str(value))
    return text_cell(sheet, str(value))


def text_cell(sheet, text: str = "", *, bold: bool = False):
    """A cell that holds text as text: openpyxl would make "=..." a formula and "#N/A" an error."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not bold and not text.startswith("=") and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def column_widths(conn: sqlite3.Connection, schema: TableSchema) -> list[float]:
    """Widths that fit the header and the first rows' values, CJK characters counting double."""
    widths = [display_width(name) for name in schema.field_names]
    for row in table_rows(conn, schema, limit=WIDTH_SAMPLE):
        widths = [max(w, display_width(format_value(v))) for w, v in zip(widths, row, strict=True)]
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
