"""Flexible checks in journey files, in a real Chromium over HTTP: counts within bounds,
``matches:`` patterns, an emptied field, a ``<select>`` by what it shows; and their load-time
errors, which name the file, the line and the fix."""

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

PASSING = """\
  - name: counts
    actions:
      - expect_count: {selector: "#rows li", min: 1}
      - expect_count: {selector: "#rows li", max: 3}
      - click: "#add"
      - expect_count: {selector: "#rows li", min: 3, max: 3}
  - name: patterns
    actions:
      - expect_text: {selector: "#date", matches: '^Placed on \\d{4}-\\d{2}-\\d{2}$'}
      - expect_title: {matches: '(?i)^order \\d+'}
      - expect_url: {matches: '/checks\\.html$'}
      - expect_value: {selector: "#password", matches: "^s.*t$"}
  - name: an emptied field and a select
    actions:
      - click: "#empty"
      - expect_value: {selector: "#password", value: ""}
      - expect_value: {selector: "#country", value: United Kingdom}
      - expect_value: {selector: "#country", value: gb}
      - select: {selector: "#country", value: fr}
      - expect_value: {label: Country, value: France}
"""

TOO_FEW = """\
  - name: too few rows
    actions:
      - expect_count: {selector: "#rows li", min: 5, timeout: 1s}
"""

WRONG_OPTION = """\
  - name: the wrong country
    actions:
      - expect_value: {selector: "#country", value: Germany, timeout: 1s}
"""


def test_flexible_checks_pass_and_fail_with_bounds_and_both_forms_of_an_option(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    for name, steps in (("passing", PASSING), ("too-few", TOO_FEW), ("option", WRONG_OPTION)):
        pytester.path.joinpath(f"{name}.journey.yaml").write_text(HEAD.format(name=name) + steps)
    result = run_pytest("-v", "-o", "timeout=120")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "too-few.journey.yaml:8: step 'too few rows', expect_count: *min: 5*",
        '  expected: "#rows li" to match at least 5 element(s)',
        '  seen:     "#rows li" matched 2 element(s) after * s (its time limit: 1 s*',
    ])  # fmt: skip
    result.stdout.fnmatch_lines([
        '  expected: "#country" to hold the value Germany',
        '  seen:     "#country" was found after * s, but its chosen option has the value gb '
        'and the text United Kingdom*',
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("expect_text: {selector: h1, matches: 'total (\\d+'}",
         "expect_text matches: 'total (\\\\d+' is not a valid regular expression: missing ), "
         "unterminated subpattern at position 6; escape*"),
        ("expect_count: {selector: li, count: 2, min: 1}",
         "expect_count cannot have both count and min; keep one*"),
        ("expect_count: {selector: li}", "expect_count needs at least one of count, min, max*"),
        ("expect_count: {selector: li, min: 4, max: 2}",
         "expect_count min 4 is more than max 2*"),
        ("expect_count: {selector: li, min: some}",
         "expect_count min: 'some' is not a number of elements*"),
        ("expect_url: {matches: '\\A/orders'}",
         "expect_url matches: '\\\\A/orders' uses \\A, which only Python knows*use ^*"),
        ("expect_text: {selector: h1, text: a, matches: b}",
         "expect_text needs exactly one of text or matches (found text and matches)*"),
        ("expect_title: {exact: true}", "expect_title needs exactly one of title or matches*"),
        ("expect_value: {selector: '#q', value: }", "expect_value value must be a non-empty*"),
        ("fill: {selector: '#q', value: ''}", "fill value must be a non-empty text*"),
    ],
)  # fmt: skip
def test_bad_flexible_checks_name_the_file_line_and_fix(
    pytester: pytest.Pytester, run_pytest: Any, action: str, message: str
) -> None:
    assert_bad_action(pytester, run_pytest, action, message)


def _schema_check() -> Any:
    import jsonschema

    from cxcheck.journeyfiles.reference import journey_schema

    return jsonschema.Draft202012Validator(journey_schema())


@pytest.mark.parametrize(
    "action",
    [
        {"expect_count": {"selector": "li", "count": 2, "min": 1}},
        {"expect_count": {"selector": "li"}},
        {"expect_text": {"selector": "h1", "text": "a", "matches": "b"}},
        {"expect_text": {"selector": "h1", "matches": "b", "exact": True}},
        {"expect_title": {"exact": True}},
        {"expect_url": None},
    ],
)
def test_the_schema_refuses_what_the_loader_refuses(action: dict[str, Any]) -> None:
    journey = {"name": "x", "steps": [{"name": "s", "actions": [action]}]}
    assert list(_schema_check().iter_errors(journey))


def test_the_schema_accepts_the_flexible_checks() -> None:
    import yaml

    journey = yaml.safe_load(HEAD.format(name="x") + PASSING + TOO_FEW + WRONG_OPTION)
    assert not list(_schema_check().iter_errors(journey))
