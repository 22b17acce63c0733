"""Declarative journeys (*.journey.yaml): collection, running, errors with line numbers, schema."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cxcheck.journeyfiles.reference import SCHEMA_FILE
from tests.helpers import assert_bad_action

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
name: open pages
start: /index.html
devices: [iphone-13, desktop-1080p]
networks: [3g, no-throttle]
steps:
  - name: open the popup page
    budget: {3g: 30s, "*": 5s}
    actions:
      - goto: /popup.html
      - expect_visible: h1
      - expect_text: {selector: h1, text: popup}
      - expect_url: /popup.html
  - name: back home
    budget: 1.5s
    actions:
      - click: text=nowhere
"""


def test_a_journey_file_runs_once_per_cell_with_steps_budgets_and_evidence(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.path.joinpath("pages.journey.yaml").write_text(
        GOOD.replace("      - click: text=nowhere\n", "      - goto: /index.html\n")
    )
    result = run_pytest("-v")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        "pages.journey.yaml::open-pages[[]iphone-13-3g[]] FAILED*",
        "pages.journey.yaml::open-pages[[]iphone-13-no-throttle[]] PASSED*",
        "pages.journey.yaml::open-pages[[]desktop-1080p-no-throttle[]] PASSED*",
    ])  # fmt: skip
    # The 2 s latency of 3g breaks the 1.5 s budget of "back home", and only there.
    result.stdout.fnmatch_lines(
        ["*step 'back home' took * s on iphone-13 / 3g; its budget is 1.5 s"]
    )
    steps = json.loads(next(pytester.path.glob("cx-artifacts/*iphone-13-no-throttle*/steps.json"))
                       .read_text())["steps"]  # fmt: skip
    # `start:` is the journey's first step, timed like the others.
    assert [s["name"] for s in steps] == ["start", "open the popup page", "back home"]


def test_a_failing_action_names_its_line(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.path.joinpath("pages.journey.yaml").write_text(
        GOOD.replace("devices: [iphone-13, desktop-1080p]", "devices: desktop-1080p")
        .replace("networks: [3g, no-throttle]", "networks: no-throttle")
        .replace("click: text=nowhere", "expect_visible: '#nowhere'")
    )
    result = run_pytest("-v", "-o", "timeout=120")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "pages.journey.yaml:16: step 'back home', expect_visible: \"#nowhere\"",
        "  expected: \"#nowhere\" to be visible",
        "  seen:     \"#nowhere\" matched 0 elements after * s (its time limit: 5 s;*",
    ])  # fmt: skip


BAD = [
    ("name: x\nsteps:\n  - name: a\n    actions:\n      - clik: '#go'\n",
     "bad.journey.yaml:5: unknown action 'clik'. Did you mean `click`?"),
    ("name: x\nsteps:\n  - name: a\n    actions:\n      - fill: '#q'\n",
     "bad.journey.yaml:5: fill needs selector, value; expected form: fill: {selector:"),
    ("name: x\nsteps:\n  - name: a\n    actions:\n      - press: {selector: '#q'}\n",
     "bad.journey.yaml:5: press is missing key; expected form: press:"),
    ("name: x\nsteps: [\n", "bad.journey.yaml:3: not valid YAML"),
    ("name: x\nstep:\n  - name: a\n", "bad.journey.yaml:2: unknown key 'step' in a journey. "
                                       "Did you mean `steps`?"),
    ("name: x\nsteps:\n  - name: a\n    budget: soon\n    actions:\n      - goto: /\n",
     "bad.journey.yaml:4: budget: 'soon' is not a duration"),
    ("name: x\nsteps:\n  - name: a\n", "bad.journey.yaml:3: each step needs `name` and `actions`"),
    ("", "bad.journey.yaml: the file is empty"),
    ("name: x\ndevices: [iphone13]\nsteps:\n  - name: a\n    actions:\n      - goto: /\n",
     "unknown device 'iphone13' (in bad.journey.yaml devices). Did you mean `iphone-13`"),
    ("name: x\nignore_requests: {url: x}\nsteps:\n  - name: a\n    actions:\n      - goto: /\n",
     "bad.journey.yaml:2: ignore_requests must be a glob pattern or a list of them"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_malformed_files_name_the_file_line_and_expected_form(
    pytester: pytest.Pytester, text: str, message: str
) -> None:
    pytester.path.joinpath("bad.journey.yaml").write_text(text)
    result = pytester.runpytest_inprocess("--collect-only")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert message in result.stdout.str(), result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def _schema() -> Any:
    return json.loads(SCHEMA_FILE.read_text())


@functools.cache
def _validator() -> Any:
    """What jsonschema.validate() uses, with the schema checked once, not once per document."""
    schema = _schema()
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def test_the_published_schema_accepts_the_examples() -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())
    check = _validator()
    for path in [*ROOT.glob("examples/*.journey.yaml"), Path(__file__)]:
        if path.suffix == ".yaml":
            check.validate(yaml.safe_load(path.read_text()))
    check.validate(yaml.safe_load(GOOD))


@pytest.mark.parametrize("text", [bad for bad, _ in BAD[:3] + BAD[4:7]])
def test_the_published_schema_rejects_what_the_loader_rejects(text: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(yaml.safe_load(text))


def test_a_journey_file_lists_its_known_noise(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.path.joinpath("noise.journey.yaml").write_text("""\
name: known noise
start: /journey.html
ignore_requests: "*/status?code=500"
ignore_console: [analytics *]
steps:
  - name: noisy page
    actions:
      - click: "#fail-api"
      - click: "#console"
      - wait_for: "#out:has-text('500')"
""")
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(passed=1)
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    (noisy,) = [s for s in item["steps"] if s["name"] == "noisy page"]
    # The browser's own "Failed to load resource" console errors come in any order.
    severities = {f["kind"]: f["severity"] for f in noisy["findings"]
                  if f["kind"] == "failed-request" or "analytics" in f["message"]}  # fmt: skip
    assert severities == {"failed-request": "ignored", "console": "ignored"}
    jsonschema.validate(
        yaml.safe_load(pytester.path.joinpath("noise.journey.yaml").read_text()), _schema()
    )


def test_every_action_in_the_table_has_a_runner() -> None:
    from cxcheck.journeyfiles.actions import check_table

    check_table()


PAGE_ACTIONS = """
name: pages
devices: desktop-1080p
networks: no-throttle
start: /index.html
steps:
  - name: around
    actions:
      - goto: /popup.html
      - back
      - expect_url: /index.html
      - forward:
      - expect_url: /popup.html
      - reload
      - expect_url: {pattern: /popup.html, timeout: 2s}
  - name: a missing button
    actions:
      - click: {selector: "#not-there", timeout: 1s}
"""


def test_page_actions_bare_forms_and_a_timeout_per_action(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.path.joinpath("pages.journey.yaml").write_text(PAGE_ACTIONS)
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*matched 0 elements after * s (its time limit: 1 s;*"])
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    _, around, missing = item["steps"]
    assert around["status"] == "passed" and missing["status"] == "failed"
    assert missing["duration_s"] < 10  # its own 1 s, not Playwright's 30 s


@pytest.mark.parametrize(
    ("file_timeout", "ini", "waited"),
    [("timeout: 800ms\n", "", "0.8"), ("", "cx_action_timeout = 700ms\n", "0.7")],
)
def test_a_file_or_the_ini_sets_every_actions_timeout(
    pytester: pytest.Pytester, run_pytest: Any, file_timeout: str, ini: str, waited: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}")
    pytester.path.joinpath("wait.journey.yaml").write_text(
        "name: wait\ndevices: desktop-1080p\nnetworks: no-throttle\n" + file_timeout
        + "start: /index.html\nsteps:\n  - name: s\n    actions:\n"
        "      - expect_visible: '#not-there'\n"
    )  # fmt: skip
    result = run_pytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*matched 0 elements after * s (its time limit: {waited} s*"])


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("click: {selector: a, timeout: soon}", "click timeout: *like timeout: 10s*"),
        ("layout: {checks: [reflow, zooom]}",
         "layout checks: unknown check 'zooom' (did you mean 'zoom'?)*"),
        ("snapshot: ../home", "snapshot name: *cannot be a file name*"),
        ("a11y: {impact: severe}", "a11y impact: 'severe' is not an impact level*"),
    ],
)  # fmt: skip
def test_a_bad_action_setting_names_the_file_and_line(
    pytester: pytest.Pytester, run_pytest: Any, action: str, message: str
) -> None:
    assert_bad_action(pytester, run_pytest, action, message)


def test_a_bad_action_timeout_in_the_ini_stops_the_run(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makeini("[pytest]\ncx_action_timeout = forever\n")
    result = run_pytest(inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ini cx_action_timeout = 'forever' is not a duration*"])
