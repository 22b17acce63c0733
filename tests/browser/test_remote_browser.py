"""A remote browser: cells run in a browser that a real ``playwright run-server`` launches.

Each test starts the server on 127.0.0.1 itself (``--unsafe``, so that it launches the system
Chromium the runner names with --cx-browser-path: Playwright's own build is not installed here)
and always stops it, browsers included. The same small suite runs with a local browser and
through the server, and must end with the same verdicts; its throttling tests measure, through
the server, a 200 KB download on slow-4g and a 6x CPU slowdown.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pageserver import DOWNLOAD_JS
from tests.helpers import wait_for_no_leftovers

TOKEN_ENV = "CX_TEST_PLAYWRIGHT_SERVER"

SUITE = f"""
import pytest

DOWNLOAD = {DOWNLOAD_JS!r}
BUSY = '''() => {{
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < 2e7; i++) x += i % 7;
  return performance.now() - t;
}}'''

@pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], networks="no-throttle")
def test_the_page_sees_the_device(cx_page, cx_device):
    cx_page.goto("/emulation.html")
    seen = cx_page.evaluate("seen()")
    assert seen["innerWidth"] == cx_device.viewport.width
    assert seen["dpr"] == pytest.approx(cx_device.pixel_ratio)
    assert seen["userAgent"] == cx_device.user_agent

@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
def test_journey_passes(cx_journey):
    with cx_journey.step("open"):
        cx_journey.page.goto("/journey.html")
    with cx_journey.step("look"):
        cx_journey.page.get_by_role("heading", name="journey page").wait_for()

@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
def test_journey_meets_a_page_error(cx_journey):
    with cx_journey.step("basket"):
        cx_journey.page.goto("/journey.html")
        cx_journey.page.click("#throw")
        cx_journey.page.wait_for_timeout(300)

@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
def test_wrong_title(cx_page):
    cx_page.goto("/index.html")
    assert cx_page.title() == "not this title"

@pytest.mark.cx(devices="desktop-1080p", networks=["slow-4g", "no-throttle"])
def test_200_kb_download(cx_page, cx_network):
    cx_page.goto("/index.html")
    took = cx_page.evaluate(DOWNLOAD, 200_000)
    if cx_network.down_bytes_per_s is None:
        assert took < 1.0  # unthrottled loopback: milliseconds, even on a loaded machine
        return
    theory = cx_network.latency_ms / 1000 + 200_000 / cx_network.down_bytes_per_s
    print(f"200 KB on {{cx_network.name}}: {{took:.2f}} s, theory {{theory:.2f}} s")
    # Throttling cannot make it faster than 85% of theory; a loaded machine only adds time.
    assert 0.85 * theory <= took < 3 * theory + 5

@pytest.mark.cx(devices="low-end-android", networks="no-throttle")
def test_cpu_slowdown(cx_page, cx_browser, cx_base_url):
    unthrottled = cx_browser.new_context().new_page()
    try:
        for page in (unthrottled, cx_page):
            page.goto(cx_base_url + "index.html")
            page.evaluate(BUSY)
        rounds = []
        for _ in range(3):  # interleaved best of five, as tests/browser does it locally
            full, slowed = float("inf"), float("inf")
            for _ in range(5):
                full = min(full, float(unthrottled.evaluate(BUSY)))
                slowed = min(slowed, float(cx_page.evaluate(BUSY)))
            rounds.append((slowed, full))
            if slowed > 1.5 * full:
                break
    finally:
        unthrottled.context.close()
    assert any(slowed > 1.5 * full for slowed, full in rounds), rounds
"""

EXPECTED = {
    "test_the_page_sees_the_device[iphone-13-no-throttle]": "PASSED",
    "test_the_page_sees_the_device[desktop-1080p-no-throttle]": "PASSED",
    "test_journey_passes[desktop-1080p-no-throttle]": "PASSED",
    "test_journey_meets_a_page_error[desktop-1080p-no-throttle]": "FAILED",
    "test_wrong_title[desktop-1080p-no-throttle]": "FAILED",
    "test_200_kb_download[desktop-1080p-slow-4g]": "PASSED",
    "test_200_kb_download[desktop-1080p-no-throttle]": "PASSED",
    "test_cpu_slowdown[low-end-android-no-throttle]": "PASSED",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chromium() -> str:
    from cxcheck.browser.launch import BrowserSettings, find_browser

    exe = find_browser(BrowserSettings(), None).executable
    if exe is None:
        pytest.skip("needs a Chromium executable for the Playwright server to launch")
    return exe


@contextmanager
def playwright_server() -> Iterator[tuple[str, str]]:
    """A real ``playwright run-server`` on 127.0.0.1: (its ws:// endpoint, the token in the
    environment of it and of every browser it launches). Stopped, browsers and all, on exit."""
    token = uuid.uuid4().hex
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "playwright", "run-server", "--port", str(port),
         "--host", "127.0.0.1", "--unsafe"],
        env={**os.environ, TOKEN_ENV: token},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as one below
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"run-server did not start ({server.poll()})") from None
                time.sleep(0.2)
        yield f"ws://127.0.0.1:{port}/", token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        # The browsers it launched (their own process groups) must be gone with it.
        left = wait_for_no_leftovers(token)
        for proc in Path("/proc").iterdir():  # ours (the token says so): ended before failing
            if proc.name.isdigit() and _has_token(proc, token):
                os.kill(int(proc.name), signal.SIGKILL)
        assert not left, left


def _has_token(proc: Path, token: str) -> bool:
    try:
        return token.encode() in (proc / "environ").read_bytes()
    except OSError:
        return False


def _browser_args_seen(token: str, stop: threading.Event, seen: list[str]) -> None:
    """Collect the command lines of the server's browsers while a run goes on."""
    while not stop.is_set():
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit() and _has_token(proc, token):
                try:
                    cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                if "--remote-debugging-pipe" in cmdline and cmdline not in seen:
                    seen.append(cmdline)
        stop.wait(0.5)


def _verdicts(result: pytest.RunResult) -> dict[str, str]:
    found = re.findall(
        r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) test_suite\.py::(\S+)",
        "\n".join(result.stdout.lines),
        re.MULTILINE,
    )
    return {test: verdict for verdict, test in found}


def test_same_verdicts_as_a_local_browser_and_throttled_through_the_server(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_suite=SUITE)
    local = run_pytest("-rA", "-s", "--cx-artifacts", "local-evidence")
    assert _verdicts(local) == EXPECTED, local.stdout.str()
    with playwright_server() as (endpoint, token):
        stop, seen = threading.Event(), list[str]()
        watcher = threading.Thread(target=_browser_args_seen, args=(token, stop, seen))
        watcher.start()
        try:
            remote = run_pytest(
                "-rA", "-s", "--cx-artifacts", "remote-evidence",
                "--cx-browser-endpoint", endpoint, f"--cx-browser-path={_chromium()}",
            )  # fmt: skip
        finally:
            stop.set()
            watcher.join()
    assert _verdicts(remote) == EXPECTED, remote.stdout.str()
    remote.stdout.fnmatch_lines(
        [f"cxcheck browser: chromium at {endpoint} (chromium * via a Playwright server; *)"]
    )
    remote.stdout.fnmatch_lines(["*200 KB on slow-4g: * s, theory * s*"])
    # The browser was the server's (launched with the house arguments), and it reached the app
    # on the runner's 127.0.0.1 through the connection: Playwright's SOCKS proxy for exposed
    # hosts, loopback included (``<-loopback>`` takes it off Chromium's implicit bypass list).
    assert seen, "the Playwright server launched no browser"
    assert all("--disable-background-networking" in args for args in seen), seen
    assert all("--proxy-server=socks5://" in args for args in seen), seen
    assert all("<-loopback>" in args for args in seen), seen
    # The evidence of a failed cell came back to the runner's folder: its picture and trace.
    folders = {p.name: p for p in (pytester.path / "remote-evidence").iterdir()}
    failed = next(p for name, p in folders.items() if "test_wrong_title" in name)
    names = {p.name for p in failed.iterdir()}
    assert "trace.zip" in names, names
    assert any(n.endswith((".jpg", ".png")) for n in names), names
    assert (failed / "trace.zip").stat().st_size > 1000
    passed = next(p for name, p in folders.items() if "test_journey_passes" in name)
    assert "trace.zip" not in {p.name for p in passed.iterdir()}


def test_a_server_of_another_playwright_version_is_a_clear_error(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    from cxcheck.browser.remote import client_version

    # The runner claims Playwright 1.40 in its handshake, as an older Playwright would: the
    # real server (1.65 here) refuses it with its version-mismatch answer.
    pytester.makeconftest("""
        from playwright.sync_api import BrowserType

        _connect = BrowserType.connect

        def connect(self, ws_endpoint, **kwargs):
            headers = {**(kwargs.get("headers") or {}), "User-Agent": "Playwright/1.40.0 (x64)"}
            return _connect(self, ws_endpoint, **{**kwargs, "headers": headers})

        BrowserType.connect = connect
    """)
    pytester.makepyfile("def test_x(cx_page):\n    pass\n")
    ours = client_version()
    server = ".".join(ours.split(".")[:2])
    with playwright_server() as (endpoint, _):
        result = run_pytest("--cx-browser-endpoint", endpoint)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*the Playwright server at --cx-browser-endpoint {endpoint} runs Playwright "
            f"{server}, and this runner's Playwright is 1.40 (Python package playwright {ours})*"
            f"mcr.microsoft.com/playwright:v{ours}-noble*pip install 'playwright=={server}.*'*"
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_nothing_listening_is_a_clear_error(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("def test_x(cx_page):\n    pass\n")
    endpoint = f"ws://127.0.0.1:{_free_port()}/"
    result = run_pytest("--cx-browser-endpoint", endpoint)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*could not connect to the browser at --cx-browser-endpoint {endpoint}: "
            "*ECONNREFUSED*a Playwright server (`playwright run-server --port 3000`)*"
        ]
    )


def test_a_browser_path_goes_to_the_server_not_to_a_cdp_endpoint() -> None:
    from cxcheck.browser.launch import CHROMIUM_ARGS
    from cxcheck.browser.remote import is_cdp, launch_options, version_mismatch

    assert is_cdp("http://127.0.0.1:9222")
    assert is_cdp("ws://127.0.0.1:9222/devtools/browser/abc")
    assert not is_cdp("ws://127.0.0.1:3000/")
    assert launch_options(False, "/usr/bin/chromium", CHROMIUM_ARGS) == {
        "headless": True,
        "executablePath": "/usr/bin/chromium",
        "args": list(CHROMIUM_ARGS),
    }
    assert launch_options(True, None, ()) == {"headless": False}
    assert version_mismatch("ws://x/", "WebSocket error: connect ECONNREFUSED") is None


def test_a_browser_path_with_a_cdp_endpoint_is_still_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    pass\n")
    path = "--cx-browser-path=/usr/bin/chromium"
    cdp = pytester.runpytest_inprocess(path, "--cx-browser-endpoint", "http://127.0.0.1:9222")
    assert cdp.ret == pytest.ExitCode.USAGE_ERROR
    cdp.stderr.fnmatch_lines(["*give either a browser to launch*or one to connect to*not both*"])
    server = pytester.runpytest_inprocess(path, "--cx-browser-endpoint", "ws://127.0.0.1:3000/")
    server.assert_outcomes(passed=1)  # the path names the server's browser
