"""What tests share besides fixtures: the source documents, reading a CSV, an in-process client
of the whole ASGI app and a raw ASGI call, a free port, a served gunicorn, a reload under load."""

import asyncio
import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import httpx

from portal import paths

# The source documents sit beside the repository; PORTAL_SOURCES may point elsewhere.
SOURCES = Path(os.environ.get("PORTAL_SOURCES") or paths.ROOT.parent / "shared" / "seeds")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class PortalClient:
    """Requests to the whole ASGI application, Datasette and API together, in process."""

    def __init__(self, app):
        self.app = app

    def get(self, url: str, **kwargs) -> httpx.Response:
        async def fetch():
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver"
            ) as client:
                return await client.get(url, **kwargs)

        return asyncio.run(fetch())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_serving(db: Path, *, workers: int = 1, ready: str = "/healthz", **env: str):
    """gunicorn with the Procfile's settings serving `db` on a free loopback port, until the
    block ends: (its address, its master process). `env` adds to the environment."""
    port = free_port()
    environment = {
        **os.environ,
        "PORT": str(port),
        "PORTAL_DB": str(db),
        "WEB_CONCURRENCY": str(workers),
        **env,
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "portal.web.asgi:create_app()"],
        cwd=paths.ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    # Each worker opens its socket once it has forked (until then a connection is refused),
    # and the cores may be busy with other work.
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + ready, timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise RuntimeError(
                        "the server did not start: " + process.stderr.read().decode()[-2000:]
                    ) from None
                time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def http_scope(method: str, path: str, query: bytes, headers: list) -> dict:
    """An ASGI HTTP scope as a server would make it for this request."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }


def asgi_call(app, method="GET", path="/", query=b"", headers=(), chunks=None, host=b"localhost"):
    """Call the ASGI app as a server would. chunks: the body's pieces (a list: the whole body;
    an iterator: a body that goes on; None: no body). Answers (status, headers, body, how many
    pieces the app read)."""
    messages, read = [], [0]
    pieces = iter(chunks or [])

    async def receive():
        if chunks is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        try:
            piece = next(pieces)
        except StopIteration:
            await asyncio.sleep(3600)  # a client that stops sending
        read[0] += 1
        last = isinstance(chunks, list) and read[0] == len(chunks)
        return {"type": "http.request", "body": piece, "more_body": not last}

    async def send(message):
        messages.append(message)

    asyncio.run(app(http_scope(method, path, query, [(b"host", host), *headers]), receive, send))
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body, read[0]


def reload_under_load(master: subprocess.Popen, client, clients: int = 4) -> tuple[int, list]:
    """Send gunicorn's master a HUP while `clients` threads each run `client(done, count,
    errors)` (it requests until `done` is set, counting each request in `count[0]` and each
    failure in `errors`): a second of load, the HUP, four seconds more. (requests, failures)"""
    import signal
    import threading

    done, count, errors = threading.Event(), [0], []
    threads = [threading.Thread(target=client, args=(done, count, errors)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    master.send_signal(signal.SIGHUP)
    time.sleep(4)
    done.set()
    for thread in threads:
        thread.join()
    return count[0], errors
