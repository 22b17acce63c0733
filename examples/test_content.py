"""Content checks: images described for screen readers, brand colours intact."""

import pytest
from playwright.sync_api import Page

BRAND_HEADER = "rgb(29, 53, 87)"  # #1d3557


@pytest.mark.cx(networks="no-throttle")
def test_product_images_have_alt_text(cx_page: Page) -> None:
    for path in ("/", "/product/alpine-shell-jacket", "/product/trail-runner-shoes"):
        cx_page.goto(path)
        missing = cx_page.locator("img:not([alt])").evaluate_all(
            "imgs => imgs.map(i => i.currentSrc || i.src)"
        )
        assert not missing, f"{path}: images without alt text: {missing}"


@pytest.mark.cx(networks="no-throttle")
def test_header_uses_the_brand_colour(cx_page: Page) -> None:
    cx_page.goto("/")
    colour = cx_page.locator("header").first.evaluate("h => getComputedStyle(h).backgroundColor")
    assert colour == BRAND_HEADER, f"header is {colour}, the brand colour is {BRAND_HEADER}"
