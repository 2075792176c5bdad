"""Hardening: headers, refused paths, read-only SQL, hostile input, builds that lose nothing."""

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import asgi_call

from portal import paths
from portal.web.api.v1.resources import LISTINGS

SECURITY_HEADERS = (
    "x-content-type-options",
    "referrer-policy",
    "content-security-policy",
    "x-frame-options",
)


def raw_get(app, path: str):
    """Call the ASGI app with a path exactly as a client might send it, unnormalised."""
    status, headers, _, _ = asgi_call(app, "GET", path)
    return status, headers


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/plans/baodi-st-14fyp",
        "/api/v1/targets",
        "/api/v1/nothing",
        "/portal/targets",
        "/portal",
        "/static/css/portal.css",
        "/api/v1/openapi.json",
        "/no-such-page",
    ],
)
def test_every_response_carries_the_security_headers(portal, url):
    headers = portal.get(url).headers
    for name in SECURITY_HEADERS:
        assert name in headers, f"{url} lacks {name}"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_portals_own_pages_allow_no_inline_script(portal):
    csp = portal.get("/indicators/high_tech_enterprises").headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


@pytest.mark.parametrize(
    "path", ["//evil.example/", "//evil.example/portal", "/\\evil.example", "/\\/evil.example/"]
)
def test_no_open_redirect(portal_app, path):
    status, headers = raw_get(portal_app, path)
    assert status == 404
    assert "location" not in headers


@pytest.mark.parametrize(
    "path",
    [
        "/portal//evil.example/",
        "/portal/targets//evil.example/",
        "/portal/%2F%2Fevil.example/",
        "/plans//evil.example",
        "/static//evil.example",
        "/read/plans///evil.example",
        "/\t/evil.example",
        "/portal/targets/",
    ],
)
def test_every_redirect_stays_on_the_portal(portal_app, path):
    from urllib.parse import urlsplit

    status, headers = raw_get(portal_app, path)
    location = headers.get("location", "/")
    target = urlsplit(location)
    # Relative, or absolute on the portal's configured host (Werkzeug's merged slashes).
    assert target.netloc in ("", portal_app.host.decode()), (status, location)
    assert not target.path.startswith(("//", "/\\")), (status, location)


@pytest.mark.parametrize(
    "path",
    [
        "/-/versions",
        "/-/versions.json",
        "/-/plugins.json",
        "/-/threads",
        "/-/settings.json",
        "/-/actor.json",
    ],
)
def test_server_introspection_pages_are_hidden(portal, path):
    assert portal.get(path).status_code == 404


def test_the_data_descriptions_stay_public(portal):
    assert portal.get("/-/metadata.json").status_code == 200
    assert portal.get("/-/databases.json").status_code == 200


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO themes VALUES ('x', 'x', 'x', 'x')",
        "DELETE FROM targets",
        "UPDATE targets SET value = 0",
        "ATTACH DATABASE 'other.db' AS other",
        "PRAGMA writable_schema = 1",
        "DROP TABLE targets",
        "CREATE TABLE t (x)",
        "SELECT 1; DELETE FROM targets",
    ],
)
def test_sql_can_read_but_never_write(portal, db_path, sql):
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    response = portal.get("/portal.json", params={"sql": sql})
    assert response.status_code in (400, 403)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


WRITES = [
    "DELETE FROM targets",
    "INSERT INTO themes VALUES ('x', 'x', 'x', 'x')",
    "ATTACH DATABASE 'other.db' AS other",
    "PRAGMA journal_mode = DELETE",
    "WITH x AS (SELECT 1) DELETE FROM targets",
    "VACUUM INTO 'copy.db'",
    "SELECT writefile('x', 'y')",
    "SELECT load_extension('x')",
]


@pytest.mark.parametrize(
    "path, name, value",
    [("/portal", "sql", sql) for sql in WRITES]
    + [("/portal.csv", "sql", sql) for sql in WRITES]
    + [("/portal.json", "sql", sql) for sql in WRITES]
    + [
        ("/portal/targets.json", "_where", "1=1); DELETE FROM targets; --"),
        ("/portal/targets", "_where", "1=1) UNION SELECT sql FROM sqlite_master --"),
        ("/portal/targets.csv", "_where", "1=1; ATTACH 'x.db' AS x"),
        ("/portal/targets.json", "_where", "target_id IN (SELECT 1 FROM pragma_writable_schema)"),
    ],
)
def test_every_sql_entry_point_of_datasette_reads_only(portal, db_path, path, name, value):
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    response = portal.get(path, params={name: value})
    assert response.status_code in (200, 400, 403), response.text[:300]
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_a_query_stopped_during_a_csv_export_is_a_clear_400(portal):
    response = portal.get("/portal/targets.csv", params={"_timelimit": "-1"})
    assert response.status_code == 400
    assert "SQL query took too long" in response.text


def test_a_slow_query_is_stopped_with_a_clear_error(portal):
    sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    started = time.monotonic()
    response = portal.get("/portal.json", params={"sql": sql})
    assert time.monotonic() - started < 10
    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert portal.get("/api/v1/plans").status_code == 200  # the server answers on


def grown(db_path, folder, copies: int):
    """A copy of the database with `copies` more achievements, each a copy of one real row."""
    import shutil

    path = folder / f"grown-{copies}.db"
    shutil.copy(db_path, path)
    conn = sqlite3.connect(path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(achievements)")]
    chosen = ", ".join("'x-a' || n.i" if c == "achievement_id" else c for c in columns)
    conn.execute(
        f"""INSERT INTO achievements ({", ".join(columns)})
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})
        SELECT {chosen} FROM n, (SELECT * FROM achievements WHERE achievement_id = 'bd14-a010')"""
    )
    conn.commit()
    conn.close()
    return path


def test_a_csv_export_streams_in_flat_memory(db_path, tmp_path):
    import tracemalloc

    from portal.web.app import create_app

    peaks = {}
    for copies in (5_000, 50_000):
        client = create_app({"PORTAL_DB": str(grown(db_path, tmp_path, copies))}).test_client()
        tracemalloc.start()
        response = client.get("/api/v1/achievements?format=csv", buffered=False)
        lines = sum(chunk.count(b"\n") for chunk in response.response)
        peaks[copies] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        response.close()
        assert lines > copies
    # Ten times the rows, about the same memory: the rows are never all held at once.
    assert peaks[50_000] < 2 * peaks[5_000], peaks


def test_health_and_readiness(portal):
    assert portal.get("/healthz").json() == {"status": "ok"}
    ready = portal.get("/readyz").json()
    assert ready["status"] == "ready" and ready["data_version"]


def test_not_ready_without_a_database(tmp_path):
    from portal.web.app import create_app

    client = create_app({"PORTAL_DB": str(tmp_path / "missing.db")}).test_client()
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


HOSTILE = st.one_of(
    st.sampled_from(
        [
            "'",
            '"',
            "]",
            ";--",
            "' OR 1=1 --",
            "1 UNION SELECT sql FROM sqlite_master",
            "\x00",
            "%00",
            "-1",
            "-99999999999999999999",
            "99999999999999999999",
            "1e309",
            "NaN",
            "x" * 10_000,
            "<script>alert(1)</script>",
            "../../etc/passwd",
            ",,,",
            "💥",
            "　",
            "-target_id",
            "target_id,-",
            "*",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
)
PARAMETERS = sorted(
    {f.name for listing in LISTINGS.values() for f in listing.filters}
    | {"q", "sort", "limit", "cursor", "format", "bom", "safe", "kind"}
)
PATHS = [
    "/api/v1/targets",
    "/api/v1/achievements",
    "/api/v1/programs",
    "/api/v1/plans",
    "/api/v1/indicators/high_tech_enterprises/series",
    "/api/v1/search",
    "/api/v1/progress",
]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(PATHS), name=st.sampled_from(PARAMETERS), value=HOSTILE)
def test_hostile_values_in_any_parameter_are_never_a_server_error(api, path, name, value):
    query = {name: value}
    if path.endswith("/search") and name != "q":
        query["q"] = "专利"
    response = api.get(path, query_string=query)
    assert response.status_code < 500, (path, query, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.content_type == "application/problem+json"
        assert "Traceback" not in response.get_data(as_text=True)


DATASETTE_PATHS = [
    "/portal/targets",
    "/portal/targets.json",
    "/portal/targets.csv",
    "/portal/targets/sc27-t002.json",
    "/portal/series.json",
    "/portal/progress",
    "/portal.json",
]
DATASETTE_PARAMETERS = [
    "_sort",
    "_sort_desc",
    "_where",
    "_search",
    "_search_source_quote",
    "_searchmode",
    "_facet",
    "_facet_array",
    "_facet_date",
    "_size",
    "_next",
    "_col",
    "_nocol",
    "_shape",
    "_labels",
    "_through",
    "_timelimit",
    "_stream",
    "_json",
    "_nl",
    "_trace",
    "value__gt",
    "plan_id__in",
    "target_year__gte",
    "indicator_id__contains",
    "sql",
]


# Datasette leaves a facet's coroutine unawaited when a request's values fail it.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(DATASETTE_PATHS),
    name=st.sampled_from(DATASETTE_PARAMETERS),
    value=st.one_of(HOSTILE, st.sampled_from(['{"table": 1}', "[1]", "1", "-1", "0"])),
)
def test_hostile_values_in_datasette_parameters_are_never_a_server_error(portal, path, name, value):
    response = portal.get(path, params={name: value})
    assert response.status_code < 500, (path, name, value[:80], response.text[:300])
    assert "Traceback" not in response.text


def test_datasette_errors_are_answered_without_printing_their_locals(portal, capsys):
    # Datasette's own handler prints each exception with its local variables: slow, and a page
    # of log (headers and all) for every bad request.
    for url in ("/portal/targets?_sort=nope", "/portal/progress.json?_through=x"):
        assert portal.get(url).status_code == 400
    printed = capsys.readouterr()
    assert "locals" not in printed.out + printed.err
    assert "Traceback" not in printed.out + printed.err


@pytest.mark.parametrize(
    "exception, status",
    [
        (ValueError("invalid literal for int() with base 10: 'x'"), 400),
        (OverflowError("Python int too large to convert to SQLite INTEGER"), 400),
        (sqlite3.ProgrammingError("the query contains a null character"), 400),
        (sqlite3.IntegrityError("datatype mismatch"), 400),
        (RuntimeError("something of the server's own, /srv/secret"), 500),
        (sqlite3.DatabaseError("file is not a database"), 500),
    ],
)
def test_datasette_errors_are_the_clients_only_when_the_request_caused_them(exception, status):
    from portal.web.datasette_hooks import classify

    answered, message, _, _ = classify(exception)
    assert answered == status
    if status == 500:
        assert message == "The server failed to answer this request; it has been logged."


def test_invalid_utf8_in_the_query_is_a_400(api):
    response = api.get("/api/v1/targets?plan_id=%ff%fe")
    assert response.status_code in (200, 400)
    assert api.get("/api/v1/search?q=%ff").status_code in (200, 400)


PORTAL = str(Path(sys.executable).parent / "portal")


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5, 1.0])
def test_a_build_killed_at_any_point_leaves_the_previous_database(tmp_path, delay):
    db = tmp_path / "portal.db"
    subprocess.run(
        [PORTAL, "build", "--db", str(db)], check=True, cwd=paths.ROOT, capture_output=True
    )
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    process = subprocess.Popen(
        [PORTAL, "build", "--db", str(db)],
        cwd=paths.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert db.exists()
    after = hashlib.sha256(db.read_bytes()).hexdigest()
    # killed before the rename: the old file, whole; killed after: the new one, whole and checked
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM targets").fetchone()[0] > 0
    assert after == before or conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    # a stale temporary file is cleared by the next build
    subprocess.run(
        [PORTAL, "build", "--db", str(db)], check=True, cwd=paths.ROOT, capture_output=True
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portal.db"]
