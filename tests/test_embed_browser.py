"""An embedded chart in Chromium: framed by another site it draws, while a normal page refuses."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support import free_port
from test_browser import CHROMIUM, browser, page  # noqa: F401  (fixtures of the browser tests)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@contextmanager
def framing_site(server: str):
    """Another site (another origin, on loopback) whose article frames the embed page of an
    indicator and that indicator's normal page."""
    body = f"""<!DOCTYPE html><html><body><h1>A story</h1>
    <iframe id="embed" name="embed" src="{server}/embed/indicators/high_tech_enterprises?lang=en"
            width="720" height="480"></iframe>
    <iframe id="normal" name="normal" src="{server}/indicators/high_tech_enterprises?lang=en"
            width="720" height="480"></iframe></body></html>""".encode()

    class Article(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", free_port()), Article)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{site.server_address[1]}/story"
    finally:
        site.shutdown()
        site.server_close()


def test_an_embed_page_draws_in_a_cross_origin_iframe_while_a_normal_page_refuses(server, page):  # noqa: F811
    with framing_site(server) as article:
        page.goto(article)
        embed = page.frame_locator("#embed")
        embed.locator("canvas[id^='chart-'][data-rendered='true']").first.wait_for(timeout=15000)

        link = embed.locator("a#indicator-link")
        assert link.get_attribute("href").endswith("/indicators/high_tech_enterprises?lang=en")
        assert "data version" in embed.locator("#citation").inner_text()
        box = embed.locator("canvas[id^='chart-']").first.bounding_box()
        assert box["width"] > 300 and box["height"] > 150

        # Chromium shows its own error page in place of a page that refuses to be framed.
        normal = page.frame(name="normal")
        page.wait_for_timeout(500)
        frames = [f.url for f in page.frames]
        assert normal.url.startswith("chrome-error://"), frames
        assert normal.locator("table#points").count() == 0
