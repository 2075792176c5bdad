"""The Flask app under the ASGI server: a2wsgi's WSGIMiddleware, with a short answer handed from
the WSGI thread to the event loop once.

a2wsgi's own responder hands every message across threads and waits for the loop to take it: the
status and headers, each chunk of the body and the empty last one, four waits for an answer of a
few kilobytes (a page of the API, an item, a 404). In process (medians of 2,000 filtered lists,
the machine's other core busy), a list cost Flask about 1.2 ms and the whole ASGI app 2.0 to
2.5 ms through that responder, 1.65 to 2.2 ms through this one. Here the thread keeps the answer
until it is complete or passes BUFFERED bytes: a short answer crosses once, as the result of the
thread's work, in two messages; a long one (a CSV export, a data download) is streamed as before,
each chunk sent once the loop has written the one before it, so that a slow reader holds the
thread, not the worker's memory. A client that goes away during a stream stops it at the next
chunk: the app's iterable is closed, instead of writing the rest of an export to no one.

It relies on a2wsgi's build_environ, Body and WSGIMiddleware (portal.compat lists them).
"""

import asyncio
import contextvars

from a2wsgi.wsgi import Body, WSGIMiddleware, build_environ

# The longest body kept whole before its first byte is sent.
BUFFERED = 256 * 1024


class Bridge(WSGIMiddleware):
    """A WSGI app as an ASGI app, on a2wsgi's thread pool."""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        loop = asyncio.get_running_loop()
        answer = Answer(loop, send, receive if bodiless(scope) else None)
        environ = build_environ(scope, Body(loop, receive))
        run = contextvars.copy_context().run
        try:
            messages = await loop.run_in_executor(self.executor, run, answer.run, self.app, environ)
        except ClientGone:
            return
        finally:
            answer.stop_watching()
        for message in messages:
            await send(message)


class ClientGone(Exception):
    """The client closed its connection while its answer was streamed."""


def bodiless(scope) -> bool:
    """Whether a request has no body, so that receive() can only say the client has gone."""
    for name, value in scope.get("headers", ()):
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return False
    return True


class Answer:
    """One response, written in a WSGI thread: kept until it is complete or long."""

    def __init__(self, loop: asyncio.AbstractEventLoop, send, receive=None):
        """receive: the request's, for a request without a body, to notice a client gone."""
        self.loop, self.asgi_send, self.receive = loop, send, receive
        self.gone: asyncio.Task | None = None
        self.start: dict | None = None
        self.chunks: list[bytes] = []
        self.kept = 0
        self.streaming = False

    def run(self, app, environ) -> list[dict]:
        """Call the app; the messages still to send once it has returned."""
        iterable = app(environ, self.start_response)
        try:
            for chunk in iterable:
                self.write(chunk)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        if self.start is None:
            raise RuntimeError("the WSGI app returned without calling start_response")
        if self.streaming:
            return [body(b"", more=False)]
        return [self.start, body(b"".join(self.chunks), more=False)]

    def start_response(self, status: str, headers, exc_info=None):
        if exc_info is not None and self.streaming:
            raise exc_info[1].with_traceback(exc_info[2])
        if self.start is not None and exc_info is None:
            raise RuntimeError("start_response was called twice without exc_info")
        code, _ = status.split(" ", 1)
        self.start = {
            "type": "http.response.start",
            "status": int(code),
            "headers": [
                (name.strip().lower().encode("latin-1"), value.strip().encode("latin-1"))
                for name, value in headers
            ],
        }
        return self.write

    def write(self, chunk: bytes) -> None:
        if self.start is None:
            raise RuntimeError("the WSGI app wrote its body before calling start_response")
        if not chunk:
            return
        if self.streaming:
            self.hand_over([body(chunk)])
            return
        self.chunks.append(chunk)
        self.kept += len(chunk)
        if self.kept > BUFFERED:
            self.streaming = True
            self.hand_over([self.start, body(b"".join(self.chunks))])
            self.chunks = []

    def hand_over(self, messages: list[dict]) -> None:
        """Send messages from the thread, waiting until the loop has sent them."""
        asyncio.run_coroutine_threadsafe(self.send_all(messages), self.loop).result()

    async def send_all(self, messages: list[dict]) -> None:
        if self.receive is not None and self.gone is None:
            self.gone = self.loop.create_task(disconnected(self.receive))
        if self.gone is not None and self.gone.done():
            raise ClientGone
        for message in messages:
            await self.asgi_send(message)

    def stop_watching(self) -> None:
        if self.gone is not None and not self.gone.done():
            self.gone.cancel()


async def disconnected(receive) -> None:
    """Return once the client has gone. The request's own empty body may come first; a server
    that says anything else after it is not listened to again."""
    message = await receive()
    if message["type"] == "http.request":
        message = await receive()
    if message["type"] != "http.disconnect":
        await asyncio.get_running_loop().create_future()  # until cancelled


def body(chunk: bytes, more: bool = True) -> dict:
    return {"type": "http.response.body", "body": chunk, "more_body": more}
