"""JUnit XML: the visual and load numbers as properties, and a failed test's pictures as
``[[ATTACHMENT|path]]`` lines in its ``<system-out>`` (Jenkins' junit-attachments, GitLab)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from cxcheck.model.results import ItemResult, StepRecord
from cxcheck.outputs.itemresults import junit_properties
from cxcheck.outputs.junit import attachment_text, attachments
from tests.outputs.test_report_load import load_run, thresholds
from tests.outputs.test_report_viewer import snapshot_pictures, visual_finding

SNAPSHOT_TEST = """
import pytest

@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_page(cx_visual):
    query = open("query.txt").read().strip()
    print("the page's own words")
    cx_visual.page.goto("/visual.html" + query)
    cx_visual.assert_matches("page", mask=["#clock"])
"""


def failed_result(folder: Path) -> ItemResult:
    folder.mkdir(parents=True)
    files = snapshot_pictures(folder, "header", (390, 64))
    files["composite"] = "visual-header-composite.png"
    Image.new("RGB", (1200, 64)).save(folder / files["composite"])
    Image.new("RGB", (390, 844)).save(folder / "step-02-pay.jpg")
    Image.new("RGB", (390, 844)).save(folder / "failure.jpg")
    steps = [
        StepRecord(index=1, name="open", budget_s=None, duration_s=0.4),
        StepRecord(index=2, name="pay", budget_s=1.0, duration_s=2.0, status="failed",
                   screenshot="step-02-pay.jpg"),
    ]  # fmt: skip
    return ItemResult(
        nodeid="t.py::test_x[iphone-13-no-throttle]", file="t.py", test="test_x",
        device="iphone-13", network="no-throttle", outcome="failed", steps=steps,
        findings=[visual_finding("header", files, (390, 64)), load_run([]), *thresholds()],
        evidence_dir=str(folder), evidence=sorted(p.name for p in folder.iterdir()),
    )  # fmt: skip


def test_properties_carry_the_visual_and_load_numbers(tmp_path: Path) -> None:
    props = dict(junit_properties(failed_result(tmp_path / "ev"), 1))
    assert props["cx_visual_header_status"] == "differs"
    assert props["cx_visual_header_ratio"] == "0.500000"
    assert props["cx_visual_header_diff_pixels"] == "12480"
    assert props["cx_visual_header_threshold"] == "0.2"
    assert "cx_visual_header_max_diff_pixels" not in props  # no limit: none allowed
    assert props["cx_load_requests"] == "1234" and props["cx_load_failures"] == "0"
    assert props["cx_load_rps"] == "41.13" and props["cx_load_p95_ms"] == "812"
    assert props["cx_load_thresholds"] == "2" and props["cx_load_thresholds_breached"] == "1"
    assert props["cx_load_breached_1"] == "p(95) < 500 ms: measured 812 ms"
    assert "cx_load_breached_2" not in props
    two_runs = ItemResult(nodeid="t.py::t", file="t.py", test="t",
                          findings=[load_run([]), load_run([])])  # fmt: skip
    assert dict(junit_properties(two_runs, 1))["cx_load_2_p95_ms"] == "812"


def test_a_failed_results_pictures_most_telling_first(tmp_path: Path) -> None:
    result = failed_result(tmp_path / "ev")
    found = attachments(result)
    assert [p.name for p in found] == [
        "visual-header-composite.png",  # the failing snapshot's side-by-side picture
        "step-02-pay.jpg",  # the failed step's screenshot
        "failure.jpg",  # the page when the test failed
    ]
    text = attachment_text(found, tmp_path)
    assert text.splitlines()[0] == "[[ATTACHMENT|ev/visual-header-composite.png]]"
    elsewhere = attachment_text(found, tmp_path / "ci" / "checkout")
    assert elsewhere.splitlines()[1] == f"[[ATTACHMENT|{(tmp_path / 'ev/step-02-pay.jpg')}]]"
    moved = attachments(result, rerun=True)  # the attempt is rerun: its folder moves aside
    assert moved[0] == tmp_path / "ev~attempt1" / "visual-header-composite.png"
    (tmp_path / "ev" / "failure.jpg").unlink()
    assert len(attachments(result)) == 2  # what is not there is not attached
    result.outcome = "passed"
    assert attachments(result) == []


def cases(path: Path) -> dict[str, ET.Element]:
    return {c.get("name", ""): c for c in ET.parse(path).iter("testcase")}


def attached(case: ET.Element) -> list[str]:
    outs = case.findall("system-out")
    return [
        line[len("[[ATTACHMENT|") : -2]
        for out in outs
        for line in (out.text or "").splitlines()
        if line.startswith("[[ATTACHMENT|") and line.endswith("]]")
    ]


def test_failed_cases_attach_their_pictures_in_system_out(
    mixed_run: tuple[Path, pytest.RunResult],
) -> None:
    folder, _ = mixed_run  # MIXED: a page error in a step, a step over its budget, a flaky test
    found = cases(folder / "junit.xml")
    phone = found["test_shop[iphone-13-no-throttle]"]
    assert len(phone.findall("system-out")) == 1
    (path,) = [p for p in attached(phone) if "step-" in p]
    assert not Path(path).is_absolute() and path.startswith("cx-artifacts/")
    assert path.endswith("step-02-add-to-basket.jpg") and (folder / path).is_file()
    budget = found["test_budget[desktop-1080p-no-throttle]"]
    assert any(p.endswith("step-01-slow-step.jpg") for p in attached(budget))
    for passed in ("test_shop[desktop-1080p-no-throttle]", "test_flaky[desktop-1080p-no-throttle]"):
        assert attached(found[passed]) == [], passed
    # the flaky test's failed first attempt (its own test case) names its picture where the
    # rerun moved it, beside the folder of the attempt that passed
    flaky = [c for c in ET.parse(folder / "junit.xml").iter("testcase")
             if c.get("name") == "test_flaky[desktop-1080p-no-throttle]"]  # fmt: skip
    first = attached(flaky[0])
    assert first and all("~attempt1/" in p and (folder / p).is_file() for p in first), first


def test_a_visual_failure_in_junit_with_captured_output(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    """With junit_logging=system-out pytest writes the captured output itself: the attachment
    joins it, in the one <system-out> of the test case."""
    pytester.makepyfile(test_snap=SNAPSHOT_TEST)
    (pytester.path / "query.txt").write_text("")
    run_pytest("--cx-update-snapshots").assert_outcomes(passed=1)
    (pytester.path / "query.txt").write_text("?header=red")
    result = run_pytest("--junitxml", "j.xml", "-o", "junit_logging=system-out")
    result.assert_outcomes(failed=1)
    (case,) = cases(pytester.path / "j.xml").values()
    props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
    assert props["cx_visual_page_status"] == "differs"
    assert 0 < float(props["cx_visual_page_ratio"]) < 1
    assert int(props["cx_visual_page_diff_pixels"]) > 1000
    assert props["cx_visual_page_threshold"] == "0.2"
    (out,) = case.findall("system-out")
    assert "the page's own words" in (out.text or "")
    path, *rest = attached(case)  # the diff first (GitLab shows only the first), then the page
    assert path.endswith("visual-page-composite.png") and (pytester.path / path).is_file()
    assert [p.rsplit("/", 1)[-1] for p in rest] == ["failure.jpg"]
