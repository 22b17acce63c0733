"""``within:`` in journey files, in a real Chromium over HTTP: a locator looked for inside a
container (nested, by role, beside a selector), how it is described, and a missing container."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_bad_action

HEAD = """\
name: {name}
devices: desktop-1080p
networks: no-throttle
start: /checks.html
steps:
"""

SCOPED = """\
  - name: pick a day
    actions:
      - click: {within: "#calendar", text: "29"}
      - expect_text: {selector: "#picked", text: picked 29, exact: true}
      - click: {selector: a, within: {within: body, selector: "#other"}}
      - expect_text: {selector: "#picked", text: wrong 29, exact: true}
      - click: {within: {role: dialog}, role: button, name: OK}
      - expect_text: {selector: "#picked", text: confirmed}
      - expect_count: {selector: {within: "#calendar", selector: a}, count: 2}
"""

NO_CONTAINER = """\
  - name: a missing calendar
    actions:
      - click: {within: "#calendarbox0", text: "29", timeout: 1s}
"""


def test_within_scopes_a_locator_and_a_missing_container_says_so(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    for name, steps in (("scoped", SCOPED), ("missing", NO_CONTAINER)):
        pytester.path.joinpath(f"{name}.journey.yaml").write_text(HEAD.format(name=name) + steps)
    result = run_pytest("-v", "-o", "timeout=120")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "missing.journey.yaml:8: step 'a missing calendar', "
        'click: {within: "#calendarbox0", text: 29}',
        '  expected: one element {within: "#calendarbox0", text: 29} to click',
        '  seen:     {within: "#calendarbox0", text: 29} matched 0 elements after * s: '
        'its container `within: "#calendarbox0"` matched nothing*',
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("click: {within: '#cal'}", "click needs exactly one of role, label, *found none*"),
        ("click: {within: {role: dailog}, text: '29'}",
         "'dailog' is not an ARIA role. Did you mean `dialog`?*"),
        ("click: {within: {}, text: '29'}", "click within needs exactly one of*"),
        ("click: {within: {tex: a}, text: '29'}",
         "unknown key 'tex' in click within. Did you mean `text`?*"),
        ("click: {selector: {within: a, text: b}, within: c}", "click has `within:` twice*"),
    ],
)  # fmt: skip
def test_a_bad_within_names_the_file_line_and_fix(
    pytester: pytest.Pytester, run_pytest: Any, action: str, message: str
) -> None:
    assert_bad_action(pytester, run_pytest, action, message)


def test_the_schema_accepts_within_and_refuses_a_container_alone() -> None:
    import jsonschema
    import yaml

    from cxcheck.journeyfiles.reference import journey_schema

    check = jsonschema.Draft202012Validator(journey_schema())
    assert not list(check.iter_errors(yaml.safe_load(HEAD.format(name="x") + SCOPED)))
    alone = {"name": "x", "steps": [{"name": "s", "actions": [{"click": {"within": "#cal"}}]}]}
    assert list(check.iter_errors(alone))
