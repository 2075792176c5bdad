"""What tests share besides fixtures: the source documents, reading a CSV, an in-process client
of the whole ASGI app, a free port."""

import asyncio
import csv
import os
import socket
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
