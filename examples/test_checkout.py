"""The whole customer journey: find a product, buy it, and follow the delivery."""

import re

import pytest
from playwright.sync_api import Page, expect

from cxcheck import Journey, Layout

# Budgets are per network: generous on slow-4g, tighter where the network is fast. "*" is the
# fallback for any network without its own entry.
PAGE_BUDGET = {"slow-4g": "15s", "*": "5s"}


def test_checkout_journey(cx_journey: Journey, cx_layout: Layout) -> None:
    page = cx_journey.page
    with cx_journey.step("open home", budget=PAGE_BUDGET):
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    with cx_journey.step("search for a jacket", budget=PAGE_BUDGET):
        page.get_by_label("Search").fill("jacket")
        page.get_by_label("Search").press("Enter")
        expect(page.locator("#result-count")).to_contain_text("1 product")

    with cx_journey.step("open the product", budget=PAGE_BUDGET):
        page.locator(".product-card a").first.click()
        # The price comes from the price API; without it nobody can buy.
        expect(page.locator("#price")).to_have_text(re.compile(r"£\d+\.\d\d"), timeout=15_000)

    with cx_journey.step("add to basket", budget=PAGE_BUDGET):
        page.locator("#size").select_option("M")
        # On a phone nothing may cover the button (a cookie banner, a chat bubble).
        cx_layout.assert_reachable("#add-to-basket")
        page.locator("#add-to-basket").click(timeout=10_000)
        expect(page.locator(".basket-line")).to_have_count(1)

    with cx_journey.step("check out", budget=PAGE_BUDGET):
        cx_layout.assert_reachable("#checkout")
        page.locator("#checkout").click()
        page.get_by_label("Name").fill("Ada Lovelace")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Address").fill("12 Analytical Row, London")
        page.get_by_label("Postcode").fill("N1 9GU")
        page.get_by_label("Card number").fill("4242 4242 4242 4242")
        page.locator("#place-order").click()
        expect(page.locator("#order-number")).to_have_text(re.compile(r"CX-\d{6}"))

    # Live tracking: the customer wants to know when it is happening.
    with cx_journey.step("track the order"):
        page.locator("#track-order").click()
        status = page.locator("#order-status")
        first = status.text_content()
        expect(status).not_to_have_text(first or "", timeout=20_000)  # updates without a reload
        expect(page.locator("#eta")).to_contain_text(re.compile(r"(today|tomorrow) between"))


def test_checkout_form_rejects_bad_input(cx_page: Page, cx_layout: Layout) -> None:
    page = cx_page
    page.goto("/product/alpine-shell-jacket")
    expect(page.locator("#price")).to_have_text(re.compile(r"£"), timeout=15_000)
    page.locator("#size").select_option("L")
    cx_layout.assert_reachable("#add-to-basket")
    page.locator("#add-to-basket").click(timeout=10_000)
    page.goto("/checkout")
    page.get_by_label("Email").fill("not-an-email")
    page.locator("#place-order").click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert "/checkout" in page.url  # still here: nothing was ordered


@pytest.mark.cx(networks="no-throttle")
def test_support_answers_at_once_with_when_a_person_replies(
    cx_page: Page, cx_layout: Layout
) -> None:
    page = cx_page
    page.goto("/support")
    page.get_by_label("Name").fill("Grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Message").fill("Where is my parcel?")
    cx_layout.assert_reachable("#support-form button[type=submit]")
    page.locator("#support-form button[type=submit]").click()
    expect(page.locator("#support-reply")).to_contain_text(
        re.compile(r"Thanks, Grace\. A person will reply by \d\d:\d\d (today|tomorrow)")
    )
