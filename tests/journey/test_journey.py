"""Python journeys: steps, budgets per network, failing on page errors and failed requests,
evidence per test id (also under xdist)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cxcheck.model.durations import budget_for, parse_duration
from cxcheck.model.errors import CxError
from tests.helpers import outcomes_of, shared_session


@pytest.mark.parametrize(
    ("text", "seconds"), [("3s", 3.0), ("250ms", 0.25), ("1.5m", 90.0), (2, 2.0), (" 4 s ", 4.0)]
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["fast", "-1s", "0s", "2h", True, "3 seconds"])
def test_bad_durations_are_explained(bad: Any) -> None:
    with pytest.raises(CxError, match=r"budget: .* (is not a duration|is out of range)"):
        parse_duration(bad)


def test_budget_per_network_with_fallback() -> None:
    budget = {"3g": "8s", "*": "2s"}
    assert budget_for(budget, "3g") == 8.0
    assert budget_for(budget, "slow-4g") == 2.0
    assert budget_for({"3g": "8s"}, "slow-4g") is None
    assert budget_for(None, "3g") is None


BUDGET_TEST = """
import pytest

@pytest.mark.cx(devices="desktop-1080p", networks=["3g", "no-throttle"])
def test_open(cx_journey):
    with cx_journey.step("open page", budget={"*": "1.5s"}):
        cx_journey.page.goto("/index.html")
    with cx_journey.step("generous", budget={"3g": "30s", "*": "2s"}):
        cx_journey.page.goto("/popup.html")
"""

ERRORS_TEST = """
def test_page_error(cx_journey):
    cx_journey.page.goto("/journey.html")
    with cx_journey.step("add to basket"):
        cx_journey.page.click("#throw")
        cx_journey.page.wait_for_timeout(300)

def test_failed_api(cx_journey):
    cx_journey.page.goto("/journey.html")
    with cx_journey.step("load prices"):
        cx_journey.page.click("#fail-api")
        cx_journey.page.wait_for_selector("#out:has-text('500')")

def test_navigating_away_aborts_without_failing(cx_journey):
    with cx_journey.step("leave before the image arrives") as step:
        cx_journey.page.goto("/aborts.html", wait_until="domcontentloaded")
        cx_journey.page.goto("/index.html")
    assert [r.reason for r in step.failed_requests] == ["net::ERR_ABORTED"]

def test_a_post_answered_500_between_steps(cx_journey):
    cx_journey.page.goto("/broken-forms.html")
    with cx_journey.step("send the form"):
        # Submitted as the step ends: the 500 comes back 0.5 s later, while no step runs.
        cx_journey.page.evaluate(
            "const f = document.getElementById('crash'); f.action += '&ms=500'; f.requestSubmit()")
    cx_journey.page.wait_for_url("**/status?code=500*")
    with cx_journey.step("see it saved"):
        pass

def test_console_error_is_recorded_not_failed(cx_journey):
    cx_journey.page.goto("/journey.html")
    with cx_journey.step("browse") as step:
        cx_journey.page.click("#console")
        cx_journey.page.wait_for_timeout(300)
    assert step.console_errors == ["analytics blocked"]
"""

VITALS_TEST = r"""
import pytest
from cxcheck import JourneyStepError

def test_shift(cx_journey):
    with cx_journey.step("open a page that shifts"):
        cx_journey.page.goto("/shift.html")
        cx_journey.page.wait_for_selector("#late")
    vitals = cx_journey.expect_vitals(lcp="10s", fcp="10s", ttfb="5s", cls=1.0)
    assert vitals.cls > 0.05
    assert 0 < vitals.fcp <= vitals.lcp
    with pytest.raises(JourneyStepError, match=r"CLS 0\.\d+ is over 0\.01") as caught:
        cx_journey.expect_vitals(cls=0.01, lcp="10s")
    (finding,) = caught.value.findings
    assert finding.data["broken"] == ["cls"]  # what a failed cell names: "vitals · CLS"

def test_stable(cx_journey):
    with cx_journey.step("open a stable page") as step:
        cx_journey.page.goto("/stable.html")
    cx_journey.page.click("#go")
    vitals = cx_journey.expect_vitals(cls=0, lcp="10s")
    assert vitals.cls == 0
    assert step.vitals is not None and step.vitals.ttfb is not None

def test_bad_metric(cx_journey):
    cx_journey.page.goto("/stable.html")
    cx_journey.expect_vitals(lpc="2s")
"""


@pytest.fixture(scope="module")
def journeys(tmp_path_factory: pytest.TempPathFactory, pages_url: str) -> tuple[Path, Any]:
    """The budget, page error and vitals journeys: one real session (``-v``), three tests."""
    files = {"test_budget.py": BUDGET_TEST, "test_errors.py": ERRORS_TEST,
             "test_vitals.py": VITALS_TEST}  # fmt: skip
    folder, result = shared_session(tmp_path_factory, "journeys", files,
                                    "--cx-base-url", pages_url, "-v")  # fmt: skip
    return folder, result


def test_a_budget_breach_fails_only_on_the_slow_network(journeys: tuple[Path, Any]) -> None:
    path, result = journeys
    assert outcomes_of(result, "test_budget.py") == {"passed": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "*test_open[[]desktop-1080p-3g[]] FAILED*",
            "*step 'open page' took * s on desktop-1080p / 3g; its budget is 1.5 s",
            "*cxcheck: evidence for step 1 ('open page') in *desktop-1080p-3g*",
        ]
    )
    folder = next(path.glob("cx-artifacts/*desktop-1080p-3g*"))
    steps = json.loads((folder / "steps.json").read_text())
    assert steps["network"] == "3g"
    first = steps["steps"][0]
    assert first["status"] == "failed" and first["duration_s"] > 1.5
    assert first["requests"] >= 1 and first["bytes"] > 0
    assert (folder / first["screenshot"]).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG


def test_page_errors_and_failed_api_calls_fail_their_step(journeys: tuple[Path, Any]) -> None:
    result = journeys[1]
    assert outcomes_of(result, "test_errors.py") == {"passed": 2, "failed": 3}
    result.stdout.fnmatch_lines(
        [
            "*step 'add to basket' on desktop-1080p / no-throttle: the page threw an uncaught "
            "error: basket total is NaN",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*step 'load prices' on desktop-1080p / no-throttle: 1 request(s) to the app failed, "
            "first GET http://127.0.0.1:*/status?code=500 (HTTP 500)",
        ]
    )
    # Nothing is lost between steps: the next step is on the broken page, and says so.
    result.stdout.fnmatch_lines(
        [
            "*step 'see it saved' on *: 1 request(s) to the app failed, first POST "
            "http://127.0.0.1:*/status?code=500&ms=500 (HTTP 500*"
        ]
    )


def test_a_failing_step_body_keeps_its_error_and_points_at_the_evidence(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile("""
        def test_x(cx_journey):
            with cx_journey.step("open"):
                cx_journey.page.goto("/index.html")
            with cx_journey.step("find the button"):
                cx_journey.page.click("#no-such-button", timeout=500)
    """)
    result = run_pytest("-v", "--cx-artifacts", "evidence")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*TimeoutError*",
            '*cxcheck: the click on locator("#no-such-button") timed out after 0.5 s: no '
            "element matched",
            "*cxcheck: evidence for step 2 ('find the button') in evidence/*",
        ]
    )
    folder = next(pytester.path.glob("evidence/*"))
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "failure.jpg",  # the page when the test failed
        "filmstrip.png",
        "step-01-open.jpg",
        "step-02-find-the-button.jpg",
        "steps.json",
        "trace.zip",  # kept on failure by default
    ]
    steps = json.loads((folder / "steps.json").read_text())["steps"]
    assert [s["status"] for s in steps] == ["passed", "failed"]
    assert "TimeoutError" in steps[1]["error"]


def test_evidence_per_test_id_under_xdist(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices=["iphone-13", "pixel-7", "ipad-mini", "laptop-1366"])
        def test_x(cx_journey):
            with cx_journey.step("open"):
                cx_journey.page.goto("/index.html")
    """)
    run_pytest("-n", "2").assert_outcomes(passed=4)
    folders = list(pytester.path.glob("cx-artifacts/*"))
    assert len(folders) == 4
    for folder in folders:
        assert (folder / "steps.json").is_file() and (folder / "step-01-open.jpg").is_file()


def test_vitals_see_a_layout_shift_and_its_absence(journeys: tuple[Path, Any]) -> None:
    result = journeys[1]
    assert outcomes_of(result, "test_vitals.py") == {"passed": 2, "failed": 1}
    result.stdout.fnmatch_lines(["*expect_vitals: unknown metric 'lpc'; use ttfb, fcp, lcp, cls*"])


def test_trace_is_kept_on_failure_by_default_and_the_report_points_at_the_evidence(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile("""
        def test_passes(cx_page):
            cx_page.goto("/index.html")

        def test_fails(cx_page):
            cx_page.goto("/index.html")
            assert cx_page.title() == "another title"
    """)
    result = run_pytest("-v")  # retain-on-failure, the default
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*cxcheck evidence*",
            "evidence in cx-artifacts/*test_fails*: failure.jpg, trace.zip",
            "open the trace with: playwright show-trace cx-artifacts/*test_fails*/trace.zip",
        ]
    )
    traces = list(pytester.path.glob("cx-artifacts/*/trace.zip"))
    assert [t.parent.name.endswith("test_fails-desktop-1080p-no-throttle") for t in traces] == [
        True
    ]
    assert traces[0].stat().st_size > 1000
    run_pytest("--cx-trace", "on").assert_outcomes(passed=1, failed=1)
    assert len(list(pytester.path.glob("cx-artifacts/*/trace.zip"))) == 2
    run_pytest("--cx-trace", "off").assert_outcomes(passed=1, failed=1)
    assert list(pytester.path.glob("cx-artifacts/*/trace.zip")) == []


def test_failing_on_page_errors_and_requests_can_be_switched_off(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makeini(
        "[pytest]\ncx_fail_on_page_errors = false\ncx_fail_on_failed_requests = false\n"
    )
    pytester.makepyfile("""
        def test_tolerant(cx_journey):
            cx_journey.page.goto("/journey.html")
            with cx_journey.step("noisy page") as step:
                cx_journey.page.click("#throw")
                cx_journey.page.click("#fail-api")
                cx_journey.page.wait_for_selector("#out:has-text('500')")
            assert step.page_errors and step.failed_requests  # still recorded as evidence
    """)
    run_pytest().assert_outcomes(passed=1)
