"""The SPOF check in Python: the cx marker's hosts send the tag manager's host to blackhole."""

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.cx(hosts={"localhost": "blackhole"})
def test_checkout_survives_a_hanging_tag_manager(cx_page: Page) -> None:
    cx_page.goto("/checkout.html", timeout=10_000)
    cx_page.get_by_role("button", name="Pay now").click()
    expect(cx_page.locator("#paid")).to_have_text("Paid")
