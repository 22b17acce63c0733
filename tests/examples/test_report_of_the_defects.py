"""The report a QA lead decides from, opened in Chromium after a real `cxcheck demo --defects`:
every failure on the first screen and explained, the same words as the terminal, one column
order, failures grouped by cause, and a page that fits a phone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from cxcheck.model.reasons import causes, reason
from cxcheck.model.results import RunResults
from tests.outputs.test_report import opened

# The whole demo, with -n 2, on a machine the suite keeps busy: minutes, not seconds.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

BAD = "td.c.o-failed, td.c.o-error"


@dataclass(frozen=True)
class Demo:
    folder: Path
    stdout: str
    run: RunResults

    @property
    def report(self) -> Path:
        return self.folder / "report" / "index.html"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo with every defect switched on, on its default matrix (3 devices × 2 networks)."""
    folder = tmp_path_factory.mktemp("defects")
    done = subprocess.run(
        [sys.executable, "-m", "cxcheck.cli", "demo", "--defects", "--report", "report",
         "--", "-p", "no:randomly", "-n", "2"],
        cwd=folder, capture_output=True, text=True, timeout=1500,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    run = RunResults.read_json(folder / "report" / "results.json")
    assert run.counts()["failed"] >= 25, run.counts()
    return Demo(folder, done.stdout, run)


@pytest.fixture
def desktop(cx_browser: Browser, demo: Demo) -> Iterator[Page]:
    with opened(cx_browser, demo.report, viewport={"width": 1440, "height": 900}) as (page, bad):
        yield page
        assert bad == []


def failed_cells(page: Page) -> list[dict[str, object]]:
    cells: list[dict[str, object]] = page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).map((td) => {
            const box = td.getBoundingClientRect();
            let boxed = null;  // an ancestor that scrolls its own content: a box that hides
            for (let el = td.parentElement; el; el = el.parentElement) {
                const s = getComputedStyle(el);
                if (/(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1
                        && el !== document.scrollingElement && el !== document.body) {
                    boxed = el.tagName + '.' + el.className;
                }
            }
            return {href: td.querySelector('a').getAttribute('href'), text: td.innerText,
                    top: box.top, bottom: box.bottom, shown: box.height > 0, boxed};
        })""",
        BAD,
    )
    return cells


def test_every_failure_is_on_the_first_screen_of_the_failures_view(
    desktop: Page, demo: Demo
) -> None:
    failed = sum(1 for r in demo.run.results if r.outcome in ("failed", "error"))
    desktop.locator("#f-fail").click()
    cells = failed_cells(desktop)
    assert len(cells) == failed
    off = [c for c in cells if not c["shown"] or c["boxed"] or float(str(c["bottom"])) > 900]
    assert off == [], off
    assert desktop.locator("details.it:visible").count() == failed  # the list, failures only
    # the default view: rows worst first, so every row with a failure comes before any other
    desktop.locator("#f-reset").click()
    bad_rows = desktop.locator("#mx tr.r").evaluate_all(
        "rows => rows.map((r) => r.classList.contains('bad'))"
    )
    assert bad_rows == sorted(bad_rows, reverse=True) and bad_rows[0]


def test_each_failed_cell_says_why_in_the_words_the_terminal_uses(
    desktop: Page, demo: Demo
) -> None:
    by_anchor = {c["href"]: str(c["text"]) for c in failed_cells(desktop)}
    for result in demo.run.results:
        why = reason(result)
        if result.outcome not in ("failed", "error") or why is None:
            continue
        cell = next(
            (text for href, text in by_anchor.items() if why.kind in text and why.detail[:20]
             in text.replace("\n", " ")),
            None,
        )  # fmt: skip
        assert cell is not None, (result.nodeid, why.text, by_anchor.values())
        if why.step:
            assert why.step[:12] in cell.replace("\n", " "), (result.nodeid, cell)
        # the terminal grid says the same (clipped where the grid is narrow)
        assert f"FAIL {why.text[:30]}" in demo.stdout, why.text


def test_networks_keep_one_order_for_every_device_and_load_tests_have_their_own_section(
    desktop: Page, demo: Demo
) -> None:
    heads = desktop.locator("#mx thead tr").nth(1).locator("th").all_inner_texts()
    devices = desktop.locator("#mx thead th[data-g]:not([data-c])").all_inner_texts()
    per_device = len(heads) // len(devices)
    orders = {tuple(heads[i : i + per_device]) for i in range(0, len(heads), per_device)}
    assert orders == {("slow-4g", "no-throttle")}, heads  # examples/pytest.ini's order
    assert "—" not in heads
    outside = desktop.locator("#ox tr.r th .rn").all_inner_texts()
    assert "test_the_product_api_holds_20_shoppers" in outside
    # the terminal grid, when it is a grid: one order too
    for line in demo.stdout.splitlines():
        if line.startswith("test ") and "slow-4g" in line:
            names = line.split()[1:]
            assert names == ["slow-4g", "no-throttle"] * (len(names) // 2), line


def test_failures_are_grouped_by_cause_with_a_link_to_each_cell(desktop: Page, demo: Demo) -> None:
    groups = causes(demo.run.results)
    shown = desktop.locator("#causes li.cause")
    assert shown.count() == len(groups)
    counts = [int(re.match(r"\d+", t).group()) for t in shown.locator(".cn").all_inner_texts()]  # type: ignore[union-attr]
    assert counts == [len(g.results) for g in groups]
    assert sum(counts) == sum(1 for r in demo.run.results if reason(r) is not None)
    banner = shown.filter(has_text="#add-to-basket").filter(has_text="#cookie-banner")
    assert banner.count() == 1 and banner.locator(".cls a").count() >= 2
    # a link opens the cell's panel
    link = banner.locator(".cls a").first
    link.click()
    href = link.get_attribute("href") or ""
    assert desktop.locator(f"details.it:has({href})").get_attribute("open") is not None
    # the terminal groups the same way: a line a cause, its count when more than one
    for group in groups:
        if len(group.results) > 1:
            assert f"FAIL ×{len(group.results)} {group.kind} · " in demo.stdout


def test_the_matrix_fits_a_phone(cx_browser: Browser, demo: Demo) -> None:
    with opened(cx_browser, demo.report, viewport={"width": 390, "height": 844},
                is_mobile=True, has_touch=True, device_scale_factor=3) as (page, bad):  # fmt: skip
        wide = page.evaluate(
            # The timeline's chart scrolls sideways inside its box, on purpose: the box fits.
            """() => Array.from(document.querySelectorAll('body *')).filter((el) => {
                const box = el.getBoundingClientRect();
                const scrolled = el.closest('.tlbox') && !el.classList.contains('tlbox');
                return box.width > 0 && !scrolled && (box.right > 391 || box.left < -1);
            }).map((el) => el.tagName + '.' + el.className).slice(0, 10)"""
        )
        assert wide == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # open every failed result: its tables are cards, no cell clipped, nothing wider
        page.locator("#f-fail").click()
        page.evaluate(
            "document.querySelectorAll('details.it:not([hidden])').forEach(d => d.open = true)"
        )
        page.wait_for_function("() => !document.querySelector('details[open] > .bd[data-lazy]')")
        clipped = page.evaluate(
            """() => Array.from(document.querySelectorAll('td, th')).filter((c) => {
                const box = c.getBoundingClientRect();
                if (box.width === 0) return false;
                return c.scrollWidth > c.clientWidth + 1 || box.right > 391 || box.left < -1;
            }).map((c) => c.closest('table').className + ' ' + c.textContent.slice(0, 40))
              .slice(0, 10)"""
        )
        assert clipped == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # every failed cell says where it ran, since the header is not beside it
        labels = page.locator(f"#mx :is({BAD}) .cl").all_inner_texts()
        assert labels and all(" · " in text for text in labels)
        assert bad == []


def test_the_diff_viewer_keeps_each_picture_s_aspect_ratio(desktop: Page) -> None:
    desktop.locator("#mx td.c a", has_text="visual").first.click()
    viewer = desktop.locator("details.it[open] section.vd").first
    # the snapshot is what the failure is about: it comes before the page and its requests
    headings = desktop.locator("details.it[open] .bd").first.evaluate(
        "b => Array.from(b.querySelectorAll('h3, section.vd')).map(e => e.tagName === 'SECTION'"
        " ? 'viewer' : e.textContent.trim())"
    )
    assert headings.index("viewer") < headings.index("When it failed"), headings
    for tab in ("Diff", "Actual", "Expected"):
        viewer.get_by_role("tab", name=tab).click()
        img = viewer.locator("img:visible").first
        desktop.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
        natural, shown = img.evaluate(
            "i => [i.naturalWidth / i.naturalHeight, i.clientWidth / i.clientHeight]"
        )
        assert abs(shown / natural - 1) < 0.02, (tab, natural, shown)


def test_no_path_of_the_machine_that_ran_it(demo: Demo) -> None:
    here = str(demo.folder)
    for path in (demo.report, demo.folder / "report" / "results.json"):
        text = path.read_text(encoding="utf-8")
        assert here not in text, path
        assert str(Path.home()) + "/" not in text, path


def test_the_results_json_is_what_the_report_shows(demo: Demo) -> None:
    data = json.loads((demo.folder / "report" / "results.json").read_text())
    assert data["networks"][:2] == ["slow-4g", "no-throttle"]
    assert data["devices"][:3] == ["iphone-13", "ipad-mini", "laptop-1366"]


def test_a_timed_out_action_and_a_failed_expect_say_what_was_wrong(
    desktop: Page, demo: Demo
) -> None:
    # The search journey's "accept cookies" click: the button is there, the product grid lies
    # over it. "was found after 10 s" alone never says why the click did not happen.
    searches = [r for r in demo.run.results
                if r.test == "search" and r.outcome == "failed"]  # fmt: skip
    assert searches, [r.nodeid for r in demo.run.results if r.outcome == "failed"]
    for result in searches:
        assert "why:" in (result.message or ""), result.message
        assert "intercepts pointer events (covered by another element)" in (result.message or "")
    desktop.locator("#mx tr", has_text="search[").first.locator("a", has_text="action").click()
    panel = desktop.locator("details.it[open]").first
    assert "intercepts pointer events" in panel.inner_text()
    # A Python test's expect on the price, which the price API's defect leaves "unavailable":
    # the cell names the element, the text it wanted and the text it found.
    price = desktop.locator("#mx tr", has_text="test_checkout_form_rejects_bad_input")
    cells = price.locator("td.c.o-failed").all_inner_texts()
    said = [c for c in cells if "#price to have text /£/" in c.replace("\n", " ")]
    assert said, cells
    assert re.search(r'FAIL (×\d+ )?assertion · #price to have text /£/, was "Price unavai',
                     demo.stdout), demo.stdout[-3000:]  # fmt: skip
