"""Where the time goes, in a real run: ``-n 2`` on throttled cells against fixtures/pages; the
results JSON times every cell on its worker, the report draws them, ``cxcheck timeline`` reads
the JSON."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxcheck.cli.main import main
from cxcheck.model.results import SCHEMA_FILE

THROTTLED = """
import pytest

@pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], networks=["slow-4g", "fast-4g"])
def test_home(cx_page):
    cx_page.goto("/index.html")
    cx_page.wait_for_timeout(300)
"""
OVERLAP_TOLERANCE_S = 0.05
"""One worker runs one cell at a time; both ends come from one process's clocks, so only a
wall-clock step could make two of its cells overlap, by more than this."""


@pytest.fixture(scope="module")
def timed_run(tmp_path_factory: pytest.TempPathFactory, pages_url: str) -> tuple[Path, str]:
    """One real run (folder, terminal output) shared by this module's tests."""
    from tests.helpers import run_session

    folder = tmp_path_factory.mktemp("timeline")
    (folder / "test_throttled.py").write_text(THROTTLED)
    result = run_session(folder, "-n", "2", "--cx-base-url", pages_url,
                         "--cx-json", "results.json", "--cx-report", "report")  # fmt: skip
    assert result.ret == 0, result.stdout.str()
    return folder, result.stdout.str()


def test_every_cell_has_its_worker_start_end_and_cpu(timed_run: tuple[Path, str]) -> None:
    folder, _ = timed_run
    data = json.loads((folder / "results.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text()))
    results = data["results"]
    assert len(results) == 4
    assert {r["worker"] for r in results} == {"gw0", "gw1"}
    lanes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        assert data["started_at"] <= r["started_at"] < r["finished_at"] <= data["finished_at"]
        assert r["finished_at"] - r["started_at"] == pytest.approx(r["duration_s"], abs=0.01)
        assert r["duration_s"] >= 0.3  # it waited 300 ms on top of a throttled page
        # The test's process, its driver and its browser did work; never more than every core
        # for the whole cell.
        assert 0 < r["cpu_s"] <= r["duration_s"] * (os.cpu_count() or 1) * 1.1 + 0.1, r
        lanes[r["worker"]].append(r)
    for cells in lanes.values():
        cells.sort(key=lambda r: r["started_at"])
        for before, after in itertools.pairwise(cells):
            assert after["started_at"] >= before["finished_at"] - OVERLAP_TOLERANCE_S


def test_the_report_draws_one_bar_per_cell_and_the_terminal_one_line(
    timed_run: tuple[Path, str],
) -> None:
    folder, stdout = timed_run
    html = (folder / "report" / "index.html").read_text(encoding="utf-8")
    start = html.index('<svg class="tl')
    svg = html[start : html.index("</svg>", start)]
    assert svg.count('<rect class="tb ') == 4
    assert len(re.findall(r'<rect class="tb o-\w+ crit"', svg)) == 1  # the critical path
    assert re.findall(r'<text class="wk"[^>]*>(gw\d)</text>', svg) == ["gw0", "gw1"]
    assert len(re.findall(r'<a href="#i-[^"]+"><rect class="tb', svg)) == 4
    assert re.search(r"cxcheck timeline: wall \S+ \S+ on 2 worker\(s\), \d+% busy; longest cell",
                     stdout), stdout  # fmt: skip


def test_cxcheck_timeline_reads_the_json(
    timed_run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = timed_run
    assert main(["timeline", str(folder / "results.json")]) == 0
    out = capsys.readouterr().out
    assert "4 cells on 2 workers; wall time" in out
    assert re.search(r"^gw0\s+2\s+", out, re.M) and re.search(r"^gw1\s+2\s+", out, re.M), out
    assert re.search(r"critical path: the longest cell, \S+ \S+, test_home \[\S+\] on gw\d", out)
    assert re.search(r"^ +2: .*\(this run's count\)$", out, re.M), out
    assert re.search(r"^CPU: .* in the cells", out, re.M), out


def test_cxcheck_timeline_says_what_is_wrong_with_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["timeline", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: no such file; give the file --cx-json wrote" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text('{"schema": "cxcheck-results",\n "version": }')
    assert main(["timeline", str(tmp_path / "bad.json")]) == 2
    assert "bad.json:2: not JSON" in capsys.readouterr().err
    (tmp_path / "other.json").write_text('{"schema": "something-else"}')
    assert main(["timeline", str(tmp_path / "other.json")]) == 2
    assert "not a cxcheck results file" in capsys.readouterr().err
