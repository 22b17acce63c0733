"""What is on the page instead of a locator that matched nothing (``cxcheck.browser.nearby``):
the snapshot parser and the ranking on text, then the whole hint on a real Chromium."""

from __future__ import annotations

import time

from playwright.sync_api import Page

from cxcheck.browser.nearby import (
    IMAGE_LABEL,
    Candidate,
    candidates,
    parse_snapshot,
    python_hint,
    rank,
)

SNAPSHOT = """\
- main:
  - heading "Select site to change" [level=1]
  - img "Search"
  - textbox "Search"
  - button "Search"
  - navigation "Account":
    - link "Create an account":
      - /url: "#register"
    - button "Sign in"
  - text: Postcode
  - textbox "Postcode"
  - checkbox "Send me \\"news\\""
  - paragraph: Free delivery
"""


def test_the_snapshot_gives_roles_names_and_texts_in_page_order() -> None:
    found = parse_snapshot(SNAPSHOT)
    assert [(c.role, c.name) for c in found] == [
        ("heading", "Select site to change"),
        ("img", "Search"),
        ("textbox", "Search"),
        ("button", "Search"),
        ("navigation", "Account"),
        ("link", "Create an account"),
        ("button", "Sign in"),
        ("text", "Postcode"),
        ("textbox", "Postcode"),
        ("checkbox", 'Send me "news"'),
        ("text", "Free delivery"),
    ]


def test_a_label_finds_the_field_first_and_says_when_its_label_is_an_image() -> None:
    found = rank(parse_snapshot(SNAPSHOT), "Search", kind="label", image_labels=("Search",))
    assert found[0] == Candidate("textbox", "Search", IMAGE_LABEL, found[0].score)
    assert len(found) == 1  # the field is clearly what a label finds: no runners-up
    assert len(rank(parse_snapshot(SNAPSHOT), "Search", kind="text")) == 3  # at most three
    plain = rank(parse_snapshot(SNAPSHOT), "Search", kind="label")
    assert plain[0].role == "textbox" and plain[0].note == ""


def test_the_wrong_role_and_a_typo_find_the_element_and_far_names_nothing() -> None:
    found = parse_snapshot(SNAPSHOT)
    assert rank(found, "Sign in", kind="role", role="link")[0].role == "button"
    typo = rank(found, "Post code", kind="label")[0]
    assert (typo.role, typo.name) == ("textbox", "Postcode")
    assert rank(found, "Checkout", kind="text") == []
    assert rank(found, "", kind="text") == []
    # The element the locator itself names is not offered back as a fix.
    assert ("button", "Sign in") not in [
        (c.role, c.name) for c in rank(found, "Sign in", kind="role", role="button")
    ]


def test_a_page_says_what_is_there_within_the_time_limit(cx_page: Page) -> None:
    cx_page.goto("/hints.html")
    body = cx_page.locator("body")
    assert cx_page.get_by_label("Search").count() == 0  # Playwright reads the label's text
    started = time.monotonic()
    found = candidates(body, "Search", kind="label")
    assert time.monotonic() - started < 5  # the budget is 1 s; a loaded machine gets slack
    assert (found[0].role, found[0].name, found[0].note) == ("textbox", "Search", IMAGE_LABEL)
    assert cx_page.get_by_role("textbox", name="Search").count() == 1  # the fix works
    (sign_in, *_) = candidates(body, "Sign in", kind="role", role="link")
    assert (sign_in.role, sign_in.name) == ("button", "Sign in")


def test_a_hint_never_raises(cx_page: Page) -> None:
    cx_page.goto("/hints.html")
    missing = cx_page.locator("#nowhere")  # aria_snapshot waits for it, then times out
    assert candidates(missing, "Search", kind="label", budget_s=0.2) == []
    cx_page.close()
    assert candidates(cx_page.locator("body"), "Search", kind="label") == []


def test_a_python_locator_gets_the_call_to_write(cx_page: Page) -> None:
    cx_page.goto("/hints.html")
    body = cx_page.locator("body")
    assert python_hint(body, 'get_by_role("link", name="Sign in")') == (
        'on the page: button "Sign in" — try get_by_role("button", name="Sign in")'
    )
    assert python_hint(body, 'get_by_label("Search")') == (
        'on the page: textbox "Search" (its label holds only an image) — try '
        'get_by_role("textbox", name="Search")'
    )
    assert python_hint(body, 'locator("#search")') == ""  # a selector: no guess
    assert python_hint(body, 'get_by_text("Checkout")') == ""  # nothing close
