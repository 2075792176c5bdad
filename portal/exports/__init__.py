"""Downloads: CSV streams, Excel workbooks, the whole data package and the database.

`portal downloads` (build_downloads) writes into build/downloads/ (ignored by git), or the
folder named by $PORTAL_DOWNLOADS, each file under its version's name and again under a fixed
'latest' name, so that a link can name either:

    portal-data-<version>.zip   portal-data-latest.zip    CSVs, Table Schemas, datapackage.json
    portal-data-<version>.xlsx  portal-data-latest.xlsx   README sheet, one sheet per table
    portal-<version>.db         portal-latest.db          the SQLite database

Files are written aside and renamed into place; older versions are left where they are.
The zip is reproducible: the same database gives the same bytes.

CSVs of a table or of a filtered view are streamed on request with csv_chunks: UTF-8, comma,
RFC 4180 (CRLF line ends, fields quoted when needed). `bom` puts EF BB BF first so that Excel
reads Chinese correctly. `safe` guards against formula injection as OWASP advises: a text
cell starting with = + - @ tab or carriage return gets a leading single quote, so that a
spreadsheet shows it instead of evaluating it; numeric columns (Table Schema integer or
number) are never touched, so -5 stays a number. The quote is then part of the text, which
is why `safe` is an option for spreadsheets and not the default for programs. Workbooks need
no such guard: their text cells are stored as text and never read as formulas.
"""

from portal.exports.csvstream import csv_chunks, format_value, is_risky, neutralise, numeric_columns
from portal.exports.datapackage import build_data_package, package_descriptor, package_filename
from portal.exports.downloads import build_downloads, build_xlsx, copy_database, downloads_path
from portal.exports.tables import data_release

__all__ = [
    "build_data_package",
    "build_downloads",
    "build_xlsx",
    "copy_database",
    "csv_chunks",
    "data_release",
    "downloads_path",
    "format_value",
    "is_risky",
    "neutralise",
    "numeric_columns",
    "package_descriptor",
    "package_filename",
    "write_xlsx",
]


def __getattr__(name: str):
    """write_xlsx, imported on first use: openpyxl takes a tenth of the server's start to import,
    and a server writes a workbook only when a reader asks for one."""
    if name == "write_xlsx":
        from portal.exports.xlsx import write_xlsx

        return write_xlsx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
