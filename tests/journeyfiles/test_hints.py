"""A journey-file locator that matches nothing says what is on the page instead, with the
locator to write (real Chromium over HTTP, fixtures/pages/hints.html)."""

from __future__ import annotations

from typing import Any

import pytest

JOURNEY = """\
name: {name}
devices: desktop-1080p
networks: no-throttle
start: /hints.html
steps:
  - name: look
    actions:
      - {action}
"""

CASES = {
    # Django admin's search bar: the <label> holds only <img alt="Search">.
    "image-label": (
        "fill: {label: Search, value: sites, timeout: 1s}",
        '{label: Search} matched 0 elements after * s; on the page: textbox "Search" '
        "(its label holds only an image) — try `{role: textbox, name: Search}` (its time limit*",
    ),
    "wrong-role": (
        "click: {role: link, name: Sign in, timeout: 1s}",
        '{role: link, name: Sign in} matched 0 elements after * s; on the page: button "Sign in"'
        " — try `{role: button, name: Sign in}`*",
    ),
    "typo": (
        "expect_visible: {role: textbox, name: Post code, timeout: 1s}",
        "{role: textbox, name: Post code} matched 0 elements after * s; on the page: textbox "
        '"Postcode" — try `{role: textbox, name: Postcode}`*',
    ),
}


def test_a_locator_that_matches_nothing_names_the_nearest_elements(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    for name, (action, _) in CASES.items():
        text = JOURNEY.format(name=name, action=action)
        pytester.path.joinpath(f"{name}.journey.yaml").write_text(text)
    far = JOURNEY.format(name="far", action="click: {text: Checkout, timeout: 1s}")
    pytester.path.joinpath("far.journey.yaml").write_text(far)
    result = run_pytest("-v", "-n", "0", "-o", "timeout=180")
    result.assert_outcomes(failed=4)
    for _, seen in CASES.values():
        result.stdout.fnmatch_lines([f"  seen:     {seen}"])
    # Nothing close: no guesses, just the plain fact.
    result.stdout.fnmatch_lines(["  seen:     {text: Checkout} matched 0 elements after * s (*"])
