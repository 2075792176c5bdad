"""Every reading page at national scale: its HTML size and its server time, one connection.

    .venv/bin/python benchmarks/pages.py --db PATH [--requests 40] [--port 8200] [--write]

Serves a database written by `portal synth --targets N --db PATH` with the portal's own gunicorn
settings (`gunicorn.conf.py`, the Procfile's command) and asks each reading page `--requests`
times, one request after another on one keep-alive connection to 127.0.0.1: the home page, the
indicator list, an indicator page (its default comparison, a chosen one, a page deep in its
figures, figures filtered by region and year), region pages (a province, a prefecture and a
county, the busiest of each), the busiest plan, a search and the downloads page. The pages are
chosen from the database, so that the run measures the heaviest of each kind.

The time is from sending the request to reading the last byte of the answer, on loopback: the
server's time and the kernel's, not a browser's. The first answer of each page is reported apart
(the first page a worker serves reads the region tree and its counts once per database file).
With `--write` the table replaces the part of docs/performance.md between its pages markers.
"""

import argparse
import http.client
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- pages: start -->", "<!-- pages: end -->"
HTML_BOUND = 300 * 1024  # issue 20: every reading page at most 300 KB of HTML
TIME_BOUND_MS = 200  # and at most 200 ms of server time (p50, one connection)


def pages_of(db: Path) -> list[tuple[str, str]]:
    """(what, path) for every kind of reading page, the heaviest of each in this database."""
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    one = lambda sql, *params: conn.execute(sql, params).fetchone()  # noqa: E731

    indicator = one(
        "SELECT indicator_id FROM series GROUP BY indicator_id ORDER BY count(*) DESC LIMIT 1"
    )[0]
    points = one("SELECT count(*) FROM series WHERE indicator_id = ?", indicator)[0]
    chosen = [
        code
        for (code,) in conn.execute(
            "SELECT region_code FROM series WHERE indicator_id = ? GROUP BY region_code"
            " ORDER BY count(*) DESC LIMIT 8",
            [indicator],
        )
    ]
    region, year = one(
        "SELECT region_code, year FROM series WHERE indicator_id = ? GROUP BY 1, 2"
        " ORDER BY count(*) DESC LIMIT 1",
        indicator,
    )

    def busiest(level: str) -> str:
        return one(
            "SELECT r.region_code FROM regions r JOIN series s USING (region_code)"
            " WHERE r.level = ? GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            level,
        )[0]

    province = one(
        "SELECT region_code FROM regions WHERE parent_code IS NULL OR parent_code = ''"
        " ORDER BY (SELECT count(*) FROM regions c WHERE c.parent_code = regions.region_code)"
        " DESC LIMIT 1"
    )[0]
    plan = one("SELECT plan_id FROM series GROUP BY plan_id ORDER BY count(*) DESC LIMIT 1")[0]
    name = one("SELECT name_zh FROM indicators WHERE indicator_id = ?", indicator)[0]
    prefecture, county = busiest("prefecture"), busiest("county")
    conn.close()
    last_page = max(1, -(-points // 50))
    quoted = urllib.parse.quote
    return [
        ("home", "/"),
        ("indicator list", "/indicators/"),
        (f"indicator, default comparison ({points:,} figures)", f"/indicators/{indicator}"),
        ("indicator, 8 regions chosen", f"/indicators/{indicator}?regions={','.join(chosen)}"),
        (f"indicator, figures page {last_page:,}", f"/indicators/{indicator}?page={last_page}"),
        ("indicator, figures of a region and year", f"/indicators/{indicator}?region={region}"
         f"&year={year}"),
        ("region: the province with most cities", f"/regions/{province}"),
        ("region: busiest prefecture", f"/regions/{prefecture}"),
        ("region: busiest county", f"/regions/{county}"),
        ("plan: the one with most figures", f"/plans/{plan}"),
        ("search: an indicator's name", f"/search?q={quoted(name)}"),
        ("downloads", "/downloads/"),
    ]  # fmt: skip


def serve(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PORTAL_DB": str(db), "PORT": str(port)}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "portal.web.asgi:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start")


def measure(port: int, path: str, requests: int) -> dict:
    """The first answer's time, then `requests` more on one connection: sizes and times."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, size = [], 0
    for _ in range(requests + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Language": "zh"})
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        size = len(body)
    connection.close()
    rest = sorted(times[1:])
    return {
        "bytes": size,
        "first": times[0],
        "p50": statistics.median(rest),
        "p90": rest[int(0.9 * (len(rest) - 1))],
    }


def cpu_times(db: Path, paths: list[str], requests: int) -> dict[str, float]:
    """Each page's median CPU time in this process (Flask's test client, after a first answer):
    what the page costs the server, less sensitive than the clock to other work on the cores."""
    sys.path.insert(0, str(ROOT))
    from portal.web.app import create_app

    client = create_app({"PORTAL_DB": str(db), "TESTING": True}).test_client()
    medians = {}
    for path in paths:
        client.get(path, headers={"Accept-Language": "zh"})
        times = []
        for _ in range(requests):
            started = time.process_time()
            client.get(path, headers={"Accept-Language": "zh"})
            times.append((time.process_time() - started) * 1000)
        medians[path] = statistics.median(times)
    return medians


def table(db: Path, results: list[tuple[str, str, dict]], requests: int, command: str) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    counts = {
        name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for name in ("regions", "plans", "targets", "achievements", "programs")
    }
    conn.close()
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `{command}` on "
        f"{platform.machine()}, {os.cpu_count()} cores (load average at the end of the run "
        f"{', '.join(f'{n:.2f}' for n in os.getloadavg())}), Python "
        f"{platform.python_version()}: a synthetic database of "
        + ", ".join(f"{n:,} {name}" for name, n in counts.items())
        + f". Each page asked {requests} times after a first answer, one connection; times from"
        " sending the request to the last byte. CPU ms: the median CPU time of the same page in"
        " process (Flask's test client).",
        "",
        "| page | path | HTML KB | first ms | p50 ms | p90 ms | CPU ms | within bounds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for what, path, r in results:
        within = r["bytes"] <= HTML_BOUND and r["p50"] <= TIME_BOUND_MS
        lines.append(
            f"| {what} | `{path}` | {r['bytes'] / 1024:,.1f} | {r['first']:,.1f} | "
            f"{r['p50']:,.1f} | {r['p90']:,.1f} | {r['cpu']:,.1f} | "
            f"{'yes' if within else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if START not in doc:
        raise SystemExit(f"{DOC} has no {START} marker")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a database from portal synth")
    parser.add_argument("--requests", type=int, default=40, help="answers timed per page")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--write", action="store_true", help="into docs/performance.md")
    args = parser.parse_args()
    pages = pages_of(args.db)
    server = serve(args.db.resolve(), args.port)
    try:
        results = []
        for what, path in pages:
            results.append((what, path, measure(args.port, path, args.requests)))
            print(f"{what}: {results[-1]}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
    cpu = cpu_times(args.db, [path for _, path in pages], args.requests)
    for _, path, r in results:
        r["cpu"] = cpu[path]
    command = "python benchmarks/pages.py --db " + re.sub(r".*/", "", str(args.db))
    command += f" --requests {args.requests}"
    text = table(args.db, results, args.requests, command)
    print(text)
    if args.write:
        write_doc(text)


if __name__ == "__main__":
    main()
