"""Accessibility checks with axe-core: defects flagged and their fixed twins clean, frames
(cross-origin too) scanned, axe injected once per document, the baseline, the automatic scan,
per-test overrides and clear errors for bad input."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pageserver
from cxcheck.checks.a11y.axe import AxeConfig, AxeError, Node, Scan, Violation, catalogue
from cxcheck.checks.a11y.baseline import Baseline, BaselineError, Entry, page_key
from cxcheck.checks.a11y.check import A11y, A11ySettings, findings_for
from cxcheck.model.errors import CxError
from cxcheck.model.findings import collecting
from cxcheck.model.results import Finding

PHONE = pytest.mark.cx(devices="iphone-13", networks="no-throttle")


def errors(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.severity == "error"]


# --- pure logic ---


def test_the_bundled_axe_knows_its_rules_and_tags() -> None:
    known = catalogue()
    assert known.version.count(".") == 2
    assert {"image-alt", "label", "color-contrast", "target-size", "meta-viewport"} <= set(
        known.rules
    )
    assert "wcag2a" in known.rules["image-alt"]
    assert {"wcag2aa", "wcag21aa", "wcag22aa", "best-practice"} <= set(known.tags)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (AxeConfig(tags=("wcag2aa", "wcag22")), "unknown axe tag 'wcag22'. Did you mean"),
        (
            AxeConfig(rules=("image-alts",)),
            "unknown axe rule 'image-alts'. Did you mean 'image-alt'",
        ),
        (AxeConfig(disabled=("colour-contrast",)), "Did you mean 'color-contrast'"),
    ],
)
def test_unknown_rules_and_tags_are_named_with_a_suggestion(
    config: AxeConfig, message: str
) -> None:
    with pytest.raises(AxeError, match=message):
        config.validated("cx_a11y.check")


def scan_of(*nodes: tuple[str, str], impact: str = "critical", rule: str = "image-alt") -> Scan:
    violation = Violation(rule, impact, "Images must have alternative text", "https://x/y?z=1")
    violation.nodes = [Node(target, f"<img id='{target}'>") for target, _ in nodes]
    return Scan("http://127.0.0.1:9/product/a?ref=1", [violation], 1, 70, "4.12.1")


def test_violations_become_findings_by_impact_and_baseline(tmp_path: Path) -> None:
    scan = scan_of(("#a", ""), ("#b", ""))
    base = Baseline(tmp_path / "b.json", [Entry("/product/a", "image-alt", "#a")])
    found = findings_for(scan, AxeConfig(), impact="serious", baseline=base, updating=False)
    new, old, info = found
    assert (new.severity, new.data["targets"]) == ("error", ["#b"])
    assert new.message.splitlines()[0] == (
        "accessibility: image-alt (critical) on /product/a: Images must have alternative text"
    )
    assert "  #b  <img id='#b'>" in new.message and "how to fix: https://x/y" in new.message
    assert (old.severity, old.data["targets"]) == ("ignored", ["#a"])
    assert (info.severity, info.check, info.data["page"]) == ("info", "axe-scan", "/product/a")
    minor = findings_for(scan_of(("#c", ""), impact="moderate"), AxeConfig(), impact="serious",
                         baseline=Baseline(tmp_path / "x"), updating=False)  # fmt: skip
    assert minor[0].severity == "warning"


def test_baseline_round_trip_fixed_and_updated(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    base = Baseline(path, [Entry("/", "image-alt", "#a", "critical"), Entry("/x", "label", "#b")])
    base.write()
    loaded = Baseline.load(path)
    assert len(loaded) == 2 and ("/", "image-alt", "#a") in loaded
    scanned = {("/", "image-alt"), ("/", "label")}
    assert [e.target for e in loaded.fixed(scanned, seen=set())] == ["#a"]
    updated = loaded.updated(scanned, [Entry("/", "label", "#c")])
    assert sorted(e.key for e in updated.entries.values()) == [
        ("/", "label", "#c"),
        ("/x", "label", "#b"),  # its page was not scanned: kept
    ]
    assert page_key("http://h:1/a/b?q=1#f") == "/a/b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "cxcheck-a11y-baseline",\n "version": 1,\n "entries": [,]}', r":3: not valid"),
        ('{"entries": []}', "not a cxcheck a11y baseline"),
        ('{"format": "cxcheck-a11y-baseline", "version": 1, "entries": [{"page": "/"}]}',
         "entry 1 needs text fields page, rule and target"),
    ],
)  # fmt: skip
def test_a_malformed_baseline_is_named_with_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "cx-a11y-baseline.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=message) as info:
        Baseline.load(path)
    assert str(path) in str(info.value) and "--cx-a11y-update-baseline" in str(info.value)


# --- real pages in a real browser ---


@PHONE
@pytest.mark.parametrize(
    ("defect", "rule", "target"),
    [("alt", "image-alt", "#hero"), ("label", "label", "#email"),
     ("contrast", "color-contrast", "#buy")],
)  # fmt: skip
def test_each_defect_is_flagged_and_the_twin_is_clean(
    cx_a11y: A11y, defect: str, rule: str, target: str
) -> None:
    page = cx_a11y.page
    found: list[Finding] = []
    with collecting(found):
        page.goto(f"/a11y.html?broken={defect}")
        cx_a11y.check()
        page.goto("/a11y.html")
        cx_a11y.check()
    broken, fixed = [f for f in found if f.check != "axe-scan"], found[-1]
    assert [(f.check, f.target, f.severity) for f in broken] == [(rule, target, "error")]
    assert "dequeuniversity.com" in broken[0].message
    assert fixed.check == "axe-scan" and fixed.data["violations"] == 0


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """A second page server: another port is another origin."""
    with pageserver.serve() as url:
        yield url


@PHONE
def test_a_violation_in_a_cross_origin_iframe_is_found(cx_a11y: A11y, other_origin: str) -> None:
    page = cx_a11y.page
    page.goto(f"/a11y.html?frame={other_origin}/a11y-widget.html?broken=alt")
    frame = page.frame_locator("iframe")
    frame.locator("#card").wait_for()
    assert page.frames[1].url.startswith(other_origin)  # really another origin
    found: list[Finding] = []
    with collecting(found):
        scan = cx_a11y.check()
    assert scan.frames == 2
    (violation,) = errors(found)
    assert violation.check == "image-alt"
    assert violation.target == "iframe >>> #card-logo"
    # The twin widget is clean.
    page.goto(f"/a11y.html?frame={other_origin}/a11y-widget.html")
    page.frame_locator("iframe").locator("#card").wait_for()
    found.clear()
    with collecting(found):
        assert cx_a11y.check().frames == 2
    assert not errors(found)


@PHONE
@pytest.mark.quick  # a real-browser smoke test of the quick tier
def test_axe_is_injected_once_per_document(cx_a11y: A11y) -> None:
    page = cx_a11y.page
    with collecting([]):
        page.goto("/a11y.html")
        for _ in range(3):
            cx_a11y.check()
        assert cx_a11y.runner.injections == 1
        page.evaluate("document.querySelector('#hero').removeAttribute('alt')")
        cx_a11y.check()
        assert cx_a11y.runner.injections == 1  # same document, new state
        page.goto("/a11y.html?broken=label")
        cx_a11y.check()
        assert cx_a11y.runner.injections == 2  # a new document needs axe again


@PHONE
def test_options_choose_rules_impact_and_region(cx_a11y: A11y) -> None:
    page = cx_a11y.page
    page.goto("/a11y.html?broken=all")
    found: list[Finding] = []
    with collecting(found):
        cx_a11y.check(rules=["label"])
    assert [f.check for f in errors(found)] == ["label"]
    found.clear()
    with collecting(found):
        cx_a11y.check(impact="critical", exclude="#signup")  # contrast is serious; label excluded
    assert [f.check for f in errors(found)] == ["image-alt"]
    found.clear()
    with collecting(found):
        cx_a11y.check(disabled=["image-alt", "label", "color-contrast"])
    assert not errors(found)
    with pytest.raises(CxError, match="unknown axe impact level 'severe'"):
        cx_a11y.check(impact="severe")


@PHONE
def test_a_page_with_a_strict_content_security_policy_is_still_scanned(cx_a11y: A11y) -> None:
    # No scripts allowed and Trusted Types required: axe runs through the DevTools protocol,
    # which the page's policy does not govern.
    cx_a11y.page.goto("/csp.html")
    found: list[Finding] = []
    with collecting(found):
        cx_a11y.check()
    assert [(f.check, f.target) for f in errors(found)] == [("image-alt", "#locked")]


@PHONE
def test_a_page_that_keeps_navigating_gets_a_clear_failure(cx_a11y: A11y) -> None:
    page = cx_a11y.page
    page.goto("/a11y.html")
    # The next document replaces this one while axe works on it.
    page.evaluate("setTimeout(() => { location.href = '/slow?ms=50' }, 5)")

    def keep_scanning() -> None:
        from playwright.sync_api import Error

        for _ in range(20):
            cx_a11y.check()
            # The test's own trigger may land on a navigation itself: the next scan goes on.
            with contextlib.suppress(Error):
                page.evaluate("setTimeout(() => { location.href = '/a11y.html' }, 5)")

    with pytest.raises(AxeError, match="navigated while axe was scanning"), collecting([]):
        keep_scanning()


# --- whole runs: failures, the baseline, the automatic scan, overrides, bad input ---


A11Y_TEST = """
import pytest

@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_page(cx_a11y):
    cx_a11y.page.goto("/a11y.html?broken=" + open("broken.txt").read().strip())
    cx_a11y.check()
"""


def test_the_baseline_accepts_old_violations_fails_new_ones_and_reports_fixed(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_page=A11Y_TEST)
    broken = pytester.path / "broken.txt"
    broken.write_text("alt")
    result = run_pytest("--cx-json", "r.json", "--cx-report", "report")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*accessibility: image-alt (critical) on /a11y.html: Images*"])
    # The report shows the finding, its element and axe's page on how to fix it.
    html = (pytester.path / "report" / "index.html").read_text()
    assert "image-alt (critical)" in html and "#hero" in html
    assert 'href="https://dequeuniversity.com/rules/axe/' in html

    result = run_pytest("--cx-a11y-update-baseline")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*a11y baseline: recorded 1 accepted violation(s) in *"])
    data = json.loads((pytester.path / "cx-a11y-baseline.json").read_text())
    assert [(e["page"], e["rule"], e["target"]) for e in data["entries"]] == [
        ("/a11y.html", "image-alt", "#hero")
    ]

    assert run_pytest().ret == 0  # the old violation is accepted
    broken.write_text("alt,label")
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=1)  # the new one fails, and only it
    result.stdout.fnmatch_lines(["*accessibility: label (critical)*"])
    findings = json.loads((pytester.path / "r.json").read_text())["results"][0]["findings"]
    by_rule = {f["check"]: f["severity"] for f in findings}
    assert by_rule["image-alt"] == "ignored" and by_rule["label"] == "error"

    broken.write_text("")
    result = run_pytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*a11y baseline: 1 entry is fixed*", "*fixed: image-alt on /a11y.html at #hero*"]
    )


def test_the_automatic_scan_checks_each_new_page_state_once(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makeini("[pytest]\ncx_a11y_auto = true\n")
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cx(devices="iphone-13", networks="no-throttle")
        def test_journey(cx_journey):
            page = cx_journey.page
            with cx_journey.step("open"):
                page.goto("/a11y.html")
            with cx_journey.step("look again"):
                page.locator("h1").text_content()  # nothing changes: no second scan
            with cx_journey.step("break it"):
                page.evaluate("document.querySelector('#hero').removeAttribute('alt')")
            with cx_journey.step("never reached"):
                pass

        @pytest.mark.cx(devices="iphone-13", networks="no-throttle", a11y_auto=False)
        def test_opted_out(cx_journey):
            with cx_journey.step("open"):
                cx_journey.page.goto("/a11y.html?broken=alt")
    """)
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*image-alt (critical)*"])
    results = {r["test"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    steps = results["test_journey"]["steps"]
    scans = [[f["check"] for f in s["findings"] if f["kind"] == "a11y"] for s in steps]
    assert scans == [["axe-scan"], [], ["image-alt", "axe-scan"]]
    assert [s["status"] for s in steps] == ["passed", "passed", "failed"]


def test_marker_overrides_and_ini_defaults(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makeini("[pytest]\ncx_a11y_rules_disabled = label\n")
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cx(devices="iphone-13", networks="no-throttle", a11y_impact="critical")
        def test_contrast_is_only_serious(cx_a11y):
            cx_a11y.page.goto("/a11y.html?broken=contrast,label")
            cx_a11y.check()

        @pytest.mark.cx(devices="iphone-13", networks="no-throttle", a11y_impact="severe")
        def test_bad_marker(cx_a11y):
            pass
    """)
    result = run_pytest("-rA")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*unknown axe impact level 'severe'*Valid impact levels: minor*"])


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        ("cx_a11y_tags = wcag2a wcag21", "ini cx_a11y_tags * unknown axe tag 'wcag21'*"),
        ("cx_a11y_impact = high", "ini cx_a11y_impact: unknown axe impact level 'high'*"),
        ("cx_a11y_rules_disabled = image_alt", "*unknown axe rule 'image_alt'. Did you mean*"),
        ("cx_layout_target_size = big", "ini cx_layout_target_size = 'big' must be*"),
    ],
)
def test_bad_ini_values_stop_the_run_with_the_fix(
    pytester: pytest.Pytester, run_pytest: Any, ini: str, message: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_x(): pass")
    result = run_pytest(inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*cxcheck: {message}"])


def test_a_malformed_baseline_stops_the_run(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.path.joinpath("cx-a11y-baseline.json").write_text("{\n  oops\n}")
    pytester.makepyfile("def test_x(): pass")
    result = run_pytest(inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cx-a11y-baseline.json:2: not valid JSON*"])


def test_settings_defaults() -> None:
    settings = A11ySettings()
    assert settings.impact == "serious" and not settings.auto
    assert settings.config.tags == ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


CHECKS_JOURNEY = """
name: checks
devices: [iphone-13, laptop-1366]
networks: no-throttle
start: /layout.html?broken=cover
steps:
  - name: accessible
    actions:
      - goto: /a11y.html?broken=label
      - a11y: {rules: [label, image-alt]}
  - name: fits
    actions:
      - goto: /layout.html?broken=reflow
      - layout: {checks: reflow}
  - name: reachable
    actions:
      - goto: /layout.html?broken=cover
      - reachable: "#add"
"""


def test_journey_files_run_the_checks_as_actions(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.path.joinpath("checks.journey.yaml").write_text(CHECKS_JOURNEY)
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=2)
    results = {
        r["device"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]
    }
    for device in ("iphone-13", "laptop-1366"):
        steps = results[device]["steps"]
        # After `start`, the first step fails on each device.
        assert [s["status"] for s in steps] == ["passed", "failed"]
        assert "label (critical)" in steps[1]["error"]
    # Reflow only breaks the phone; both are covered by the banner: see each step on its own.
    pytester.path.joinpath("checks.journey.yaml").write_text(
        CHECKS_JOURNEY.replace("?broken=label", "")
    )
    result = run_pytest("--cx-json", "r.json")
    results = {
        r["device"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]
    }
    phone, laptop = results["iphone-13"]["steps"], results["laptop-1366"]["steps"]
    assert [s["status"] for s in phone] == ["passed", "passed", "failed"]
    assert "scrolls sideways" in phone[2]["error"]
    assert [s["status"] for s in laptop] == ["passed", "passed", "passed", "failed"]
    assert "covered at its centre by #cookie-banner" in laptop[3]["error"]


@PHONE
def test_a_frame_axe_cannot_start_in_is_reported_and_the_scan_is_partial(cx_a11y: A11y) -> None:
    page = cx_a11y.page
    page.goto("/a11y.html?frame=a11y-widget.html?lockaxe=1%26broken=alt")
    page.frame_locator("iframe").locator("#card").wait_for()
    found: list[Finding] = []
    with collecting(found):
        cx_a11y.check()
    (skipped,) = [f for f in found if f.check == "axe-frame-skipped"]
    assert skipped.severity == "warning" and "could not be scanned" in skipped.message
    (scan,) = [f for f in found if f.check == "axe-scan"]
    assert scan.data["partial"] is True  # so its baseline entries are never called fixed


def test_journey_file_selectors_with_spaces_stay_whole() -> None:
    from cxcheck.journeyfiles.actions import Action, a11y_options

    action = Action("a11y", {"exclude": "#chat .widget\nfooter a", "tags": "wcag2a wcag2aa"}, 1)
    options = a11y_options(action)
    assert options == {"exclude": ["#chat .widget", "footer a"], "tags": ["wcag2a", "wcag2aa"]}


def test_one_text_of_include_or_exclude_is_one_selector() -> None:
    from cxcheck.checks.a11y.check import _selectors

    # "#chat .widget" is one descendant selector: split on the space it would leave out all of #chat
    assert _selectors("#chat .widget") == ("#chat .widget",)
    assert _selectors(["#chat", ".ads"]) == ("#chat", ".ads")
    assert _selectors(None) == ()
