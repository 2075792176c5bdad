"""gunicorn settings for the portal: one server, one port, Datasette and the API together."""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "portal.web.worker.PortalWorker"
# The database is a read-only file, so workers share nothing; two per core keeps both cores busy
# while one worker waits on the socket.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# Import and build the app once, in the master, and fork the workers from it: they start at
# once instead of each importing Datasette, Flask and the rest on the same cores (at a million
# targets /healthz answered about 3.0 s after launch without, 2.4 s with). Nothing is
# opened before the fork; each worker opens the database file itself, so a HUP after a new
# build serves the new file. A change of code needs a restart, not a HUP.
preload_app = True
# Each worker may listen on a socket of its own on the port (SO_REUSEPORT, made after the fork),
# so that the kernel spreads connections over the workers instead of the first to wake taking
# them all (portal/web/worker.py). But a stopping worker's socket (a HUP, max_requests) then
# resets the connections queued on it unless the kernel hands them to a sibling
# (net.ipv4.tcp_migrate_req = 1). So it is on where the kernel does that, off (one socket shared
# by every worker) elsewhere: a reload must drop no request. PORTAL_REUSE_PORT=1 or 0 decides.
# Another server started on the same port by the same user would share its connections, so give
# each server its own port.


def _kernel_migrates_queued_connections() -> bool:
    try:
        with open("/proc/sys/net/ipv4/tcp_migrate_req", encoding="ascii") as setting:
            return setting.read().strip() == "1"
    except OSError:
        return False


reuse_port = os.environ.get(
    "PORTAL_REUSE_PORT", "1" if _kernel_migrates_queued_connections() else "0"
) == "1"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that no slow leak grows without bound.
max_requests = 20000
max_requests_jitter = 2000
# The uvicorn worker enforces its own limit on the request line and headers (16 KiB together,
# portal/worker.py); these are gunicorn's, kept in step for any sync worker.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
