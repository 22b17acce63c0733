"""Responsive-layout checks (``cx_layout``) in a real Chromium: each check flags its defect on
fixtures/pages/layout.html (``?broken=...``) and passes the fixed twin (no ``?broken``);
``find_breaks`` finds the 40 px band of fixtures/pages/band.html and nothing on the twin.

Findings are gathered with ``collecting`` so a test can assert what a check found instead of
failing on it. Assertions are on behaviour, never on timing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cxcheck.checks.layout.breaks import Exploration
from cxcheck.checks.layout.check import Layout
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError, collecting
from cxcheck.model.results import Finding

PHONE = pytest.mark.cx(devices="iphone-13", networks="no-throttle")
LAPTOP = pytest.mark.cx(devices="laptop-1366", networks="no-throttle")


def errors(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.failing]


def run_checks(layout: Layout, path: str, **options: Any) -> list[Finding]:
    """Open ``path`` in the test's page and return every finding ``check(**options)`` added."""
    layout.page.goto(path)
    found: list[Finding] = []
    with collecting(found):
        returned = layout.check(**options)
    assert returned == found  # what it returns is what it recorded
    return found


# --- reflow (WCAG 1.4.10) ---


@PHONE
@pytest.mark.quick  # a real-browser smoke test of the quick tier
def test_reflow_names_what_sticks_out_and_passes_the_twin(cx_layout: Layout) -> None:
    found = run_checks(cx_layout, "/layout.html?broken=reflow", checks=["reflow"])
    assert len(found) == 1
    (finding,) = found
    assert (finding.kind, finding.check, finding.severity) == ("layout", "reflow", "error")
    assert finding.target == "#promo"
    assert finding.data["page_width"] > 390
    promo = finding.data["offenders"][0]
    assert promo["selector"] == "#promo"
    box = promo["box"]
    assert box["width"] == 520 and box["x"] + box["width"] > 390
    message = finding.message
    assert "/layout.html scrolls sideways on 390×664 (iphone-13)" in message
    assert "WCAG 1.4.10" in message
    assert f"#promo sticks out: 520×{box['height']} at ({box['x']}, {box['y']})" in message

    assert errors(run_checks(cx_layout, "/layout.html", checks=["reflow"])) == []


@PHONE
def test_reflow_reports_the_device_viewport_and_only_the_cause(cx_layout: Layout) -> None:
    (finding,) = run_checks(cx_layout, "/layout.html?broken=reflow", checks=["reflow"])
    assert finding.data["viewport"] == {"width": 390, "height": 664}
    assert [o["selector"] for o in finding.data["offenders"]] == ["#promo"]


# --- target size (WCAG 2.5.8) ---


@PHONE
def test_target_size_on_a_touch_device(cx_layout: Layout) -> None:
    found = run_checks(cx_layout, "/layout.html?broken=targets", checks=["target-size"])
    assert all(f.kind == "layout" for f in found)
    (failing,) = errors(found)
    assert failing.check == "target-size"
    assert len(failing.data["targets"]) == 4  # the S, M, L and XL links
    assert all(t.startswith("a[href") for t in failing.data["targets"])
    assert "24px" in failing.message

    # The fixed twin, at the default 24 px and when asked for 24: nothing fails (the 32 px chip
    # is big enough), and it was scanned.
    twin = run_checks(cx_layout, "/layout.html", checks=["target-size"])
    assert [(f.check, f.severity) for f in twin] == [("axe-scan", "info")]
    assert (
        errors(run_checks(cx_layout, "/layout.html", checks=["target-size"], min_target=24)) == []
    )


@PHONE
def test_target_size_at_44_px_flags_the_32_px_chip(cx_layout: Layout) -> None:
    strict = errors(run_checks(cx_layout, "/layout.html", checks=["target-size"], min_target=44))
    assert [f.check for f in strict] == ["target-size"]
    assert "#chip" in strict[0].data["targets"]
    assert "#chip" in strict[0].message


@LAPTOP
def test_target_size_is_not_checked_without_touch(cx_layout: Layout) -> None:
    found = run_checks(cx_layout, "/layout.html?broken=targets")  # the default checks
    assert [f for f in found if f.check in ("target-size", "axe-scan")] == []
    assert found == []  # and reflow is fine at 1366 px


# --- reachable ---


@PHONE
def test_assert_reachable(cx_layout: Layout) -> None:
    page = cx_layout.page
    page.goto("/layout.html?broken=cover")
    with pytest.raises(JourneyStepError) as covered:
        cx_layout.assert_reachable("#add")
    assert "#cookie-banner" in str(covered.value)
    assert "390×664 (iphone-13)" in str(covered.value)
    (finding,) = covered.value.findings
    assert (finding.kind, finding.check, finding.target) == ("layout", "reachable", "#add")
    assert finding.data["why"] == "covered"
    assert finding.data["covered_by"] == "#cookie-banner"
    assert finding.data["viewport"] == {"width": 390, "height": 664}

    page.goto("/layout.html?broken=hidden")
    with pytest.raises(JourneyStepError, match=r"#checkout is not visible on 390×664") as hidden:
        cx_layout.assert_reachable("#checkout")
    assert [f.data["why"] for f in hidden.value.findings] == ["hidden"]

    page.goto("/layout.html")
    cx_layout.assert_reachable("#add")
    cx_layout.assert_reachable("#checkout")
    cx_layout.assert_reachable("#footer-link a")  # scrolled into view, clear of the bar

    with pytest.raises(CxError, match=r"'#nope' matches nothing on .*/layout\.html"):
        cx_layout.assert_reachable("#nope", timeout=500)


# --- zoom (WCAG 1.4.4) ---


@LAPTOP
def test_zoom(cx_layout: Layout) -> None:
    page = cx_layout.page
    size = page.viewport_size
    assert size == {"width": 1366, "height": 657}

    blocked = errors(run_checks(cx_layout, "/layout.html?broken=zoom", zoom=True))
    assert [f.check for f in blocked] == ["meta-viewport"]
    assert blocked[0].kind == "layout"

    clipped = errors(run_checks(cx_layout, "/layout.html?broken=clip", zoom=True))
    assert [f.check for f in clipped] == ["zoom-text"]
    assert clipped[0].target == "#label"
    assert "#label" in clipped[0].message
    assert "zoomed to 683×328" in clipped[0].message
    assert clipped[0].data["clipped"][0]["text"] == "Delivery by Friday"
    # The page is back at its own size, for the browser as for the page.
    assert page.viewport_size == size
    assert page.evaluate("[innerWidth, innerHeight]") == [1366, 657]

    assert errors(run_checks(cx_layout, "/layout.html", zoom=True)) == []
    assert errors(run_checks(cx_layout, "/layout.html", checks=["zoom"])) == []
    assert page.viewport_size == size


# --- find_breaks ---


@LAPTOP
def test_find_breaks_finds_the_band(cx_layout: Layout) -> None:
    page = cx_layout.page
    size = page.viewport_size
    result = cx_layout.find_breaks("/band.html", fail=False)
    assert isinstance(result, Exploration)
    assert [(b.start, b.end, b.exact) for b in result.bands] == [(700, 739, True)]
    assert {600, 900} <= set(result.breakpoints)
    assert result.loads == len(result.widths_tried) == len(set(result.widths_tried))
    # 6 anchors (the range ends, both sides of 600 and 900) + 38 grid widths + 6 random
    # + about 12 bisection loads for the two edges is the documented cost.
    assert result.loads <= 60, result.widths_tried
    assert result.bands[0].findings[0].check == "reflow"
    assert page.viewport_size == size

    found: list[Finding] = []
    with collecting(found):
        again = cx_layout.find_breaks("/band.html")
    (finding,) = errors(found)
    assert (finding.kind, finding.check, finding.target) == ("layout", "find-breaks", "/band.html")
    assert finding.data["start"] == 700 and finding.data["end"] == 739
    assert finding.data["loads"] == again.loads
    assert "/band.html breaks at widths 700–739 px" in finding.message
    assert found == errors(found)  # nothing else escaped the probes

    assert max(result.loads, again.loads) <= 60


@LAPTOP
def test_find_breaks_on_the_fixed_twin(cx_layout: Layout) -> None:
    found: list[Finding] = []
    with collecting(found):
        result = cx_layout.find_breaks("/layout.html")
    assert result.bands == []
    assert found == []


HYPOTHESIS_TEST = """
import pytest
from hypothesis import HealthCheck, given, settings
from cxcheck import strategies as cx

@pytest.mark.cx(devices="laptop-1366", networks="no-throttle")
@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(viewport=cx.viewports(max_width=1440))
def test_fits(cx_layout, viewport):
    page = cx_layout.page
    page.set_viewport_size({"width": viewport.width, "height": viewport.height})
    page.goto("/layout.html?broken=reflow")
    cx_layout.check(checks=["reflow"], fail_fast=True)
"""


def test_a_given_test_shrinks_a_layout_failure_to_the_narrowest_viewport(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_fits=HYPOTHESIS_TEST)
    result = run_pytest("--cx-json", "r.json", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    # Shrunk to the smallest viewport the strategy allows, and reported once, as a finding.
    result.stdout.fnmatch_lines(["*viewport=Size(*", "*scrolls sideways on 320×480*"])
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    reflow = [f for f in item["findings"] if f["check"] == "reflow"]
    assert len(reflow) == 1 and "scrolls sideways on 320×480" in reflow[0]["message"]


@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_an_element_clipped_away_by_its_container_is_not_reachable(cx_layout: Layout) -> None:
    cx_layout.page.goto("/layout.html?broken=clipped")
    # 5 s, not 0.5: on a loaded machine the scroll alone once ran out of 500 ms ("cannot be
    # scrolled into view"); a clipped element scrolls at once when the machine lets it.
    with pytest.raises(JourneyStepError, match=r"#more .* is clipped away by an ancestor"):
        cx_layout.assert_reachable("#more", timeout=5000)
    cx_layout.page.goto("/layout.html")
    cx_layout.assert_reachable("#more", timeout=5000)


# --- exclude: parts of the page left out ---


@PHONE
def test_exclude_leaves_an_element_and_its_descendants_out(cx_layout: Layout) -> None:
    broken = "/layout.html?broken=reflow,targets"
    both = ["reflow", "target-size"]
    # Without exclude: the promo sticks out and the four size links are too small.
    assert sorted(str(f.check) for f in errors(run_checks(cx_layout, broken, checks=both))) == [
        "reflow",
        "target-size",
    ]
    # <main> holds both: nothing inside it is checked.
    assert errors(run_checks(cx_layout, broken, checks=both, exclude="main")) == []
    # One selector a part: the links' <nav> (an ancestor) and the promo itself.
    assert errors(run_checks(cx_layout, broken, checks=both, exclude=["nav.links", "#promo"])) == []
    # Excluding something else changes nothing: the promo is still named as the cause.
    (reflow,) = errors(run_checks(cx_layout, broken, checks=["reflow"], exclude="#label"))
    assert reflow.target == "#promo"
    # Only the excluded links are left out: the other two are still too small.
    (small,) = errors(
        run_checks(cx_layout, broken, checks=["target-size"], exclude='.links a[href="#s"], #m')
    )
    assert len(small.data["targets"]) == 3  # a selector list is one selector; #m matches nothing


@LAPTOP
def test_exclude_applies_to_zoom(cx_layout: Layout) -> None:
    clipped = errors(run_checks(cx_layout, "/layout.html?broken=clip", zoom=True))
    assert [f.check for f in clipped] == ["zoom-text"]
    assert (
        errors(run_checks(cx_layout, "/layout.html?broken=clip", zoom=True, exclude="#label")) == []
    )
    blocked = "/layout.html?broken=zoom"
    assert errors(run_checks(cx_layout, blocked, checks=["zoom"], exclude="head")) == []


@PHONE
def test_exclude_must_be_css_selectors(cx_layout: Layout) -> None:
    cx_layout.page.goto("/layout.html")
    with pytest.raises(CxError, match=r"exclude 'nav\[' is not a valid CSS selector"):
        cx_layout.check(exclude=["#promo", "nav["])
    with pytest.raises(CxError, match=r"exclude must be CSS selectors \(text\), got 3"):
        cx_layout.check(exclude=[3])  # type: ignore[list-item]


def test_a_journey_files_layout_action_passes_exclude(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.path.joinpath("fits.journey.yaml").write_text(
        "name: fits\n"
        "devices: iphone-13\n"
        "networks: no-throttle\n"
        "start: /layout.html\n"
        "steps:\n"
        "  - name: promo left out\n"
        "    actions:\n"
        "      - goto: /layout.html?broken=reflow,targets\n"
        "      - layout: {exclude: [main .promo, nav.links]}\n"
        "  - name: promo checked\n"
        "    actions:\n"
        "      - layout: {checks: reflow, exclude: '#label'}\n"
    )
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=1)
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    assert [s["status"] for s in item["steps"]] == ["passed", "passed", "failed"]
    assert "scrolls sideways" in item["steps"][2]["error"]
