"""The gunicorn worker: uvicorn's, with the limits a public server needs and a gentler shutdown."""

import asyncio
import select
import sys

from gunicorn.arbiter import Arbiter
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

# How long a stopping worker waits for connections it has accepted to send their request.
ACCEPTED_GRACE = 2.0


class GracefulServer(Server):
    """uvicorn's server, which on shutdown first lets accepted connections send their request.

    uvicorn closes at once every connection that has not yet sent a whole request; one accepted
    just before a reload (HUP) whose request is on its way is then reset, and its client sees
    an error. So: stop accepting, wait until each such connection has sent its request (or the
    grace has passed), and only then shut down as uvicorn does, which finishes every request.
    """

    async def shutdown(self, sockets=None) -> None:
        await accept_pending(self.servers)
        for server in self.servers:
            server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ACCEPTED_GRACE
        while loop.time() < deadline and any(
            getattr(connection, "cycle", True) is None
            for connection in self.server_state.connections
        ):
            await asyncio.sleep(0.01)
        await super().shutdown(sockets)


class PortalWorker(UvicornWorker):
    """Uvicorn on h11 (whose limit on a request's line and headers is enforced), no Server header,
    a cap on connections a worker takes at once (more are answered 503 at once, not queued), and
    the graceful shutdown above."""

    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "h11",
        "h11_max_incomplete_event_size": 16 * 1024,  # request line and headers together
        "limit_concurrency": 256,
        "server_header": False,
    }

    async def _serve(self) -> None:
        # As UvicornWorker._serve, with GracefulServer for uvicorn's Server.
        self.config.app = self.wsgi
        server = GracefulServer(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)


# --- how connections are spread over the workers ----------------------------------------------
#
# With one listening socket shared by every worker, a connection goes to whichever worker wakes
# first, and asyncio then accepts every connection waiting (up to a hundred) in one go: a burst
# of keep-alive connections (a load balancer's, or a benchmark's) often lands whole on one
# worker, which serves them on one core while the others idle. So each worker listens on a
# socket of its own, created after the fork, on the same port with SO_REUSEPORT
# (gunicorn.conf.py `reuse_port`); the kernel spreads new connections over those sockets by a
# hash of their addresses, whether the workers are busy or not.
#
# The price: a socket of a worker that stops (a HUP, max_requests) takes its queue of connections
# not yet accepted with it, unless the kernel hands them to a sibling
# (`net.ipv4.tcp_migrate_req = 1`, docs/performance.md). A stopping worker therefore first
# accepts what is waiting on its socket, then closes it.

# How many turns of the event loop a stopping worker gives its socket to be emptied.
PENDING_TURNS = 100


def waiting(listening: list) -> bool:
    """Whether a connection waits to be accepted on any of these listening sockets."""
    if not listening:
        return False
    readable, _, _ = select.select(listening, [], [], 0)
    return bool(readable)


async def accept_pending(servers: list) -> None:
    """Let the event loop accept the connections already queued on the servers' sockets."""
    listening = [sock for server in servers for sock in (server.sockets or ())]
    for _ in range(PENDING_TURNS):
        if not waiting(listening):
            return
        await asyncio.sleep(0)
