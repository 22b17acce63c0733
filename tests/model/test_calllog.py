"""Why a Playwright action timed out, read from its call log: the parser on messages captured
from a real Chromium (tests/data/calllogs/, made against fixtures/pages/blocked.html and the demo
storefront with its defects), the same messages live, and the reason where failures are told."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error, Page

from cxcheck.model.calllog import parse, reason_line, with_reason
from cxcheck.model.findings import findings_of

MESSAGES = Path(__file__).resolve().parents[1] / "data" / "calllogs"


def message(name: str) -> str:
    return (MESSAGES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "cause", "words"),
    [
        ("covered-click", "covered", '<div role="region" id="cookie-banner" aria-label="Cookies" '
         'class="cookie-banner">We use cookies.</div> intercepts pointer events (covered by '
         "another element)"),
        ("cxshop-covered-click", "covered", '<a href="/product/alpine-shell-jacket">Alpine Shell '
         'Jacket</a> from <ul id="product-grid" class="product-grid">…</ul> subtree intercepts '
         "pointer events (covered by another element)"),
        ("disabled-click", "disabled", "the element is not enabled (it is disabled)"),
        ("readonly-fill", "read-only", "the element is not editable (it is read-only)"),
        ("hidden-click", "hidden", "the element is not visible (hidden, or of no size)"),
        ("moving-click", "moving", "the element is not stable (still moving: an animation or a "
         "transition)"),
        ("detached-click", "detached", "the element was detached from the DOM (the page replaced "
         "it while waiting)"),
        ("missing-click", "missing", "no element matched"),
        ("navigating-click", "navigating", 'the page was still navigating to '
         '"http://127.0.0.1:8000/slow?ms=4000"'),
        ("loading-goto", "loading", 'the page did not finish loading (waiting until "load")'),
    ],
)  # fmt: skip
def test_each_real_message_names_its_cause(name: str, cause: str, words: str) -> None:
    stuck = parse(message(name))
    assert stuck is not None
    assert (stuck.cause, stuck.detail) == (cause, words)


def test_the_reason_line_names_the_action_its_target_and_time() -> None:
    stuck = parse(message("covered-click"))
    assert stuck is not None
    assert stuck.call == "Locator.click" and stuck.timeout_s == 1.5
    assert stuck.target == 'get_by_role("button", name="Accept")'
    assert stuck.element == '<button id="accept">Accept</button>'
    assert stuck.blocker is not None and stuck.blocker.startswith('<div role="region"')
    assert stuck.line().startswith(
        'the click on get_by_role("button", name="Accept") timed out after 1.5 s: <div role='
    )
    # A journey file names the element as its author wrote it, and its whole time limit.
    assert stuck.line("{role: button, name: Accept}", 10).startswith(
        "the click on {role: button, name: Accept} timed out after 10 s: <div role="
    )
    assert reason_line(message("readonly-fill")) == (
        'the fill on get_by_label("Locked") timed out after 1.5 s: the element is not editable '
        "(it is read-only)"
    )
    assert reason_line(message("loading-goto")) == (
        "the navigation to http://127.0.0.1:8000/slow?ms=4000 timed out after 1.5 s: the page "
        'did not finish loading (waiting until "load")'
    )


def test_the_last_cause_wins_and_a_cleared_one_is_forgotten() -> None:
    # The re-rendered button was "not stable" and "not visible" on the way; it ended detached.
    stuck = parse(message("detached-click"))
    assert stuck is not None and stuck.cause == "detached"
    # Covered, then ready and clicked with nothing more to say: no cause is invented.
    ready = message("covered-click").rstrip() + (
        "\n    - waiting for element to be visible, enabled and stable"
        "\n      - element is visible, enabled and stable"
        "\n      - scrolling into view if needed\n      - done scrolling"
        "\n      - performing click action\n"
    )
    assert parse(ready) is None
    # Covered, then ready again when time ran out, before Playwright looked at what is on top
    # (the demo's search on a busy machine): still covered, as the attempts before said.
    cut_short = message("cxshop-covered-click").rstrip() + (
        "\n    - waiting for element to be visible, enabled and stable"
        "\n      - element is visible, enabled and stable"
        "\n      - scrolling into view if needed\n      - done scrolling\n"
    )
    stuck = parse(cut_short)
    assert stuck is not None and stuck.cause == "covered"
    assert stuck.blocker is not None and "product-grid" in stuck.blocker
    # A state that cleared stays cleared: not stable, then stable and cut short.
    moved = message("moving-click").rstrip() + (
        "\n    - waiting for element to be visible, enabled and stable"
        "\n      - element is visible, enabled and stable\n"
    )
    assert parse(moved) is None


def test_a_fractional_timeout_is_read() -> None:
    # The journey player gives Playwright what is left of an action's time: 9441.86 ms.
    text = message("covered-click").replace("Timeout 1500ms", "Timeout 9441.864848999103ms")
    stuck = parse(text)
    assert stuck is not None and stuck.timeout_s == pytest.approx(9.4419, abs=1e-4)
    assert "timed out after 9.4 s:" in stuck.line()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "AssertionError: home page took 20.6 s on slow-4g; the budget is 8 s",
        "Page.check: Error: Not a checkbox or radio button\nCall log:\n  - waiting for "
        'locator("#pay")\n    - locator resolved to <button id="pay">Pay</button>\n',
        "Locator.click: Timeout 1500ms exceeded.",  # no call log
    ],
)
def test_other_failures_have_no_reason(text: str) -> None:
    # (a failed expect has one, but it is tests/model/test_expectations.py's)
    assert parse(text) is None
    assert with_reason("AssertionError", text) == (
        f"AssertionError: {text.strip()}" if text else "AssertionError"
    )


def test_a_failure_message_and_finding_lead_with_the_reason() -> None:
    text = message("disabled-click").strip()
    assert with_reason("TimeoutError", text).splitlines()[:2] == [
        'TimeoutError: the click on locator("#pay") timed out after 1.5 s: the element is not '
        "enabled (it is disabled)",
        "Locator.click: Timeout 1500ms exceeded.",
    ]

    class TimeoutError(Exception):  # Playwright's own name, as findings_of sees it
        pass

    (finding,) = findings_of(TimeoutError(text))
    assert finding.kind == "assertion" and finding.check == "TimeoutError"
    assert finding.message.startswith('TimeoutError: the click on locator("#pay") timed out')
    assert finding.data["cause"] == "disabled"
    assert finding.data["element"] == '<button id="pay" disabled>Pay</button>'
    json.dumps(finding.data)  # plain data: it travels between processes


# --- the same messages from a live Chromium: a changed call log fails here first ---


@pytest.mark.parametrize(
    ("act", "cause"),
    [
        (lambda page: page.get_by_role("button", name="Accept").click(timeout=1500), "covered"),
        (lambda page: page.locator("#pay").click(timeout=1500), "disabled"),
        (lambda page: page.locator("#replaced").click(timeout=1500), "detached"),
        (lambda page: page.get_by_label("Locked").fill("x", timeout=1500), "read-only"),
    ],
    ids=["covered", "disabled", "detached", "read-only"],
)
def test_a_real_chromium_says_why(cx_page: Page, act: Any, cause: str) -> None:
    cx_page.goto("/blocked.html")
    with pytest.raises(Error) as caught:
        act(cx_page)
    stuck = parse(str(caught.value))
    assert stuck is not None, str(caught.value)
    assert stuck.cause == cause


BLOCKED_JOURNEY = """
name: blocked
timeout: 6s
steps:
  - name: accept cookies
    actions:
      - goto: /blocked.html
      - click: {role: button, name: Accept}
"""

BLOCKED_TEST = """
def test_pay(cx_page):
    cx_page.goto("/blocked.html")
    cx_page.locator("#pay").click(timeout=1500)
"""


def test_a_journey_file_and_a_python_test_say_why_their_click_failed(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.path.joinpath("blocked.journey.yaml").write_text(BLOCKED_JOURNEY)
    pytester.makepyfile(test_blocked=BLOCKED_TEST)
    result = run_pytest("--cx-json", "r.json", "--cx-trace", "off")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "blocked.journey.yaml:8: step 'accept cookies', click: {role: button, name: Accept}",
            "  expected: one element {role: button, name: Accept} to click",
            "  seen:     {role: button, name: Accept} was found after *",
            "  why:      the click on {role: button, name: Accept} timed out after 6 s: <div "
            'role="region" id="cookie-banner" * intercepts pointer events (covered by another '
            "element)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*cxcheck: why it failed*",
            'the click on locator("#pay") timed out after 1.5 s: the element is not enabled (it '
            "is disabled)",
        ]
    )
    results = {r["test"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    steps = results["blocked"]["steps"]
    (action,) = [f for s in steps for f in s["findings"] if f["kind"] == "action"]
    assert action["data"]["cause"] == "covered"
    assert "intercepts pointer events" in action["data"]["why"]
    pay = results["test_pay"]
    assert pay["message"].startswith(
        'TimeoutError: the click on locator("#pay") timed out after 1.5 s: the element is not '
        "enabled"
    )
    assert pay["findings"][0]["data"]["cause"] == "disabled"
