"""A hostile client against the real server (gunicorn, the Procfile's settings, one worker):
slowloris, heavy Datasette queries and a reload under keep-alive load, while readers are served.
Every attack is bounded in count and time, on 127.0.0.1 only."""

import http.client
import resource
import socket
import threading
import time
import urllib.parse

from support import reload_under_load

from portal.web import worker

HALF_OPEN = 1200


def address(base: str) -> tuple[str, int]:
    url = urllib.parse.urlsplit(base)
    return url.hostname, url.port


def get(base: str, path: str, timeout: float = 30) -> int:
    conn = http.client.HTTPConnection(*address(base), timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def closed_by_server(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_slowloris_half_open_connections_leave_every_reader_answered(running_server):
    base, _ = running_server
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2 * HALF_OPEN + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * HALF_OPEN), hard))
    attackers = []
    try:
        for _ in range(HALF_OPEN):
            sock = socket.create_connection(address(base), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the end
            attackers.append(sock)
        statuses = [get(base, path) for path in ["/healthz", "/api/v1/plans", "/"] * 10]
        assert statuses == [200] * 30
        # The attackers trickle a header line now and then, which once kept them open for ever;
        # each has HEADER_TIMEOUT from when the worker took it (a busy machine may take a while).
        opened = time.monotonic()
        still_open = attackers
        while still_open and time.monotonic() - opened < worker.HEADER_TIMEOUT + 20:
            for sock in still_open:
                try:
                    sock.send(b"X-Trickle: 1\r\n")
                except OSError:
                    pass
            assert get(base, "/healthz") == 200
            time.sleep(1)
            still_open = [s for s in still_open if not closed_by_server(s)]
        assert still_open == [], f"{len(still_open)} half-open connections outlived the timeout"
    finally:
        for sock in attackers:
            sock.close()


HEAVY = [
    "/portal.json?sql=select+length(printf('%25.*c',900000000,'x'))",
    "/portal.json?sql=select+printf('%25.*c',900000,'x')+from+targets",
    "/portal/targets.json?" + "&".join(["_facet=source_quote"] * 300),
    "/portal.json?sql=with+recursive+n(i)+as+(select+1+union+all+select+i%2B1+from+n)"
    "+select+count(*)+from+n",
]


def test_six_clients_of_heavy_sql_and_facets_leave_readers_served(server):
    done, readers, heavy = threading.Event(), [], []

    def attack(path):
        while not done.is_set():
            heavy.append(get(server, path))

    def read():
        while not done.is_set():
            for path in ("/api/v1/plans", "/portal/targets?plan_id=baodi-st-14fyp", "/healthz"):
                readers.append(get(server, path))

    threads = [threading.Thread(target=attack, args=(HEAVY[i % len(HEAVY)],)) for i in range(6)]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    time.sleep(6)
    done.set()
    for thread in threads:
        thread.join()
    assert len(readers) >= 3 and set(readers) == {200}
    # Answered, refused (too big, too many facets) or shed at once with Retry-After; never a 500.
    assert heavy and set(heavy) <= {200, 400, 503}, sorted(set(heavy))


def test_a_reload_under_keep_alive_load_drops_no_request(running_server):
    base, master = running_server

    def client(done, count, errors):  # one kept-alive connection, renewed when the server closes it
        conn = None
        while not done.is_set():
            if conn is None:
                conn = http.client.HTTPConnection(*address(base), timeout=10)
            try:
                conn.request("GET", "/api/v1/targets?plan_id=baodi-st-14fyp")
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
                if response.will_close:  # the stopping worker answered and closed it
                    conn.close()
                    conn = None
            except OSError as error:
                errors.append(repr(error))
                conn.close()
                conn = None
            count[0] += 1
        if conn is not None:
            conn.close()

    count, errors = reload_under_load(master, client)
    assert count > 50
    assert errors == []
