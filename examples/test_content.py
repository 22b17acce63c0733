"""Content checks: the brand header intact (a visual check) and no placeholder text (a check of
our own, through ``cxcheck.add_finding``). Images without alt text are axe-core's job: see
test_layout.py."""

import pytest
from playwright.sync_api import Page

from cxcheck import Visual, add_finding

# The header as a picture, per device, against its baseline in __cx_snapshots__/ (made with
# `pytest --cx-update-snapshots`). Its text, logo and search box are hidden while capturing and
# its height is fixed: fonts differ between machines, the brand colour must not.
HEADER_ONLY = ".site-header * { visibility: hidden !important; } .site-header { height: 64px; }"


@pytest.mark.cx(networks="no-throttle")
def test_header_keeps_the_brand_look(cx_visual: Visual) -> None:
    cx_visual.page.goto("/")
    cx_visual.assert_matches("header", selector=".site-header", style=HEADER_ONLY)


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
