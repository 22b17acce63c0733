"""`cx_load` as a test author uses it: a recorded browser journey replayed as load against the
storefront, thresholds and the run in the results and the report, the loopback-only guard, and
no Locust process left after Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from cxcheck.load.har import HarError, requests_of
from tests.helpers import wait_for_no_leftovers
from tests.plugin.test_interrupt import spawn

STOREFRONT_INI = """[pytest]
cx_server_command = {python} -m cxshop --port {port}
cx_server_ready_path = /healthz
cx_devices = iphone-13
cx_networks = no-throttle
"""


def _entry(url: str, at: str, *, kind: str, mime: str = "text/html", time_ms: float = 100,
           method: str = "GET", redirect: str = "", post: dict[str, Any] | None = None,
           headers: list[dict[str, str]] | None = None) -> dict[str, Any]:  # fmt: skip
    request: dict[str, Any] = {"method": method, "url": url, "headers": headers or []}
    if post is not None:
        request["postData"] = post
    return {
        "startedDateTime": f"2026-12-03T10:00:{at}Z",
        "time": time_ms,
        "_resourceType": kind,
        "request": request,
        "response": {"status": 303 if redirect else 200, "redirectURL": redirect,
                     "content": {"mimeType": mime}},
    }  # fmt: skip


def test_a_har_becomes_the_pages_and_api_calls_in_order_with_think_time() -> None:
    base = "http://127.0.0.1:8000"
    har = {"log": {"entries": [
        _entry(f"{base}/", "00.000", kind="document",
               headers=[{"name": "Cookie", "value": "session=recorded"},
                        {"name": "Accept", "value": "text/html"}]),
        _entry(f"{base}/static/app.css", "00.050", kind="stylesheet", mime="text/css"),
        _entry("https://cdn.example.com/lib.js", "00.060", kind="script"),
        _entry(f"{base}/product/x", "09.000", kind="document"),
        _entry(f"{base}/api/price/x", "09.200", kind="fetch", mime="application/json"),
        _entry(f"{base}/basket/add", "10.000", kind="document", method="POST",
               redirect=f"{base}/basket",
               post={"mimeType": "application/x-www-form-urlencoded", "text": "",
                     "params": [{"name": "slug", "value": "x"}, {"name": "size", "value": "M"}]}),
        _entry(f"{base}/basket", "10.100", kind="document"),
    ]}}  # fmt: skip
    requests = requests_of(har, base)
    assert [(r.method, r.path, r.resource) for r in requests] == [
        ("GET", "/", "document"),
        ("GET", "/product/x", "document"),
        ("GET", "/api/price/x", "api"),
        ("POST", "/basket/add", "document"),  # its redirect target is followed, not replayed
    ]
    # The customer read the home page for ~9 s: capped at 5 s; the API call follows at once.
    assert [r.think_s for r in requests] == [0.0, 5.0, 0.0, 0.7]
    assert requests[0].headers == {"Accept": "text/html"}  # never the recording's cookies
    assert requests[3].body == "slug=x&size=M"  # Chromium keeps a form post's fields as params
    assert len(requests_of(har, base, include_static=True)) == 5
    with pytest.raises(HarError, match=r"no requests to http://127\.0\.0\.1:9999"):
        requests_of(har, "http://127.0.0.1:9999")


RECORDED = """
from cxcheck.load.tester import LoadTest


def checkout(page):
    page.goto("/")
    page.fill("#search-q", "jacket")
    page.press("#search-q", "Enter")
    page.click(".product-card a")
    page.locator("#price[data-state=loaded]").wait_for()
    page.select_option("#size", "M")
    page.click("#add-to-basket")
    page.locator(".basket-line").wait_for()


def test_recorded(cx_load: LoadTest, cx_browser) -> None:
    scenario = cx_load.record_journey(cx_browser, checkout, think_factor=0)
    result = cx_load.run(scenario, users=3, spawn_rate=3, run_time="3s")
    result.check(failure_ratio=0, p95="2s", min_rps=1)
"""


def test_a_recorded_journey_runs_as_load_and_reaches_the_results_and_report(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(STOREFRONT_INI)
    pytester.makepyfile(test_recorded=RECORDED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--cx-json", "r.json",
                                           "--cx-report", "report", "-rP", timeout=240)  # fmt: skip
    result.assert_outcomes(passed=1)
    # the run's own totals close its progress lines, never a "0 users 0.0 req/s" guess
    result.stdout.re_match_lines([r"cx_load http://127\.0\.0\.1:\d+/?: done in 3 s  3 users .*"])
    result.stdout.no_fnmatch_line("*  0 users *")
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    by_check = {f["check"]: f for f in item["findings"]}
    run = by_check["load-run"]["data"]
    names = {(e["method"], e["name"]) for e in run["endpoints"]}
    assert {("GET", "/product/alpine-shell-jacket"), ("POST", "/basket/add"),
            ("GET", "/api/price/alpine-shell-jacket")} <= names  # fmt: skip
    assert run["total"]["failures"] == 0 and run["total"]["requests"] > 0
    thresholds = [f for f in item["findings"] if f["check"] == "load-threshold"]
    assert {f["data"]["metric"] for f in thresholds} == {"failure_ratio", "p95", "min_rps"}
    assert all(f["severity"] == "info" for f in thresholds)
    page = (pytester.path / "report" / "index.html").read_text()
    assert "/basket/add" in page and 'role="img" aria-label="Requests per second' in page


GUARDED = """
def test_production(cx_load):
    cx_load.run("shop.py", host="http://example.com", users=1, run_time="1s")
"""


def test_load_to_another_host_is_refused_until_it_is_allowed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_guarded=GUARDED)
    pytester.path.joinpath("shop.py").write_text("")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*example.com*--cx-load-allow-host*"])
    assert "locust" not in "".join(p.name for p in pytester.path.rglob("*.log"))


SLOW_LOAD = """
import pathlib

def test_long_load(cx_load):
    pathlib.Path("started").write_text("yes")
    cx_load.run("shop.py", users=2, spawn_rate=2, run_time="120s")
"""
SHOP = """
from locust import HttpUser, constant, task


class Shopper(HttpUser):
    wait_time = constant(0.2)

    @task
    def products(self):
        self.client.get("/api/products")
"""


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")
def test_ctrl_c_during_a_load_run_leaves_no_locust_process(pytester: pytest.Pytester) -> None:
    pytester.makeini(STOREFRONT_INI)
    pytester.makepyfile(test_slow_load=SLOW_LOAD)
    pytester.path.joinpath("shop.py").write_text(SHOP)
    proc, token = spawn(["pytest", "-p", "no:cacheprovider", "-s"], pytester.path)
    deadline = time.monotonic() + 120
    logs: list[Path] = []
    while not logs:  # Locust is running once its log exists
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert time.monotonic() < deadline, "the load never started"
        logs = list(pytester.path.rglob("locust.log"))
        time.sleep(0.2)
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGINT)
    output = proc.communicate(timeout=90)[0].decode()
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    assert wait_for_no_leftovers(token) == []


MARKED = """
import pytest


@pytest.mark.cx_load("shop.py", users=2, spawn_rate=2, run_time="3s", failure_ratio=0.5)
def test_holds():
    pass


@pytest.mark.cx_load("shop.py", users=2, spawn_rate=2, run_time="3s", p95="0.001ms")
def test_breaks():
    pass
"""


def test_the_marker_runs_load_during_the_test_and_holds_it_to_thresholds(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(STOREFRONT_INI)
    pytester.makepyfile(test_marked=MARKED)
    pytester.path.joinpath("shop.py").write_text(SHOP)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--cx-json", "r.json",
                                           "--strict-markers", timeout=240)  # fmt: skip
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*✗ p(95) ≤ 0.001 ms*measured*(all requests)"])
    # The terminal grid lists the load tests with the others (they have no device cell).
    result.stdout.fnmatch_lines(["test_marked.py::test_holds *ok*",
                                 "test_marked.py::test_breaks *FAIL*"])  # fmt: skip
    results = {r["test"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    checks = [f["check"] for f in results["test_holds"]["findings"]]
    assert checks == ["load-run", "load-threshold"]
