"""The home page is usable within a budget on every network in the matrix."""

import time

from playwright.sync_api import Page

from cxcheck import NetworkProfile

BUDGET_S = {"no-throttle": 3.0, "fast-4g": 5.0, "slow-4g": 8.0, "3g": 20.0}


def test_home_page_loads_within_budget(cx_page: Page, cx_network: NetworkProfile) -> None:
    budget = BUDGET_S.get(cx_network.name, 10.0)
    started = time.monotonic()
    cx_page.goto("/", wait_until="load", timeout=120_000)
    took = time.monotonic() - started
    assert took <= budget, (
        f"home page took {took:.1f} s on {cx_network.name}; the budget is {budget:.0f} s"
    )
