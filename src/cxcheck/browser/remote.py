"""Connecting to a Playwright browser server (``playwright run-server``, Playwright's container).

A Playwright server launches the browser itself, on its own machine, for each connection; the
client says how in the ``x-playwright-launch-options`` header. A server started with ``--unsafe``
honours ``args`` and ``executablePath`` from it; any other server (the container image's, as
documented) drops them and launches its own build, which already suits a container.

The app under test usually runs on the runner's loopback (``cxshop --port 8000``, a dev server),
which a browser on another machine cannot reach: ``expose_network="<loopback>"`` makes Playwright
carry the browser's requests for localhost/127.0.0.1/[::1] back through the connection (a SOCKS
proxy on the server end), so ``http://127.0.0.1:8000`` means the runner's machine, as it does with
a local browser. Every other host is reached from the server's machine, as it would be anyway.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from cxcheck.model.errors import BrowserNotFoundError

LAUNCH_OPTIONS_HEADER = "x-playwright-launch-options"
"""The header a Playwright server reads its launch options from (playwrightServer.ts)."""

EXPOSE_LOOPBACK = "<loopback>"
"""Playwright's ``expose_network`` rule for localhost, *.localhost, 127.0.0.1 and [::1]."""

EXPOSED = "the runner's localhost/127.0.0.1 exposed to it"
"""How the browser line says that ``expose_network`` is on."""

IMAGE = "mcr.microsoft.com/playwright"
"""Playwright's official container image: ``{IMAGE}:v<version>-noble`` has its browsers."""

# The server answers a client of another major.minor with "428 Precondition Required" and a box
# naming both versions ("server version: v1.65", "client version: v1.40").
_MISMATCH = re.compile(r"version mismatch", re.IGNORECASE)
_SERVER_VERSION = re.compile(r"server version:\s*v?(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)
_CLIENT_VERSION = re.compile(r"client version:\s*v?(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


def is_cdp(endpoint: str) -> bool:
    """Whether the endpoint is Chrome's DevTools (http(s)://, ws://…/devtools/…), not a
    Playwright server."""
    parsed = urllib.parse.urlparse(endpoint)
    return parsed.scheme in ("http", "https") or parsed.path.startswith("/devtools/")


def launch_options(headed: bool, executable: str | None, args: Sequence[str]) -> dict[str, Any]:
    """What the server is asked to launch: ``args``/``executablePath`` need ``--unsafe``."""
    options: dict[str, Any] = {"headless": not headed}
    if args:
        options["args"] = list(args)
    if executable:
        options["executablePath"] = executable
    return options


def connect_server(
    browser_type: Any,
    endpoint: str,
    options: dict[str, Any],
    slowmo_ms: float = 0.0,
    timeout_ms: float = 15_000,
) -> Any:
    """Connect to the Playwright server at ``endpoint``; the runner's loopback is exposed to it.

    A server of another Playwright version is a :class:`BrowserNotFoundError` naming both
    versions and how to get a matching server; other failures are the caller's to word.
    """
    try:
        return browser_type.connect(
            endpoint,
            timeout=timeout_ms,
            slow_mo=slowmo_ms or None,
            headers={LAUNCH_OPTIONS_HEADER: json.dumps(options)},
            expose_network=EXPOSE_LOOPBACK,
        )
    except Exception as exc:
        mismatch = version_mismatch(endpoint, str(exc))
        if mismatch:
            raise BrowserNotFoundError(mismatch) from None
        raise


def client_version() -> str:
    """The Playwright version of this runner (the Python package's)."""
    try:
        return version("playwright")
    except PackageNotFoundError:  # pragma: no cover - cxcheck depends on it
        return "unknown"


def version_mismatch(endpoint: str, error: str) -> str | None:
    """The message for a server that refused this client's Playwright version, else None."""
    if not _MISMATCH.search(error):
        return None
    server = _SERVER_VERSION.search(error)
    client = _CLIENT_VERSION.search(error)
    ours = client_version()
    server_v = server.group(1) if server else "another version"
    client_v = client.group(1) if client else ours
    pin = f"playwright=={server_v}.*" if server else "the server's version"
    return (
        f"the Playwright server at --cx-browser-endpoint {endpoint} runs Playwright {server_v}, "
        f"and this runner's Playwright is {client_v} (Python package playwright {ours}): a "
        "Playwright server only accepts clients of its own major.minor version. Run a server of "
        f"the runner's version, e.g. the container image {IMAGE}:v{ours}-noble with "
        f"`npx -y playwright@{ours} run-server --port 3000 --host 0.0.0.0`, or install the "
        f"server's on the runner: pip install '{pin}'."
    )
