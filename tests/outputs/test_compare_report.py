"""The report's "Since the last run" section as markup: every entry links to a panel of the page,
text from tests and pages is escaped, long lists are cut and counted, the trend draws one square
per run, and a run compared with nothing has no section."""

from __future__ import annotations

import re
from pathlib import Path

from cxcheck.model.compare import compare
from cxcheck.model.results import Finding, ItemResult, RunResults, StepRecord
from cxcheck.outputs.report.compare_view import LIST_LIMIT
from cxcheck.outputs.report.page import write_report

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="alert(1)">'


def item(name: str, outcome: str = "passed", message: str | None = None,
         pay: float = 1.0) -> ItemResult:  # fmt: skip
    return ItemResult(
        nodeid=f"test_x.py::{name}[iphone-13-no-throttle]", file="test_x.py", test=name,
        cell="iphone-13-no-throttle", device="iphone-13", network="no-throttle",
        outcome=outcome, message=message, duration_s=pay,
        steps=[StepRecord(1, "pay " + PAYLOAD, None, duration_s=pay)],
    )  # fmt: skip


def page_of(run: RunResults, tmp_path: Path) -> str:
    return write_report(run, tmp_path / "report").read_text(encoding="utf-8")


def test_entries_link_to_panels_and_every_text_is_escaped(tmp_path: Path) -> None:
    before = RunResults(results=[item("test_a"), item("test_b", pay=1.0), item("test_gone")])
    now_a = item("test_a", "failed", message=PAYLOAD)
    now_a.findings = [Finding("a11y", PAYLOAD, check="label", target=PAYLOAD)]
    now = RunResults(results=[now_a, item("test_b", pay=3.0)])
    now.comparison = compare(now, [before, before], [PAYLOAD, "prev.json"], trends=True)
    html = page_of(now, tmp_path)
    section = html[html.index('id="since"') : html.index('id="results"')]
    assert "<script>" not in section and "<img" not in section  # only ever as text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in section
    links = re.findall(r'href="#(i-[0-9a-f-]+)"', section)
    assert links and all(f'id="{anchor}"' in html for anchor in links)
    assert 'id="cmp-newly-failing"' in section and 'id="cmp-slower"' in section
    assert 'id="cmp-findings"' in section and 'id="cmp-gone"' in section
    assert "pay " in section and " → " in section  # the slower step, before → after
    # The trend: one square per run, this run last.
    strips = re.findall(r'<svg class="dist"[^>]*>(.*?)</svg>', section)
    assert len(strips) == 2 and all(s.count("<rect") == 3 for s in strips)
    assert " style=" not in section  # the page's CSP allows no style attribute


def test_long_lists_are_cut_and_counted(tmp_path: Path) -> None:
    n = LIST_LIMIT + 5
    before = RunResults(results=[item(f"test_{i}") for i in range(n)])
    now = RunResults(results=[item(f"test_{i}", "failed", message="x") for i in range(n)])
    now.comparison = compare(now, [before])
    html = page_of(now, tmp_path)
    group = html[html.index('id="cmp-newly-failing"') :].split("</tbody>", 1)[0]
    assert group.count('<td class="sn"') == LIST_LIMIT
    assert "… and 5 more (all of them are in the results JSON)" in group
    assert f"Newly failing {n}" in group


def test_a_run_compared_with_nothing_has_no_section(tmp_path: Path) -> None:
    html = page_of(RunResults(results=[item("test_a")]), tmp_path)
    assert 'id="since"' not in html
