import hashlib
import shutil
from pathlib import Path

import pytest
from support import PortalClient, gunicorn_serving

from portal import paths
from portal.build.database import build_database
from portal.web import asgi
from portal.web.app import create_app


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> Path:
    """The real datasets, built by the real build into a session-wide database, which no test,
    request or server may change: its hash is checked when the session ends."""
    path = tmp_path_factory.mktemp("db") / "portal.db"
    build_database(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    yield path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the database was written to"
    assert sorted(p.name for p in path.parent.iterdir()) == ["portal.db"], "a journal was left"


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


@pytest.fixture(scope="session")
def portal(portal_app) -> PortalClient:
    return PortalClient(portal_app)


@pytest.fixture(scope="session")
def running_server(db_path, tmp_path_factory):
    """gunicorn with the Procfile's settings, serving the test database on a free port:
    (its address, its master process)."""
    downloads = tmp_path_factory.mktemp("downloads")
    with gunicorn_serving(db_path, ready="/api/v1/", PORTAL_DOWNLOADS=str(downloads)) as served:
        yield served


@pytest.fixture(scope="session")
def server(running_server) -> str:
    """The address of the running server."""
    return running_server[0]


def pytest_collection_modifyitems(items):
    """Markers for a quick loop (`pytest -m "not browser and not server and not fuzz"`): tests
    that drive Chromium, that start gunicorn, or that generate many requests (hypothesis)."""
    for item in items:
        if item.module.__name__ == "test_browser":
            item.add_marker(pytest.mark.browser)
        if {"server", "running_server"} & set(item.fixturenames):
            item.add_marker(pytest.mark.server)
        if getattr(item.function, "is_hypothesis_test", False) or item.module.__name__ == (
            "test_api_contract"
        ):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> Path:
    """A small national database from `portal synth` (3,208 regions, some 200 plans), built by
    the real build: for the pages that must hold up at national scale."""
    from portal.synth import synthesize_database

    path = tmp_path_factory.mktemp("synthetic") / "national.db"
    synthesize_database(SYNTHETIC_TARGETS, path)
    return path


SYNTHETIC_TARGETS = 2000


@pytest.fixture(scope="session")
def synthetic_server(synthetic_db, tmp_path_factory) -> str:
    """gunicorn serving the synthetic database on a free port: its address."""
    downloads = tmp_path_factory.mktemp("synthetic-downloads")
    with gunicorn_serving(synthetic_db, PORTAL_DOWNLOADS=str(downloads)) as (base, _):
        yield base
