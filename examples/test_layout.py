"""Responsive layout: nothing scrolls sideways, on any device."""

import pytest
from playwright.sync_api import Page

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.cx(networks="no-throttle")
@pytest.mark.parametrize("path", ["/", "/product/alpine-shell-jacket", "/basket", "/support"])
def test_no_horizontal_scrolling(cx_page: Page, path: str) -> None:
    cx_page.goto(path)
    overflow = cx_page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{path} is {overflow} px wider than the screen: it scrolls sideways"
