"""Where the portal reaches into its libraries' internals: every such place, listed once.

Each entry names the library, the version the portal's code was written against, the internal
it relies on and the module that relies on it. tests/test_compat.py fingerprints the source of
each internal and fails when an upgrade changes one, so that the module named is read again
before the upgrade ships. The two smallest patches live here as well.
"""

import hashlib
import importlib
import inspect
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Internal:
    library: str  # the distribution, as pip names it, or "python" for its standard library
    version: str  # the version the portal's code was written against (Python's: major.minor)
    target: str  # module:qualified.name of what the portal relies on
    used_in: str  # the portal's module that relies on it
    why: str
    fingerprint: str  # sha256 of the target's source, first 16 hex digits


INTERNALS = (
    Internal(
        "uvicorn-worker", "0.4.0", "uvicorn_worker:UvicornWorker._serve",
        "portal.compat", "copied (serve) to run the portal's GracefulServer",
        "eb799ef03d639317",
    ),
    Internal(
        "uvicorn", "0.54.0", "uvicorn.protocols.http.h11_impl:H11Protocol.handle_events",
        "portal.web.worker", "GuardedH11Protocol reads cycle and response_complete around it",
        "e63a9d1492e3efe7",
    ),
    Internal(
        "uvicorn", "0.54.0", "uvicorn.protocols.http.h11_impl:H11Protocol.on_response_complete",
        "portal.web.worker", "GuardedH11Protocol restarts its header timer after it",
        "1fbb8f48c6a1afc4",
    ),
    Internal(
        "uvicorn", "0.54.0", "uvicorn.protocols.http.h11_impl:RequestResponseCycle.send",
        "portal.web.worker", "close_after_response sets keep_alive and default_headers",
        "76b4bcb0998bed0e",
    ),
    Internal(
        "uvicorn", "0.54.0", "uvicorn.server:Server.shutdown",
        "portal.web.worker", "GracefulServer drains servers and server_state.connections first",
        "9b33c50562992b1e",
    ),
    Internal(
        "python", "3.11", "asyncio.selector_events:BaseSelectorEventLoop._accept_connection2",
        "portal.web.worker", "stop_accepting lets an accepted connection's transport be made",
        "c4dc52e520b40b4d",
    ),
    Internal(
        "python", "3.11", "asyncio.base_events:Server._attach",
        "portal.web.worker", "a transport made after its server closed fails here",
        "09d4d45c335c90a7",
    ),
    Internal(
        "a2wsgi", "1.10.10", "a2wsgi.wsgi:build_environ",
        "portal.web.bridge", "Bridge builds each request's environ with it",
        "ec8bf30cd7ba800c",
    ),
    Internal(
        "a2wsgi", "1.10.10", "a2wsgi.wsgi:Body",
        "portal.web.bridge", "Bridge gives it as wsgi.input, read from the WSGI thread",
        "315dcaf89186ff41",
    ),
    Internal(
        "a2wsgi", "1.10.10", "a2wsgi.wsgi:WSGIMiddleware.__init__",
        "portal.web.bridge", "Bridge runs the app (self.app) on its pool (self.executor)",
        "315f068f948e1d19",
    ),
    Internal(
        "a2wsgi", "1.10.10", "a2wsgi.wsgi:WSGIMiddleware.__call__",
        "portal.web.bridge", "Bridge answers http itself and leaves the rest to it",
        "031f0187c9578989",
    ),
    Internal(
        "datasette", "0.65.5", "datasette.handle_exception:handle_exception",
        "portal.web.datasette_hooks", "replaced by the portal's handler (portal.compat)",
        "45b9c60d62bbdee3",
    ),
    Internal(
        "datasette", "0.65.5", "datasette.database:Database.execute_fn",
        "portal.web.site", "ServedFile reopens a replaced file; uses ds._prepare_connection",
        "61975ff13b908396",
    ),
    Internal(
        "datasette", "0.65.5", "datasette.database:Database.table_counts",
        "portal.web.site", "ServedFile._forget clears _cached_table_counts, cached_hash, size",
        "2f99eb4b87d3db2c",
    ),
    Internal(
        "flask-smorest", "0.47.0", "flask_smorest.spec:APISpecMixin._register_responses",
        "portal.web.api.problems", "wrapped to document errors as problem+json",
        "42ac780261644c27",
    ),
    Internal(
        "flask-smorest", "0.47.0", "flask_smorest.spec:DocBlueprintMixin._register_doc_blueprint",
        "portal.web.api", "its api-docs.openapi_json endpoint is served by portal.web.api.openapi",
        "8231b0571830aa51",
    ),
    Internal(
        "webargs", "8.7.1", "webargs.core:Parser._makeproxy",
        "portal.web.api.v1", "the query string is read through it from a plain dict",
        "8bddc37663a1e1fb",
    ),
)  # fmt: skip


def resolve(target: str):
    """The object a target names (module:qualified.name)."""
    module, qualname = target.split(":")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def installed_version(library: str) -> str:
    """The version of a distribution installed, or of Python (major.minor) for "python"."""
    if library == "python":
        return "{}.{}".format(*sys.version_info[:2])
    from importlib.metadata import version

    return version(library)


def fingerprint(target: str) -> str:
    source = inspect.getsource(resolve(target))
    return hashlib.sha256(source.encode()).hexdigest()[:16]


async def serve(worker, server_class) -> None:
    """UvicornWorker._serve (uvicorn-worker 0.4.0) with another Server class."""
    from gunicorn.arbiter import Arbiter

    worker.config.app = worker.wsgi
    server = server_class(config=worker.config)
    worker._install_sigquit_handler()
    await server.serve(sockets=worker.sockets)
    if not server.started:
        sys.exit(Arbiter.WORKER_BOOT_ERROR)


# Datasette's own error handler, a plugin of its plugin manager, which the portal's replaces.
DATASETTE_ERROR_HANDLER = "datasette.handle_exception"


def use_error_handler(hooks) -> None:
    """Register the portal's Datasette hooks, and unregister Datasette's error handler so that
    the portal's answers every error (a process-wide change of Datasette's plugin manager)."""
    from datasette.plugins import pm

    if not pm.is_registered(hooks):
        pm.register(hooks, name="portal")
    if default := pm.get_plugin(DATASETTE_ERROR_HANDLER):
        pm.unregister(default)
