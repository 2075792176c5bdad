import asyncio
import csv
import os
import shutil
from pathlib import Path

import httpx
import pytest

from portal import asgi, paths
from portal.app import create_app
from portal.build import build_database

# The source documents sit beside the repository; PORTAL_SOURCES may point elsewhere.
SOURCES = Path(os.environ.get("PORTAL_SOURCES") or paths.ROOT.parent / "shared" / "seeds")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> Path:
    """The real datasets, built by the real build into a session-wide database."""
    path = tmp_path_factory.mktemp("db") / "portal.db"
    build_database(path)
    return path


@pytest.fixture
def datasets(tmp_path) -> Path:
    """A copy of the datasets that a test may break."""
    copy = tmp_path / "datasets"
    shutil.copytree(paths.DATASETS, copy)
    return copy


@pytest.fixture
def api(db_path):
    app = create_app({"PORTAL_DB": str(db_path), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="session")
def portal_app(db_path):
    return asgi.create_app(db_path)


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


@pytest.fixture(scope="session")
def portal(portal_app) -> PortalClient:
    return PortalClient(portal_app)
