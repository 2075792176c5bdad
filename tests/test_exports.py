"""Downloads: CSV streams, the Excel workbook and the whole data package."""

import csv
import datetime
import io
import json
import re
import zipfile

import frictionless
import openpyxl
import pytest
from click.testing import CliRunner

from portal import paths
from portal.cli import cli
from portal.exports import (
    build_data_package,
    csv_chunks,
    data_release,
    numeric_columns,
    write_xlsx,
)
from portal.exports.citation import cite_plan
from portal.exports.csvstream import CHUNK_SIZE
from portal.exports.tables import DERIVED, PUBLISHED, connect, plans, published_schemas, table_rows
from portal.tableschema import TABLES

SCHEMAS = published_schemas()
BOM = b"\xef\xbb\xbf"


def read_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def curated_dicts(table: str) -> list[dict]:
    header, *rows = curated_rows(table)
    return [dict(zip(header, row, strict=True)) for row in rows]


def row_count(db_path, table: str) -> int:
    with connect(db_path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def curated_rows(table: str) -> list[list[str]]:
    return read_rows((paths.DATASETS / f"{table}.csv").read_bytes())


def table_csv(db_path, table: str, **options) -> bytes:
    schema = SCHEMAS[table]
    with connect(db_path) as conn:
        return b"".join(csv_chunks(schema.field_names, table_rows(conn, schema), **options))


@pytest.fixture(scope="module")
def package(db_path, tmp_path_factory):
    return build_data_package(tmp_path_factory.mktemp("downloads"), db_path)


@pytest.fixture(scope="module")
def workbook(db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "portal.xlsx"
    write_xlsx(path, db_path)
    return openpyxl.load_workbook(path)


# The data package


def test_the_data_package_validates_with_frictionless(package, db_path):
    report = frictionless.validate(str(package))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["errors"] == 0
    assert {task.name: task.stats["rows"] for task in report.tasks} == {
        table: len(curated_rows(table)) - 1 for table in TABLES
    } | {table: row_count(db_path, table) for table in DERIVED}


def test_every_csv_of_the_package_starts_with_a_bom_and_frictionless_reads_clean_headers(
    package, tmp_path
):
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path)
        for table in PUBLISHED:
            assert archive.read(f"data/{table}.csv").startswith(BOM), table

    resource = frictionless.Resource(str(tmp_path / "data" / "figures.csv"))
    resource.infer()
    assert resource.encoding == "utf-8-sig"
    assert resource.schema.field_names == SCHEMAS["figures"].field_names


def test_figures_has_every_target_and_achievement_with_its_names_and_unit(package):
    with zipfile.ZipFile(package) as archive:
        rows = read_rows(archive.read("data/figures.csv")[3:])
    header, figures = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    by_id = {figure["figure_id"]: figure for figure in figures}
    targets, achievements = curated_dicts("targets"), curated_dicts("achievements")
    indicators = {r[0]: r for r in curated_rows("indicators")[1:]}

    assert header == SCHEMAS["figures"].field_names
    assert len(figures) == len(by_id) == len(targets) + len(achievements)
    for target in targets:
        figure = by_id[target["target_id"]]
        assert figure["kind"] == "target"
        assert figure["year"] == target["target_year"] and figure["period_start"] == ""
        for column in ("plan_id", "region_code", "indicator_id", "value", "value_text"):
            assert figure[column] == target[column]
        assert figure["source_quote"] == target["source_quote"]
    for achievement in achievements:
        figure = by_id[achievement["achievement_id"]]
        assert figure["kind"] == "achievement"
        assert (figure["period_start"], figure["year"]) == (
            achievement["period_start"],
            achievement["period_end"],
        )
        assert figure["source_quote"] == achievement["source_quote"]
    # Baodi's high-tech enterprises: 280 by 2025, with the names a journalist needs.
    goal = next(
        f
        for f in figures
        if f["indicator_id"] == "high_tech_enterprises"
        and f["plan_id"] == "baodi-st-14fyp"
        and f["kind"] == "target"
    )
    assert (goal["region_name_zh"], goal["region_name_en"]) == ("宝坻区", "Baodi District")
    assert goal["indicator_name_zh"] == "高新技术企业"
    assert (goal["unit"], goal["unit_en"]) == tuple(indicators["high_tech_enterprises"][4:6])
    assert goal["plan_title_zh"] == "宝坻区科技创新“十四五”发展规划"
    assert (goal["value"], goal["year"]) == ("280", "2025")


def test_the_figures_schema_says_what_it_is_derived_from():
    descriptor = SCHEMAS["figures"].descriptor

    assert descriptor["derivedFrom"] == [
        "targets",
        "achievements",
        "indicators",
        "plans",
        "regions",
    ]
    assert SCHEMAS["figures"].primary_key == ("figure_id",)
    for field in SCHEMAS["figures"].fields:
        assert field.title and field.title_zh and field.description, field.name


def test_frictionless_checks_the_keys_and_hashes_of_the_package(package, tmp_path):
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path)
    targets = tmp_path / "data" / "targets.csv"
    targets.write_bytes(targets.read_bytes().replace(b",tongzhou-st-13fyp,", b",no-such-plan,", 1))

    report = frictionless.validate(str(tmp_path / "datapackage.json"))

    errors = {error_type for [error_type] in report.flatten(["type"])}
    assert errors >= {"foreign-key", "hash-count"}


def test_the_package_holds_the_csvs_schemas_descriptor_and_documents(package):
    documents = [name for name in ("CHANGELOG.md", "README.md") if (paths.DATASETS / name).exists()]
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        for name in documents:
            assert archive.read(name) == (paths.DATASETS / name).read_bytes()
        for table in PUBLISHED:
            schema_file = f"schemas/{table}.schema.json"
            assert archive.read(schema_file) == (paths.SCHEMAS / schema_file[8:]).read_bytes()

    assert names == sorted(names)
    assert set(names) == {
        "datapackage.json",
        *documents,
        *(f"data/{table}.csv" for table in PUBLISHED),
        *(f"schemas/{table}.schema.json" for table in PUBLISHED),
    }
    assert "CHANGELOG.md" in documents


def test_the_descriptor_names_version_licence_sources_and_schemas(package, db_path):
    with zipfile.ZipFile(package) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
    release = data_release(db_path)

    assert package.name == f"portal-data-{release.version}.zip"
    assert descriptor["name"] == "portal-data"
    assert descriptor["version"] == release.version
    assert descriptor["created"] == f"{release.date}T00:00:00Z"
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "CC BY 4.0",
        }
    ]
    assert [source["title"] for source in descriptor["sources"]] == [
        f"{plan['title_zh']} · {plan['title_en']}" for plan in plans(db_path)
    ]
    assert len(descriptor["sources"]) == 5
    for resource, table in zip(descriptor["resources"], PUBLISHED, strict=True):
        assert resource["name"] == table
        assert resource["path"] == f"data/{table}.csv"
        assert (resource["format"], resource["encoding"], resource["mediatype"]) == (
            "csv",
            "utf-8-sig",
            "text/csv",
        )
        assert resource["schema"] == SCHEMAS[table].descriptor


def test_every_csv_of_the_package_has_the_curated_rows(package, db_path):
    with zipfile.ZipFile(package) as archive:
        for table in TABLES:
            assert read_rows(archive.read(f"data/{table}.csv")[3:]) == curated_rows(table), table
        for table in DERIVED:
            rows = read_rows(archive.read(f"data/{table}.csv")[3:])
            assert rows == read_rows(table_csv(db_path, table)), table
            assert len(rows) == row_count(db_path, table) + 1


def test_two_builds_give_identical_bytes_and_latest_is_the_version(db_path, tmp_path):
    first = build_data_package(tmp_path / "first", db_path)
    second = build_data_package(tmp_path / "second", db_path)

    assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "first" / "portal-data-latest.zip").read_bytes() == first.read_bytes()


# CSV streams


def test_every_table_round_trips_through_the_csv_module(db_path):
    for table in TABLES:
        assert read_rows(table_csv(db_path, table)) == curated_rows(table), table


def test_the_bom_option_starts_the_file_with_ef_bb_bf(db_path):
    plain = table_csv(db_path, "plans")
    with_bom = table_csv(db_path, "plans", bom=True)

    assert with_bom.startswith(b"\xef\xbb\xbf")
    assert with_bom[3:] == plain
    assert not plain.startswith(b"\xef\xbb\xbf")


def test_the_safe_option_changes_exactly_the_risky_text_cells():
    columns = ["name", "value", "year"]
    rows = [
        ["=1+2", -5, "2020"],
        ["+86 10", -1.5, 2021],
        ["-x", "-7", -3],
        ["@SUM(A1)", 0, 1],
        ["\tindent", 1, 1],
        ["\rreturn", 1, 1],
        ["plain", 2, 2],
        ["a=b", 3, 3],
        ["", None, None],
        [-4, 4, 4],  # a number in a text column is a number, not a formula
    ]
    expected = [["name", "value", "year"]] + [
        ["'=1+2", "-5", "2020"],
        ["'+86 10", "-1.5", "2021"],
        ["'-x", "-7", "-3"],
        ["'@SUM(A1)", "0", "1"],
        ["'\tindent", "1", "1"],
        ["'\rreturn", "1", "1"],
        ["plain", "2", "2"],
        ["a=b", "3", "3"],
        ["", "", ""],
        ["-4", "4", "4"],
    ]

    safe = b"".join(csv_chunks(columns, rows, safe=True, numeric_columns={"value", "year"}))

    assert read_rows(safe) == expected


def test_the_safe_option_on_a_real_table_touches_only_risky_text(db_path):
    schema = SCHEMAS["achievements"]
    numeric = numeric_columns(schema)
    plain = read_rows(table_csv(db_path, "achievements"))
    safe = read_rows(table_csv(db_path, "achievements", safe=True, numeric_columns=numeric))

    changed = set()
    for plain_row, safe_row in zip(plain[1:], safe[1:], strict=True):
        for column, before, after in zip(plain[0], plain_row, safe_row, strict=True):
            risky = column not in numeric and before.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert after == ("'" + before if risky else before)
            if risky:
                changed.add(column)

    assert numeric == {"period_start", "period_end", "value"}
    assert "comparator" in changed  # the comparator "=" would be a formula
    assert not changed & numeric


def test_a_csv_streams_in_bounded_chunks_without_reading_every_row_first():
    read = []

    def rows():
        for number in range(20_000):
            read.append(number)
            yield [f"target-{number}", number]

    chunks = csv_chunks(["target_id", "value"], rows())
    first = next(chunks)

    assert CHUNK_SIZE <= len(first) < CHUNK_SIZE + 100
    assert len(read) < 20_000
    assert len(read_rows(first + b"".join(chunks))) == 20_001


# Download buttons on the reading pages


def csv_links(api, page: str) -> list[str]:
    html = api.get(page).get_data(as_text=True)
    return [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="([^"]+)"', html)
        if "format=csv" in link or re.match(r"/downloads/\w+\.csv", link)
    ]


@pytest.mark.parametrize(
    "page",
    ["/downloads/", "/plans/baodi-st-14fyp", "/indicators/high_tech_enterprises"],
)
def test_every_csv_button_a_person_clicks_gives_a_bom_file_to_save(api, page):
    links = csv_links(api, page)
    assert links
    for link in links:
        assert "bom=1" in link or link.startswith("/downloads/"), link
        response = api.get(link)
        assert response.status_code == 200, link
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert re.fullmatch(
            r'attachment; filename="[\w.-]+\.csv"', response.headers["Content-Disposition"]
        )
        assert response.data.startswith(b"\xef\xbb\xbf"), link


def test_the_downloads_page_offers_a_csv_and_a_workbook_of_every_table(api, db_path):
    html = api.get("/downloads/?lang=en").get_data(as_text=True)
    links = re.findall(r'href="(/downloads/\w+\.(?:csv|xlsx))"', html)
    version = data_release(db_path).version

    assert sorted(set(links)) == sorted(
        f"/downloads/{table}.{extension}" for table in PUBLISHED for extension in ("csv", "xlsx")
    )
    for table in PUBLISHED:
        response = api.get(f"/downloads/{table}.csv")
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{table}-{version}.csv"'
        )
        assert response.data.startswith(BOM)
        rows = read_rows(response.data[3:])
        assert rows[0] == SCHEMAS[table].field_names
        assert len(rows) == row_count(db_path, table) + 1


def test_a_plan_page_offers_each_of_its_tables_filtered_to_the_plan(api, db_path):
    links = csv_links(api, "/plans/baodi-st-14fyp")
    assert sorted(links) == sorted(
        [
            *(
                f"/api/v1/{table}?plan_id=baodi-st-14fyp&format=csv&bom=1"
                for table in ("targets", "achievements", "programs")
            ),
            "/downloads/figures.csv?plan_id=baodi-st-14fyp",
        ]
    )
    version = data_release(db_path).version
    for link in links:
        response = api.get(link)
        table = link.split("?")[0].rsplit("/", 1)[-1].removesuffix(".csv")
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{table}-baodi-st-14fyp-{version}.csv"'
        )
        rows = read_rows(response.data[3:])
        plan = rows[0].index("plan_id")
        assert {row[plan] for row in rows[1:]} == {"baodi-st-14fyp"}
        curated = {
            name: sum(1 for row in curated_dicts(name) if row["plan_id"] == "baodi-st-14fyp")
            for name in ("targets", "achievements", "programs")
        }
        curated["figures"] = curated["targets"] + curated["achievements"]
        assert len(rows) - 1 == curated[table]


def test_the_plan_and_indicator_pages_offer_their_figures_as_a_named_workbook(api, db_path):
    version = data_release(db_path).version
    for page, query, name in [
        ("/plans/baodi-st-14fyp", "plan_id=baodi-st-14fyp", "baodi-st-14fyp"),
        (
            "/indicators/high_tech_enterprises",
            "indicator_id=high_tech_enterprises",
            "high_tech_enterprises",
        ),
    ]:
        assert f'href="/downloads/figures.xlsx?{query}"' in api.get(page).get_data(as_text=True)
        response = api.get(f"/downloads/figures.xlsx?{query}")
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="figures-{name}-{version}.xlsx"'
        )
        workbook = openpyxl.load_workbook(io.BytesIO(response.data))
        sheet = workbook["figures"]
        header = [cell.value for cell in sheet[1]]
        column = header.index(query.split("=")[0])
        values = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert workbook.sheetnames == ["README", "figures"]
        assert values == {query.split("=")[1]}
    assert sheet.max_row - 1 == sum(
        1
        for row in curated_dicts("targets") + curated_dicts("achievements")
        if row["indicator_id"] == "high_tech_enterprises"
    )


def test_a_filtered_download_refuses_what_names_nothing(api):
    assert api.get("/downloads/figures.csv?plan_id=no-such-plan").status_code == 404
    assert api.get("/downloads/figures.csv?colour=red").status_code == 400
    assert api.get("/downloads/regions.csv?plan_id=baodi-st-14fyp").status_code == 400
    assert api.get("/downloads/no_such_table.csv").status_code == 404


def test_the_api_csv_options_bom_and_safe_take_1_and_never_touch_numbers(api):
    plain = api.get("/api/v1/achievements?format=csv").data
    bom = api.get("/api/v1/achievements?format=csv&bom=1").data
    assert bom == b"\xef\xbb\xbf" + plain
    safe = read_rows(api.get("/api/v1/achievements?format=csv&safe=1").data)
    rows = read_rows(plain)
    numeric = numeric_columns(SCHEMAS["achievements"])
    for plain_row, safe_row in zip(rows[1:], safe[1:], strict=True):
        for column, before, after in zip(rows[0], plain_row, safe_row, strict=True):
            risky = column not in numeric and before.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert after == ("'" + before if risky else before), (column, before)
    assert safe != rows
    hits = read_rows(api.get("/api/v1/search?q=专利&format=csv&safe=1").data)
    score = hits[0].index("score")
    assert {row[score] for row in hits[1:]} <= {"0", "1", "2"}  # the tier, a number as it is


# The workbook


def test_the_workbook_has_a_readme_then_one_sheet_per_table(workbook):
    assert workbook.sheetnames == ["README", *PUBLISHED]


def test_each_sheet_has_the_schema_header_frozen_and_every_row(workbook, db_path):
    for table in PUBLISHED:
        sheet = workbook[table]
        header = [cell.value for cell in sheet[1]]

        assert header == SCHEMAS[table].field_names
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == row_count(db_path, table) + 1
        assert all(sheet.column_dimensions[cell.column_letter].width >= 8 for cell in sheet[1])


def test_numbers_are_numbers_and_dates_are_dates(workbook):
    for table in PUBLISHED:
        schema = SCHEMAS[table]
        sheet = workbook[table]
        for row in sheet.iter_rows(min_row=2):
            for field, cell in zip(schema.fields, row, strict=True):
                if cell.value is None:
                    assert not field.required, (table, field.name, cell.coordinate)
                elif field.type in ("integer", "number"):
                    assert cell.data_type == "n", (table, field.name, cell.coordinate)
                    assert isinstance(cell.value, int | float)
                    if field.type == "integer":
                        assert isinstance(cell.value, int)
                elif field.type == "date":
                    assert cell.is_date and isinstance(cell.value, datetime.datetime)
                else:
                    assert cell.data_type == "s", (table, field.name, cell.coordinate)


def test_the_readme_sheet_explains_columns_version_licence_and_citations(workbook, db_path):
    rows = [tuple(v for v in row if v is not None) for row in workbook["README"].values]
    release = data_release(db_path)

    assert ("Data version", release.version) in rows
    assert ("Data date", release.date) in rows
    assert ("Licence", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/") in rows
    for plan in plans(db_path):
        assert (plan["plan_id"], cite_plan(plan)) in rows
    for schema in SCHEMAS.values():
        for field in schema.fields:
            assert (schema.name, field.name, field.title, field.type, field.description) in rows
    citation = next(row[1] for row in rows if row and row[0] == "Cite the data")
    assert release.version in citation and "CC BY 4.0" in citation


def test_a_filtered_view_gets_typed_cells_and_text_is_never_a_formula(db_path, tmp_path):
    target = dict(zip(SCHEMAS["targets"].field_names, curated_rows("targets")[1], strict=True))
    formula = '=HYPERLINK("http://example.com","click")'
    path = tmp_path / "view.xlsx"

    write_xlsx(
        path,
        db_path,
        tables=["targets"],
        rows_by_table={"targets": [{**target, "value_text": formula, "note_en": "#N/A"}]},
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["targets"]
    cells = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}

    assert workbook.sheetnames == ["README", "targets"]
    assert sheet.max_row == 2
    assert (cells["value_text"].value, cells["value_text"].data_type) == (formula, "s")
    assert (cells["note_en"].value, cells["note_en"].data_type) == ("#N/A", "s")
    assert cells["target_year"].value == int(target["target_year"])
    assert cells["value"].value == float(target["value"])


# The command


def test_portal_downloads_writes_each_artefact_versioned_and_latest(db_path, tmp_path):
    result = CliRunner().invoke(cli, ["downloads", "--db", str(db_path), "--out", str(tmp_path)])
    version = data_release(db_path).version

    assert result.exit_code == 0, result.output
    for versioned, latest in [
        (f"portal-data-{version}.zip", "portal-data-latest.zip"),
        (f"portal-data-{version}.xlsx", "portal-data-latest.xlsx"),
        (f"portal-{version}.db", "portal-latest.db"),
    ]:
        assert (tmp_path / versioned).read_bytes() == (tmp_path / latest).read_bytes()
    assert (tmp_path / f"portal-{version}.db").read_bytes() == db_path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            f"portal-data-{version}.zip",
            "portal-data-latest.zip",
            f"portal-data-{version}.xlsx",
            "portal-data-latest.xlsx",
            f"portal-{version}.db",
            "portal-latest.db",
        ]
    )


def test_portal_downloads_needs_a_built_database(tmp_path):
    result = CliRunner().invoke(cli, ["downloads", "--db", str(tmp_path / "missing.db")])

    assert result.exit_code == 1
    assert "run `portal build` first" in result.output


def test_a_workbook_too_big_to_build_on_request_points_to_the_csv(api, monkeypatch):
    from collections import Counter

    from portal.web.pages import downloads

    figures = Counter(
        row["plan_id"] for row in curated_dicts("targets") + curated_dicts("achievements")
    )
    plan, smallest = min(figures.items(), key=lambda item: item[1])
    monkeypatch.setattr(downloads, "MAX_WORKBOOK_ROWS", smallest)
    too_big = api.get("/downloads/figures.xlsx")
    small = api.get(f"/downloads/figures.xlsx?plan_id={plan}")

    assert sum(figures.values()) > smallest
    assert too_big.status_code == 400
    assert "/downloads/figures.csv" in too_big.get_data(as_text=True)
    assert small.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(small.data))["figures"].max_row == 1 + smallest
