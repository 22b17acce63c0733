"""Content checks: brand colours intact, no placeholder text (a check of our own, through
``cxcheck.add_finding``). Images without alt text are axe-core's job: see test_layout.py."""

import pytest
from playwright.sync_api import Page

from cxcheck import add_finding

BRAND_HEADER = "rgb(29, 53, 87)"  # #1d3557


@pytest.mark.cx(networks="no-throttle")
def test_header_uses_the_brand_colour(cx_page: Page) -> None:
    cx_page.goto("/")
    colour = cx_page.locator("header").first.evaluate("h => getComputedStyle(h).backgroundColor")
    assert colour == BRAND_HEADER, f"header is {colour}, the brand colour is {BRAND_HEADER}"


# Your own check, reporting through the same seam as cxcheck's: each problem is a finding on
# the test (or on the journey step it runs in), shown in the report, the JSON and the grid.
PLACEHOLDERS = ("lorem ipsum", "todo:", "undefined", "nan", "[object object]")


def check_no_placeholder_text(page: Page) -> None:
    text = page.locator("main").first.inner_text().lower()
    for placeholder in PLACEHOLDERS:
        if f" {placeholder} " in f" {text} ":
            add_finding("check", f"{page.url} shows placeholder text {placeholder!r}",
                        check="no-placeholder-text", target=page.url)  # fmt: skip


@pytest.mark.cx(networks="no-throttle")
def test_pages_show_no_placeholder_text(cx_page: Page) -> None:
    for path in ("/", "/product/alpine-shell-jacket", "/basket", "/support"):
        cx_page.goto(path)
        check_no_placeholder_text(cx_page)
