"""expect_timeout: checks wait their own time (the check's, the file's, ini cx_expect_timeout,
else as other actions); other actions' limits grow with the network's timeout_factor, checks'
never. The precedence as plain logic, then a real run on a network whose factor is 3.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from cxcheck.config.profiles import load_catalogue, load_catalogue_text
from cxcheck.journeyfiles.actions import Action
from cxcheck.journeyfiles.loader import JourneyFileError, load
from cxcheck.journeyfiles.player import with_timeout
from cxcheck.journeyfiles.spec import JourneySpec
from cxcheck.journeyfiles.timeouts import Timeouts

CATALOGUE = load_catalogue()
FAST = CATALOGUE.networks["no-throttle"]
SLOW = CATALOGUE.networks["slow-4g"]


def _check(timeout: float | None = None) -> Action:
    return Action("expect_visible", {"selector": "#x"}, 1, timeout)


def _click(timeout: float | None = None) -> Action:
    return Action("click", {"selector": "#x"}, 1, timeout)


@pytest.mark.parametrize(
    ("own", "file", "ini", "file_timeout", "ini_timeout", "seconds"),
    [
        (1.0, 2.0, 3.0, 4.0, 6.0, 1.0),  # the check's own
        (None, 2.0, 3.0, 4.0, 6.0, 2.0),  # the file's expect_timeout
        (None, None, 3.0, 4.0, 6.0, 3.0),  # ini cx_expect_timeout
        (None, None, None, 4.0, 6.0, 4.0),  # as other actions: the file's timeout
        (None, None, None, None, 6.0, 6.0),  # then ini cx_action_timeout
        (None, None, None, None, None, 5.0),  # then Playwright's 5 s
    ],
)
def test_a_checks_limit_comes_from_the_check_the_file_the_ini_then_as_timeout(
    own: float | None,
    file: float | None,
    ini: float | None,
    file_timeout: float | None,
    ini_timeout: float | None,
    seconds: float,
) -> None:
    spec = JourneySpec(Path("x.journey.yaml"), "x", None, None, None,
                       timeout=file_timeout, expect_timeout=file)  # fmt: skip
    spec = with_timeout(spec, ini_timeout, ini, scale=True)
    timeouts = Timeouts(spec.timeout, spec.expect_timeout, spec.scale_timeouts)
    limit = timeouts.limit(_check(own), SLOW)
    assert limit.seconds == seconds and limit.factor == 1  # never scaled, even on slow-4g
    assert "checks are not scaled for slow-4g (×2.4 is for actions)" in limit.note()


def test_actions_limits_are_scaled_by_the_network_and_checks_are_not() -> None:
    timeouts = Timeouts(action=15.0, expect=None)
    click = timeouts.limit(_click(), SLOW)
    assert (click.seconds, click.base, click.factor) == (36.0, 15.0, 2.4)
    assert click.note().startswith("its time limit: 36 s, 15 s × 2.4 for slow-4g")
    assert timeouts.limit(_click(2.0), SLOW).seconds == 4.8  # its own timeout: too
    assert timeouts.limit(_click(), FAST).seconds == 15.0
    assert timeouts.limit(_check(), SLOW).seconds == 15.0  # as timeout, not × 2.4
    assert Timeouts(scale=False).limit(_click(), SLOW).seconds == 30.0  # cx_scale_timeouts off
    assert Timeouts().limit(_click(), SLOW).seconds == 72.0  # Playwright's 30 s × 2.4


def test_expect_timeout_is_read_from_the_file_and_from_a_check(tmp_path: Path) -> None:
    path = tmp_path / "t.journey.yaml"
    path.write_text(
        "name: t\ntimeout: 20s\nexpect_timeout: 3s\nsteps:\n  - name: s\n    actions:\n"
        "      - expect_visible: {selector: '#a', expect_timeout: 1s}\n"
        "      - expect_text: {selector: '#a', text: hi, timeout: 2s}\n"
    )
    spec = load(path)
    assert (spec.timeout, spec.expect_timeout) == (20.0, 3.0)
    assert [a.timeout for a in spec.steps[0].actions] == [1.0, 2.0]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("click: {selector: '#a', expect_timeout: 1s}",
         "*t.journey.yaml:4: unknown key 'expect_timeout' in click.*"),
        ("expect_visible: {selector: '#a', expect_timeout: soon}",
         "*t.journey.yaml:4: expect_visible expect_timeout: *like expect_timeout: 10s*"),
        ("expect_visible: {selector: '#a', timeout: 1s, expect_timeout: 2s}",
         "*t.journey.yaml:4: expect_visible has both timeout and expect_timeout*keep one*"),
    ],
)  # fmt: skip
def test_a_bad_expect_timeout_names_the_file_and_line(
    tmp_path: Path, action: str, message: str
) -> None:
    path = tmp_path / "t.journey.yaml"
    path.write_text(f"name: t\nsteps:\n  - name: s\n    actions: [{action}]\n")
    with pytest.raises(JourneyFileError) as caught:
        load(path)
    assert fnmatch.fnmatchcase(str(caught.value).replace("\n", " "), message), caught.value


def test_a_bad_ini_expect_timeout_is_a_usage_error_and_help_lists_it(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makeini("[pytest]\ncx_expect_timeout = forever\n")
    result = run_pytest(inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ini cx_expect_timeout = 'forever' is not a duration*"])
    pytester.makeini("[pytest]\n")
    run_pytest("--help", inprocess=True).stdout.fnmatch_lines(["*cx_expect_timeout*"])


LAB = '[networks.lab-3x]\nextends = "no-throttle"\ntimeout_factor = 3\n'
HEAD = "devices: desktop-1080p\nnetworks: lab-3x\nstart: /index.html\n"
STEP = "steps:\n  - name: s\n    actions:\n      - {action}\n"


def test_on_a_slow_network_actions_wait_longer_and_checks_do_not(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    assert load_catalogue_text(LAB).networks["lab-3x"].timeout_factor == 3
    pytester.path.joinpath("lab.toml").write_text(LAB)
    pytester.makeini("[pytest]\ncx_profiles = lab.toml\ncx_expect_timeout = 700ms\n")
    journeys = [
        # An action: 500 ms × 3.
        ("click", "timeout: 500ms\n", "click: '#not-there'"),
        # A check: the ini's 700 ms beats the file's timeout, and is not × 3.
        ("ini", "timeout: 5s\n", "expect_visible: '#not-there'"),
        # The file's expect_timeout beats the ini's; the check's own beats the file's.
        ("file", "expect_timeout: 400ms\n", "expect_visible: '#not-there'"),
        ("own", "expect_timeout: 400ms\n", "expect_visible: {selector: '#not-there', "
         "expect_timeout: 300ms}"),
    ]  # fmt: skip
    for name, top, action in journeys:
        pytester.path.joinpath(f"{name}.journey.yaml").write_text(
            f"name: {name}\n{HEAD}{top}{STEP.format(action=action)}"
        )
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines([
        "*click.journey.yaml:9:*", "*matched 0 elements after * s (its time limit: 1.5 s, "
        "0.5 s × 3 for lab-3x (the network's timeout_factor); `timeout:` changes the 0.5 s, "
        "ini cx_scale_timeouts = false the ×3)",
    ])  # fmt: skip
    result.stdout.fnmatch_lines([
        "*(its time limit: 0.7 s; `expect_timeout:` on the action or the file changes it; "
        "checks are not scaled for lab-3x (×3 is for actions))",
    ])  # fmt: skip
    limits = {}
    for item in json.loads((pytester.path / "r.json").read_text())["results"]:
        for step in item["steps"]:
            for finding in step["findings"]:
                if finding["kind"] == "action":
                    data = finding["data"]
                    limits[Path(data["file"]).stem.split(".")[0]] = data
    assert {k: v["timeout_s"] for k, v in limits.items()} == {
        "click": 1.5, "ini": 0.7, "file": 0.4, "own": 0.3}  # fmt: skip
    assert (limits["click"]["timeout_base_s"], limits["click"]["timeout_factor"]) == (0.5, 3)
    assert limits["click"]["waited_s"] >= 1.4  # it really waited the scaled time
    assert "timeout_factor" not in limits["ini"]
