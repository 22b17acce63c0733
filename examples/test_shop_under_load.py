"""Load with thresholds, from pytest: `cx_load` runs Locust (in child processes) against the
storefront cxcheck started for the run, and the results land in the report's load section.

`cxcheck demo --defects slow-under-load` makes /api/products queue behind a lock: the
threshold below fails, for a real reason, and the report shows why.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from cxcheck import Journey, LoadTest

SHOPPERS = "load/storefront.py"  # relative to the rootdir (examples/)


def test_the_product_api_holds_20_shoppers(cx_load: LoadTest) -> None:
    result = cx_load.run(SHOPPERS, users=20, spawn_rate=20, run_time="5s")
    # k6's `http_req_duration: p(95)<300` and `http_req_failed: rate<0.01`, in one call.
    result.check(p95="300ms", failure_ratio=0.01, min_rps=20)


def checkout(page: Page) -> None:
    """The journey a customer makes; recorded once, it becomes what every Locust user does."""
    page.goto("/")
    page.fill("#search-q", "jacket")
    page.press("#search-q", "Enter")
    page.click(".product-card a")
    page.locator("#price[data-state=loaded]").wait_for()
    page.select_option("#size", "M")
    page.click("#add-to-basket")
    page.locator(".basket-line").wait_for()


def test_a_recorded_journey_as_load(cx_load: LoadTest, cx_browser: Browser) -> None:
    scenario = cx_load.record_journey(cx_browser, checkout, think_factor=0.2)
    result = cx_load.run(scenario, users=5, spawn_rate=5, run_time="5s")
    result.check(failure_ratio=0, p95="1s")


@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_a_phone_customer_while_20_shoppers_browse(cx_load: LoadTest, cx_journey: Journey) -> None:
    def steps() -> None:
        with cx_journey.step("search"):
            cx_journey.page.goto("/search?q=jacket")
            cx_journey.page.locator("#result-count").wait_for()
        with cx_journey.step("open the product"):
            cx_journey.page.click(".product-card a")
            cx_journey.page.locator("#price[data-state=loaded]").wait_for()

    # The load and the browser share this machine's cores (on CI, two): a generous limit here,
    # where a real test against a separate server would hold its journey to 2× or less.
    cx_load.under_load(cx_journey, steps, SHOPPERS, users=20, spawn_rate=20, run_time="6s",
                       max_slowdown=8.0)  # fmt: skip
