"""Per-host network conditions in a real Chromium, over real HTTP on 127.0.0.1.

The "third party" is the page server itself reached as ``localhost``: another host to the
browser (and to the rules), the same 127.0.0.1 socket. Pages are served from ``127.0.0.1``.
Timings are lower bounds for what is throttled and comparisons with what is not: a loaded
machine makes both slower, never the throttled one faster.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

import pytest

import pageserver
from cxcheck import NetworkProfile
from cxcheck.browser import hostrules
from cxcheck.browser.throttle import Throttle
from cxcheck.config.hosts import HostEntry, HostRule, host_rules
from cxcheck.config.profiles import Catalogue
from cxcheck.model.errors import CxError

# fetch() of a URL on the third party (same port, host localhost) or the first party, timed;
# gives up after `ms` (an AbortSignal) and says how it ended.
FETCH = """async ([path, third, ms]) => {
  const base = third ? 'http://localhost:' + location.port : '';
  const t = performance.now();
  try {
    const r = await fetch(base + path, {mode: 'no-cors', signal: AbortSignal.timeout(ms)});
    await r.arrayBuffer();
    return {ok: true, s: (performance.now() - t) / 1000};
  } catch (e) {
    return {ok: false, error: e.name, s: (performance.now() - t) / 1000};
  }
}"""
SMALL = "/bytes?n=1000"


def both(page: Any, ms: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The third party's and the first party's fetch, started together."""
    third, first = page.evaluate(
        f"async () => Promise.all([({FETCH})(['{SMALL}', true, {ms}]), "
        f"({FETCH})(['{SMALL}&first', false, {ms}])])"
    )
    return third, first


PAIRS = [
    ("localhost", "http://localhost:1234/x"),
    ("localhost", "https://localhost/"),
    ("localhost", "http://127.0.0.1:1234/x"),
    ("localhost", "http://sub.localhost/x"),
    ("*.example.test", "https://a.example.test/x.js"),
    ("*.example.test", "https://example.test/x.js"),
    ("*.example.test", "wss://a.b.example.test:9/"),
    ("127.0.0.1:8123", "http://127.0.0.1:8123/"),
    ("127.0.0.1:8123", "http://127.0.0.1:8124/"),
    ("example.test:8443", "https://example.test:8443/"),
    ("example.test:8443", "https://example.test/"),
    ("example.test", "https://example.test:443/"),
]


@pytest.mark.quick  # the experiment behind HostRule.url_pattern, on this Chromium
@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
def test_chromium_url_pattern_and_cxcheck_agree(cx_page: Any, cx_catalogue: Catalogue) -> None:
    cx_page.goto("/index.html")
    for pattern, url in PAIRS:
        (rule,) = host_rules([HostEntry(pattern, "3g", "test")], cx_catalogue)
        seen = cx_page.evaluate("([p, u]) => new URLPattern(p).test(u)", [rule.url_pattern(), url])
        assert seen is rule.matches(url), (pattern, url, rule.url_pattern())


@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle", hosts={"localhost": "blackhole"})
def test_a_blackholed_host_hangs_and_the_first_party_does_not(cx_page: Any) -> None:
    cx_page.goto("/index.html")
    third, first = both(cx_page, 3000)
    assert third == {"ok": False, "error": "TimeoutError", "s": pytest.approx(3.0, abs=1.5)}
    assert first["ok"] and first["s"] < 1.5, first  # unthrottled: milliseconds when idle


@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle", hosts={"localhost": "slow-4g"})
def test_a_slow_host_is_slower_than_the_first_party(cx_page: Any, cx_catalogue: Catalogue) -> None:
    latency_s = cx_catalogue.networks["slow-4g"].latency_ms / 1000
    cx_page.goto("/index.html")
    third, first = both(cx_page, 20_000)
    assert third["ok"] and third["s"] >= 0.85 * latency_s, third
    assert first["ok"] and first["s"] < third["s"], (first, third)


@pytest.mark.cx(devices="desktop-1080p", networks="slow-4g", hosts={"localhost": "no-throttle"})
def test_the_cell_network_still_throttles_every_other_request(
    cx_page: Any, cx_network: NetworkProfile
) -> None:
    cx_page.goto("/index.html")
    third, first = both(cx_page, 20_000)
    assert first["ok"] and first["s"] >= 0.85 * cx_network.latency_ms / 1000, first
    assert third["ok"] and third["s"] < first["s"], (third, first)


@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle", hosts={"localhost": "offline"})
def test_an_offline_host_fails_as_disconnected(cx_page: Any) -> None:
    cx_page.goto("/index.html")
    failures: list[str] = []
    cx_page.on("requestfailed", lambda r: failures.append(r.failure or ""))
    third, first = both(cx_page, 10_000)
    assert third["ok"] is False and third["error"] == "TypeError", third  # fetch's network error
    assert first["ok"], first
    cx_page.wait_for_timeout(200)  # the event may follow the page's own rejection
    assert failures == ["net::ERR_INTERNET_DISCONNECTED"]


@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle", hosts={"localhost": "blackhole"})
def test_a_network_switch_mid_journey_keeps_the_host_rules(
    cx_journey: Any, cx_catalogue: Catalogue
) -> None:
    fast_4g = cx_catalogue.networks["fast-4g"]
    with cx_journey.step("open"):
        cx_journey.page.goto("/index.html")
    cx_journey.set_network(fast_4g)
    third, first = both(cx_journey.page, 2000)
    assert third["ok"] is False and third["error"] == "TimeoutError", third
    assert first["ok"] and first["s"] >= 0.85 * fast_4g.latency_ms / 1000, first
    cx_journey.set_network(None)
    third, first = both(cx_journey.page, 2000)
    assert third["ok"] is False, third


def test_an_older_chromium_gets_the_old_call_and_routes(
    cx_browser: Any, cx_catalogue: Catalogue, pages_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old Chromium, simulated: the rules call under a name this Chromium does not have, so
    it answers as an old one does ("wasn't found"). What it proves: that answer is recognised,
    remembered for the browser, and the deprecated call and the routes then do the work. Not
    that a real old Chromium behaves the same otherwise."""
    monkeypatch.setattr(hostrules, "BY_RULE", "Network.emulateNetworkConditionsByRuleGone")
    monkeypatch.setattr(hostrules, "_SUPPORT", weakref.WeakKeyDictionary())
    slow_4g = cx_catalogue.networks["slow-4g"]
    with pageserver.serve() as other:
        port = other.rstrip("/").rsplit(":", 1)[1]
        entries = [
            HostEntry("localhost", "offline", "a"),
            HostEntry(f"127.0.0.1:{port}", "blackhole", "b"),
        ]
        hosts = host_rules(entries, cx_catalogue)
        _old_chromium(cx_browser, pages_url, slow_4g, hosts, other)
    # A host only rules can slow down is a clear error there, not a silent pass.
    entry = HostEntry("localhost", "3g", "conftest.py:3")
    slow: tuple[HostRule, ...] = host_rules([entry], cx_catalogue)
    context = cx_browser.new_context(base_url=pages_url)
    try:
        with pytest.raises(CxError, match=r"conftest.py:3: host 'localhost' on 3g needs"):
            Throttle(slow_4g, 1.0, slow).attach(context)
    finally:
        context.close()


def _old_chromium(
    browser: Any, pages_url: str, slow_4g: NetworkProfile, hosts: Any, other: str
) -> None:
    context = browser.new_context(base_url=pages_url)
    try:
        Throttle(slow_4g, 1.0, hosts).attach(context)
        support = hostrules.support_of(context)
        assert support.by_rule is False  # asked once, remembered for this browser
        page = context.new_page()
        started = time.monotonic()
        page.goto("/index.html")
        assert time.monotonic() - started >= 0.85 * slow_4g.latency_ms / 1000
        third, first = both(page, 10_000)
        assert third["ok"] is False and third["error"] == "TypeError", third  # routed
        assert first["ok"], first
        hung = page.evaluate(FETCH, [other + "index.html", False, 2000])
        assert hung["ok"] is False and hung["error"] == "TimeoutError", hung  # never answered
    finally:
        context.close()
