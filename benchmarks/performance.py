"""The portal at national scale, measured in one run: build, API under load, memory, start.

    .venv/bin/python benchmarks/performance.py [--targets 1000000] [--seconds 10]

Writes a synthetic dataset (`portal synth`), builds it with the real build and, beside it,
imports the same CSVs with the sqlite3 command line (the practical limit). Then serves the
database with the portal's own gunicorn settings and loads it with wrk at concurrency 16: the
portal's API, the same queries through Datasette's JSON API on the same file, a minimal Flask and
sqlite3 endpoint and a bare "hello" app (benchmarks/apps.py), each under the same settings. It
measures worker memory at rest and around a 100,000-row CSV export, and the time from launch to
the first answer. The figures replace the part of docs/performance.md between its markers.

Needs wrk and sqlite3 (Debian packages of those names). Loads only 127.0.0.1. The work folder
(default build/bench) holds the synthetic CSVs and databases; `--reuse` keeps them between runs.
"""

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.tableschema import TABLES  # noqa: E402
from portal.web.api.v1.paging import encode_cursor  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- figures: start -->", "<!-- figures: end -->"


# --- the build ------------------------------------------------------------------------------


def build(targets: int, work: Path, reuse: bool) -> dict:
    """Synthesize, build (in a process of its own, for its peak memory) and import with sqlite3."""
    datasets, db = work / "datasets", work / "portal.db"
    if reuse and (work / "build.json").exists() and db.exists():
        return json.loads((work / "build.json").read_text())
    shutil.rmtree(datasets, ignore_errors=True)
    started = time.perf_counter()
    run_python(
        "from pathlib import Path; from portal.synth import synthesize; "
        f"synthesize({targets}, Path({str(datasets)!r}))"
    )
    synth_seconds = time.perf_counter() - started
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    out = run_python(
        "import json, resource; from pathlib import Path; from portal.build import build_database; "
        f"r = build_database(Path({str(db)!r}), Path({str(datasets)!r}), "
        f"Path({str(datasets / 'schemas')!r})); "
        "print(json.dumps({'rows': r.rows, 'seconds': r.seconds, "
        "'peak_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))"
    )
    build_seconds = time.perf_counter() - started
    built = json.loads(out.splitlines()[-1])
    imported = work / "import.db"
    imported.unlink(missing_ok=True)
    commands = [".mode csv"] + [f".import {datasets / t}.csv {t}" for t in TABLES]
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(imported), *commands], check=True)
    import_seconds = time.perf_counter() - started
    imported.unlink()
    result = {
        "rows": built["rows"],
        "synth_seconds": synth_seconds,
        "build_seconds": build_seconds,
        "phases": built["seconds"],
        "build_peak_mib": built["peak_kib"] / 1024,
        "import_seconds": import_seconds,
        "csv_mib": sum((datasets / f"{t}.csv").stat().st_size for t in TABLES) / 2**20,
        "db_mib": db.stat().st_size / 2**20,
    }
    (work / "build.json").write_text(json.dumps(result, indent=2))
    return result


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


# --- the servers ----------------------------------------------------------------------------


@dataclass(eq=False)
class Server:
    name: str
    app: str  # gunicorn's APP_MODULE
    plain: bool = False  # gunicorn's defaults with two sync workers, not the portal's settings
    process: subprocess.Popen | None = None
    port: int = 0
    start_seconds: float = 0.0

    def start(self, db: Path, ready: str) -> "Server":
        self.port = free_port()
        env = {**os.environ, "PORTAL_DB": str(db), "PORT": str(self.port)}
        # A socket per worker, as where the kernel migrates queued connections (gunicorn.conf.py).
        env.setdefault("PORTAL_REUSE_PORT", "1")
        conf = "benchmarks/gunicorn_sync.py" if self.plain else "gunicorn.conf.py"
        settings = ["-c", conf]
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                *settings,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "/dev/null",
                "--pythonpath",
                "benchmarks",
                self.app,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = began + 60
        while time.perf_counter() < deadline:
            try:
                if fetch(self.port, ready)[0] == 200:
                    self.start_seconds = time.perf_counter() - began
                    return self
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise SystemExit(f"{self.name} did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


# Ports to serve on (--ports FIRST-LAST), taken in turn; none given: a free one each time. Each
# worker binds the port with SO_REUSEPORT, so a port shared with another server by the same user
# would split its connections with it: name a range nothing else uses.
PORTS: list[int] = []


def free_port() -> int:
    if PORTS:
        PORTS.append(PORTS.pop(0))
        return PORTS[-1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
        return response.status, response.read()


def etag_of(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
        response.read()
        return response.headers["ETag"]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the load -------------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%s}
local tags = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  if tags[i] ~= "" then
    return wrk.format("GET", paths[i], {["If-None-Match"] = tags[i]})
  end
  return wrk.format("GET", paths[i])
end
"""


@dataclass
class Load:
    scenario: str
    server: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    paths: int = 0
    connections: int = 0
    cpu_ms: float = float("nan")  # the server's CPU time (all its processes) per answer


def cpu_seconds(server: "Server") -> float:
    """The CPU time (user and system) of a server's master and workers so far, and of the
    workers it has reaped (recycled by max_requests)."""
    total = 0
    for pid in [server.process.pid, *server.workers()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a worker gone between the listing and the reading
            continue
        total += int(fields[11]) + int(fields[12])
        if pid == server.process.pid:
            total += int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(
    server: Server,
    label: str,
    scenario: str,
    paths: list[str],
    seconds: float,
    connections: int,
    tags: list[str] | None = None,
) -> Load:
    """wrk at the given concurrency over the paths in turn; every answer must be a 200 (or, with
    tags, each path is asked with its If-None-Match and must be a 304)."""
    if not tags and label == "portal":  # the others' failures are counted as errors below
        for path in paths[:3]:
            status, _ = fetch(server.port, path)
            if status != 200:
                raise SystemExit(f"{server.name} {scenario}: {path} answered {status}")
    tags = tags or [""] * len(paths)
    cpu_before = cpu_seconds(server)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT
            % (", ".join(json.dumps(p) for p in paths), ", ".join(json.dumps(t) for t in tags))
        )
    try:
        done = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "--timeout",
                "60s",
                "-s",
                script.name,
                f"http://127.0.0.1:{server.port}",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    load = parse_wrk(done, scenario, label, len(paths))
    if load.requests:
        load.cpu_ms = (cpu_seconds(server) - cpu_before) * 1000 / load.requests
    return load


def parse_wrk(text: str, scenario: str, server: str, paths: int) -> Load:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", text, re.M))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    if not requests:  # not one answer within the run
        return Load(scenario, server, 0.0, float("nan"), float("nan"), 0, 0, paths)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)  # wrk: a status of 400 up
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, sockets.groups())) if sockets else 0
    )
    return Load(
        scenario,
        server,
        float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        ms(percentiles["50"]),
        ms(percentiles["99"]),
        requests,
        errors,
        paths,
    )


# --- what is asked --------------------------------------------------------------------------


def q(path: str, **params) -> str:
    return path + "?" + urllib.parse.urlencode(params)


def sql(statement: str, **params) -> str:
    return q("/portal.json", sql=statement, _shape="objects", **params)


@dataclass
class Workload:
    """The paths of every scenario, drawn from the database (the same for every server)."""

    pairs: list[tuple[str, int]]
    target_ids: list[str]
    indicators: list[str]
    last_key: str
    export_filter: dict
    export_rows: int
    searches: list[str]

    @classmethod
    def of(cls, db: Path, seed: int = 7) -> "Workload":
        rng = random.Random(seed)
        conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        total = conn.execute("SELECT count(*) FROM targets").fetchone()[0]
        picks = sorted(rng.sample(range(1, total + 1), min(200, total)))
        rows = [
            conn.execute(
                "SELECT target_id, region_code, target_year FROM targets WHERE rowid = ?", [r]
            ).fetchone()
            for r in picks
        ]
        indicators = [i for (i,) in conn.execute("SELECT indicator_id FROM indicators")]
        # What readers type: indicators' names in Chinese, a word of their English names, and
        # a name's first two characters with a year ("人才 2027").
        names = conn.execute("SELECT name_zh, name_en FROM indicators").fetchall()
        years = [y for (y,) in conn.execute("SELECT DISTINCT target_year FROM targets")]
        searches = [zh for zh, _ in rng.sample(names, 20)]
        searches += [rng.choice(en.split()) for _, en in rng.sample(names, 10)]
        searches += [f"{zh[:2]} {rng.choice(years)}" for zh, _ in rng.sample(names, 10)]
        # Common words, with hundreds of thousands of hits at national scale.
        searches += ["专利", "人才", "high-tech", "patent 2020"]
        last_key = conn.execute(
            "SELECT target_id FROM targets ORDER BY target_id LIMIT 1 OFFSET ?",
            [max(0, total - 51)],
        ).fetchone()[0]
        # The indicator whose targets come closest to 100,000 rows: the CSV export's filter.
        counts = conn.execute(
            "SELECT target_year, count(*) FROM targets GROUP BY target_year"
        ).fetchall()
        year, export_rows = min(counts, key=lambda c: abs(c[1] - 100_000))
        conn.close()
        return cls(
            pairs=[(r[1], r[2]) for r in rows[:50]],
            target_ids=[r[0] for r in rows],
            indicators=rng.sample(indicators, min(20, len(indicators))),
            last_key=last_key,
            export_filter={"target_year": year},
            export_rows=export_rows,
            searches=searches,
        )

    def scenarios(self) -> dict[str, dict[str, list[str]]]:
        """scenario → server → paths."""
        pairs, filtered = self.pairs, "region_code = :r AND target_year = :y"
        by_target = "SELECT * FROM targets WHERE target_id = :id"
        return {
            "filtered list (region_code + target_year)": {
                "portal": [q("/api/v1/targets", region_code=r, target_year=y) for r, y in pairs],
                "datasette-sql": [
                    sql(
                        f"SELECT * FROM targets WHERE {filtered} ORDER BY target_id LIMIT 51",
                        r=r,
                        y=y,
                    )
                    for r, y in pairs
                ],
                "datasette-table": [
                    q("/portal/targets.json", region_code=r, target_year=y, _shape="objects")
                    for r, y in pairs
                ],
                "minimal": [q("/targets", region_code=r, target_year=y) for r, y in pairs],
                "minimal-sync": [q("/targets", region_code=r, target_year=y) for r, y in pairs],
                "hello": ["/"],
            },
            "first page of all targets": {
                "portal": [q("/api/v1/targets", limit=50)],
                "datasette-table": [q("/portal/targets.json", _size=50, _shape="objects")],
            },
            "last page of all targets": {
                "portal": [
                    q(
                        "/api/v1/targets",
                        limit=50,
                        cursor=encode_cursor("after", "target_id", [self.last_key]),
                    )
                ],  # fmt: skip
                "datasette-table": [
                    q("/portal/targets.json", _size=50, _next=self.last_key, _shape="objects")
                ],
            },
            "one item": {
                "portal": [f"/api/v1/targets/{t}" for t in self.target_ids],
                "datasette-sql": [sql(by_target, id=t) for t in self.target_ids],
            },
            "indicator series": {
                "portal": [f"/api/v1/indicators/{i}/series" for i in self.indicators],
                "datasette-sql": [
                    sql(
                        "SELECT * FROM series WHERE indicator_id = :i "
                        "ORDER BY year, point_id LIMIT 51",
                        i=i,
                    )
                    for i in self.indicators
                ],
            },
            "search": {
                "portal": [q("/api/v1/search", q=s) for s in self.searches],
                "datasette-table": [
                    q("/portal/targets.json", _search=s, _shape="objects") for s in self.searches
                ],
            },
            f"CSV export ({self.export_rows:,} rows)": {
                "portal": [q("/api/v1/targets", format="csv", **self.export_filter)],
                "datasette-table": [
                    q("/portal/targets.csv", _stream="on", _size="max", **self.export_filter)
                ],
            },
        }


SERVERS = {
    "portal": "portal.web.asgi:create_app()",
    "datasette-sql": "apps:datasette()",
    "datasette-table": "apps:datasette()",
    "minimal": "apps:minimal()",
    "minimal-sync": "apps:minimal_wsgi()",
    "hello": "apps:hello()",
}
READY = {
    "portal": "/api/v1/targets?limit=1",
    "datasette-sql": "/portal.json?sql=select+1",
    "datasette-table": "/portal.json?sql=select+1",
    "minimal": "/targets?region_code=110000&target_year=2020",
    "minimal-sync": "/targets?region_code=110000&target_year=2020",
    "hello": "/",
}
FILTERED = "filtered list (region_code + target_year)"


def memory_around_export(server: Server, path: str) -> dict:
    """Each worker's RSS at rest, its peak during CSV exports (one a worker at once), after."""
    workers = server.workers()
    rest = {pid: rss_mib(pid) for pid in workers}
    peak = dict(rest)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss_mib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    exports = [threading.Thread(target=fetch, args=(server.port, path)) for _ in workers]
    for _ in range(2):
        for t in exports:
            t.start()
        for t in exports:
            t.join()
        exports = [threading.Thread(target=fetch, args=(server.port, path)) for _ in workers]
    stop.set()
    sampler.join()
    after = {pid: rss_mib(pid) for pid in workers}
    return {
        "workers": len(workers),
        "rest_mib": max(rest.values()),
        "peak_mib": max(peak.values()),
        "after_mib": max(after.values()),
        "growth_mib": max(peak[pid] - rest[pid] for pid in workers),
    }


def check_same_rows(portal: Server, others: dict[str, Server], path_pairs) -> None:
    """The compared endpoints answer the same rows, or the comparison would mean nothing."""
    for portal_path, other_paths in path_pairs:
        mine = [r["target_id"] for r in json.loads(fetch(portal.port, portal_path)[1])["data"]]
        for name, path in other_paths.items():
            body = json.loads(fetch(others[name].port, path)[1])
            rows = body["rows"] if isinstance(body, dict) and "rows" in body else body
            rows = rows["data"] if isinstance(rows, dict) else rows
            theirs = [r["target_id"] for r in rows][: len(mine)]
            if theirs != mine:
                raise SystemExit(f"{name} answers other rows than the portal for {path}")


# --- the report -----------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    packages = ("flask", "flask-smorest", "marshmallow", "datasette", "gunicorn", "uvicorn")
    versions = {package: version(package) for package in packages}
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(
            "\n"
        )[0],
        "packages": versions,
    }


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Runs:
    """Repeated loads of one scenario: figures as each run's, and as their median."""

    loads: dict[str, list[Load]]  # server → its runs, in the order they were made

    def rate(self, server: str) -> float:
        return median([load.requests_per_second for load in self.loads[server]])

    def p99(self, server: str) -> float:
        return median([load.p99_ms for load in self.loads[server]])

    def rates(self, server: str) -> list[float]:
        return [load.requests_per_second for load in self.loads[server]]


def report(
    args,
    env: dict,
    built: dict | None,
    loads: list[Load],
    runs: Runs,
    memory: dict,
    start: dict,
) -> str:
    by = {(load.scenario, load.server): load for load in loads}
    export = next(s for s, _ in by if s.startswith("CSV export"))
    portal_rates = runs.rates("portal")
    search_limit = 100 if args.targets <= 200_000 else 150
    goals = [
        ("even load: worst of the runs ≥ 0.8 × the best (filtered list, req/s)",
         ratio(min(portal_rates), max(portal_rates)), 0.8, ">="),
        ("16 connections ≥ 1.7 × one connection (filtered list, req/s)",
         ratio(runs.rate("portal"), runs.rate("portal, 1 connection")), 1.7, ">="),
        ("filtered list ≥ 0.9 × minimal Flask + sqlite3 on sync gunicorn (req/s)",
         ratio(runs.rate("portal"), runs.rate("minimal-sync")), 0.9, ">="),
        ("filtered list ≥ 0.8 × minimal Flask + sqlite3 on the portal's server (req/s)",
         ratio(runs.rate("portal"), runs.rate("minimal")), 0.8, ">="),
        ("filtered list ≥ 2.5 × Datasette's SQL JSON (req/s)",
         ratio(runs.rate("portal"), runs.rate("datasette-sql")), 2.5, ">="),
        ("filtered list p99 < 50 ms", runs.p99("portal"), 50, "<"),
        ("If-None-Match answered 304 ≥ 3 × full answers (req/s)",
         ratio(runs.rate("portal, If-None-Match"), runs.rate("portal")), 3, ">="),
        (
            "last page ≤ 1.5 × first page (p50 latency)",
            ratio(
                by[("last page of all targets", "portal")].p50_ms,
                by[("first page of all targets", "portal")].p50_ms,
            ),
            1.5,
            "<=",
        ),
        (f"search p99 ≤ {search_limit} ms, fresh workers", runs.p99("search, fresh workers"),
         search_limit, "<="),
        ("search p99 < 50 ms, fresh workers", runs.p99("search, fresh workers"), 50, "<"),
        ("CSV export: worker memory growth < 50 MB", memory["growth_mib"] * 1.048576, 50, "<"),
        ("start (first answer) ≤ 2.5 s", median(start["portal"]), 2.5, "<="),
    ]  # fmt: skip
    if built:
        goals.append(
            (
                "build ≤ 2 × sqlite3 .import (time)",
                ratio(built["build_seconds"], built["import_seconds"]),
                2,
                "<=",
            )
        )

    def met(value, limit, op):
        return {">=": value >= limit, "<=": value <= limit, "<": value < limit}[op]

    m = env["machine"]
    out = [
        START,
        "",
        f"Measured {env['date']} with `{env['command']}`, {args.targets:,} targets.",
        "",
        "## The machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_gib']:.0f} GiB; {m['system']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}, {m['wrk']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"- gunicorn with the portal's settings (`gunicorn.conf.py`): {env['workers']} uvicorn "
        "workers, each with a listening socket of its own; wrk runs on the same cores as the "
        "server.",
        f"- Load average of the machine (other work included) before the run: {env['load'][0]}; "
        f"after: {env['load'][1]}.",
        "",
        "## Goals",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
    ]
    for name, value, limit, op in goals:
        unit = " ms" if ("p99" in name or "p50 " in name) and "×" not in name else ""
        unit = " s" if "start" in name else unit
        unit = " MB" if "memory" in name else unit
        shown = f"{value:.2f}{unit}" if unit else f"{value:.2f} ×"
        out.append(f"| {name} | {shown} | {'yes' if met(value, limit, op) else '**no**'} |")
    spread = {
        server: ratio(min(runs.rates(server)), max(runs.rates(server)))
        for server in ("minimal", "minimal-sync", "datasette-sql")
    }
    out += [
        "",
        "The machine's own spread in the same rounds (worst run ÷ best, the servers the portal is "
        f"measured against): minimal {spread['minimal']:.2f} ×, minimal on sync gunicorn "
        f"{spread['minimal-sync']:.2f} ×, Datasette's SQL JSON {spread['datasette-sql']:.2f} ×.",
    ]
    if not built:
        out += ["", "The build was not measured in this run (`--db`: a database built before)."]
    out += [
        "",
        "## The data",
        "",
        "| table | rows |",
        "|---|---|",
        *[f"| {t} | {n:,} |" for t, n in env["rows"].items()],
        f"| all | {sum(env['rows'].values()):,} |",
        "",
    ]
    if built:
        rows = sum(built["rows"].values())
        out += [
            f"CSV files {built['csv_mib']:,.0f} MiB; database {built['db_mib']:,.0f} MiB "
            f"(written by `portal synth` in {built['synth_seconds']:.0f} s).",
            "",
            "## Build",
            "",
            "| | seconds | rows per second |",
            "|---|---|---|",
            f"| `portal build` (validation, load, indexes, search index, progress, checks) | "
            f"{built['build_seconds']:.1f} | {rows / built['build_seconds']:,.0f} |",
            *[f"| — {phase} | {s:.1f} | |" for phase, s in built["phases"].items()],
            f"| `sqlite3` `.import` of the same CSVs (no types, keys, indexes or checks) | "
            f"{built['import_seconds']:.1f} | {rows / built['import_seconds']:,.0f} |",
            "",
            f"The build's peak memory: {built['build_peak_mib']:,.0f} MiB.",
            "",
        ]
    else:
        out += [f"Database {env['db_mib']:,.0f} MiB.", ""]
    out += [
        f"## Runs, one after another ({args.runs} of each, {args.seconds:g} s each)",
        "",
        f"The filtered list over {len(env['pairs'])} (region, year) filters in turn, each server "
        "in turn within a round, so that the machine's load falls on all of them alike; search "
        f"over {env['searches']} queries in turn, each run on a server started just before it, "
        "so that every worker's first searches are in it.",
        "",
        "| scenario | server | connections | req/s of each run | median req/s | p99 ms of each "
        "run | server CPU ms per answer (median) | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for server, series in runs.loads.items():
        out.append(
            f"| {series[0].scenario} | {server} | {series[0].connections} | "
            + ", ".join(f"{load.requests_per_second:,.0f}" for load in series)
            + f" | {runs.rate(server):,.0f} | "
            + ", ".join(f"{load.p99_ms:.1f}" for load in series)
            + f" | {median([load.cpu_ms for load in series]):.2f}"
            + f" | {sum(load.errors for load in series)} |"
        )
    out += [
        "",
        f"## API under load (wrk, {args.connections} connections, {args.seconds:g} s each)",
        "",
        "| scenario | server | req/s | p50 ms | p99 ms | requests | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for load in loads:
        if not load.requests:
            none = "| 0 | — | — | 0 | no answer in the run |"
            out.append(f"| {load.scenario} | {load.server} {none}")
            continue
        out.append(
            f"| {load.scenario} | {load.server} | {load.requests_per_second:,.1f} | "
            f"{load.p50_ms:.2f} | {load.p99_ms:.2f} | {load.requests:,} | {load.errors} |"
        )
    out += [
        "",
        "Servers: **portal** the whole portal (`portal.web.asgi:create_app()`, as the Procfile "
        "runs it); **datasette-sql** Datasette's SQL JSON (`/portal.json?sql=…&_shape=objects`) "
        "and **datasette-table** its table JSON (with its count and facets) on the same file, "
        "served alone; **minimal** a hand-written Flask + sqlite3 endpoint returning the same "
        "JSON under the portal's gunicorn settings, and **minimal-sync** the same Flask app under "
        "plain gunicorn with two sync workers (no keep-alive); **hello** a bare ASGI app "
        "answering five bytes (`benchmarks/apps.py`).",
        "",
        "## Memory and start",
        "",
        f"- Per worker at rest: {memory['rest_mib']:.0f} MiB (largest of {memory['workers']}).",
        f"- During the CSV export of {export.split('(')[1].rstrip(')')} (one at a time on every "
        f"worker, twice): peak {memory['peak_mib']:.0f} MiB, growth at most "
        f"{memory['growth_mib']:.1f} MiB; after: {memory['after_mib']:.0f} MiB.",
        "- From launch to the first answer of `/api/v1/targets`: "
        + ", ".join(f"{s:.2f}" for s in start["portal"])
        + f" s in {len(start['portal'])} starts, median {median(start['portal']):.2f} s "
        f"(Datasette alone: {start['datasette']:.2f} s; hello: {start['hello']:.2f} s).",
        "",
        END,
    ]
    return "\n".join(out)


def write_doc(text: str) -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{START}\n{END}\n"
    before, rest = current.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + text + after, encoding="utf-8")


def table_rows(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    conn.close()
    return rows


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def rounds(servers: dict, scenarios: dict, args) -> Runs:
    """The filtered list, several rounds of each server in turn; one connection; 304s."""
    paths = scenarios[FILTERED]
    loads: dict[str, list[Load]] = {}
    portal = servers["portal"]
    tags = [etag_of(portal.port, path) for path in paths["portal"]]

    def run(label, server, server_paths, connections, tags=None):
        load = wrk(servers[server], label, FILTERED, server_paths, args.seconds, connections, tags)
        load.connections = connections
        loads.setdefault(label, []).append(load)
        print(
            f"  {label}: {load.requests_per_second:,.0f} req/s, p99 {load.p99_ms:.1f} ms, "
            f"errors {load.errors}",
            flush=True,
        )

    for round_ in range(args.runs):
        print(f"round {round_ + 1} of {args.runs} …", flush=True)
        for server in ("portal", "minimal", "minimal-sync", "datasette-sql"):
            run(server, server, paths[server], args.connections)
        if round_ < 3:
            run("portal, 1 connection", "portal", paths["portal"], 1)
            run("portal, If-None-Match", "portal", paths["portal"], args.connections, tags)
    return Runs(loads)


def fresh_searches(db: Path, scenarios: dict, args, runs: Runs, start: dict) -> None:
    """Search on servers started just before: every worker's first searches are measured."""
    paths = scenarios["search"]["portal"]
    for _ in range(3):
        server = Server("portal", SERVERS["portal"]).start(db, READY["portal"])
        start["portal"].append(server.start_seconds)
        try:
            load = wrk(server, "portal", "search", paths, args.seconds, args.connections)
        finally:
            server.stop()
        load.connections = args.connections
        runs.loads.setdefault("search, fresh workers", []).append(load)
        print(f"  search, fresh: p99 {load.p99_ms:.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10, help="of load per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=5, help="rounds of the filtered list")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    parser.add_argument(
        "--db", type=Path, help="serve this database (from `portal synth`); skip the build"
    )
    parser.add_argument("--ports", help="FIRST-LAST: serve on these loopback ports in turn")
    parser.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    args = parser.parse_args()
    if args.ports:
        first, last = map(int, args.ports.split("-"))
        PORTS.extend(range(first, last + 1))
    for tool in ("wrk", "sqlite3"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install {tool})")
    command = "python benchmarks/performance.py " + " ".join(
        a for a in sys.argv[1:] if a not in ("--reuse", "--no-doc")
    )
    command = re.sub(r" --ports \S+", "", command)
    if args.db:
        command = re.sub(r"--db \S+", "--db DB", command)
        built, db = None, args.db
        args.targets = table_rows(db)["targets"]
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        print(f"building {args.targets:,} targets in {args.work} …", flush=True)
        built = build(args.targets, args.work, args.reuse)
        print(f"built in {built['build_seconds']:.0f} s; import {built['import_seconds']:.0f} s")
        db = args.work / "portal.db"
    load_before = load_average()
    workload = Workload.of(db)
    scenarios = workload.scenarios()
    loads, start = [], {"portal": []}
    servers: dict[str, Server] = {}
    try:
        for name in ("portal", "datasette", "minimal", "minimal-sync", "hello"):
            key = "datasette-sql" if name == "datasette" else name
            server = Server(name, SERVERS[key], plain=name == "minimal-sync")
            servers[name] = server.start(db, READY[key])
            if name == "portal":
                start["portal"].append(server.start_seconds)
            else:
                start[name] = server.start_seconds
        servers["datasette-sql"] = servers["datasette-table"] = servers["datasette"]
        filtered = scenarios[FILTERED]
        check_same_rows(
            servers["portal"],
            servers,
            [
                (p, {"datasette-sql": s, "datasette-table": t, "minimal": m, "minimal-sync": m})
                for p, s, t, m in zip(
                    filtered["portal"][:5],
                    filtered["datasette-sql"],
                    filtered["datasette-table"],
                    filtered["minimal"],
                    strict=False,
                )
            ],
        )
        runs = rounds(servers, scenarios, args)
        for scenario, by_server in scenarios.items():
            for server, paths in by_server.items():
                if scenario == FILTERED and server not in ("datasette-table", "hello"):
                    continue  # measured in the rounds above
                print(f"{scenario} · {server} …", flush=True)
                seconds = args.seconds * (2 if scenario.startswith("CSV") else 1)
                load = wrk(servers[server], server, scenario, paths, seconds, args.connections)
                print(
                    f"  {load.requests_per_second:,.1f} req/s, p50 {load.p50_ms:.2f} ms, "
                    f"p99 {load.p99_ms:.2f} ms, errors {load.errors}",
                    flush=True,
                )
                loads.append(load)
        for name in ("datasette", "minimal", "minimal-sync", "hello", "portal"):
            servers.pop(name).stop()
        fresh_searches(db, scenarios, args, runs, start)
        export_path = scenarios[next(s for s in scenarios if s.startswith("CSV"))]["portal"][0]
        # A server of its own, so that the figures at rest are not those after the load above.
        fresh = Server("portal", SERVERS["portal"]).start(db, READY["portal"])
        servers["fresh"] = fresh
        start["portal"].append(fresh.start_seconds)
        for path in scenarios[FILTERED]["portal"][:20]:
            fetch(fresh.port, path)
        memory = memory_around_export(fresh, export_path)
    finally:
        for server in set(servers.values()):
            server.stop()
    env = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": command.strip(),
        "machine": machine(),
        "workers": memory["workers"],
        "load": (load_before, load_average()),
        "rows": built["rows"] if built else table_rows(db),
        "db_mib": db.stat().st_size / 2**20,
        "pairs": workload.pairs,
        "searches": len(workload.searches),
    }
    text = report(args, env, built, loads, runs, memory, start)
    if args.no_doc:
        print(text)
    else:
        write_doc(text)
        print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"peak memory of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB")


if __name__ == "__main__":
    main()
