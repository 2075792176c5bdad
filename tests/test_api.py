"""API v1: the envelope, filters, paging and errors that developers rely on."""

import os
import re
import shutil
import sqlite3

import pytest
from support import read_csv

from portal import paths
from portal.tableschema import load_schemas
from portal.web import query
from portal.web.api.v1.resources import LISTINGS, SINGULAR

SCHEMAS = load_schemas()
PROBLEM = "application/problem+json"


def typed(table: str, row: dict) -> dict:
    """A CSV row as the API returns it: numbers as numbers, empty cells as null."""
    out = {}
    for f in SCHEMAS[table].fields:
        value = row[f.name]
        if value == "":
            out[f.name] = None
        elif f.type == "integer":
            out[f.name] = int(value)
        elif f.type == "number":
            out[f.name] = float(value)
        else:
            out[f.name] = value
    return out


def test_a_plan_is_its_csv_row_in_the_envelope(api):
    row = next(
        r
        for r in read_csv(paths.DATASETS / "plans.csv")
        if r["plan_id"] == "subcentre-st-doubling-2027"
    )
    response = api.get("/api/v1/plans/subcentre-st-doubling-2027")
    assert response.status_code == 200
    assert response.json == {
        "data": typed("plans", row),
        "meta": {"data_version": response.json["meta"]["data_version"]},
        "links": {"self": "/api/v1/plans/subcentre-st-doubling-2027"},
    }


def test_targets_filtered_by_plan_are_exactly_that_plans_rows(api):
    expected = [
        typed("targets", r)
        for r in read_csv(paths.DATASETS / "targets.csv")
        if r["plan_id"] == "subcentre-st-doubling-2027"
    ]
    response = api.get("/api/v1/targets?plan_id=subcentre-st-doubling-2027&limit=1000")
    body = response.json
    assert response.status_code == 200
    assert body["data"] == sorted(expected, key=lambda r: r["target_id"])
    assert body["meta"] == {
        "total": len(expected),
        "count": len(expected),
        "limit": 1000,
        "sort": "target_id",
        "data_version": body["meta"]["data_version"],
    }
    assert body["links"] == {
        "self": "/api/v1/targets?plan_id=subcentre-st-doubling-2027&limit=1000",
        "next": None,
        "prev": None,
    }
    assert len(expected) > 15


def test_a_comma_list_selects_several_values(api, db_path):
    conn = sqlite3.connect(db_path)
    expected = conn.execute(
        "SELECT count(*) FROM targets WHERE plan_id IN "
        "('subcentre-st-doubling-2027', 'baodi-st-14fyp')"
    ).fetchone()[0]
    body = api.get("/api/v1/targets?plan_id=subcentre-st-doubling-2027,baodi-st-14fyp").json
    assert body["meta"]["total"] == expected
    assert {r["plan_id"] for r in body["data"]} == {"subcentre-st-doubling-2027", "baodi-st-14fyp"}


def test_year_range_and_theme_filters(api, db_path):
    conn = sqlite3.connect(db_path)
    expected = {
        r[0]
        for r in conn.execute(
            "SELECT target_id FROM targets JOIN indicators USING (indicator_id) "
            "WHERE theme_id = 'enterprises' AND target_year BETWEEN 2020 AND 2025"
        )
    }
    body = api.get(
        "/api/v1/targets?theme_id=enterprises&year_from=2020&year_to=2025&limit=1000"
    ).json
    assert {r["target_id"] for r in body["data"]} == expected
    assert expected


def test_paging_forward_and_back_visits_every_row_once(api):
    everything = api.get("/api/v1/programs?limit=1000&sort=-plan_id,ordinal").json["data"]
    seen, url, pages = [], "/api/v1/programs?limit=7&sort=-plan_id,ordinal", []
    while url:
        body = api.get(url).json
        pages.append(body)
        seen.extend(body["data"])
        url = body["links"]["next"]
    assert seen == everything
    assert all(page["meta"]["total"] == len(everything) for page in pages)
    # and back again from the last page
    back, url = [], pages[-1]["links"]["prev"]
    while url:
        body = api.get(url).json
        back = body["data"] + back
        url = body["links"]["prev"]
    assert back + pages[-1]["data"] == everything


def test_a_programme_comes_with_its_children(api, db_path):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    pillar = dict(
        conn.execute(
            "SELECT * FROM programs WHERE plan_id = 'subcentre-st-doubling-2027' "
            "AND level = 'pillar' ORDER BY ordinal LIMIT 1"
        ).fetchone()
    )
    children = [
        dict(r)
        for r in conn.execute(
            "SELECT * FROM programs WHERE parent_id = ? ORDER BY ordinal", [pillar["program_id"]]
        )
    ]
    body = api.get(f"/api/v1/programs/{pillar['program_id']}").json
    assert body["data"] == {**pillar, "children": children}
    assert len(children) >= 3


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/targets?colour=red", "colour"),
        ("/api/v1/targets?limit=1001", "limit"),
        ("/api/v1/targets?limit=0", "limit"),
        ("/api/v1/targets?limit=ten", "limit"),
        ("/api/v1/targets?target_year=next", "target_year"),
        ("/api/v1/targets?sort=source_quote", "sort"),
        ("/api/v1/targets?sort=-target_year,", "sort"),
        ("/api/v1/targets?cursor=not-a-cursor", "cursor"),
        ("/api/v1/plans/subcentre-st-doubling-2027?verbose=1", "verbose"),
    ],
)
def test_bad_query_parameters_are_a_400_problem_naming_the_field(api, url, field):
    response = api.get(url)
    assert response.status_code == 400
    assert response.content_type == PROBLEM
    body = response.json
    assert body["type"] == "about:blank"
    assert body["title"] == "Bad Request"
    assert body["status"] == 400
    assert field in body["detail"]
    assert list(body["errors"]) == [field]


def test_a_cursor_for_another_sort_is_rejected(api):
    next_link = api.get("/api/v1/targets?limit=2").json["links"]["next"]
    cursor = next_link.split("cursor=")[1]
    body = api.get(f"/api/v1/targets?limit=2&sort=-target_year&cursor={cursor}").json
    assert body["errors"] == {"cursor": ["The cursor belongs to another sort order."]}


def test_the_openapi_document_describes_every_route(api):
    spec = api.get("/api/v1/openapi.json").json
    documented = set(spec["paths"])
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in api.application.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and rule.endpoint.startswith("v1.")
    }
    assert documented == routes
    # each item's path names its key, as the collections' columns do
    assert documented == {
        "/api/v1/",
        *(f"/api/v1/{name}" for name in LISTINGS),
        *(f"/api/v1/{name}/{{{listing.key}}}" for name, listing in LISTINGS.items()),
        "/api/v1/indicators/{indicator_id}/series",
        "/api/v1/progress",
        "/api/v1/search",
    }


def test_openapi_field_descriptions_come_from_the_table_schemas(api):
    components = api.get("/api/v1/openapi.json").json["components"]["schemas"]
    for table, schema in SCHEMAS.items():
        documented = components[SINGULAR[table]]["properties"]
        for f in schema.fields:
            assert documented[f.name]["description"] == f"{f.title}: {f.description}"


def test_unknown_paths_and_methods_are_problems_too(api):
    assert api.get("/api/v1/nothing-here").content_type == PROBLEM
    response = api.post("/api/v1/targets")
    assert response.status_code == 405
    assert response.content_type == PROBLEM


def test_an_unexpected_failure_is_a_500_problem_without_a_traceback(db_path, tmp_path):
    from portal.web.app import create_app

    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database")
    response = create_app({"PORTAL_DB": str(broken)}).test_client().get("/api/v1/targets")
    assert response.status_code == 500
    assert response.content_type == PROBLEM
    assert response.json == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server failed to answer this request; it has been logged.",
    }
    assert "Traceback" not in response.text


def test_responses_carry_an_etag_and_honour_if_none_match(api):
    first = api.get("/api/v1/targets?limit=3")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept" in first.headers["Vary"]
    again = api.get("/api/v1/targets?limit=3", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    other = api.get("/api/v1/targets?limit=4", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200


def test_cross_origin_get_is_allowed(api):
    response = api.get("/api/v1/plans", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = api.options(
        "/api/v1/plans",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_an_indicator_series_gathers_every_plan_and_region_by_year(api, db_path):
    conn = sqlite3.connect(db_path)
    achievements = conn.execute(
        "SELECT count(*) FROM achievements WHERE indicator_id = 'high_tech_enterprises'"
    ).fetchone()[0]
    targets = conn.execute(
        "SELECT count(*) FROM targets WHERE indicator_id = 'high_tech_enterprises'"
    ).fetchone()[0]
    body = api.get("/api/v1/indicators/high_tech_enterprises/series?limit=1000").json
    points = body["data"]
    assert len(points) == achievements + targets == body["meta"]["total"]
    assert [p["year"] for p in points] == sorted(p["year"] for p in points)
    assert {p["region_code"] for p in points} >= {"110112", "110000", "120115"}
    assert body["meta"]["indicator"]["unit"] == "家"
    baodi = [(p["kind"], p["year"], p["value"]) for p in points if p["region_code"] == "120115"]
    assert baodi == [("achievement", 2015, 58), ("achievement", 2019, 151), ("target", 2025, 280)]


def test_the_series_of_an_unknown_indicator_is_a_404(api):
    response = api.get("/api/v1/indicators/no_such_thing/series")
    assert response.status_code == 404
    assert response.json["detail"] == "No indicator has indicator_id 'no_such_thing'."


def test_the_docs_page_needs_nothing_from_outside(api):
    page = api.get("/api/v1/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources)
    for source in sources:
        assert api.get(source).status_code == 200, source


def test_a_list_as_csv_is_every_matching_row_streamed(api, db_path):
    import csv
    import io

    from portal.exports import data_release

    json_rows = api.get("/api/v1/targets?plan_id=baodi-st-14fyp&limit=1000").json["data"]
    for response in (
        api.get("/api/v1/targets?plan_id=baodi-st-14fyp&format=csv"),
        api.get("/api/v1/targets?plan_id=baodi-st-14fyp", headers={"Accept": "text/csv"}),
    ):
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="targets-baodi-st-14fyp-{data_release(db_path).version}.csv"'
        )
        assert response.is_streamed
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert [r["target_id"] for r in rows] == [r["target_id"] for r in json_rows]
        assert rows[0]["source_quote"] == json_rows[0]["source_quote"]


def test_csv_options_for_spreadsheets(api):
    plain = api.get("/api/v1/achievements?format=csv&limit=3").data
    with_bom = api.get("/api/v1/achievements?format=csv&limit=3&bom=true").data
    assert with_bom == b"\xef\xbb\xbf" + plain
    import csv
    import io

    def rows(url):
        return list(csv.DictReader(io.StringIO(api.get(url).get_data(as_text=True))))

    plain_rows = rows("/api/v1/achievements?format=csv&comparator=%3D&limit=5")
    safe_rows = rows("/api/v1/achievements?format=csv&comparator=%3D&safe=true&limit=5")
    assert [r["comparator"] for r in safe_rows] == ["'="] * 5
    assert [r["value"] for r in safe_rows] == [r["value"] for r in plain_rows]
    assert [r["source_quote"] for r in safe_rows] == [r["source_quote"] for r in plain_rows]


def test_an_item_and_a_series_as_csv(api):
    item = api.get("/api/v1/plans/baodi-st-14fyp?format=csv")
    assert item.headers["Content-Disposition"] == 'attachment; filename="plans-baodi-st-14fyp.csv"'
    assert item.get_data(as_text=True).count("\n") == 2
    series = api.get("/api/v1/indicators/high_tech_enterprises/series?format=csv")
    assert series.get_data(as_text=True).splitlines()[0].startswith("point_id,kind,indicator_id")


def test_a_weak_or_listed_tag_is_honoured_and_the_304_keeps_vary(api):
    tag = api.get("/api/v1/plans").headers["ETag"]
    for if_none_match in (tag, f"W/{tag}", f'"other", {tag}'):
        response = api.get("/api/v1/plans", headers={"If-None-Match": if_none_match})
        assert response.status_code == 304, if_none_match
        assert response.headers["ETag"] == tag
        assert response.headers["Vary"] == "Accept"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.data == b""


def test_a_csv_answer_has_its_own_tag_and_is_cached_the_same_way(api):
    csv_tag = api.get("/api/v1/plans?format=csv").headers["ETag"]
    assert csv_tag != api.get("/api/v1/plans").headers["ETag"]
    again = api.get("/api/v1/plans?format=csv", headers={"If-None-Match": csv_tag})
    assert again.status_code == 304
    assert "Content-Disposition" not in again.headers and again.data == b""


def test_if_none_match_never_hides_an_error(api):
    for url in ("/api/v1/plans/no-such-plan", "/api/v1/plans?colour=red"):
        response = api.get(url, headers={"If-None-Match": "*"})
        assert response.status_code in (400, 404), url
        assert response.content_type == PROBLEM


class RecordingConnection(sqlite3.Connection):
    """A connection that remembers the text of every statement it runs."""

    statements: list[str] = []

    def execute(self, sql, *args):
        self.statements.append(sql)
        return super().execute(sql, *args)


@pytest.fixture
def recorded(db_path, monkeypatch):
    """The API over connections that record their SQL; yields the list of statements."""
    from portal.web import query
    from portal.web.app import create_app

    def connect(path):
        conn = sqlite3.connect(
            f"file:{db_path}?mode=ro&immutable=1",
            uri=True,
            check_same_thread=False,
            factory=RecordingConnection,
        )
        conn.row_factory = sqlite3.Row
        return conn

    monkeypatch.setattr(query, "connect", connect)
    monkeypatch.setattr(RecordingConnection, "statements", [])
    client = create_app({"PORTAL_DB": str(db_path), "TESTING": True}).test_client()
    return client, RecordingConnection.statements


MARKER, YEAR = "zq' OR 1=1 --", 4321


def test_request_values_reach_sql_only_as_bound_parameters(recorded):
    from portal.web.api.v1.resources import PROGRESS, SERIES

    client, statements = recorded
    routes = [(f"/api/v1/{name}", listing) for name, listing in LISTINGS.items()]
    routes += [("/api/v1/progress", PROGRESS)]
    routes += [("/api/v1/indicators/high_tech_enterprises/series", SERIES)]
    for path, listing in routes:
        for f in listing.filters:
            if f.name == "indicator_id" and path.endswith("/series"):
                continue
            value = YEAR if f.type is int else MARKER
            for output in ("json", "csv"):
                response = client.get(path, query_string={f.name: value, "format": output})
                assert response.status_code == 200, (path, f.name, response.json)
                response.get_data()  # a streamed CSV runs its query as it is read
        if listing.text_columns:
            assert client.get(path, query_string={"q": MARKER}).status_code == 200
    assert client.get("/api/v1/search", query_string={"q": MARKER}).status_code == 200
    assert client.get("/api/v1/targets/" + MARKER).status_code == 404
    assert len(statements) > 100
    leaked = [s for s in statements if "zq" in s or str(YEAR) in s]
    assert leaked == []


def test_paging_reads_by_keyset_so_the_last_page_costs_what_the_first_does(recorded):
    client, statements = recorded
    url, pages = "/api/v1/achievements?limit=10&sort=-value", 0
    while url:
        del statements[:]
        body = client.get(url).json
        url = body["links"]["next"]
        pages += 1
        assert not [s for s in statements if "OFFSET" in s.upper()]
        assert any("LIMIT ?" in s for s in statements)
    assert pages == 15


def test_keyset_columns_are_never_null(db_path):
    """Keyset paging compares the sort columns with < and >, which a NULL would escape."""
    from portal.web.api.v1.resources import PROGRESS, SERIES

    conn = sqlite3.connect(db_path)
    for listing in [*LISTINGS.values(), PROGRESS, SERIES]:
        for column in {*listing.sortable, listing.key}:
            if listing.table in SCHEMAS:
                assert SCHEMAS[listing.table].field(column).required, (listing.table, column)
            nulls = conn.execute(f"SELECT count(*) FROM {listing.table} WHERE {column} IS NULL")
            assert nulls.fetchone()[0] == 0, (listing.table, column)


def test_a_total_is_counted_once_per_file_and_again_for_a_new_file(db_path, tmp_path):
    copy = tmp_path / "portal.db"
    shutil.copy(db_path, copy)  # a file of its own, which no other test has counted
    statements = []
    first_conn, second_conn = query.connect(copy), query.connect(copy)
    for conn in (first_conn, second_conn):
        conn.set_trace_callback(statements.append)
    args = {"filters": {"plan_id": ["baodi-st-14fyp"]}, "q": None}
    first = query.count_rows(first_conn, LISTINGS["targets"], **args)
    again = query.count_rows(second_conn, LISTINGS["targets"], **args)
    other = query.count_rows(first_conn, LISTINGS["targets"], filters={}, q=None)
    counted = [s for s in statements if s.startswith("SELECT count(*)")]
    expected = first_conn.execute(
        "SELECT count(*) FROM targets WHERE plan_id = 'baodi-st-14fyp'"
    ).fetchone()[0]
    assert first == again == expected > 0
    assert other == first_conn.execute("SELECT count(*) FROM targets").fetchone()[0] > first
    assert len(counted) == 2
    rebuilt = tmp_path / "rebuilt.db"
    shutil.copy(copy, rebuilt)
    os.replace(rebuilt, copy)  # what a build does: another file under the same name
    statements.clear()
    third_conn = query.connect(copy)
    third_conn.set_trace_callback(statements.append)
    assert query.count_rows(third_conn, LISTINGS["targets"], **args) == first
    assert [s for s in statements if s.startswith("SELECT count(*)")]


def test_a_matching_if_none_match_is_answered_without_running_a_query(recorded):
    client, statements = recorded
    for url in (
        "/api/v1/targets?region_code=110112&target_year=2027",
        "/api/v1/targets?format=csv",
        "/api/v1/indicators/high_tech_enterprises/series",
        "/api/v1/search?q=%E4%B8%93%E5%88%A9",
        "/api/v1/plans/baodi-st-14fyp",
    ):
        first = client.get(url)
        assert first.status_code == 200, url
        first.get_data()
        assert statements, url  # the full answer reads the file
        del statements[:]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
        assert again.data == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        assert again.headers["Vary"] == first.headers["Vary"]
        assert again.headers["Access-Control-Allow-Origin"] == "*"
        assert statements == [], url
        # Another URL, or another tag, is answered in full.
        other = client.get(url, headers={"If-None-Match": '"0123"'})
        assert other.status_code == 200 and statements, url


def test_the_server_answers_a_matching_if_none_match_as_flask_would(recorded, db_path):
    """In front of Flask (portal.web.asgi), the same 304 with the same headers, and no query."""
    from support import PortalClient

    from portal.web import asgi

    flask_client, statements = recorded
    portal = PortalClient(asgi.create_app(db_path))
    for url in ("/api/v1/targets?region_code=110112&target_year=2027", "/api/v1/", "/api/v1/plans"):
        csv = [] if url == "/api/v1/" else [{"Accept": "text/csv"}]
        for accept in [{"Accept": "application/json"}, *csv]:
            full = portal.get(url, headers=accept)
            assert full.status_code == 200 and full.headers["ETag"], url
            tag = full.headers["ETag"]
            del statements[:]
            for asked in (tag, f"W/{tag}", f'"other", {tag}'):
                again = portal.get(url, headers={**accept, "If-None-Match": asked})
                assert again.status_code == 304 and again.content == b"", (url, asked)
                assert statements == []
                by_flask = flask_client.get(url, headers={**accept, "If-None-Match": asked})
                assert by_flask.status_code == 304
                mine = {k.lower(): v for k, v in again.headers.items()}
                flasks = {k.lower(): v for k, v in by_flask.headers.items()}
                for name in ("etag", "cache-control", "vary", "access-control-allow-origin"):
                    assert mine[name] == flasks[name], name
                assert "access-control-expose-headers" in mine
                assert "content-type" not in mine and "content-type" not in flasks
            # A tag of another URL or another Accept is no match: a full answer.
            other = portal.get(
                url + ("&" if "?" in url else "?") + "limit=1",
                headers={**accept, "If-None-Match": tag},
            )
            assert other.status_code in (200, 400)


def test_a_matching_if_none_match_never_reaches_the_wsgi_app(api, db_path):
    from support import PortalClient

    from portal.web.api.http import ConditionalAnswers

    reached = []

    async def wsgi_app(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"full"})

    client = PortalClient(ConditionalAnswers(wsgi_app, db_path))
    url = "/api/v1/targets?limit=3"
    tag = api.get(url, headers={"Accept": "application/json"}).headers["ETag"]
    assert (
        client.get(url, headers={"Accept": "application/json", "If-None-Match": tag}).status_code
        == 304
    )
    assert reached == []
    for headers in (
        {"Accept": "text/csv", "If-None-Match": tag},  # another type
        {"Accept": "application/json", "If-None-Match": "*"},  # left to the view
        {"Accept": "application/json"},
    ):
        assert client.get(url, headers=headers).content == b"full"
    assert client.get("/api/v1/targets?limit=4", headers={"If-None-Match": tag}).content == b"full"
    assert len(reached) == 4
