"""The report's Timeline section, opened in a real Chromium: one lane per worker, a bar per cell
linking to its result, the critical path marked, readable with 600 cells and on a phone."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from cxcheck.model.results import ItemResult, MachineLoad, RunResults
from cxcheck.outputs.report.page import write_report
from tests.outputs.test_report import opened

T0 = 1_700_000_000.0
WORKERS = ("gw0", "gw1", "gw2", "gw3")


def busy_run(cells: int) -> RunResults:
    """``cells`` cells dealt round-robin to four workers, 0.4 to 1.3 s each; cell 7 is the
    longest (9 s); every 13th failed."""
    results, at = [], dict.fromkeys(WORKERS, 0.5)
    for i in range(cells):
        worker = WORKERS[i % len(WORKERS)]
        duration = 9.0 if i == 7 else 0.4 + (i % 10) / 10
        start = at[worker]
        at[worker] = start + duration + 0.05
        results.append(ItemResult(
            nodeid=f"tests/t.py::test_{i // 6}[d{i % 3}-n{i % 2}]", file="tests/t.py",
            test=f"test_{i // 6}", cell=f"d{i % 3}-n{i % 2}", device=f"d{i % 3}",
            network=f"n{i % 2}", variant=str(i), outcome="failed" if i % 13 == 0 else "passed",
            duration_s=duration, started_at=T0 + start, finished_at=T0 + start + duration,
            worker=worker, cpu_s=duration * 0.3, load=MachineLoad(1.0, 1.0, 2),
        ))  # fmt: skip
    return RunResults(results=results, started_at=T0, finished_at=T0 + max(at.values()) + 0.5,
                      exit_status=1)  # fmt: skip


def test_one_lane_per_worker_one_linked_bar_per_cell_and_the_critical_path(
    cx_browser: Browser, tmp_path: Path
) -> None:
    run = busy_run(24)
    path = write_report(run, tmp_path / "r")
    with opened(cx_browser, path) as (page, problems):
        section = page.locator("#timeline")
        expect(section.locator("h2")).to_have_text("Timeline")
        assert section.locator("svg.tl text.wk").all_text_contents() == list(WORKERS)
        bars = section.locator("svg.tl a > rect.tb")
        assert bars.count() == 24
        assert section.locator("rect.tb.o-failed").count() == 2  # cells 0 and 13
        critical = section.locator("rect.tb.crit")
        assert critical.count() == 1
        assert "the critical path" in critical.locator("title").text_content()  # type: ignore[operator]
        assert "critical path 9.00 s" in str(section.locator("text.cp").text_content())
        facts = section.locator(".tlfacts").inner_text()
        assert "Critical path" in facts and "9.00 s (the longest cell)" in facts
        assert "CPU" in facts
        # A bar leads to its cell's result, opened
        href = critical.locator("xpath=..").get_attribute("href")
        assert href is not None and href.startswith("#i-")
        critical.click()
        panel = page.locator(f"[id='{href[1:]}']").locator("xpath=..")
        expect(panel).to_have_attribute("open", "")
        assert "test_1" in panel.locator("summary").inner_text()
        assert problems == []


def test_600_cells_stay_bars_and_a_phone_scrolls_the_box_not_the_page(
    cx_browser: Browser, tmp_path: Path
) -> None:
    path = write_report(busy_run(600), tmp_path / "r")
    with opened(cx_browser, path, viewport={"width": 390, "height": 844}) as (page, problems):
        bars = page.locator("svg.tl rect.tb")
        assert bars.count() == 600
        widths = bars.evaluate_all("rs => rs.map(r => r.getBoundingClientRect().width)")
        assert min(widths) >= 0.8, min(widths)  # every cell visible, however short
        box = page.locator(".tlbox")
        sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert sizes[0] > sizes[1] > 300, sizes  # the chart scrolls inside its box
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 390, page_width  # and the page itself does not
        assert problems == []
