"""The gunicorn worker: uvicorn's, with the limits a public server needs and a gentler shutdown."""

import asyncio
import heapq
import resource
import select

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

from portal import compat

# How long a stopping worker waits for connections it has accepted, and for idle keep-alive
# connections, to send their next request (which it then answers, closing the connection).
ACCEPTED_GRACE = 2.0

# Connection handling under hostile clients: timeouts, limits and shedding (GuardedH11Protocol).
HEADER_TIMEOUT = 10.0  # seconds for a request's line and headers, from accept or the last response
MAX_CONNECTIONS = 1000  # open connections a worker holds; past this the idle ones are shed
SHED_TO = 900  # shedding closes the longest-waiting idle connections down to this many
OPEN_FILES = 8192  # the worker's limit on open files is raised to this where the system allows


# GuardedH11Protocol and GracefulServer build on uvicorn internals: see portal.compat.
class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the defences a public server needs against clients that hold
    connections without using them (slowloris):

    - a connection has HEADER_TIMEOUT seconds to send a whole request line and headers, whether
      it is new or idle after a response, however slowly its bytes trickle in; uvicorn's own
      keep-alive timeout stops at the first byte;
    - past MAX_CONNECTIONS open connections, the worker closes the idle ones (waiting for a
      request's headers, or between requests) that have waited longest, never one whose request
      is being answered; uvicorn's limit_concurrency would answer every new request 503 instead;
    - a worker that is stopping answers the next request of each connection and closes it.

    A request's body has its own limits (portal.web.security: size and time).
    """

    files_raised = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_timer: asyncio.TimerHandle | None = None
        self.waiting_since: float | None = None
        self.draining = False
        self.closing = False  # a response under way says Connection: close
        if not GuardedH11Protocol.files_raised:
            GuardedH11Protocol.files_raised = True
            raise_open_files(OPEN_FILES)

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.await_request()
        if len(self.connections) > MAX_CONNECTIONS:  # closed ones included: a cheap first test
            shed_idle(self.connections, SHED_TO)

    def await_request(self) -> None:
        """From now, the connection has HEADER_TIMEOUT seconds to send a request's head."""
        self.waiting_since = self.loop.time()
        if self.header_timer is not None:
            self.header_timer.cancel()
        self.header_timer = self.loop.call_later(HEADER_TIMEOUT, self.header_timeout)

    def idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def header_timeout(self) -> None:
        self.header_timer = None
        if self.idle() and not self.transport.is_closing():
            self.transport.close()

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before and self.cycle is not None:  # a request's head arrived
            self.waiting_since = None
            if self.header_timer is not None:
                self.header_timer.cancel()
                self.header_timer = None
            if self.draining:
                self.close_after_response()

    def close_after_response(self) -> None:
        """Close the connection after the response under way, and say so in it (uvicorn's own
        shutdown closes it without a word, and a client then sends its next request into a
        closed connection)."""
        cycle = self.cycle
        if cycle is None or cycle.response_started:
            return  # said at the next request's response, which the stopping worker awaits
        cycle.keep_alive = False
        cycle.default_headers = [*cycle.default_headers, (b"connection", b"close")]
        self.closing = True

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.idle():
            self.await_request()

    def connection_lost(self, exc) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None
        super().connection_lost(exc)


def shed_idle(connections, keep: int) -> int:
    """Close the idle connections that have waited longest until at most `keep` remain open;
    connections whose request is being answered are left alone. How many were closed."""
    open_ = [c for c in connections if not c.transport.is_closing()]  # closed ones linger a while
    idle = [c for c in open_ if getattr(c, "waiting_since", None) is not None and c.idle()]
    excess = len(open_) - keep
    oldest = heapq.nsmallest(max(0, excess), idle, key=lambda c: c.waiting_since)
    for connection in oldest:
        connection.waiting_since = None
        connection.transport.close()
    return len(oldest)


def raise_open_files(wanted: int) -> None:
    """Raise the soft limit on open files towards `wanted`, within the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class GracefulServer(Server):
    """uvicorn's server, which on shutdown first lets accepted connections send their request.

    uvicorn closes at once every connection that has not yet sent a whole request; one accepted
    just before a reload (HUP) whose request is on its way is then reset, and its client sees
    an error. So: stop accepting, wait until each such connection has sent its request (or the
    grace has passed), and only then shut down as uvicorn does, which finishes every request.

    Keep-alive connections are treated alike: the response under way (or, if it has started
    already, the next one) says Connection: close, and the worker waits the same grace for
    each connection to get there, so that a client on a kept-alive connection is told to
    reconnect rather than cut off by the reload. Only a connection idle for the whole grace is
    closed without a word, as the keep-alive timeout would.
    """

    async def shutdown(self, sockets=None) -> None:
        await stop_accepting(self.servers)
        for connection in self.server_state.connections:
            connection.draining = True
            if hasattr(connection, "close_after_response"):
                connection.close_after_response()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ACCEPTED_GRACE
        while loop.time() < deadline and any(
            not getattr(connection, "closing", True) and not connection.transport.is_closing()
            for connection in self.server_state.connections
        ):
            await asyncio.sleep(0.01)
        await super().shutdown(sockets)


class PortalWorker(UvicornWorker):
    """Uvicorn on h11 (whose limit on a request's line and headers is enforced) with the
    timeouts and idle shedding of GuardedH11Protocol, no Server header, and the graceful
    shutdown above. The cap on requests answered at once is portal.web.security's."""

    CONFIG_KWARGS = {
        "loop": "auto",
        "http": GuardedH11Protocol,
        "h11_max_incomplete_event_size": 16 * 1024,  # request line and headers together
        "limit_concurrency": None,
        "server_header": False,
    }

    async def _serve(self) -> None:
        await compat.serve(self, GracefulServer)


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
# Turns of the event loop from accepting a connection to its protocol's connection_made: the
# accepting task's first step makes the transport, which schedules connection_made for the next.
SETUP_TURNS = 3


def waiting(listening: list) -> bool:
    """Whether a connection waits to be accepted on any of these listening sockets."""
    if not listening:
        return False
    readable, _, _ = select.select(listening, [], [], 0)
    return bool(readable)


async def stop_accepting(servers: list) -> None:
    """Stop taking connections, without losing one already taken, and close the servers.

    First the event loop accepts what is queued on the servers' sockets (a socket of this
    worker's own would otherwise take its queue with it). Then it stops accepting, and gives the
    connections it has accepted a turn to be set up before the servers close: asyncio accepts a
    connection in one turn and makes its transport in the next, and a transport made after its
    server has closed fails (asyncio's Server._attach, portal.compat), leaving the connection to
    be closed unanswered, with its request unread, which the client sees as a reset.
    """
    loop = asyncio.get_running_loop()
    listening = [sock for server in servers for sock in (server.sockets or ())]
    for _ in range(PENDING_TURNS):
        if not waiting(listening):
            break
        await asyncio.sleep(0)
    for sock in listening:
        loop.remove_reader(sock.fileno())
    for _ in range(SETUP_TURNS):
        await asyncio.sleep(0)
    for server in servers:
        server.close()
