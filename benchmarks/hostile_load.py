"""Steady readers, and one hostile client at a time: what the readers see with and without it.

    .venv/bin/python benchmarks/hostile_load.py [--rate 40] [--seconds 20] [--db build/portal.db]

Starts the server as the Procfile does (gunicorn.conf.py, its default workers) on a free
loopback port, holds a steady rate of reader requests (a new connection each, over pages, API
lists and items, search, Datasette tables and the health check) for the whole run, and runs each
attack in turn for `--seconds`, after a phase with no attack:

- slowloris: 1,100 connections that send part of a request's head and trickle a header line
  every second, each closed one reopened (at most 20,000 opened in the phase);
- heavy SQL: six clients in a loop on Datasette's SQL (a 900 MB printf, long values on every
  row, an endless recursive query);
- facets: six clients in a loop asking for the same facet 300 times on one table page;
- bodies: two clients in a loop sending a 100 MB POST to Datasette with the language cookie.

For each phase it prints the readers' requests, p50, p99 and error rate, the p99 relative to the
phase without attack of the same run, and what the attackers got. Only 127.0.0.1 is loaded, each
phase for a bounded time and number of connections.
"""

import argparse
import http.client
import signal
import socket
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

from load_reload import free_port, get, start_server  # the same server and client

ROOT = Path(__file__).resolve().parent.parent
READERS = [
    "/",
    "/plans/subcentre-st-doubling-2027",
    "/api/v1/targets?region_code=110112&target_year=2027",
    "/api/v1/targets/sc27-t002",
    "/api/v1/indicators/high_tech_enterprises/series",
    "/api/v1/search?q=%E4%B8%93%E5%88%A9",
    "/portal/targets?plan_id=baodi-st-14fyp",
    "/healthz",
]
HEAVY_SQL = [
    "/portal.json?sql=select+length(printf('%25.*c',900000000,'x'))",
    "/portal.json?sql=select+printf('%25.*c',900000,'x')+from+targets",
    "/portal.json?sql=with+recursive+n(i)+as+(select+1+union+all+select+i%2B1+from+n)"
    "+select+count(*)+from+n",
]
FACETS = "/portal/targets.json?" + "&".join(["_facet=source_quote"] * 300)
HALF_OPEN = 1100
MAX_OPENED = 20_000
BODY = 100_000_000


class Readers:
    """A steady rate of reader requests, each recorded in the phase it started in."""

    def __init__(self, port: int, rate: float):
        self.port, self.rate = port, rate
        self.phase = "none"
        self.results: dict[str, list] = {}
        self.done = threading.Event()
        self.lock = threading.Lock()

    def run(self, threads: int = 24):
        interval = threads / self.rate
        workers = [threading.Thread(target=self.reader, args=(i, interval)) for i in range(threads)]
        for worker in workers:
            worker.start()
        return workers

    def reader(self, index: int, interval: float):
        next_at = time.monotonic() + index * interval / 24
        n = index
        while not self.done.is_set():
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at += interval
            phase, url = self.phase, READERS[n % len(READERS)]
            n += 1
            started = time.monotonic()
            try:
                ok = get(self.port, url, timeout=30) == 200
            except (OSError, http.client.HTTPException):  # refused, reset, cut short
                ok = False
            with self.lock:
                self.results.setdefault(phase, []).append((time.monotonic() - started, ok))


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]


def slowloris(port: int, done: threading.Event, tally: Counter):
    sockets = []
    opened = 0
    while not done.is_set():
        while len(sockets) < HALF_OPEN and opened < MAX_OPENED and not done.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                sockets.append(sock)
                opened += 1
            except OSError:
                tally["refused"] += 1
                break
        time.sleep(1)
        alive = []
        for sock in sockets:
            try:
                sock.send(b"X-Trickle: 1\r\n")
                alive.append(sock)
            except OSError:
                tally["closed by the server"] += 1
                sock.close()
        sockets = alive
    tally["opened"] = opened
    for sock in sockets:
        sock.close()


def looping(urls):
    def attack(port: int, done: threading.Event, tally: Counter):
        n = 0
        while not done.is_set():
            try:
                tally[get(port, urls[n % len(urls)], timeout=30)] += 1
            except (OSError, http.client.HTTPException) as error:
                tally[type(error).__name__] += 1
            n += 1

    return attack


def big_body(port: int, done: threading.Event, tally: Counter):
    chunk = b"x" * (1024 * 1024)
    while not done.is_set():
        sent = 0
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                b"POST /portal HTTP/1.1\r\nHost: x\r\nCookie: lang=en\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {BODY}\r\n\r\n".encode()
            )
            try:
                while sent < BODY and not done.is_set():
                    sock.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            try:
                status = sock.recv(64).split(b" ")[1].decode()
            except (OSError, IndexError):
                status = "no answer"
        tally[status] += 1
        tally["MB sent before the answer"] = max(tally["MB sent before the answer"], sent >> 20)


ATTACKS = {
    "slowloris": (slowloris, 1),
    "heavy SQL": (looping(HEAVY_SQL), 6),
    "facets": (looping([FACETS]), 6),
    "bodies": (big_body, 2),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=40, help="reader requests a second")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--db", type=Path, default=ROOT / "build" / "portal.db")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port, args.db)
    readers = Readers(port, args.rate)
    tallies = {}
    try:
        workers = readers.run()
        time.sleep(2)  # warm up, not counted
        for phase in ["none", *ATTACKS]:
            readers.phase = phase
            done, tally = threading.Event(), Counter()
            attackers = []
            if phase in ATTACKS:
                attack, clients = ATTACKS[phase]
                attackers = [
                    threading.Thread(target=attack, args=(port, done, tally))
                    for _ in range(clients)
                ]
            for thread in attackers:
                thread.start()
            time.sleep(args.seconds)
            readers.phase = "after " + phase
            done.set()
            for thread in attackers:
                thread.join()
            tallies[phase] = tally
            time.sleep(2)  # let the server settle before the next phase
        readers.done.set()
        for worker in workers:
            worker.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    print(f"readers: {args.rate:g} req/s, phases of {args.seconds:g} s, {args.db}")
    print(
        "| attack | reader requests | p50 | p99 | p99 ÷ no attack | reader errors | attackers got |"
    )
    print("|---|---|---|---|---|---|---|")
    base_p99 = None
    for phase in ["none", *ATTACKS]:
        results = readers.results.get(phase, [])
        times = [t * 1000 for t, _ in results]
        errors = sum(1 for _, ok in results if not ok)
        p50, p99 = statistics.median(times), percentile(times, 99)
        base_p99 = base_p99 or p99
        got = ", ".join(f"{k}: {v}" for k, v in sorted(tallies[phase].items(), key=str)) or "-"
        print(
            f"| {phase} | {len(results)} | {p50:.1f} ms | {p99:.1f} ms | {p99 / base_p99:.2f} "
            f"| {errors} ({100 * errors / max(1, len(results)):.2f}%) | {got} |"
        )


if __name__ == "__main__":
    main()
