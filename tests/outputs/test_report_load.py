"""The report's load section: thresholds, endpoints, charts over time and the journey under load,
all drawn from a result's ``load`` findings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from cxcheck.model.results import Finding, ItemResult, RunResults
from cxcheck.outputs.report import charts
from cxcheck.outputs.report.page import write_report

NODEID = "tests/test_load.py::test_shop_under_load"


def endpoint(name: str, method: str, requests: int, failures: int, p95: float) -> dict[str, Any]:
    return {
        "name": name, "method": method, "requests": requests, "failures": failures,
        "rps": requests / 30, "p50_ms": p95 / 3, "p90_ms": p95 * 0.8, "p95_ms": p95,
        "p99_ms": p95 * 1.4, "max_ms": p95 * 2, "avg_ms": p95 / 2.5,
    }  # fmt: skip


def history(points: int = 10) -> list[dict[str, Any]]:
    """Users ramping up to 50 over 30 s; the first interval had no request finish yet."""
    out: list[dict[str, Any]] = []
    for i in range(points):
        t = 3.0 * (i + 1)
        users = min(50, 10 * (i + 1))
        p95 = None if i == 0 else 300.0 + 60 * i
        out.append(
            {"t_s": t, "users": users, "rps": 0.9 * users, "failures_per_s": 0.0,
             "p50_ms": None if p95 is None else p95 / 3, "p95_ms": p95}
        )  # fmt: skip
    return out


def load_run(hist: object) -> Finding:
    total = endpoint("Aggregated", "", 1234, 0, 812.0)
    return Finding(
        kind="load",
        check="load-run",
        severity="info",
        message="1234 requests, 41.1 rps, p95 812 ms, 0 failures over 30 s with 50 users",
        data={
            "host": "http://127.0.0.1:8000",
            "users": 50,
            "workers": 2,
            "duration_s": 30.0,
            "total": total,
            "endpoints": [
                endpoint("/api/products", "GET", 800, 0, 640.0),
                endpoint("<script>", "POST", 434, 3, 905.0),
            ],
            "history": hist,
        },
    )


def thresholds() -> list[Finding]:
    return [
        Finding(kind="load", check="load-threshold", severity="info", target="/api/products",
                message="failure ratio < 1 %: measured 0 %",
                data={"metric": "failure_ratio", "limit": 0.01, "measured": 0.0, "unit": "ratio"}),
        Finding(kind="load", check="load-threshold", severity="error", target="all requests",
                message="p(95) < 500 ms: measured 812 ms",
                data={"metric": "p95", "limit": 500.0, "measured": 812.0, "unit": "ms"}),
    ]  # fmt: skip


def slowdown() -> Finding:
    return Finding(
        kind="load",
        check="load-slowdown",
        severity="error",
        target="check out",
        message="step 'check out' took 2.4× as long under load (limit 2×)",
        data={"step": "check out", "baseline_s": 1.2, "under_load_s": 2.88, "ratio": 2.4,
              "max_slowdown": 2.0},
    )  # fmt: skip


def write(tmp_path: Path, *findings: Finding, name: str = "report") -> str:
    result = ItemResult(
        nodeid=NODEID, file="tests/test_load.py", test="test_shop_under_load",
        outcome="failed" if any(f.failing for f in findings) else "passed", duration_s=31.5,
        message="load thresholds breached", findings=list(findings),
    )  # fmt: skip
    path = write_report(RunResults(results=[result], exit_status=1), tmp_path / name)
    return path.read_text(encoding="utf-8")


def section(page: str) -> str:
    """The load block of the (only) result's panel."""
    start = page.index('<div class="load">')
    return page[start : page.index("<h3>Findings", start)]


def test_load_section_shows_thresholds_endpoints_charts_and_slowdowns(tmp_path: Path) -> None:
    page = write(tmp_path, load_run(history()), *thresholds(), slowdown())
    load = section(page)
    assert "<h3>Load</h3>" in load
    assert "1234 requests, 41.1 rps, p95 812 ms" in load
    assert "<code>http://127.0.0.1:8000</code>" in load
    assert "50 users" in load and "2 workers" in load

    # thresholds: the breached one first, with ✗ and its measured value
    rows = re.findall(r"<tr( class=\"bad\")?><td class=\"mk\"[^>]*>(.*?)</tr>", load)
    failing = [row for bad, row in rows if bad and "✗" in row]
    assert len(failing) == 1
    assert load.index("✗") < load.index("✓")
    assert "p95" in failing[0] and "≤ 500 ms" in failing[0] and "812 ms" in failing[0]
    assert "all requests" in failing[0]
    passing = [row for bad, row in rows if not bad]
    assert len(passing) == 1 and "✓" in passing[0] and "failure ratio" in passing[0]
    assert "≤ 1 %" in passing[0] and "/api/products" in passing[0]

    # the endpoint table, the aggregate as its footer, failures marked
    cells = re.sub(r' data-label="[^"]*"', "", load)  # each cell's column name, for phones
    assert (
        '<tr><td class="l">GET</td><td class="sn">/api/products</td><td>800</td><td>0</td>'
        "<td>26.7</td><td>213</td><td>640</td><td>896</td><td>1,280</td></tr>"
    ) in cells
    assert '<td class="sn">&lt;script&gt;</td><td>434</td><td class="bad">3</td>' in cells
    assert re.search(r"<tfoot><tr>.*?all requests.*?<td>1,234</td>", cells)
    assert '<td data-label="p95 ms">640</td>' in load

    # two accessible charts, with axes, min/max ticks and the dashed p95 limit
    charts = re.findall(
        r'<svg class="lc" viewBox="[^"]+" role="img" aria-label="([^"]+)"><title>([^<]+)</title>',
        load,
    )
    assert len(charts) == 2
    assert all(label == title for label, title in charts)
    assert charts[0][0].startswith("Requests per second over 30 s: peak 45 rps")
    assert "up to 50 users" in charts[0][0]
    assert "p95 limit 500 ms, exceeded in 6 of 10 intervals" in charts[1][0]
    for label in ("seconds", "rps", "users", "ms"):
        assert f">{label}</text>" in load
    assert ">0</text>" in load and ">30</text>" in load  # the run's first and last second
    assert ">50</text>" in load  # the rps and users axes' top
    assert ">1,000</text>" in load  # the response-time axis' top, above the limit and p95
    limit = re.search(r'<line class="lim" ([^>]*)/>', load)
    assert limit is not None and 'stroke-dasharray="6 4"' in limit.group(1)
    # halfway up a 0-1,000 ms axis whose plot runs from y=12 to y=156
    assert 'y1="84.0"' in limit.group(1)
    assert "p95 limit 500 ms</text>" in load
    assert load.count('<path class="s-p95" d="M') == 1  # the empty first interval: no gap mark
    assert re.search(r'<path class="s-users" d="M[\d. ]+H', load)  # users as a step line

    # the journey under load
    assert "Journey under load" in load
    assert re.search(
        r'<tr class="bad"><td class="sn">check out</td><td>1.20 s</td><td>2.88 s</td>'
        r'<td class="tm">× 2.4</td><td>× 2</td></tr>',
        cells,
    )

    # escaped everywhere; the findings list keeps the messages but not the data dump again
    assert "<script>" not in load
    assert "history:" not in page
    assert "p(95) &lt; 500 ms: measured 812 ms" in page


def test_a_run_without_history_has_tables_but_no_chart(tmp_path: Path) -> None:
    for n, hist in enumerate(([], None, "not a list", [{"users": 3}], [1, "x"])):
        load = section(write(tmp_path, load_run(hist), name=f"r{n}"))
        assert "<svg" not in load, hist
        assert "No history over time was recorded for this run: no charts." in load
        assert "/api/products" in load
        assert "Thresholds" not in load and "Journey under load" not in load


def test_odd_data_does_not_break_the_section(tmp_path: Path) -> None:
    broken = Finding(
        kind="load", check="load-run", severity="info", message="<b>half a run</b>",
        data={"users": "many", "total": "?", "endpoints": [None, {"name": 3, "rps": "fast"}],
              "history": [{"t_s": 5, "users": 1, "rps": True, "p50_ms": None, "p95_ms": 40.0}]},
    )  # fmt: skip
    odd_threshold = Finding(kind="load", check="load-threshold", severity="warning",
                            message="p95 on the basket", target="/basket",
                            data={"metric": "p95", "limit": float("nan")})  # fmt: skip
    load = section(write(tmp_path, broken, odd_threshold))
    assert "&lt;b&gt;half a run&lt;/b&gt;" in load
    cells = re.sub(r' data-label="[^"]*"', "", load)
    assert '<td class="sn">3</td>' in cells and "<td>–</td>" in cells
    assert load.count('<svg class="lc"') == 2  # one point: drawn as a dot
    assert '<circle class="s-p95"' in load
    assert 'class="lim"' not in load  # a limit that is not a number is not drawn
    assert '<span aria-hidden="true">!</span><span class="vh">warning</span>' in load


def test_results_without_load_findings_have_no_load_section(tmp_path: Path) -> None:
    page = write(tmp_path, Finding("budget", "too slow", check="step-budget"))
    assert '<div class="load">' not in page
    assert '<svg class="lc"' not in page


@pytest.mark.parametrize(
    ("value", "top"), [(0.0, 1.0), (0.3, 0.5), (45.0, 50.0), (50.0, 50.0), (812.0, 1000.0),
                       (2100.0, 2500.0)],
)  # fmt: skip
def test_chart_axes_end_on_a_round_number(value: float, top: float) -> None:
    assert charts.nice_ceiling(value) == pytest.approx(top)


def test_load_section_in_a_real_browser(cx_browser: Browser, tmp_path: Path) -> None:
    write(tmp_path, load_run(history()), *thresholds(), slowdown())
    context = cx_browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto((tmp_path / "report" / "index.html").as_uri())
        page.locator("details.it > summary").click()
        charts = page.get_by_role("img", name=re.compile(r"^(Requests per second|Response time)"))
        assert charts.count() == 2
        for i in range(2):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 60
        limit = page.locator("svg.lc line.lim")
        assert limit.evaluate("l => getComputedStyle(l).strokeDasharray") not in ("", "none")
        assert page.locator(".load table.le tbody tr").count() == 2
        assert page.locator(".load table.lt tr.bad").count() == 1
        assert problems == []
    finally:
        context.close()
