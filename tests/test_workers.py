"""How the server spreads connections over its workers: a listening socket for each worker, so
that the connections of one client land on several workers, not all on the first to wake."""

import asyncio
import http.client
import json
import os
import time
from pathlib import Path

import pytest
from support import gunicorn_serving

WORKERS = 4
LISTEN, ESTABLISHED = "0A", "01"


@pytest.fixture(scope="module")
def four_workers(db_path):
    """gunicorn with the Procfile's settings and four workers, a socket each (whatever the
    kernel's setting): (port, master pid)."""
    with gunicorn_serving(db_path, workers=WORKERS, PORTAL_REUSE_PORT="1") as (base, process):
        deadline = time.monotonic() + 60
        while len(workers(process.pid)) < WORKERS:
            if time.monotonic() > deadline:
                pytest.fail("the server did not start its workers")
            time.sleep(0.1)
        time.sleep(1)  # every worker has opened its socket and is waiting
        yield int(base.rsplit(":", 1)[1]), process.pid


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def tcp_sockets(port: int, state: str) -> set[int]:
    """The inodes of the TCP sockets whose local port is `port`, in the given state."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                found.add(int(fields[9]))
    return found


def listening(port: int) -> set[int]:
    return tcp_sockets(port, LISTEN)


def sockets_of(pid: int) -> set[int]:
    """The inodes of the sockets a process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


@pytest.mark.server
def test_each_worker_listens_on_a_socket_of_its_own(four_workers):
    port, master = four_workers
    listeners = listening(port)
    held = {pid: sockets_of(pid) & listeners for pid in workers(master)}
    assert len(held) == WORKERS
    assert all(len(mine) == 1 for mine in held.values()), held
    assert len(set().union(*held.values())) == WORKERS  # not one socket shared by all
    assert not sockets_of(master) & listeners  # the master accepts nothing itself


@pytest.mark.server
def test_the_keep_alive_connections_of_one_client_are_served_by_several_workers(four_workers):
    port, master = four_workers
    # Sixteen connections opened at once, as a load balancer or a benchmark opens them, then
    # used: with one shared socket, the first worker to wake often accepted them all.
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(16)]
    try:
        for conn in connections:
            conn.connect()
        for conn in connections:
            conn.request("GET", "/api/v1/targets?limit=2")
            response = conn.getresponse()
            assert response.status == 200
            assert len(json.loads(response.read())["data"]) == 2
        open_here = {conn.sock.getsockname()[1] for conn in connections}
        assert len(open_here) == 16
        established = tcp_sockets(port, ESTABLISHED)
        per_worker = {pid: len(sockets_of(pid) & established) for pid in workers(master)}
        assert sum(per_worker.values()) == 16, per_worker
        assert sum(1 for n in per_worker.values() if n) >= 3, per_worker
    finally:
        for conn in connections:
            conn.close()


def test_a_worker_starts_without_counting_datasettes_tables(db_path, monkeypatch):
    """The server's start (ASGI lifespan) is answered at once; Datasette counts the rows of the
    immutable file's tables on its own first request, not before a worker may accept one."""
    from datasette.database import Database
    from support import PortalClient

    from portal.web import asgi

    counted = []
    real = Database.table_counts

    async def table_counts(self, limit=10):
        counted.append(self.name)
        return await real(self, limit)

    monkeypatch.setattr(Database, "table_counts", table_counts)
    app = asgi.create_app(db_path)
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert counted == []
    client = PortalClient(app)
    assert client.get("/api/v1/targets?limit=1").status_code == 200
    assert counted == []
    page = client.get("/portal")
    assert page.status_code == 200 and "targets" in page.text
    assert "portal" in counted


class Answer(asyncio.Protocol):
    """Answers the first bytes it receives with b"ok" and closes."""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(b"ok")
        self.transport.close()


async def a_connection_accepted_as_the_worker_stops(stop) -> bytes:
    """What a client receives whose connection the event loop accepts in the very turn in which
    a stopping worker decides to close its servers (`stop`)."""
    import gc
    import socket

    from portal.web import worker

    loop = asyncio.get_running_loop()
    server = await loop.create_server(Answer, "127.0.0.1", 0)
    listening = list(server.sockets)
    client = socket.create_connection(listening[0].getsockname())
    client.sendall(b"hello")
    while worker.waiting(listening):  # the loop accepts it after this coroutine's turn ...
        await asyncio.sleep(0)
    await stop([server])  # ... and makes its transport after this one's
    await asyncio.sleep(0.05)
    gc.collect()  # a connection the loop dropped is closed (so is every one, as a worker exits)
    client.settimeout(1)
    try:
        return client.recv(16)
    except ConnectionResetError:
        return b"reset"
    except TimeoutError:
        return b"no answer"
    finally:
        client.close()
        server.close()


def test_a_stopping_worker_answers_a_connection_it_has_just_accepted():
    from portal.web import worker

    async def close_at_once(servers):  # what uvicorn does, and the worker did before
        for server in servers:
            server.close()

    assert asyncio.run(a_connection_accepted_as_the_worker_stops(close_at_once)) == b"reset"
    assert asyncio.run(a_connection_accepted_as_the_worker_stops(worker.stop_accepting)) == b"ok"


def test_the_server_starts_without_importing_what_only_a_workbook_needs():
    """The master imports the app before forking (preload_app): openpyxl waits for a workbook."""
    import subprocess
    import sys

    code = "import sys, portal.web.asgi; print('openpyxl' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
