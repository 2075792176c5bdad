"""Hold a steady request rate against the gunicorn server, reload it (HUP) midway, count errors.

    .venv/bin/python benchmarks/load_reload.py [--rate 200] [--seconds 20] [--db build/portal.db]

Starts the server exactly as the Procfile does (gunicorn.conf.py) on a free loopback port,
sends a mix of page, API, search, Datasette and CSV requests at the given rate from a pool of
threads (a new connection for each request, as a crowd of clients would), sends SIGHUP to the
master halfway through, and prints the rate held, the latency percentiles and every failure.
Only 127.0.0.1 is loaded, for a bounded time.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = [
    "/",
    "/plans/subcentre-st-doubling-2027",
    "/indicators/high_tech_enterprises",
    "/api/v1/targets?region_code=110112&target_year=2027",
    "/api/v1/targets/sc27-t002",
    "/api/v1/indicators/high_tech_enterprises/series",
    "/api/v1/search?q=%E4%B8%93%E5%88%A9",
    "/api/v1/achievements?format=csv",
    "/portal/targets?plan_id=baodi-st-14fyp",
    "/healthz",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PORT": str(port), "PORTAL_DB": str(db)}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "portal.web.asgi:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60  # a loaded machine may take a while
    while time.monotonic() < deadline:
        try:
            get(port, "/readyz")
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def get(port: int, url: str, timeout: float = 10) -> int:
    """The status of one GET on a connection of its own, closed after it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url, headers={"Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def run(rate: int, seconds: float, port: int, on_halfway) -> dict:
    interval = 1 / rate
    start = time.monotonic()
    latencies, failures, lock = [], [], threading.Lock()
    ticket = iter(range(10**9))
    halfway = threading.Event()

    def worker():
        while True:
            with lock:
                n = next(ticket)
            due = start + n * interval
            if due - start > seconds:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            if not halfway.is_set() and due - start >= seconds / 2:
                with lock:
                    if not halfway.is_set():
                        halfway.set()
                        on_halfway()
            url = URLS[n % len(URLS)]
            began = time.monotonic()
            try:
                status = get(port, url)
                error = None if status == 200 else f"{status} {url}"
            except OSError as e:
                error = f"{type(e).__name__} {url}"
            with lock:
                latencies.append(time.monotonic() - began)
                if error:
                    failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200, help="requests per second to hold")
    parser.add_argument("--seconds", type=float, default=20, help="how long to hold it")
    parser.add_argument("--db", type=Path, default=ROOT / "build" / "portal.db")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port, args.db)
    try:
        result = run(args.rate, args.seconds, port, lambda: server.send_signal(signal.SIGHUP))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"held {result['rate']:.0f} req/s ({result['requests']} requests, target {args.rate}) "
        f"with a graceful reload (HUP) halfway; p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms; errors: {len(result['failures'])}"
    )
    for failure in result["failures"][:20]:
        print("  " + failure)
    sys.exit(1 if result["failures"] else 0)


if __name__ == "__main__":
    main()
