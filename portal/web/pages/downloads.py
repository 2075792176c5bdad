"""The downloads page, and a table's rows filtered by plan, indicator or region as CSV or Excel,
named after the filter and the release (figures-baodi-st-14fyp-1.1.0.csv)."""

import io

from flask import Response, abort, current_app, render_template, request

from portal import exports
from portal.exports import csv_chunks, downloads_path, numeric_columns
from portal.exports.citation import cite_compilation, cite_plan
from portal.exports.names import download_name
from portal.exports.releases import release_history
from portal.exports.tables import DERIVED, PUBLISHED, published_schemas
from portal.release import current_release
from portal.web import i18n
from portal.web.database import data_version, get_db, open_db
from portal.web.pages import pages, regions

# What a download may be filtered by, and the table that says which values exist.
FILTERS = {"plan_id": "plans", "indicator_id": "indicators", "region_code": "regions"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_AGE = 300
CITED_PLANS = 20
# A workbook is built whole in memory; past this many rows (a national-scale table) the CSV,
# streamed in constant memory, is the download to use. Excel itself stops at 1,048,576 rows.
MAX_WORKBOOK_ROWS = 100_000

FILES = (
    ("whole_package", "portal-data-latest.zip"),
    ("workbook", "portal-data-latest.xlsx"),
    ("database", "portal-latest.db"),
)


@pages.route("/downloads/")
def downloads():
    folder = downloads_path()
    release = current_release()
    files = []
    for label, latest in FILES:
        versioned = latest.replace("latest", release.version)
        path = folder / versioned
        if path.exists():
            files.append(
                {
                    "label": label,
                    "latest": latest,
                    "versioned": versioned,
                    "size": path.stat().st_size,
                }
            )
    return render_template(
        "pages/downloads.html",
        files=files,
        release=release,
        compilation=cite_compilation(release),
        # The newest plans' citations (every plan's page gives its own): never thousands.
        plans=[(p, cite_plan(p)) for p in regions.newest_plans(get_db(), CITED_PLANS)],
        plans_total=sum(r.plans_within for r in regions.tree(get_db()).top),
        cited_plans=CITED_PLANS,
        releases=release_history(),
        tables=[(name, i18n.t(name)) for name in PUBLISHED],
        derived=DERIVED,
        figures_name=download_name("figures", {}, release.version, "csv"),
    )


def _filtered(table: str) -> tuple[dict, str, list]:
    """The filters of this request (404 for a value that names nothing), and the SQL they make."""
    schema = published_schemas().get(table)
    if schema is None:
        abort(404)
    unknown = set(request.args) - set(FILTERS)
    if unknown:
        abort(400)
    filters, clauses = {}, []
    for column, source in FILTERS.items():
        value = request.args.get(column)
        if value is None:
            continue
        if column not in schema.field_names:
            abort(400)
        found = get_db().execute(f"SELECT 1 FROM {source} WHERE {column} = ?", [value])
        if found.fetchone() is None:
            abort(404)
        filters[column] = value
        clauses.append(f"[{column}] = ?")
    columns = ", ".join(f"[{c}]" for c in schema.field_names)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {columns} FROM [{table}]{where} ORDER BY rowid"
    return filters, sql, list(filters.values())


# Only a table's name: every other name is a file of the folder (pages.download).
TABLE = f"<any({', '.join(PUBLISHED)}):table>"


@pages.route(f"/downloads/{TABLE}.csv")
def table_csv(table: str):
    """A table's rows, filtered, as a CSV that Excel opens right (a UTF-8 byte-order mark)."""
    filters, sql, params = _filtered(table)
    schema = published_schemas()[table]
    conn = open_db()

    def rows():
        try:
            yield from conn.execute(sql, params)
        finally:
            conn.close()

    body = csv_chunks(schema.field_names, rows(), bom=True, numeric_columns=numeric_columns(schema))
    return _attachment(
        Response(body, mimetype="text/csv"),
        download_name(table, filters, data_version(), "csv"),
    )


@pages.route(f"/downloads/{TABLE}.xlsx")
def table_xlsx(table: str):
    """A table's rows, filtered, as a workbook: a README sheet, then the table's sheet."""
    filters, sql, params = _filtered(table)
    rows = get_db().execute(f"{sql} LIMIT ?", [*params, MAX_WORKBOOK_ROWS + 1]).fetchall()
    if len(rows) > MAX_WORKBOOK_ROWS:
        message = (
            f"More than {MAX_WORKBOOK_ROWS:,} rows: too many for a workbook built on request. "
            f"Download the CSV (/downloads/{table}.csv with the same filters) or the whole "
            "data package instead.\n"
        )
        return Response(message, status=400, mimetype="text/plain")
    buffer = io.BytesIO()
    exports.write_xlsx(
        buffer, current_app.config["PORTAL_DB"], tables=[table], rows_by_table={table: rows}
    )
    return _attachment(
        Response(buffer.getvalue(), mimetype=XLSX),
        download_name(table, filters, data_version(), "xlsx"),
    )


def _attachment(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response
