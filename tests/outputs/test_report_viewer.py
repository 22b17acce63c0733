"""The report's snapshot diff viewer, its phone layout and the single-file report, opened from
disk in the real headless Chromium: pictures made by Pillow, results built as RunResults."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Locator, Page

from cxcheck.journey.journey import slug
from cxcheck.model.results import Finding, ItemResult, RunResults, StepRecord, Vitals
from cxcheck.outputs.itemresults import MAX_MESSAGE_CHARS, _clip
from cxcheck.outputs.report.page import FILES_DIR, content_security_policy, write_report
from cxcheck.outputs.report.panel_view import full_message
from tests.outputs.test_report import EVIL, anchor, built, fake_screenshot, opened, panels
from tests.outputs.test_report_load import load_run, thresholds

__all__ = ["panels"]  # the fixture: both ways a panel reaches the page

NODEID = "tests/test_look.py::test_header_keeps_the_brand_look[laptop-1366-no-throttle]"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1}
STEP_ERROR = (
    "layout: #add-to-basket (173×44 at (201, 612)) is covered at its centre by #cookie-banner "
    "(390×146 at (0, 518)) on 390×664 (iphone-13): a customer cannot tap it; see "
    "http://127.0.0.1:8000/a/very/long/path/without/any/space/" + "segment/" * 12 + "end-of-error"
)


def snapshot_pictures(folder: Path, name: str, size: tuple[int, int]) -> dict[str, str]:
    """Expected, actual and diff PNGs of a header whose right part changed colour."""
    w, h = size
    expected = Image.new("RGB", size, (248, 249, 251))
    draw = ImageDraw.Draw(expected)
    draw.rectangle((0, 0, w, min(h, 64)), fill=(52, 81, 178))
    for y in range(80, h, 120):  # a long page: blocks of "text" all the way down
        draw.rectangle((16, y, w - 40, y + 40), fill=(205, 208, 214))
    actual = expected.copy()
    ImageDraw.Draw(actual).rectangle((w // 2, 0, w, min(h, 64)), fill=(201, 42, 42))
    diff = Image.new("RGB", size, (235, 235, 235))
    ImageDraw.Draw(diff).rectangle((w // 2, 0, w, min(h, 64)), fill=(255, 0, 0))
    files = {}
    for kind, picture in (("expected", expected), ("actual", actual), ("diff", diff)):
        files[kind] = f"visual-{name}-{kind}.png"
        picture.save(folder / files[kind], "PNG")
    return files


def visual_finding(name: str, files: dict[str, str], size: tuple[int, int]) -> Finding:
    w, h = size
    changed = (w - w // 2) * min(h, 64)
    return Finding(
        "visual",
        f"visual: snapshot {name!r} on laptop-1366 differs from its baseline: {changed:,} pixels "
        "differ, over the limit of 0 pixels (no difference allowed)",
        check="snapshot",
        target=name,
        data={"name": name, "baseline": f"__cx_snapshots__/{name}.png", "files": files,
              "diff_pixels": changed, "ratio": round(changed / (w * h), 6), "threshold": 0.2,
              "max_diff_pixels": None, "max_diff_ratio": None, "bbox": [w // 2, 0, w, 64]},
    )  # fmt: skip


def viewer_run(root: Path) -> RunResults:
    """One failed result with two snapshots (a 1366×64 header, a 390×2400 page), a filmstrip
    of four steps (the last failed, with a long error), a load run; and one that passed."""
    folder = root / "artifacts" / slug(NODEID)
    folder.mkdir(parents=True)
    header = snapshot_pictures(folder, "header", (1366, 64))
    page = snapshot_pictures(folder, "page", (390, 2400))
    steps = []
    for i, name in enumerate(("open home", "search for a jacket", "open the product",
                              "add to basket"), start=1):  # fmt: skip
        shot = f"step-{i:02d}-{slug(name)}.jpg"
        fake_screenshot(folder / shot, (390, 844), i, failed=i == 4)
        vitals = Vitals(f"http://shop.test/{i}", 26.0, 360.0, 1400.0, 0.0, None)
        step = StepRecord(
            index=i, name=name, budget_s=5.0, duration_s=0.3 * i + 0.5, requests=6 + i,
            bytes=90_000 * i, screenshot=shot, vitals=vitals,
        )  # fmt: skip
        steps.append(step)
    steps[-1].status, steps[-1].error = "failed", STEP_ERROR
    Image.new("RGB", (900, 300), (255, 255, 255)).save(folder / "filmstrip.png")
    (folder / "trace.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    text = (
        "visual: snapshot 'header' on laptop-1366 differs from its baseline: 87,424 pixels "
        "differ (100% of 1366×64)\n  baseline: /work/examples/__cx_snapshots__/header.png\n  "
        "note: the baseline was made elsewhere (browser 'chromium 156.0.8078.108', this run "
        "'chromium 156.0.8078.129'): fonts and anti-aliasing differ between machines, so make "
        "baselines where CI runs (the same container or image), or refresh them there with "
        "--cx-update-snapshots. " * 2
    ).strip()
    result = ItemResult(
        nodeid=NODEID, file="tests/test_look.py", test="test_header_keeps_the_brand_look",
        cell="laptop-1366-no-throttle", device="laptop-1366", network="no-throttle",
        outcome="failed", duration_s=4.2, steps=steps,
        message=_clip(f"JourneyStepError: {text}", MAX_MESSAGE_CHARS),
        error="tests/test_look.py:19: in test_header_keeps_the_brand_look\n    cx_visual."
        "assert_matches('header')\n" + "".join(
            f"E   {'cxcheck.model.findings.JourneyStepError: ' if n == 0 else ''}{line}\n"
            for n, line in enumerate(text.splitlines())
        ),
        findings=[visual_finding("header", header, (1366, 64)),
                  visual_finding("page", page, (390, 2400)), load_run([]), *thresholds()],
        evidence_dir=str(folder), evidence=sorted(p.name for p in folder.iterdir()),
        trace="trace.zip",
    )  # fmt: skip
    passed = ItemResult(nodeid="tests/test_look.py::test_plain", file="tests/test_look.py",
                        test="test_plain", duration_s=0.2)  # fmt: skip
    return RunResults(results=[result, passed], exit_status=1, cxcheck_version="0.1.0")


def markup(path: Path) -> str:
    """The page's markup with the panels built on demand (gzipped in a data block) unpacked."""
    html = path.read_text(encoding="utf-8")
    block = re.search(r'id="cx-bodies">([^<]+)</script>', html)
    if block is not None:
        bodies = json.loads(gzip.decompress(base64.b64decode(block.group(1))))
        html += "".join(bodies.values())
    return html


def open_panel(page: Page) -> Locator:
    href = anchor(NODEID)
    page.evaluate("h => { location.hash = h; }", href)
    built(page)
    panel = page.locator(f"details.it:has({href})")
    assert panel.get_attribute("open") is not None
    return panel


def loaded(page: Page, images: Locator) -> None:
    images.evaluate_all("imgs => imgs.forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function(
        "els => els.every(i => i.complete && i.naturalWidth > 0)", arg=images.element_handles()
    )


ASPECT = """imgs => imgs.filter(i => i.offsetParent).flatMap(i => {
    const natural = i.naturalWidth / i.naturalHeight;
    const drawn = i.clientWidth / i.clientHeight;
    const size = `${i.naturalWidth}x${i.naturalHeight} drawn ${i.clientWidth}x${i.clientHeight}`;
    const off = Math.abs(drawn / natural - 1) > 0.02 || i.clientWidth > i.naturalWidth + 0.5;
    return off ? [`${i.alt}: ${size}`] : [];
})"""


def aspect_errors(images: Locator) -> list[str]:
    """Each visible picture whose drawn box is not its own aspect ratio (within 2 %), or is
    drawn wider than it is."""
    errors: list[str] = images.evaluate_all(ASPECT)
    return errors


def visible_panes(viewer: Locator) -> list[str]:
    kinds: list[str] = viewer.locator(".vp").evaluate_all(
        "ps => ps.filter(p => p.offsetParent).map(p => p.id.split('-').pop())"
    )
    return kinds


def test_the_diff_viewer_tabs_slider_and_overlay(
    cx_browser: Browser, tmp_path: Path, panels: str
) -> None:
    path = write_report(viewer_run(tmp_path), tmp_path / "report")
    with opened(cx_browser, path, **DESKTOP) as (page, problems):
        panel = open_panel(page)
        header = panel.locator(".vd").first
        assert header.locator("h3").inner_text().lower() == "snapshot header"
        numbers = header.locator(".vn").inner_text()
        assert "50 % of pixels differ (43,712 px)" in numbers
        assert "colour threshold 0.2" in numbers and "no difference allowed" in numbers
        tabs = header.get_by_role("tab")
        assert tabs.all_inner_texts() == ["Diff", "Actual", "Expected", "Slider", "Overlay"]
        assert visible_panes(header) == ["diff"]  # the diff first
        assert header.get_by_role("tab", name="Diff").get_attribute("aria-selected") == "true"

        for kind in ("actual", "expected", "diff"):
            header.get_by_role("tab", name=kind.title()).click()
            assert visible_panes(header) == [kind]
            assert header.get_by_role("tab", name=kind.title()).get_attribute("aria-selected") == (
                "true"
            )
            image = header.locator(f".vp-{kind} img")
            loaded(page, image)
            assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [1366, 64]
            assert aspect_errors(image) == []
            box = image.bounding_box()
            assert box is not None and box["height"] > 55  # not squeezed into a grey box
            link = header.locator(f".vp-{kind} a", has_text="full size")
            key = link.get_attribute("href") or ""
            assert key.startswith(f"{FILES_DIR}/") and key.endswith(f"visual-header-{kind}.png")
            assert (tmp_path / "report" / key).is_file()

        # the slider: the actual picture over the expected one, clipped where the range says
        header.get_by_role("tab", name="Slider").click()
        assert visible_panes(header) == ["slider"]
        layers = header.locator(".vp-slider img")
        loaded(page, layers)
        assert aspect_errors(layers) == []
        top = header.locator(".vp-slider img.over")
        assert top.evaluate("i => getComputedStyle(i).clipPath") == "inset(0px 0px 0px 50%)"
        slider = header.locator(".vp-slider input[type=range]")
        slider.focus()
        page.keyboard.press("Home")
        assert top.evaluate("i => getComputedStyle(i).clipPath") == "inset(0px 0px 0px 0%)"
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        assert top.evaluate("i => getComputedStyle(i).clipPath") == "inset(0px 0px 0px 3%)"
        handle = header.locator(".vp-slider .handle").bounding_box()
        stage = header.locator(".vp-slider .stage").bounding_box()
        assert handle is not None and stage is not None
        assert abs(handle["x"] + 1 - (stage["x"] + 0.03 * stage["width"])) < 2

        # the overlay: the actual picture over the expected one, as opaque as the range says
        header.get_by_role("tab", name="Overlay").click()
        assert visible_panes(header) == ["overlay"]
        fade = header.locator(".vp-overlay img.over")
        assert fade.evaluate("i => getComputedStyle(i).opacity") == "0.5"
        header.locator(".vp-overlay input[type=range]").focus()
        page.keyboard.press("End")
        assert fade.evaluate("i => getComputedStyle(i).opacity") == "1"
        page.keyboard.press("Home")
        assert fade.evaluate("i => getComputedStyle(i).opacity") == "0"

        # the other snapshot keeps its own tab: a tall page, drawn at its size and scrolling
        tall = panel.locator(".vd").nth(1)
        assert visible_panes(tall) == ["diff"]
        image = tall.locator(".vp-diff img")
        loaded(page, image)
        assert aspect_errors(image) == []
        assert image.evaluate("i => i.clientWidth") == 390  # never scaled above its size
        scroller = tall.locator(".vp-diff .vs")
        assert scroller.evaluate("b => b.scrollHeight > b.clientHeight + 100")
        assert scroller.evaluate("b => b.clientHeight <= innerHeight * 0.8 + 2")
        assert problems == []


def _overflow(page: Page) -> dict[str, Any]:
    """What sticks out at this width: the page's own scroll width, elements of the opened
    panels wider than the viewport, clipped or hidden table cells, cells without a label."""
    result: dict[str, Any] = page.evaluate("""() => {
        const W = document.documentElement.clientWidth;
        const open = [...document.querySelectorAll('details[open] > .bd')];
        const wide = open.flatMap(b => [...b.querySelectorAll('*')]).filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.left < -0.5 || r.right > W + 0.5);
        }).map(e => `${e.tagName}.${e.className}`);
        const cells = open.flatMap(b => [...b.querySelectorAll('td, th')]);
        const clipped = cells.filter(c => c.scrollWidth > c.clientWidth + 1 ||
            (c.scrollHeight > c.clientHeight + 1 && getComputedStyle(c).overflowY !== 'visible'))
            .map(c => c.textContent.slice(0, 40));
        const hidden = cells
            .filter(c => c.tagName === 'TD' && getComputedStyle(c).display === 'none')
            .map(c => c.textContent.slice(0, 40));
        const unlabelled = cells.filter(c => c.tagName === 'TD' && !c.classList.contains('x')
            && !c.dataset.label).map(c => c.textContent.slice(0, 40));
        const labels = [...new Set(cells.map(c => c.dataset.label).filter(Boolean))];
        return {scroll: document.documentElement.scrollWidth, width: W, wide, clipped, hidden,
                unlabelled, labels};
    }""")
    return result


def test_at_phone_width_nothing_is_wider_than_the_screen_nor_cut(
    cx_browser: Browser, tmp_path: Path
) -> None:
    path = write_report(viewer_run(tmp_path), tmp_path / "report")
    with opened(cx_browser, path, **PHONE) as (page, problems):
        panel = open_panel(page)
        loaded(page, panel.locator(".shots img, .vd .vp-diff img"))
        seen = _overflow(page)
        assert seen["scroll"] <= seen["width"] == 390
        assert seen["wide"] == []
        assert seen["clipped"] == [] and seen["hidden"] == [] and seen["unlabelled"] == []
        for label in ("Step", "Time", "Budget", "TTFB", "LCP", "Requests", "p95 ms", "p99 ms",
                      "Failures", "Limit", "Measured"):  # fmt: skip
            assert label in seen["labels"], label
        # every step's budget and the endpoints' p95 are on screen, as label: value lines
        budgets = panel.locator("table.steps td[data-label=Budget]")
        assert budgets.count() == 4 and all(t == "5 s" for t in budgets.all_inner_texts())
        p95 = panel.locator("table.le td[data-label='p95 ms']")
        assert p95.count() == 3 and p95.first.is_visible()

        # the step's error whole, wrapped, in a block of its own under its step
        error = panel.locator("table.steps pre.serr")
        assert error.inner_text().replace("\n", "") == STEP_ERROR
        assert error.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
        assert error.evaluate(
            "e => e.closest('tr').previousElementSibling.classList.contains('bad')"
        )

        # the filmstrip: frames two to a row, captions of 11 px or more
        frames = panel.locator(".shots figure")
        assert frames.count() == 4
        tops = [frames.nth(i).bounding_box() for i in range(4)]
        assert all(b is not None for b in tops)
        assert tops[0]["y"] == tops[1]["y"] < tops[2]["y"]  # type: ignore[index]
        assert tops[0]["width"] > 150  # type: ignore[index]
        sizes = panel.locator(".shots figcaption, .shots figcaption *").evaluate_all(
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert min(sizes) >= 11
        assert frames.nth(3).inner_text().endswith("1.70 s of 5 s · failed")

        # the viewer fits the width, its tabs on screen; the tall picture scrolls in its box
        header = panel.locator(".vd").first
        tabs = header.locator("button")
        for i in range(tabs.count()):
            box = tabs.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert aspect_errors(panel.locator(".vd img")) == []
        header.get_by_role("tab", name="Slider").click()
        loaded(page, header.locator(".vp-slider img"))
        assert aspect_errors(header.locator(".vp-slider img")) == []
        assert _overflow(page)["wide"] == []
        # 1:1 shows the picture at its own size, scrolling sideways inside its box
        header.get_by_role("tab", name="Diff").click()
        header.locator("button.vz").click()
        image = header.locator(".vp-diff img")
        assert image.evaluate("i => i.clientWidth") == 1366
        assert header.locator(".vp-diff .vs").evaluate("b => b.scrollWidth > b.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert problems == []


def test_without_javascript_the_pictures_stand_one_under_the_other(
    cx_browser: Browser, tmp_path: Path
) -> None:
    path = write_report(viewer_run(tmp_path), tmp_path / "report")
    with opened(cx_browser, path, java_script_enabled=False, **DESKTOP) as (page, problems):
        page.goto(path.as_uri() + anchor(NODEID))  # fragment navigation opens the <details>
        header = page.locator(".vd").first
        assert visible_panes(header) == ["expected", "actual", "diff"]
        assert not header.locator(".vtabs").is_visible()
        images = header.locator(".vp img[src]")
        loaded(page, images)
        assert images.count() == 3 and aspect_errors(images) == []
        assert problems == []


def test_a_single_file_report_holds_its_pictures(
    cx_browser: Browser, tmp_path: Path, panels: str
) -> None:
    run = viewer_run(tmp_path)
    folder = tmp_path / "report"
    plain = markup(write_report(run, folder))
    assert "img-src 'self';" in plain and "data:" not in content_security_policy()
    assert 'src="files/' in plain and (folder / "favicon.svg").is_file()

    path = write_report(run, folder, single_file=True)
    html = markup(path)
    assert 'src="files/' not in html and 'src="data:image/png;base64,' in html
    assert "img-src 'self' data:;" in html
    assert content_security_policy(single_file=True) in html
    assert not (folder / "favicon.svg").exists()
    # the trace and the pictures at full size are still files beside it, linked relatively
    assert 'href="files/' in html and list((folder / FILES_DIR).rglob("trace.zip"))

    alone = tmp_path / "elsewhere" / "index.html"  # the one file a CI system kept
    alone.parent.mkdir()
    shutil.copy(path, alone)
    with opened(cx_browser, alone, **DESKTOP) as (page, problems):
        panel = open_panel(page)
        srcs = page.eval_on_selector_all("img[src]", "is => is.map(i => i.getAttribute('src'))")
        assert srcs and all(s.startswith("data:image/") for s in srcs)
        images = panel.locator("img[src]")
        loaded(page, images)
        assert aspect_errors(panel.locator(".vd img")) == []
        header = panel.locator(".vd").first
        header.get_by_role("tab", name="Overlay").click()
        loaded(page, header.locator(".vp-overlay img"))
        assert header.locator(".vp-overlay img.under").get_attribute("src") == (
            header.locator(".vp-expected img").get_attribute("src")
        )
        assert problems == []


def test_a_hostile_snapshot_stays_text(cx_browser: Browser, tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    folder.mkdir()
    files = snapshot_pictures(folder, "x", (120, 40))
    shot = '"><img src=x onerror=window.__pwned=7>.png'
    (folder / files["diff"]).rename(folder / shot)
    files["diff"] = shot
    finding = visual_finding(EVIL, files, (120, 40))
    finding.data.update(ratio=EVIL, threshold="</script><script>window.__pwned=8</script>")
    result = ItemResult(
        nodeid="t.py::test_evil", file="t.py", test="test_evil", outcome="failed",
        findings=[finding], evidence_dir=str(folder), evidence=sorted(os.listdir(folder)),
    )  # fmt: skip
    path = write_report(RunResults(results=[result]), tmp_path / "report")
    with opened(cx_browser, path) as (page, problems):
        page.locator("details.it > summary").click()
        viewer = page.locator(".vd")
        assert "<script>window.__pwned=1</script>" in (viewer.locator("h3").text_content() or "")
        for tab in ("Diff", "Actual", "Expected", "Slider", "Overlay"):
            viewer.get_by_role("tab", name=tab).click()
        loaded(page, viewer.locator("img[src]"))
        page.wait_for_timeout(100)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert viewer.locator(".vn").inner_text() == "2,400 pixels differ"  # the rest: not numbers
        assert problems == []


def test_a_clipped_message_is_shown_whole_from_the_error(tmp_path: Path) -> None:
    run = viewer_run(tmp_path)
    result = run.results[0]
    assert result.message and result.message.endswith("more characters)")
    whole = full_message(result.message, result.error)
    assert whole is not None and whole.startswith("JourneyStepError: visual: snapshot 'header'")
    assert whole.endswith("--cx-update-snapshots.") and "more characters" not in whole
    html = write_report(run, tmp_path / "report").read_text(encoding="utf-8")
    assert "more characters)" not in html.split('<pre class="msg q">')[1].split("</pre>")[0]
    # nothing to find: the clipped message stays as it was
    assert full_message("boom… (12 more characters)", "no such text") == (
        "boom… (12 more characters)"
    )
    assert full_message("short", None) == "short"
    native = "Traceback (most recent call last):\n  ...\nValueError: " + "x" * 700
    clipped = _clip("ValueError: " + "x" * 700, MAX_MESSAGE_CHARS)
    assert full_message(clipped, native) == "ValueError: " + "x" * 700


@pytest.mark.parametrize("wanted", ["option", "ini"])
def test_the_single_file_option_and_ini_value(
    pytester: pytest.Pytester, run_pytest: Any, wanted: str
) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    if wanted == "ini":
        pytester.makeini("[pytest]\ncx_report = out\ncx_report_single_file = true\n")
        result = run_pytest(inprocess=True)
    else:
        result = run_pytest("--cx-report", "out", "--cx-report-single-file", inprocess=True)
    result.assert_outcomes(passed=1)
    html = (pytester.path / "out" / "index.html").read_text(encoding="utf-8")
    assert "img-src 'self' data:;" in html


def test_the_single_file_option_needs_a_report(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = run_pytest("--cx-report-single-file", inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cx-report-single-file needs --cx-report DIR*"])
    helped = run_pytest("--help", inprocess=True)
    helped.stdout.fnmatch_lines(["*--cx-report-single-file*"])
