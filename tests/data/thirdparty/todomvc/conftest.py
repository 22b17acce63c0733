"""Ours, not upstream (see SOURCE.md): run the vendored suite offline against the vendored app.

The upstream tests (mvctests/, unchanged) open the hard-coded internet address
https://demo.playwright.dev/todomvc. Here that address never reaches the network:

* ``todomvc_url`` serves app/ (the TodoMVC React example) with http.server on 127.0.0.1, on a
  free port, for the session;
* ``_todomvc_offline`` (autouse) routes that address in every browser context of
  pytest-playwright to a redirect to the local server, so the tests run on
  http://127.0.0.1:<port>/ from then on.

Nothing of pytest-playwright is overridden: ``_todomvc_offline`` only asks for its ``context``
(which every upstream test creates anyway, through its autouse ``page`` fixture).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Route

APP = Path(__file__).resolve().parent / "app"
UPSTREAM = "https://demo.playwright.dev/todomvc"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def todomvc_url() -> Iterator[str]:
    """URL of app/ served over HTTP on 127.0.0.1 (a daemon thread, shut down at session end)."""
    handler = functools.partial(_QuietHandler, directory=str(APP))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="todomvc-app", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def _todomvc_offline(context: BrowserContext, todomvc_url: str) -> None:
    """Answer https://demo.playwright.dev/todomvc[/...] with a redirect to the local app."""

    def redirect(route: Route) -> None:
        rest = route.request.url[len(UPSTREAM) :].lstrip("/")
        route.fulfill(status=302, headers={"location": todomvc_url + rest})

    context.route(UPSTREAM + "**", redirect)
