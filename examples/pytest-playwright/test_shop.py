"""A plain pytest-playwright suite, as a team has it before cxcheck: tests that take ``page``.

Not one line here knows cxcheck. Run it on the examples' matrix (``examples/pytest.ini``: three
devices × two networks, the storefront started for the run) with::

    pytest examples/pytest-playwright

and every test runs once per cell, emulated and throttled: ``test_search_finds_the_jacket[
chromium-iphone-13-slow-4g]``, with cxcheck's grid, JSON and report. The demo (``cxcheck
demo``) leaves this folder out; see "Already using pytest-playwright?" in the README.
"""

from playwright.sync_api import Page, expect


def test_search_finds_the_jacket(page: Page) -> None:
    page.goto("/search?q=jacket")
    expect(page.locator("#result-count")).to_have_text("1 product")


def test_the_product_page_names_the_product(page: Page) -> None:
    page.goto("/product/alpine-shell-jacket")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alpine")
