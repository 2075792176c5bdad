"""The real server, as the Procfile runs it: limits, headers and a graceful reload."""

import http.client
import urllib.parse

from support import reload_under_load


def request(base: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_an_oversized_request_line_is_refused(server):
    assert request(server, "/api/v1/plans?q=" + "x" * 9_000).status in (400, 414)


def test_oversized_headers_are_refused(server):
    assert request(server, "/api/v1/plans", {"X-Padding": "y" * 17_000}).status in (400, 431)
    many = {f"X-Header-{i}": "z" for i in range(120)}
    assert request(server, "/api/v1/plans", many).status in (400, 431)


def test_the_server_does_not_announce_itself(server):
    response = request(server, "/api/v1/plans")
    assert response.status == 200
    assert response.getheader("server") is None


def test_a_graceful_reload_drops_no_request(running_server):
    server, master = running_server

    def client(done, count, errors):  # a new connection for each request
        while not done.is_set():
            try:
                status = request(server, "/api/v1/targets?plan_id=baodi-st-14fyp").status
                if status != 200:
                    errors.append(status)
            except OSError as error:
                errors.append(repr(error))
            count[0] += 1

    count, errors = reload_under_load(master, client)
    assert count > 50
    assert errors == []
