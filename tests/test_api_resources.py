"""API v1, resource by resource: whole bodies, as JSON and as CSV, against the curated CSVs."""

import csv
import io
import sqlite3

import pytest
from support import read_csv
from test_api import typed

from portal import paths
from portal.exports import data_release
from portal.release import current_release
from portal.tableschema import load_schemas
from portal.web.api.v1.resources import LISTINGS, SINGULAR

SCHEMAS = load_schemas()
VERSION = current_release(paths.CHANGELOG).version  # of the curated data


def curated(table: str) -> list[dict]:
    """The curated rows of a table as the API returns them."""
    return [typed(table, row) for row in read_csv(paths.DATASETS / f"{table}.csv")]


def in_default_order(name: str, rows: list[dict]) -> list[dict]:
    listing = LISTINGS[name]
    return sorted(rows, key=lambda row: [row[c] for c in (*listing.default_sort, listing.key)])


def test_the_index_links_to_everything(api):
    body = api.get("/api/v1/").json
    assert body == {
        "data": {"name": "Science and Technology Plans Open Data API", "version": "v1"},
        "meta": {"data_version": VERSION},
        "links": {
            "self": "/api/v1/",
            "regions": "/api/v1/regions",
            "region": "/api/v1/regions/{region_code}",
            "plans": "/api/v1/plans",
            "plan": "/api/v1/plans/{plan_id}",
            "themes": "/api/v1/themes",
            "theme": "/api/v1/themes/{theme_id}",
            "indicators": "/api/v1/indicators",
            "indicator": "/api/v1/indicators/{indicator_id}",
            "targets": "/api/v1/targets",
            "target": "/api/v1/targets/{target_id}",
            "achievements": "/api/v1/achievements",
            "achievement": "/api/v1/achievements/{achievement_id}",
            "programs": "/api/v1/programs",
            "program": "/api/v1/programs/{program_id}",
            "series": "/api/v1/indicators/{indicator_id}/series",
            "progress": "/api/v1/progress",
            "search": "/api/v1/search",
            "openapi": "/api/v1/openapi.json",
            "docs": "/api/v1/docs",
        },
    }
    documented = set(api.get("/api/v1/openapi.json").json["paths"])
    for name, url in body["links"].items():
        if "{" in url:
            assert url in documented, name
        elif name != "search":  # search needs its q
            assert api.get(url).status_code == 200, name


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_whole_collection_is_its_curated_rows_in_the_envelope(api, name):
    expected = in_default_order(name, curated(name))
    listing = LISTINGS[name]
    response = api.get(f"/api/v1/{name}?limit=1000")
    assert response.status_code == 200
    assert response.json == {
        "data": expected,
        "meta": {
            "total": len(expected),
            "count": len(expected),
            "limit": 1000,
            "sort": ",".join(listing.default_sort),
            "data_version": VERSION,
        },
        "links": {"self": f"/api/v1/{name}?limit=1000", "next": None, "prev": None},
    }


@pytest.mark.parametrize("name", list(LISTINGS))
def test_an_item_is_its_curated_row_in_the_envelope(api, name):
    listing = LISTINGS[name]
    row = curated(name)[-1]
    key = row[listing.key]
    if name == "programs":
        children = [r for r in curated(name) if r["parent_id"] == key]
        row = {**row, "children": sorted(children, key=lambda r: r["ordinal"])}
    response = api.get(f"/api/v1/{name}/{key}")
    assert response.status_code == 200
    assert response.json == {
        "data": row,
        "meta": {"data_version": VERSION},
        "links": {"self": f"/api/v1/{name}/{key}"},
    }


def test_a_pillar_comes_with_its_tasks_in_order(api):
    programs = curated("programs")
    pillar = next(r for r in programs if r["level"] == "pillar")
    tasks = sorted(
        (r for r in programs if r["parent_id"] == pillar["program_id"]), key=lambda r: r["ordinal"]
    )
    body = api.get(f"/api/v1/programs/{pillar['program_id']}").json
    assert body["data"] == {**pillar, "children": tasks}
    assert len(tasks) >= 2


def series_point(kind: str, row: dict) -> dict:
    target = kind == "target"
    return {
        "point_id": row["target_id" if target else "achievement_id"],
        "kind": kind,
        "indicator_id": row["indicator_id"],
        "plan_id": row["plan_id"],
        "region_code": row["region_code"],
        "year": row["target_year" if target else "period_end"],
        "period_start": None if target else row["period_start"],
        "period_end": row["target_year" if target else "period_end"],
        "comparator": row["comparator"],
        "value": row["value"],
        "value_text": row["value_text"],
        "qualifier_zh": row["qualifier_zh"],
        "basis": row["basis"],
        "section": row["section"],
        "source_quote": row["source_quote"],
    }


def test_an_indicator_series_is_every_target_and_achievement_by_year(api):
    indicator_id = "high_tech_enterprises"
    points = [
        series_point(kind, row)
        for kind in ("target", "achievement")
        for row in curated(f"{kind}s")
        if row["indicator_id"] == indicator_id
    ]
    points.sort(key=lambda p: (p["year"], p["point_id"]))
    indicator = next(r for r in curated("indicators") if r["indicator_id"] == indicator_id)
    url = f"/api/v1/indicators/{indicator_id}/series?limit=1000"
    assert api.get(url).json == {
        "data": points,
        "meta": {
            "total": len(points),
            "count": len(points),
            "limit": 1000,
            "sort": "year",
            "data_version": VERSION,
            "indicator": indicator,
        },
        "links": {"self": url, "next": None, "prev": None},
    }
    assert len({p["plan_id"] for p in points}) >= 3


def test_progress_is_the_built_progress_table_in_the_envelope(api, db_path):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM progress ORDER BY target_id")]
    assert api.get("/api/v1/progress?limit=1000").json == {
        "data": rows,
        "meta": {
            "total": len(rows),
            "count": len(rows),
            "limit": 1000,
            "sort": "target_id",
            "data_version": VERSION,
        },
        "links": {"self": "/api/v1/progress?limit=1000", "next": None, "prev": None},
    }
    assert rows


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_collection_as_csv_is_its_curated_file_row_for_row(api, db_path, name):
    """Every cell as the curated CSV writes it, so a download round-trips to the same rows."""
    with open(paths.DATASETS / f"{name}.csv", encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    response = api.get(f"/api/v1/{name}?format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    version = data_release(db_path).version
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}-{version}.csv"'
    got_header, *got = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert got_header == header == SCHEMAS[name].field_names
    key = header.index(LISTINGS[name].key)
    assert sorted(got, key=lambda r: r[key]) == sorted(rows, key=lambda r: r[key])


def test_search_results_as_csv_are_the_hits(api):
    hits = api.get("/api/v1/search?q=孵化器&limit=100").json["data"]
    response = api.get("/api/v1/search?q=孵化器&format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="search.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["kind"], r["id"], r["url"]) for r in rows] == [
        (h["kind"], h["id"], h["url"]) for h in hits
    ]
    assert len(rows) > 5


@pytest.mark.parametrize("name", list(LISTINGS))
def test_each_collection_filters_by_its_key_as_a_comma_list(api, name):
    key = LISTINGS[name].key
    wanted = [row[key] for row in curated(name)[:2]]
    body = api.get(f"/api/v1/{name}?{key}={','.join(wanted)}").json
    assert sorted(row[key] for row in body["data"]) == sorted(wanted)
    assert body["meta"]["total"] == 2


def test_plans_filter_by_years_their_period_overlaps(api):
    plans = curated("plans")
    overlapping = [p for p in plans if p["period_end"] >= 2017 and p["period_start"] <= 2020]
    expected = {p["plan_id"] for p in overlapping}
    body = api.get("/api/v1/plans?year_from=2017&year_to=2020").json
    assert {p["plan_id"] for p in body["data"]} == expected
    assert 0 < len(expected) < len(plans)


def test_progress_filters_by_theme_and_years(api, db_path):
    conn = sqlite3.connect(db_path)
    expected = {
        r[0]
        for r in conn.execute(
            "SELECT target_id FROM progress JOIN indicators USING (indicator_id) "
            "WHERE theme_id = 'enterprises' AND target_year BETWEEN 2020 AND 2025"
        )
    }
    body = api.get("/api/v1/progress?theme_id=enterprises&year_from=2020&year_to=2025").json
    assert {r["target_id"] for r in body["data"]} == expected
    assert expected


@pytest.mark.parametrize("name", list(LISTINGS))
def test_every_collection_is_named_in_the_document(api, name):
    spec = api.get("/api/v1/openapi.json").json
    item = spec["paths"][f"/api/v1/{name}/{{{LISTINGS[name].key}}}"]
    assert [p["name"] for p in item["parameters"] if p["in"] == "path"] == [LISTINGS[name].key]
    ok = item["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/csv"}
    assert SINGULAR[name] in ok["application/json"]["schema"]["$ref"]
