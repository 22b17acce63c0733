"""One problem found by two checks is one finding naming both (``cxcheck.model.overlaps``).

In a real Chromium: fixtures/pages/tapdup.html has 20×20 px links at a 22 px pitch (Django's
filter links), which axe's ``target-size`` rule flags in the accessibility scan and again in
the layout check's target size on a phone. Then the rule itself, on plain findings.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from cxcheck.checks.a11y.check import A11y
from cxcheck.checks.layout.check import Layout
from cxcheck.journey.journey import Journey
from cxcheck.model.findings import JourneyStepError
from cxcheck.model.overlaps import merge_overlaps
from cxcheck.model.results import Finding

PHONE = pytest.mark.cx(devices="iphone-13", networks="no-throttle")


def problems(findings: list[Finding]) -> list[Finding]:
    """The checks' problems, without each scan's info line (what was scanned) or the page
    server's missing favicon."""
    return [f for f in findings if f.kind in ("a11y", "layout") and f.severity != "info"]


def check_both(
    journey: Journey,
    a11y: A11y,
    layout: Layout,
    a11y_exclude: list[str] | None = None,
    layout_exclude: str | None = None,
) -> None:
    """One journey step: open the page, scan it with axe, check its layout's target size."""
    with journey.step("tap targets"):
        journey.page.goto("/tapdup.html")
        a11y.check(rules=["target-size"], exclude=a11y_exclude)
        layout.check(checks=["target-size"], exclude=layout_exclude)


@PHONE
def test_a_tap_target_both_checks_flag_is_one_finding_naming_both(
    cx_journey: Journey, cx_a11y: A11y, cx_layout: Layout
) -> None:
    with pytest.raises(JourneyStepError) as failed:
        check_both(cx_journey, cx_a11y, cx_layout)
    (step,) = cx_journey.steps
    (finding,) = problems(step.findings)
    assert (finding.kind, finding.check, finding.severity) == ("a11y", "target-size", "error")
    first = finding.message.splitlines()[0]
    assert first.endswith("· found by axe (target-size) and the layout check (target size)")
    assert [(s["kind"], s["check"]) for s in finding.data["found_by"]] == [
        ("a11y", "target-size"),
        ("layout", "target-size"),
    ]
    # Nothing lost: the layout finding is kept whole, naming the same four links.
    (layout,) = finding.data["also_found_by"]
    assert layout["kind"] == "layout" and layout["severity"] == "error"
    assert sorted(layout["data"]["targets"]) == sorted(finding.data["targets"])
    assert len(finding.data["targets"]) == 4
    assert layout["message"].startswith("layout: target-size")
    # The step fails once, with the merged message and no "(and 1 more finding)".
    assert step.error is not None and "more finding" not in step.error
    assert "found by axe (target-size) and the layout check" in str(failed.value)
    # Both scans still say what they scanned.
    assert sorted(f.kind for f in step.findings if f.check == "axe-scan") == ["a11y", "layout"]


@PHONE
def test_different_elements_are_not_merged(
    cx_journey: Journey, cx_a11y: A11y, cx_layout: Layout
) -> None:
    with pytest.raises(JourneyStepError):
        # axe sees the filter links only, the layout check the page links only.
        check_both(cx_journey, cx_a11y, cx_layout, ["#pager"], "#filters")
    (step,) = cx_journey.steps
    found = problems(step.findings)
    assert [(f.kind, f.check) for f in found] == [
        ("a11y", "target-size"),
        ("layout", "target-size"),
    ]
    a11y, layout = found
    # axe names the links by their href: #a and #b filter, #p1 and #p2 page.
    assert len(a11y.data["targets"]) == 2 and all("#p" not in t for t in a11y.data["targets"])
    assert len(layout.data["targets"]) == 2 and all("#p" in t for t in layout.data["targets"])
    assert all("found_by" not in f.data for f in found)


MERGED_TEST = """
import pytest

@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_taps(cx_page, cx_a11y, cx_layout):
    cx_page.goto("/tapdup.html")
    cx_a11y.check(rules=["target-size"])
    cx_layout.check(checks=["target-size"])
"""


def test_every_output_reads_the_merged_finding(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile(test_taps=MERGED_TEST)
    result = run_pytest("--cx-json", "r.json", "--junitxml", "j.xml", "--cx-report", "report")
    result.assert_outcomes(failed=1)
    # Outside a journey step: merged where the test's call phase ends, before it fails.
    result.stdout.fnmatch_lines(["*found by axe (target-size) and the layout check*"])
    result.stdout.no_fnmatch_line("*more finding*")
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    found = [f for f in item["findings"] if f["severity"] != "info"]
    assert [(f["kind"], f["check"]) for f in found] == [("a11y", "target-size")]
    assert [s["kind"] for s in found[0]["data"]["found_by"]] == ["a11y", "layout"]
    junit = ET.parse(pytester.path / "j.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert properties["cx_failed_by"] == "a11y"
    report = (pytester.path / "report" / "index.html").read_text()
    assert report.count("found by axe (target-size) and the layout check") >= 1


# --- the rule, on plain findings ---

URL = "http://127.0.0.1/tapdup.html"


def axe(kind: str, targets: list[str], severity: str = "error", **data: Any) -> Finding:
    message = f"{kind}: target-size (serious) on /tapdup.html: too small\n  " + "\n  ".join(targets)
    return Finding(
        kind,
        message,
        severity,
        check=data.pop("check", "target-size"),
        target=targets[0],
        data={"url": data.pop("url", URL), "targets": targets, "rule": "target-size", **data},
    )


def test_the_merge_keeps_everything_and_the_worse_severity() -> None:
    accepted = axe("a11y", ["#a", "#b"], "ignored", baseline="accepted in the a11y baseline")
    layout = axe("layout", ["#b", "#a"])
    before = [Finding("budget", "slow"), accepted, layout]
    (budget, merged) = merge_overlaps(before)
    assert budget is before[0]
    assert merged.severity == "error"  # the layout check fails it; the baseline is axe's only
    assert (merged.kind, merged.check, merged.target) == ("a11y", "target-size", "#a")
    assert merged.data["baseline"] == "accepted in the a11y baseline"
    assert merged.data["targets"] == ["#a", "#b"]
    assert merged.data["found_by"] == [
        {"kind": "a11y", "check": "target-size", "severity": "ignored"},
        {"kind": "layout", "check": "target-size", "severity": "error"},
    ]
    assert merged.data["also_found_by"][0]["message"] == layout.message
    assert "[axe: ignored, layout check: error]" in merged.message.splitlines()[0]
    assert merged.message.splitlines()[1:] == accepted.message.splitlines()[1:]
    assert "found_by" not in accepted.data  # the findings given are not changed
    assert merge_overlaps([budget, merged]) == [budget, merged]  # idempotent
    json.dumps(merged.data, allow_nan=False)  # still plain JSON data


def test_the_merged_finding_stands_where_the_earlier_one_was() -> None:
    layout, a11y = axe("layout", ["#a"]), axe("a11y", ["#a"], "warning")
    (merged,) = merge_overlaps([layout, a11y])
    assert merged.kind == "a11y" and merged.severity == "error"
    first = [Finding("budget", "slow")]
    assert merge_overlaps([layout, *first, a11y])[0].kind == "a11y"


def test_a_second_layout_check_joins_the_same_finding() -> None:
    once = merge_overlaps([axe("a11y", ["#a"]), axe("layout", ["#a"]), axe("layout", ["#a"])])
    (merged,) = once
    assert len(merged.data["also_found_by"]) == 2
    assert [s["kind"] for s in merged.data["found_by"]] == ["a11y", "layout", "layout"]
    assert merged.message.count("found by axe") == 1


@pytest.mark.parametrize(
    ("a11y", "layout"),
    [
        pytest.param(axe("a11y", ["#a"]), axe("layout", ["#b"]), id="other elements"),
        pytest.param(axe("a11y", ["#a"]), axe("layout", ["#a", "#chip"]), id="layout names more"),
        pytest.param(
            axe("a11y", ["#a"]), axe("layout", ["#a"], url=URL + "?page=2"), id="other page"
        ),
        pytest.param(axe("a11y", ["#a"], check="label"), axe("layout", ["#a"]), id="other problem"),
        pytest.param(
            axe("a11y", ["#a"], check="reflow"),
            axe("layout", ["#a"], check="reflow"),
            id="not a shared axe rule",
        ),
        pytest.param(axe("layout", ["#a"]), axe("layout", ["#a"]), id="two layout findings"),
        pytest.param(axe("a11y", ["#a"], "info"), axe("layout", ["#a"]), id="an info line"),
    ],
)
def test_only_the_same_problem_on_the_same_elements_merges(a11y: Finding, layout: Finding) -> None:
    assert merge_overlaps([a11y, layout]) == [a11y, layout]


def test_a_meta_viewport_that_blocks_zoom_merges_too() -> None:
    tag = ['meta[name="viewport"]']
    (merged,) = merge_overlaps(
        [axe("a11y", tag, check="meta-viewport"), axe("layout", tag, check="meta-viewport")]
    )
    assert "found by axe (meta-viewport) and the layout check (zoom)" in merged.message
