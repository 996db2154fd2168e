"""A real browser for CORS tests: the system's Chromium driven by Playwright, and a tiny static
site that serves a frontend page from an origin of the test's choosing.

Playwright never downloads a browser here: `make browser` installs Debian's `chromium` when it
is missing, and the tests launch it by path (`CHROMIUM`, or else `chromium` on PATH).
"""

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

NO_CHROMIUM = (
    "no Chromium for the browser test: `make browser` installs Debian's chromium, or set "
    "CHROMIUM=/path/to/chromium-or-chrome"
)

# What a frontend sees of an answer: its status, the headers CORS lets it read, the JSON body.
# A fetch the browser refuses throws instead; the page reports the error's name and message.
PAGE = b"""<!doctype html>
<meta charset="utf-8">
<title>Portfolio frontend</title>
<script>
async function call(url, init) {
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get("ETag"),
      requestId: response.headers.get("X-Request-ID"),
      body: text ? JSON.parse(text) : null,
    };
  } catch (error) {
    return {error: error.name, message: error.message};
  }
}
</script>
"""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, launched by path: Playwright looks up no browser of its own."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as playwright:
        # No sandbox: CI runs as root, where Chromium refuses to start with one.
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, chromium_sandbox=False
        )
        try:
            yield browser
        finally:
            browser.close()


class _PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.path == "/"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE) if found else 0))
        self.end_headers()
        if found:
            self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test's output is its assertions."""


@dataclass(frozen=True)
class Site:
    origin: str


@contextmanager
def static_site() -> Iterator[Site]:
    """The frontend page on a free port of 127.0.0.1: an origin of its own."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Site(origin=f"http://{host!s}:{port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Seen:
    """What the page's JavaScript saw: an answer, or the error its `fetch` threw."""

    status: int | None = None
    etag: str | None = None
    request_id: str | None = None
    body: Any = None
    error: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Frontend:
    """The page, loaded from its site, calling the API as a frontend's JavaScript would."""

    page: Page
    api_url: str

    def fetch(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        if_match: str | None = None,
        body: object = None,
    ) -> Seen:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if if_match:
            headers["If-Match"] = if_match
        init: dict[str, object] = {"method": method, "headers": headers}
        if body is not None:
            headers["Content-Type"] = "application/json"
            init["body"] = body if isinstance(body, str) else json.dumps(body)
        seen = self.page.evaluate("([url, init]) => call(url, init)", [self.api_url + path, init])
        return Seen(
            status=seen.get("status"),
            etag=seen.get("etag"),
            request_id=seen.get("requestId"),
            body=seen.get("body"),
            error=seen.get("error"),
            message=seen.get("message"),
        )


@contextmanager
def frontend(browser: Browser, *, site: Site, api_url: str) -> Iterator[Frontend]:
    """A fresh browser context (no cookies, no cache) with the site's page loaded."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.origin + "/")
        yield Frontend(page=page, api_url=api_url.rstrip("/"))
    finally:
        context.close()
