"""A hostile client, in process: bodies, methods, paths, hosts, heavy SQL and facets, leaks,
a file replaced under the running portal, and the language cookie on cacheable answers."""

import asyncio
import json
import resource
import shutil
import sqlite3

import httpx
import pytest
from support import asgi_call as call

from portal.web import asgi, security
from portal.web.app import create_app as create_flask_app
from portal.web.site import HeldToLimits


def endless(size=1024 * 1024):
    while True:
        yield b"x" * size


# --- bodies -----------------------------------------------------------------------------


def test_a_huge_declared_body_is_refused_unread(portal_app):
    status, headers, _, read = call(
        portal_app,
        "GET",
        "/api/v1/plans",
        headers=[(b"content-length", b"100000000")],
        chunks=endless(),
    )
    assert status == 413 and read == 0
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"


def test_a_huge_chunked_body_is_read_no_further_than_the_cap(portal_app):
    status, _, _, read = call(
        portal_app,
        "GET",
        "/search",
        headers=[(b"transfer-encoding", b"chunked")],
        chunks=endless(16 * 1024),
    )
    assert status == 413
    assert read * 16 * 1024 <= security.MAX_BODY + 16 * 1024


def test_a_post_with_the_language_cookie_never_reaches_datasettes_csrf_check(portal_app):
    # Datasette's CSRF check read a whole 100 MB body whenever a cookie came with it.
    status, headers, _, read = call(
        portal_app,
        "POST",
        "/portal",
        headers=[(b"cookie", b"lang=en"), (b"content-length", b"100000000")],
        chunks=endless(),
    )
    assert status == 405 and read == 0
    assert headers["allow"] == "GET, HEAD, OPTIONS"
    assert headers["connection"] == "close"  # the body is not read on either


def test_a_body_that_stops_arriving_is_a_408(portal_app, monkeypatch):
    monkeypatch.setattr(security, "BODY_TIMEOUT", 0.2)
    status, headers, _, _ = call(
        portal_app,
        "GET",
        "/api/v1/plans",
        headers=[(b"content-length", b"1000")],
        chunks=iter([b"x" * 10]),
    )
    assert status == 408
    assert headers["content-type"] == "application/problem+json"


def test_a_small_body_is_passed_on_whole(portal_app):
    status, _, body, _ = call(
        portal_app,
        "GET",
        "/api/v1/plans",
        headers=[(b"content-length", b"5")],
        chunks=[b"hello"],
    )
    assert status == 200 and json.loads(body)["data"]


# --- no 500 on any method or path -------------------------------------------------------

METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]
PATHS = [
    "/",
    "/portal",
    "/portal/targets",
    "/portal/targets/bd14-t001",
    "/portal.json",
    "/-/static/app.css",
    "/api/v1/targets",
    "/api/v1/targets/bd14-t001",
    "/downloads/",
    "/plans/baodi-st-14fyp",
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", PATHS)
def test_no_method_on_any_path_is_a_server_error(portal_app, method, path):
    status, headers, _, _ = call(portal_app, method, path)
    assert status < 500, (method, path, status)
    if status == 405:
        assert "GET" in headers["allow"]
    if path.startswith("/api/") and status >= 400:
        assert headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/-/static/" + "a" * 256,
        "/static/" + "a" * 300 + ".css",
        "/downloads/" + "b" * 300,
        "/portal/" + "c" * 300,
        "/api/v1/targets/" + "d" * 300,
    ],
)
def test_a_name_longer_than_any_file_name_is_a_404(portal_app, path):
    status, headers, _, _ = call(portal_app, "GET", path)
    assert status == 404
    if path.startswith("/api/"):
        assert headers["content-type"] == "application/problem+json"


# --- every answer under /api/ is problem+json -------------------------------------------


@pytest.mark.parametrize(
    "kwargs, status",
    [
        ({"path": "/api/v1/targets", "query": b"q=" + b"x" * 9000}, 414),
        (
            {"path": "/api/v1/targets", "headers": [(f"x-{i}".encode(), b"1") for i in range(120)]},
            431,
        ),
        ({"path": "/api/v1//evil.example"}, 404),
        ({"path": "/api/v1/targets\\x"}, 404),
        ({"path": "/api/v1/nothing"}, 404),
        ({"path": "/api/v1/targets", "method": "DELETE"}, 405),
    ],
)
def test_refusals_under_the_api_are_problem_json(portal_app, kwargs, status):
    answered, headers, body, _ = call(portal_app, **kwargs)
    assert answered == status
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"]
    if status == 405:
        assert headers["allow"] == "GET, HEAD, OPTIONS"


def test_a_worker_at_its_limit_answers_503_with_retry_after(db_path):
    app = asgi.create_app(db_path)
    app.in_flight = security.MAX_IN_FLIGHT
    status, headers, body, _ = call(app, "GET", "/api/v1/plans")
    assert status == 503 and headers["retry-after"] == "1"
    assert json.loads(body)["status"] == 503
    app.in_flight = 0
    assert call(app, "GET", "/api/v1/plans")[0] == 200


# --- the canonical host -----------------------------------------------------------------


@pytest.fixture(scope="module")
def public_app(db_path):
    return asgi.create_app(db_path, base_url="https://data.example.org")


@pytest.mark.parametrize("host", [b"evil.example", b"", b"a b", b"evil.example:99@x", b"[::1"])
def test_redirects_are_built_from_the_configured_host_never_the_requests(public_app, host):
    status, headers, _, _ = call(public_app, "GET", "/api/v1", host=host)
    assert status in (301, 308)
    assert headers["location"] == "https://data.example.org/api/v1/"


def test_datasettes_links_are_built_from_the_configured_host(public_app):
    _, _, body, _ = call(
        public_app, "GET", "/portal/targets.json", query=b"_size=2", host=b"evil.example"
    )
    answer = json.loads(body)
    assert answer["next_url"].startswith("https://data.example.org/portal/targets.json?")
    _, _, page, _ = call(public_app, "GET", "/portal/targets", host=b"evil.example")
    assert b"evil.example" not in page


def test_a_base_url_with_a_path_or_another_scheme_is_refused():
    for bad in ("ftp://x.example", "https://x.example/portal", "not a url"):
        with pytest.raises(ValueError):
            security.canonical_origin(bad)


# --- Datasette within its limits ---------------------------------------------------------


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    "sql",
    [
        "select length(printf('%.*c', 900000000, 'x'))",
        "select length(format('%.900000000c', 'x'))",
        "select length(printf('%!.*c', '50000000', 'x'))",
        "select length(zeroblob(900000000))",
        "select printf('%.*c', 900000, 'x') from targets",
        "select " + ", ".join(f"printf('%.*c', 900000, '{i % 10}')" for i in range(90)),
    ],
)
def test_a_query_that_allocates_without_bound_is_stopped(portal, sql):
    before = peak_memory_mb()
    response = portal.get("/portal.json", params={"sql": sql})
    # A null (the value would be longer than allowed) or a clear error; never the value.
    if response.status_code == 200:
        assert response.json()["rows"] == [[None]]
    else:
        assert response.status_code == 400
        assert "too big" in response.text or "larger than" in response.text
    assert peak_memory_mb() - before < 300
    assert portal.get("/api/v1/plans").status_code == 200


def test_printf_still_formats(portal):
    sql = (
        "select printf('%05.2f|%s|%d%%|%.*c|%-3s|', 3.14159, 'ab', 7, 3, 'z', 'q'), format('%d', 2)"
    )
    response = portal.get("/portal.json", params={"sql": sql})
    assert response.json()["rows"] == [["03.14|ab|7%|zzz|q  |", "2"]]


def test_a_facet_asked_for_hundreds_of_times_is_computed_once(portal):
    seen = []

    async def datasette(scope, receive, send):
        seen.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    held = HeldToLimits(datasette)
    query = b"&".join([b"_facet=source_quote"] * 300 + [b"_facet_size=5", b"plan_id=x"])
    call(held, "GET", "/portal/targets.json", query=query)
    assert seen == [b"_facet=source_quote&_facet_size=5&plan_id=x"]
    # The whole portal: one answer of ordinary size (it was 27 to 117 MB).
    many = portal.get("/portal/targets.json", params=[("_facet", "source_quote")] * 300)
    assert many.status_code == 200 and len(many.content) < 2_000_000


def test_more_than_five_facets_are_refused(portal):
    columns = ["plan_id", "indicator_id", "region_code", "comparator", "basis", "section"]
    response = portal.get("/portal/targets.json", params=[("_facet", c) for c in columns])
    assert response.status_code == 400
    assert "At most 5 facets" in response.json()["error"]
    fine = portal.get("/portal/targets.json", params=[("_facet", c) for c in columns[:5]])
    assert fine.status_code == 200 and set(columns[:5]) <= set(fine.json()["facet_results"])


def test_sqlite_functions_that_leak_addresses_or_paths_answer_nothing(portal, db_path):
    tokenizer = portal.get("/portal.json", params={"sql": "select fts3_tokenizer('simple')"})
    assert tokenizer.status_code == 400
    assert "not authorized" in tokenizer.json()["error"]
    quoted = portal.get("/portal.json", params={"sql": "select \"FTS3_TOKENIZER\"('porter')"})
    assert quoted.status_code == 400
    listing = portal.get("/portal.json", params={"sql": "select * from pragma_database_list"})
    assert listing.status_code == 200
    assert listing.json()["rows"] == [[0, "main", None]]
    assert str(db_path.parent) not in listing.text
    # Datasette's own pages that read the list still work.
    assert portal.get("/portal").status_code == 200
    assert portal.get("/-/databases.json").status_code == 200


# --- one data version at a time ----------------------------------------------------------


def set_version(path, version: str, drop_targets: int = 0):
    conn = sqlite3.connect(path)
    conn.execute("UPDATE portal_meta SET value = ? WHERE key = 'data_version'", [version])
    conn.execute(
        "DELETE FROM targets WHERE target_id IN "
        "(SELECT target_id FROM targets ORDER BY target_id LIMIT ?)",
        [drop_targets],
    )
    conn.commit()
    conn.close()


def test_a_new_build_is_served_by_the_api_and_datasette_alike(db_path, tmp_path):
    served = tmp_path / "portal.db"
    shutil.copy(db_path, served)
    set_version(served, "9.0.0")
    app = asgi.create_app(served)
    sql = "select value from portal_meta where key = 'data_version'"

    async def versions():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            api = (await c.get("/api/v1/")).json()["meta"]["data_version"]
            ready = (await c.get("/readyz")).json()["data_version"]
            datasette = (await c.get("/portal.json", params={"sql": sql})).json()["rows"][0][0]
            count = (await c.get("/portal/targets.json", params={"_size": 1})).json()
            api_total = (await c.get("/api/v1/targets?limit=1")).json()["meta"]["total"]
            return api, ready, datasette, count["filtered_table_rows_count"], api_total

    first = asyncio.run(versions())
    assert first[:3] == ("9.0.0",) * 3 and first[3] == first[4]
    # A new build is written aside and renamed into place, as `portal build` does.
    fresh = tmp_path / "portal.db.new"
    shutil.copy(db_path, fresh)
    set_version(fresh, "9.0.1", drop_targets=3)
    fresh.replace(served)
    second = asyncio.run(versions())
    assert second[:3] == ("9.0.1",) * 3
    assert second[3] == second[4] == first[3] - 3


# --- the language cookie ----------------------------------------------------------------


def test_the_language_cookie_is_never_set_on_a_shared_cacheable_answer(
    db_path, tmp_path, monkeypatch
):
    (tmp_path / "portal-latest.db").write_bytes(db_path.read_bytes())
    monkeypatch.setenv("PORTAL_DOWNLOADS", str(tmp_path))
    client = create_flask_app({"PORTAL_DB": str(db_path), "TESTING": True}).test_client()
    download = client.get("/downloads/portal-latest.db?lang=en")
    assert download.status_code == 200
    assert "public" in download.headers["Cache-Control"]
    assert "Set-Cookie" not in download.headers
    page = client.get("/plans/baodi-st-14fyp?lang=en")
    assert page.headers["Set-Cookie"].startswith("lang=en;")
    assert "private" in page.headers["Cache-Control"]
    assert "Secure" not in page.headers["Set-Cookie"]


def test_the_language_cookie_is_secure_behind_tls(db_path):
    app = asgi.create_app(db_path, base_url="https://data.example.org")
    _, headers, _, _ = call(app, "GET", "/", query=b"lang=en")
    assert "Secure" in headers["set-cookie"] and "lang=en" in headers["set-cookie"]
