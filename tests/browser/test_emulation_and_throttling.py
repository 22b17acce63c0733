"""Device emulation and network/CPU throttling, observed from inside a real Chromium.

These tests use cxcheck's own fixtures against fixtures/pages served on 127.0.0.1. Timing
assertions are lower bounds (throttling is applied) or wide ratios: a loaded machine only makes
things slower, which never makes these fail. Fidelity to the numbers is the benchmark's job.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from cxcheck import DeviceProfile, NetworkProfile
from pageserver import DOWNLOAD_JS as DOWNLOAD
from pageserver import UPLOAD_JS as UPLOAD

BUSY = """() => {
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < 2e7; i++) x += i % 7;
  return performance.now() - t;
}"""


def theory(network: NetworkProfile, size: int, rate: float | None) -> float:
    return network.latency_ms / 1000 + (size / rate if rate else 0)


@pytest.mark.cx(
    devices=["iphone-13", "galaxy-s9-plus", "desktop-4k", "ipad-mini"], networks=["no-throttle"]
)
def test_the_page_sees_the_device(cx_page: Any, cx_device: DeviceProfile) -> None:
    cx_page.goto("/emulation.html")
    seen = cx_page.evaluate("seen()")
    assert (seen["innerWidth"], seen["innerHeight"]) == (
        cx_device.viewport.width,
        cx_device.viewport.height,
    )
    assert (seen["screenWidth"], seen["screenHeight"]) == (
        cx_device.screen.width,
        cx_device.screen.height,
    )
    assert seen["dpr"] == pytest.approx(cx_device.pixel_ratio)
    assert seen["userAgent"] == cx_device.user_agent
    assert (seen["maxTouchPoints"] > 0) == cx_device.touch
    assert seen["coarsePointer"] == cx_device.touch
    headers = cx_page.goto("/headers").json()
    assert headers["User-Agent"] == cx_device.user_agent


@pytest.mark.cx(devices="desktop-1080p", networks=["slow-4g", "3g"])
def test_network_profile_throttles_download_and_upload(
    cx_page: Any, cx_network: NetworkProfile
) -> None:
    cx_page.goto("/index.html")
    down = int(cx_network.down_bytes_per_s or 0) // 2  # half a second of transfer in theory
    up = int(cx_network.up_bytes_per_s or 0) // 2
    took_down = cx_page.evaluate(DOWNLOAD, down)
    took_up = cx_page.evaluate(UPLOAD, up)
    assert took_down >= 0.85 * theory(cx_network, down, cx_network.down_bytes_per_s)
    assert took_up >= 0.85 * theory(cx_network, up, cx_network.up_bytes_per_s)


@pytest.mark.quick  # a real-browser smoke test of the quick tier
@pytest.mark.cx(devices="iphone-13", networks="slow-4g")
def test_the_first_navigation_is_throttled(
    cx_page: Any, cx_context: Any, cx_network: NetworkProfile
) -> None:
    minimum = 0.85 * cx_network.latency_ms / 1000
    started = time.monotonic()
    cx_page.goto("/index.html")
    assert time.monotonic() - started >= minimum
    tab = cx_context.new_page()  # a page the test opens itself: throttled before it navigates
    started = time.monotonic()
    tab.goto("/index.html")
    assert time.monotonic() - started >= minimum


@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
def test_no_throttle_is_unthrottled(cx_page: Any) -> None:
    cx_page.goto("/index.html")
    assert cx_page.evaluate(DOWNLOAD, 180_000) < 0.5  # slow-4g would need 1.56 s


@pytest.mark.cx(devices="desktop-1080p", networks="slow-4g")
def test_pages_opened_later_are_throttled_too(
    cx_page: Any, cx_context: Any, cx_network: NetworkProfile
) -> None:
    cx_page.goto("/index.html")
    with cx_context.expect_page() as popup_info:
        cx_page.click("#open-popup")
    popup = popup_info.value
    popup.wait_for_load_state()
    tab = cx_context.new_page()
    tab.goto("/index.html")
    minimum = 0.85 * theory(cx_network, 90_000, cx_network.down_bytes_per_s)
    assert popup.evaluate(DOWNLOAD, 90_000) >= minimum
    assert tab.evaluate(DOWNLOAD, 90_000) >= minimum


@pytest.mark.cx(devices="desktop-1080p", networks="offline")
def test_offline_fails_every_request(cx_page: Any) -> None:
    from playwright.sync_api import Error

    with pytest.raises(Error, match="ERR_INTERNET_DISCONNECTED"):
        cx_page.goto("/index.html")


@pytest.mark.cx(devices="low-end-android", networks="no-throttle")
def test_cpu_slowdown_is_applied(cx_page: Any, cx_browser: Any, pages_url: str) -> None:
    unthrottled = cx_browser.new_context().new_page()
    try:
        for page in (unthrottled, cx_page):
            page.goto(pages_url + "index.html")
            page.evaluate(BUSY)  # warm the JIT
        # Interleaved, best of five: a burst of load on the machine hits both sides alike. On a
        # loaded 2-core machine Chromium's throttler can itself be starved for a while, so a
        # round that shows no slowdown is measured again (up to three rounds).
        rounds = []
        for _ in range(3):
            full_speed, slowed = float("inf"), float("inf")
            for _ in range(5):
                full_speed = min(full_speed, float(unthrottled.evaluate(BUSY)))
                slowed = min(slowed, float(cx_page.evaluate(BUSY)))
            rounds.append((slowed, full_speed))
            if slowed > 1.5 * full_speed:
                break
    finally:
        unthrottled.context.close()
    # The profile says 6x; 1.5x in a round cannot happen without throttling, even when busy.
    assert any(slowed > 1.5 * full_speed for slowed, full_speed in rounds), rounds
