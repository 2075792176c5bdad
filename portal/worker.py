"""The gunicorn worker: uvicorn's, with the limits a public server needs."""

from uvicorn_worker import UvicornWorker


class PortalWorker(UvicornWorker):
    """Uvicorn on h11 (whose limit on a request's line and headers is enforced), no Server header,
    and a cap on connections a worker takes at once (more are answered 503 at once, not queued)."""

    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "h11",
        "h11_max_incomplete_event_size": 16 * 1024,  # request line and headers together
        "limit_concurrency": 256,
        "server_header": False,
    }
