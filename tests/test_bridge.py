"""The Flask app under the ASGI server (portal.web.bridge): a short answer crosses from the WSGI
thread once, a long one is streamed as it is written, and WSGI's rules hold."""

import asyncio
import threading

import pytest
from support import http_scope

from portal.web import bridge
from portal.web.bridge import Bridge


def call(wsgi_app, method="GET", body=b"", on_send=None):
    """The messages the bridged app sends for one request."""
    messages = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        messages.append(message)
        if on_send:
            on_send(message)

    headers = [(b"host", b"localhost"), (b"content-length", str(len(body)).encode())]
    scope = http_scope(method, "/x", b"a=1", headers)
    asyncio.run(Bridge(wsgi_app, workers=2)(scope, receive, send))
    return messages


def test_a_short_answer_is_sent_whole_in_one_start_and_one_body():
    def app(environ, start_response):
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Seen", "a=1")])
        return [b"one ", b"", b"two"]

    messages = call(app)
    assert messages == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"text/plain"), (b"x-seen", b"a=1")],
        },
        {"type": "http.response.body", "body": b"one two", "more_body": False},
    ]


def test_a_long_answer_is_streamed_while_the_app_still_writes_it():
    """The first BUFFERED bytes reach the client before the app has written the rest."""
    first_sent = threading.Event()
    seen_before_rest = []
    piece = b"x" * (bridge.BUFFERED // 2 + 1)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        yield piece
        yield piece  # past BUFFERED: what is kept is sent now
        seen_before_rest.append(first_sent.wait(timeout=5))
        yield b"rest"

    def on_send(message):
        if message["type"] == "http.response.body":
            first_sent.set()

    messages = call(app, on_send=on_send)
    assert seen_before_rest == [True]
    assert messages[0]["status"] == 200
    bodies = messages[1:]
    assert len(bodies) == 3
    assert b"".join(m["body"] for m in bodies) == piece + piece + b"rest"
    assert [m["more_body"] for m in bodies] == [True, True, False]


def test_the_request_body_and_the_query_reach_the_app():
    def app(environ, start_response):
        received = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [environ["QUERY_STRING"].encode(), b" ", received]

    assert call(app, method="POST", body=b"hello")[1]["body"] == b"a=1 hello"


def test_the_write_callable_and_a_replaced_start_are_honoured():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("late")
        except ValueError:
            import sys

            write = start_response("500 Internal Server Error", [], sys.exc_info())
        write(b"failed")
        return []

    messages = call(app)
    assert messages[0]["status"] == 500
    assert messages[1]["body"] == b"failed"


def test_an_app_that_fails_closes_its_body_and_the_error_reaches_the_server():
    closed = []

    class Body:
        def __iter__(self):
            yield b"a"
            raise KeyError("broken")

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [])
        return Body()

    with pytest.raises(KeyError):
        call(app)
    assert closed == [True]


def test_an_app_that_never_starts_its_answer_is_an_error():
    with pytest.raises(RuntimeError, match="start_response"):
        call(lambda environ, start_response: [])


def test_a_stream_stops_soon_after_its_client_has_gone():
    """An export whose reader leaves is not written on to the end for no one: the app's iterable
    is closed at the next chunk, and the bridge returns without an error."""
    produced, closed = [], []
    chunk = b"x" * (64 * 1024)

    class Export:
        def __iter__(self):
            for n in range(200):
                produced.append(n)
                yield chunk

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        return Export()

    async def scenario():
        gone = asyncio.Event()
        messages = []

        async def receive():
            if not messages:
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            messages.append(message)
            if message["type"] == "http.response.body":
                gone.set()  # the reader leaves after its first piece

        await Bridge(app, workers=1)(http_scope("GET", "/x", b"", []), receive, send)
        return messages

    messages = asyncio.run(scenario())
    assert closed == [True]
    assert len(produced) < 20, f"{len(produced)} chunks written for a reader gone after the first"
    assert all(m.get("more_body", True) for m in messages[1:])  # never said to be complete
