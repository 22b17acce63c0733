"""What a failed Playwright ``expect`` wanted and got, in one line: the parser on messages
captured from a real Chromium (tests/data/expectations/), the line leading the failure message,
the same messages live, and the line a failed cell says in a real run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cxcheck.model.calllog import with_reason
from cxcheck.model.expectations import parse, readable_locator

MESSAGES = Path(__file__).resolve().parents[1] / "data" / "expectations"


def message(name: str) -> str:
    return (MESSAGES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("text-regex", '#price to have text /£/, was "Price unavailable"'),
        ("text-string", 'button "Pay" to have text "Pay now", was "Pay"'),
        ("visible-missing", "#zz to be visible: no element matched"),
        ("visible-hidden", "#gone to be visible, was hidden"),
        ("not-visible", "#price not to be visible, was visible"),
        ("enabled", "#pay to be enabled, was disabled"),
        ("count", "li to have count 3, was 2"),
        ("title", 'the page to have title "Checkout", was "Basket"'),
        ("url", 'the page to have URL /\\/checkout/, was "about:blank"'),
        ("custom-message", 'the price shows: #price to contain text "£", was "Price unavailable"'),
    ],
)
def test_each_real_message_says_what_on_what_and_what_it_was(name: str, line: str) -> None:
    expectation = parse(message(name))
    assert expectation is not None
    assert expectation.line() == line


def test_a_long_actual_text_is_clipped_in_the_line_and_kept_whole_below() -> None:
    long = "Jacket " * 40
    text = message("text-string").replace("Actual value: Pay ", f"Actual value: {long}")
    expectation = parse(text)
    assert expectation is not None and expectation.actual == long.strip()
    assert expectation.line().endswith('was "' + long[:79] + '…"')
    assert long.strip() in with_reason("AssertionError", text)


def test_the_failure_message_leads_with_the_line_and_keeps_playwright_s_text() -> None:
    text = message("text-regex")
    lines = with_reason("AssertionError", text).splitlines()
    assert lines[0] == 'AssertionError: #price to have text /£/, was "Price unavailable"'
    assert lines[1] == "Locator expected to have text 're.compile('£')'"
    assert "Call log:" in lines


@pytest.mark.parametrize(
    ("locator", "read"),
    [
        ('locator("#price")', "#price"),
        ('get_by_role("button", name="Pay")', 'button "Pay"'),
        ('get_by_role("navigation")', "navigation"),
        ('get_by_label("Email")', 'label "Email"'),
        ('get_by_test_id("basket")', 'test id "basket"'),
        ('get_by_text("Sold out", exact=True)', 'text "Sold out"'),
        ('locator("#grid").locator("li").first', 'locator("#grid").locator("li").first'),
    ],
)
def test_locators_read_as_a_person_says_them(locator: str, read: str) -> None:
    assert readable_locator(locator) == read


@pytest.mark.parametrize(
    "text",
    [
        "",
        "AssertionError: home page took 20.6 s on slow-4g; the budget is 8 s",
        "Locator expected to be visible",  # no call log: nothing to say where
        'Locator.click: Timeout 1500ms exceeded.\nCall log:\n  - waiting for locator("#a")\n',
    ],
)
def test_other_failures_are_not_expectations(text: str) -> None:
    assert parse(text) is None


# --- the same messages from a live Chromium: a changed assertion format fails here first ---


@pytest.mark.parametrize(
    ("check", "line"),
    [
        (lambda p: expect(p.locator("#pay")).to_have_text(re.compile("Buy"), timeout=500),
         '#pay to have text /Buy/, was "Pay"'),
        (lambda p: expect(p.get_by_role("button", name="Nope")).to_be_visible(timeout=500),
         'button "Nope" to be visible: no element matched'),
        (lambda p: expect(p.locator("#pay")).to_be_enabled(timeout=500),
         "#pay to be enabled, was disabled"),
    ],
    ids=["text", "missing", "state"],
)  # fmt: skip
def test_a_real_chromium_s_failed_expect_reads_as_one_line(
    cx_page: Page, check: Any, line: str
) -> None:
    cx_page.goto("/blocked.html")
    with pytest.raises(AssertionError) as caught:
        check(cx_page)
    expectation = parse(str(caught.value))
    assert expectation is not None, str(caught.value)
    assert expectation.line() == line


PRICE_TEST = """
import re
import pytest
from playwright.sync_api import expect

@pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], networks="no-throttle")
def test_price(cx_page):
    cx_page.goto("/blocked.html")
    expect(cx_page.locator("#pay")).to_have_text(re.compile("£"), timeout=500)
"""


def test_a_failed_cell_says_what_the_expect_wanted_and_got(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_price=PRICE_TEST)
    result = run_pytest("--cx-json", "r.json", "--cx-trace", "off")
    result.assert_outcomes(failed=2)
    # the grid's cells and the cause they share, in the same words
    result.stdout.fnmatch_lines(['*FAIL ×2 assertion · #pay to have text /£/, was "Pay"*'])
    # under each failure, as a timed-out action's reason is
    result.stdout.fnmatch_lines(["*cxcheck: why it failed*", '#pay to have text /£/, was "Pay"'])
    results = json.loads((pytester.path / "r.json").read_text())["results"]
    assert all(
        r["message"].startswith('AssertionError: #pay to have text /£/, was "Pay"') for r in results
    ), [r["message"] for r in results]


def test_the_finding_a_failed_expect_stands_for_names_its_target_and_values() -> None:
    from cxcheck.model.findings import findings_of

    (finding,) = findings_of(AssertionError(message("text-string")))
    assert finding.kind == "assertion" and finding.check == "AssertionError"
    assert finding.message == 'AssertionError: button "Pay" to have text "Pay now", was "Pay"'
    assert finding.target == 'get_by_role("button", name="Pay")'
    assert finding.data == {"matcher": "to_have_text", "expected": '"Pay now"', "actual": "Pay",
                            "message": None}  # fmt: skip
    json.dumps(finding.data)


STEP_TEST = """
from playwright.sync_api import expect

def test_sign_in(cx_journey):
    with cx_journey.step("see the sign-in link"):
        cx_journey.page.goto("/hints.html")
        expect(cx_journey.page.get_by_role("link", name="Sign in")).to_be_visible(timeout=500)
"""


def test_a_journey_step_s_failed_expect_says_it_and_what_is_on_the_page(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_sign_in=STEP_TEST)
    result = run_pytest("--cx-json", "r.json", "--cx-trace", "off")
    result.assert_outcomes(failed=1)
    # the step's error notes: the line, then the element that is there (a button, not a link)
    result.stdout.fnmatch_lines([
        '*cxcheck: link "Sign in" to be visible: no element matched',
        '*cxcheck: on the page: button "Sign in" — try get_by_role("button", name="Sign in")',
    ])  # fmt: skip
    (step,) = json.loads((pytester.path / "r.json").read_text())["results"][0]["steps"]
    assert step["error"].startswith('AssertionError: link "Sign in" to be visible: no element')


def test_one_function_says_why_for_a_timed_out_action_and_a_failed_expect() -> None:
    from cxcheck.model.calllog import explain

    assert explain(message("text-regex")) == '#price to have text /£/, was "Price unavailable"'
    disabled = (MESSAGES.parent / "calllogs" / "disabled-click.txt").read_text(encoding="utf-8")
    assert (explain(disabled) or "").startswith('the click on locator("#pay") timed out')
    assert explain("AssertionError: home page took 20.6 s") is None
