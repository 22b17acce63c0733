"""The results model as users meet it: JSON that validates, JUnit properties, the terminal grid,
flaky cells under pytest-rerunfailures, ignore patterns, the check seam, merged xdist output and
evidence folders that never collide."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxcheck import add_finding
from cxcheck.journey.journey import slug
from cxcheck.model.errors import CxError
from cxcheck.model.results import SCHEMA_FILE, ItemResult, RunResults, merge_attempts
from cxcheck.outputs.grid import grid
from cxcheck.outputs.itemresults import Collector
from cxcheck.outputs.manifest import PlannedItem

MIXED = """
import pathlib
import pytest

@pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], networks="no-throttle")
def test_shop(cx_journey, cx_device):
    page = cx_journey.page
    with cx_journey.step("open", budget="20s"):
        page.goto("/journey.html")
    if cx_device.name == "iphone-13":
        with cx_journey.step("add to basket"):
            page.click("#throw")
            page.wait_for_timeout(300)

@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
def test_budget(cx_journey):
    with cx_journey.step("slow step", budget="100ms"):
        cx_journey.page.goto("/index.html")
        cx_journey.page.wait_for_timeout(400)

@pytest.mark.cx(devices="desktop-1080p", networks="no-throttle")
@pytest.mark.flaky(reruns=2)
def test_flaky(cx_journey):
    counter = pathlib.Path("attempts.txt")
    attempt = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(attempt))
    with cx_journey.step("check out", budget="2s"):
        cx_journey.page.goto("/index.html")
        if attempt == 1:
            cx_journey.page.wait_for_timeout(2500)  # a loaded machine, once

def test_plain_page(cx_page):
    cx_page.goto("/index.html")

def test_not_cxcheck():
    pass
"""


def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def by_nodeid(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["nodeid"]: r for r in data["results"]}


def test_a_mixed_run_writes_json_that_validates_junit_properties_and_a_grid(
    mixed_run: tuple[Path, pytest.RunResult],
) -> None:
    folder, result = mixed_run  # MIXED, run once with --cx-json, --junitxml and --cx-report
    assert result.parseoutcomes() == {"passed": 4, "failed": 2, "rerun": 1}
    data = json.loads((folder / "out/results.json").read_text())
    jsonschema.validate(data, schema())
    results = by_nodeid(data)
    assert len(results) == 5, "every item that uses a cxcheck fixture, and only those"
    prefix = "test_mixed.py::"
    phone = results[prefix + "test_shop[iphone-13-no-throttle]"]
    assert phone["outcome"] == "failed" and phone["device"] == "iphone-13"
    errors = [f for s in phone["steps"] for f in s["findings"] if f["severity"] == "error"]
    assert [f["kind"] for f in errors] == ["page-error"]
    assert "basket total is NaN" in phone["message"]
    assert results[prefix + "test_shop[desktop-1080p-no-throttle]"]["outcome"] == "passed"
    budget = results[prefix + "test_budget[desktop-1080p-no-throttle]"]
    assert budget["outcome"] == "failed"
    (finding,) = budget["steps"][0]["findings"]
    assert finding["kind"] == "budget" and finding["data"]["budget_s"] == 0.1
    assert finding["data"]["duration_s"] > 0.1
    flaky = results[prefix + "test_flaky[desktop-1080p-no-throttle]"]
    assert flaky["outcome"] == "flaky"
    (first,) = flaky["attempts"]
    assert first["outcome"] == "failed" and "budget is 2 s" in first["message"]
    # The failed attempt keeps its own evidence beside the passing one; evidence folders are
    # relative to the JSON file's folder (out/), so the file names no folder of this machine.
    out = folder / "out"
    assert first["evidence_dir"].startswith("../cx-artifacts/")
    assert first["evidence_dir"].endswith("~attempt1") and (out / first["evidence_dir"]).is_dir()
    assert first["evidence_dir"] != flaky["evidence_dir"]
    assert (out / flaky["evidence_dir"] / flaky["steps"][0]["screenshot"]).is_file()
    assert str(folder) not in (out / "results.json").read_text()
    plain = results[prefix + "test_plain_page[desktop-1080p-no-throttle]"]
    assert plain["outcome"] == "passed" and plain["steps"] == []
    assert plain["load"]["cpus"] >= 1
    assert data["counts"] == {"failed": 2, "error": 0, "flaky": 1, "not-run": 0, "skipped": 0,
                              "passed": 2}  # fmt: skip
    assert data["browser"]  # the browser line reaches the results
    # JUnit: device, network, outcome and step times as properties.
    cases = {c.get("name"): c for c in ET.parse(folder / "junit.xml").iter("testcase")}
    props = {
        p.get("name"): p.get("value", "")
        for p in cases["test_budget[desktop-1080p-no-throttle]"].iter("property")
    }
    assert props["cx_device"] == "desktop-1080p" and props["cx_network"] == "no-throttle"
    assert props["cx_outcome"] == "failed" and props["cx_failed_by"] == "budget"
    assert props["cx_step_01_name"] == "slow step" and float(props["cx_step_01_s"]) > 0.1
    assert "cx_step_01_ttfb" in props
    # The terminal grid: rows are tests, columns are cells, with the reason below.
    result.stdout.fnmatch_lines(
        [
            "*cxcheck matrix*",
            "*desktop-1080p*iphone-13*",  # the run's declared devices first
            "test*no-throttle*no-throttle*",
            "test_shop*ok open*FAIL page-error · add to*",
            "test_flaky*FLAKY check out*",
            "FAIL page-error · step 'add to basket': *basket total is NaN*",
            "    test_shop on iphone-13-no-throttle",
            "FAIL budget · step 'slow step' took * s; its budget is 0.1 s",
            "    test_budget on desktop-1080p-no-throttle",
            "FLAKY budget · step 'check out' took *",
            "*2 failed, 1 flaky, 2 passed*",
            "cxcheck browser: *",
            "cxcheck JSON results: *results.json",
        ]
    )


def test_under_xdist_the_controller_writes_one_merged_output(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_mixed=MIXED)
    result = run_pytest("-n", "2", "--cx-json", "results.json", "--cx-report", "report", "-p",
                        "rerunfailures", "--junitxml", "j.xml")  # fmt: skip
    assert result.parseoutcomes() == {"passed": 4, "failed": 2, "rerun": 1}
    data = json.loads((pytester.path / "results.json").read_text())
    jsonschema.validate(data, schema())
    outcomes = sorted(r["outcome"] for r in data["results"])
    assert outcomes == ["failed", "failed", "flaky", "passed", "passed"]
    assert {r["worker"] for r in data["results"]} <= {"gw0", "gw1"}
    result.stdout.fnmatch_lines(["*cxcheck matrix*", "cxcheck browser: *"])
    # One report, written by the controller, with every worker's items in it.
    html = (pytester.path / "report" / "index.html").read_text()
    assert html.count('data-outcome="flaky"') >= 1 and "test_plain_page" in html
    assert not list(pytester.path.glob("report*/**/gw*"))
    # The controller writes the JUnit XML: the failed cases' pictures are attached there too.
    junit = (pytester.path / "j.xml").read_text()
    # Each of the two failed cases and the flaky test's failed first attempt: its failed step's
    # screenshot and the page when it failed. The attempt's pictures are named where the rerun
    # moved them, however late the controller reads them.
    assert junit.count("[[ATTACHMENT|cx-artifacts/") == 6, junit
    assert junit.count("/failure.jpg]]") == 3
    assert junit.count("~attempt1/") == 2


def test_ignore_patterns_record_ignored_findings_instead_of_failing(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makeini("[pytest]\ncx_ignore_console =\n    analytics *\n")
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cx(ignore_requests=["*/status?code=500"])
        def test_known_noise(cx_journey):
            cx_journey.page.goto("/journey.html")
            with cx_journey.step("noisy"):
                cx_journey.page.click("#fail-api")
                cx_journey.page.click("#console")
                cx_journey.page.wait_for_selector("#out:has-text('500')")
                cx_journey.page.wait_for_timeout(200)
    """)
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(passed=1)
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    findings = item["steps"][0]["findings"]
    # Other console errors (the browser's own "Failed to load resource") come in any order.
    found = {f["kind"]: f for f in findings if "analytics" in f["message"] or
             f["kind"] == "failed-request"}  # fmt: skip
    assert found["failed-request"]["severity"] == "ignored"
    assert "ignored by pattern '*/status?code=500'" in found["failed-request"]["message"]
    assert found["console"]["severity"] == "ignored"


def test_the_check_seam_fails_a_step_or_a_test_with_its_findings(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile("""
        from cxcheck import add_finding

        def no_placeholder_text(page):
            if "journey" in page.content():
                add_finding("check", "placeholder text on the page", check="no-placeholder",
                            target=page.url, occurrences=1)

        def test_in_a_step(cx_journey):
            with cx_journey.step("open"):
                cx_journey.page.goto("/journey.html")
                no_placeholder_text(cx_journey.page)

        def test_outside_a_step(cx_page):
            cx_page.goto("/journey.html")
            no_placeholder_text(cx_page)

        def test_a_warning_does_not_fail(cx_page):
            cx_page.goto("/journey.html")
            add_finding("layout", "a little tight", severity="warning")
    """)
    result = run_pytest("-v", "--cx-json", "r.json")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*JourneyStepError: placeholder text on the page*"])
    result.stdout.fnmatch_lines(["*CheckFailed: placeholder text on the page*"])
    results = {r["test"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    findings = results["test_in_a_step"]["steps"][0]["findings"]
    (step_finding,) = [f for f in findings if f["kind"] == "check"]
    assert step_finding["check"] == "no-placeholder" and step_finding["data"] == {"occurrences": 1}
    assert results["test_outside_a_step"]["findings"][0]["kind"] == "check"
    assert results["test_a_warning_does_not_fail"]["findings"][0]["severity"] == "warning"


def test_add_finding_outside_a_test_and_bad_values_are_explained() -> None:
    with pytest.raises(CxError, match="outside a cxcheck test"):
        add_finding("check", "x")
    with pytest.raises(CxError, match="unknown kind 'axe'"):
        add_finding("axe", "x")


def test_colliding_long_node_ids_keep_separate_evidence(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    # Two ids longer than 120 characters that share their last 78 characters.
    tail = "x" * 90
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.parametrize("variant", ["a{tail}", "b{tail}"])
        def test_long(cx_journey, variant):
            with cx_journey.step("open " + variant[0]):
                cx_journey.page.goto("/index.html")
    """)
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(passed=2)
    results = json.loads((pytester.path / "r.json").read_text())["results"]
    folders = {r["evidence_dir"] for r in results}
    assert len(folders) == 2
    for r in results:
        assert r["evidence"] == ["filmstrip.png", r["steps"][0]["screenshot"], "steps.json"]
        assert r["params"]["variant"][0] in "ab"


def test_slug_of_long_ids_is_unique_and_bounded() -> None:
    a = "test_x.py::test_long[" + "a" + "y" * 200 + "-iphone-13-slow-4g]"
    b = "test_x.py::test_long[" + "b" + "y" * 200 + "-iphone-13-slow-4g]"
    assert slug(a) != slug(b)
    assert len(slug(a)) <= 120 and slug(a).endswith("iphone-13-slow-4g")
    assert slug("short[id]") == "short-id"


def item(nodeid: str, outcome: str, cell: str = "iphone-13-3g", **extra: Any) -> ItemResult:
    return ItemResult(nodeid=nodeid, file="t.py", test=nodeid.split("::")[-1].split("[")[0],
                      cell=cell, outcome=outcome, **extra)  # fmt: skip


def test_failed_then_passed_is_flaky_and_keeps_the_failed_attempt() -> None:
    merged = merge_attempts(
        [item("t.py::a", "failed", message="too slow"), item("t.py::a", "passed")]
    )
    assert merged.outcome == "flaky" and len(merged.attempts) == 1
    assert "attempt 1 failed: too slow" in (merged.message or "")
    assert merge_attempts([item("t.py::b", "passed")]).outcome == "passed"
    twice = merge_attempts([item("t.py::c", "failed"), item("t.py::c", "failed")])
    assert twice.outcome == "failed"


def test_items_that_never_reported_are_not_run() -> None:
    collector = Collector()
    cell = PlannedItem("", "t.py", "", cell="iphone-13-3g", device="iphone-13", network="3g")
    a = replace(cell, nodeid="t.py::a[iphone-13-3g]", test="a")
    b = replace(cell, nodeid="t.py::b[big-iphone-13-3g]", test="b", variant="big")
    collector.expect([a, b])
    collector.add(item("t.py::a[iphone-13-3g]", "passed").to_dict())
    run = collector.run(RunResults())
    assert [r.outcome for r in run.results] == ["passed", "not-run"]
    not_run = run.results[1]
    assert (not_run.device, not_run.network, not_run.variant) == ("iphone-13", "3g", "big")
    text = grid(run)
    assert "not run" in text and "1 not-run, 1 passed" in text


def test_results_survive_a_json_round_trip() -> None:
    earlier = item("t.py::a[iphone-13-3g]", "failed")
    run = RunResults(results=[item("t.py::a[iphone-13-3g]", "flaky", attempts=[earlier])])
    again = RunResults.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again.to_dict() == run.to_dict()
    jsonschema.validate(run.to_dict(), schema())
    with pytest.raises(ValueError, match="not a cxcheck results file"):
        RunResults.from_dict({"schema": "something-else"})


def test_findings_from_fixtures_and_skips_inside_steps(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile("""
        import pytest
        from cxcheck import add_finding

        @pytest.fixture
        def audited(cx_page):
            add_finding("check", "noted while setting up", severity="info")
            yield cx_page
            add_finding("check", "found after the test", check="after")

        def test_teardown_check_fails_the_test(audited):
            audited.goto("/index.html")

        def test_outside_a_step_is_recorded_once(cx_page):
            add_finding("check", "bad thing")

        def test_skip_inside_a_step(cx_journey):
            with cx_journey.step("maybe"):
                pytest.skip("not on this device")

        @pytest.mark.cx(ignore_requests=5)
        def test_bad_marker(cx_journey):
            pass
    """)
    result = run_pytest("--cx-json", "r.json", "-rA")
    result.stdout.fnmatch_lines(["*CheckFailed: found after the test*"])
    results = {r["test"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    teardown = results["test_teardown_check_fails_the_test"]
    assert teardown["outcome"] == "error"
    assert [f["message"] for f in teardown["findings"]] == [
        "noted while setting up",
        "found after the test",
    ]
    once = results["test_outside_a_step_is_recorded_once"]
    assert once["outcome"] == "failed" and len(once["findings"]) == 1
    skipped = results["test_skip_inside_a_step"]
    assert skipped["outcome"] == "skipped"
    assert skipped["steps"][0]["status"] == "skipped" and skipped["steps"][0]["findings"] == []
    bad = results["test_bad_marker"]
    assert bad["outcome"] == "error"
    assert "5 is not a pattern or a list of patterns" in (bad["message"] or "")


def test_add_finding_wants_plain_data(pytester: pytest.Pytester) -> None:
    from cxcheck.model.findings import collecting

    with collecting([]), pytest.raises(CxError, match="plain JSON data"):
        add_finding("check", "x", when=object())
    with collecting([]), pytest.raises(CxError, match="plain JSON data"):
        add_finding("check", "x", ratio=float("nan"))
    with collecting([]), pytest.raises(CxError, match="target must be text"):
        add_finding("check", "x", target=Path("/"))  # type: ignore[arg-type]


def test_outputs_that_cannot_be_written_are_usage_errors_and_collect_only_writes_nothing(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile("def test_x(cx_device): pass")
    (pytester.path / "a-folder").mkdir()
    result = run_pytest("--cx-json", "a-folder", inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cx-json *a-folder: this is a folder; give a file*"])
    result = run_pytest("--co", "--cx-json", "r.json", "--cx-report", "rep", inprocess=True)
    assert result.ret == 0
    assert not (pytester.path / "r.json").exists() and not (pytester.path / "rep").exists()
    result = run_pytest("--cx-json", "r.json", inprocess=True)  # no browser, still written
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*cxcheck matrix*"])
    quiet = run_pytest("-o", "cx_terminal_grid=false", inprocess=True)
    assert "cxcheck matrix" not in quiet.stdout.str()
    assert json.loads((pytester.path / "r.json").read_text())["counts"]["passed"] == 1


def test_one_item_run_on_two_workers_keeps_both_results() -> None:
    # pytest-xdist's --dist each runs every item on every worker: two results, not one attempt.
    collector = Collector()
    for worker, outcome in (("gw0", "failed"), ("gw1", "passed")):
        collector.add(item("t.py::a[iphone-13-3g]", outcome, worker=worker).to_dict())
    run = collector.run(RunResults())
    assert sorted((r.worker, r.outcome) for r in run.results) == [
        ("gw0", "failed"),
        ("gw1", "passed"),
    ]


def test_ini_outputs_are_written_relative_to_where_pytest_runs(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makeini("[pytest]\ncx_json = out/results.json\ncx_report = out/report\n")
    pytester.makepyfile("def test_x(cx_device): pass")
    run_pytest(inprocess=True).assert_outcomes(passed=1)
    jsonschema.validate(json.loads((pytester.path / "out/results.json").read_text()), schema())
    assert (pytester.path / "out/report/index.html").is_file()


def test_the_collection_manifest_round_trips_and_a_missing_one_is_none(tmp_path: Path) -> None:
    from cxcheck.outputs.manifest import read_manifest, write_manifest

    items = [
        PlannedItem("t.py::a[x-1-iphone-13-3g]", "t.py", "a", "x-1", {"n": "1"}, "iphone-13-3g",
                    "iphone-13", "3g"),
        PlannedItem("t.py::load", "t.py", "load"),
    ]  # fmt: skip
    path = write_manifest(tmp_path / "gw0.json", items)
    assert read_manifest(path) == items
    assert [p.name for p in tmp_path.iterdir()] == ["gw0.json"]  # written whole, then renamed
    assert read_manifest(tmp_path / "gw1.json") is None
    (tmp_path / "bad.json").write_text("{")
    assert read_manifest(tmp_path / "bad.json") is None
