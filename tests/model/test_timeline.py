"""Where a run's time went (model/timeline.py) and its terminal lines (outputs/timelinelines.py):
the arithmetic on hand-made results, no browser."""

from __future__ import annotations

import pytest

from cxcheck.model.results import ItemResult, MachineLoad, RunResults
from cxcheck.model.timeline import MIN_GAP_S, lower_bound, timeline
from cxcheck.outputs.timelinelines import summary_line, timeline_lines, worker_counts

T0 = 1_700_000_000.0


def cell(name: str, worker: str, start: float, end: float, outcome: str = "passed",
         cpu: float | None = None, **more: object) -> ItemResult:  # fmt: skip
    return ItemResult(nodeid=f"t.py::{name}", file="t.py", test=name, outcome=outcome,
                      started_at=T0 + start, finished_at=T0 + end, duration_s=end - start,
                      worker=worker, cpu_s=cpu, load=MachineLoad(0.1, 0.2, 2),
                      **more)  # type: ignore[arg-type]  # fmt: skip


def run_of(*results: ItemResult, end: float = 10.0) -> RunResults:
    return RunResults(results=list(results), started_at=T0, finished_at=T0 + end)


@pytest.mark.parametrize(
    ("total", "longest", "workers", "bound"),
    [(100.0, 10.0, 1, 100.0), (100.0, 10.0, 4, 25.0), (100.0, 10.0, 10, 10.0),
     (100.0, 10.0, 64, 10.0), (0.0, 0.0, 3, 0.0), (7.0, 7.0, 2, 7.0)],
)  # fmt: skip
def test_lower_bound_is_the_longest_cell_or_the_total_spread_evenly(
    total: float, longest: float, workers: int, bound: float
) -> None:
    assert lower_bound(total, longest, workers) == pytest.approx(bound)


def test_lower_bound_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="workers must be 1 or more, not 0"):
        lower_bound(10.0, 1.0, 0)


def test_lanes_busy_time_gaps_and_the_critical_path() -> None:
    tl = timeline(run_of(
        cell("a", "gw1", 0.2, 3.0, cpu=1.0),
        cell("b", "gw0", 1.0, 2.0, cpu=0.5),
        cell("c", "gw0", 2.1, 8.1, "failed", cpu=3.0),  # the longest: 6 s
        cell("d", "gw1", 3.05, 5.0),
        cell("e", "gw10", 0.0, 1.0),
        cell("f", "gw2", 0.0, 1.0),
        ItemResult(nodeid="t.py::never", file="t.py", test="never", outcome="not-run"),
    ))  # fmt: skip
    assert [lane.worker for lane in tl.lanes] == ["gw0", "gw1", "gw2", "gw10"]
    gw0, gw1 = tl.lanes[0], tl.lanes[1]
    assert [b.nodeid for b in gw0.bars] == ["t.py::b", "t.py::c"]
    assert gw0.busy_s == pytest.approx(7.0)
    # 1 s before its first cell and 1.9 s after its last; 0.1 s between cells is no gap
    assert gw0.gaps == [(T0, T0 + 1.0), (pytest.approx(T0 + 8.1), T0 + 10.0)]
    assert gw1.gaps == [(T0 + 5.0, T0 + 10.0)]  # 0.2 s at its start is under MIN_GAP_S
    assert MIN_GAP_S > 0.2
    assert gw0.cpu_s == pytest.approx(3.5) and tl.lanes[2].cpu_s is None
    assert tl.wall_s == pytest.approx(10.0)
    assert tl.total_s == pytest.approx(1 + 6 + 2.8 + 1.95 + 1 + 1)
    assert tl.longest is not None and tl.longest.nodeid == "t.py::c"
    assert tl.longest.outcome == "failed"
    assert tl.lower_bound(1) == pytest.approx(tl.total_s)
    assert tl.lower_bound(100) == pytest.approx(6.0)
    assert tl.cpu_s == pytest.approx(4.5)
    assert tl.cpus == 2
    assert tl.cpu_share == pytest.approx(4.5 / (10 * 2))
    assert tl.unplaced == []


def test_reruns_are_bars_too_and_results_without_times_are_named() -> None:
    first = cell("r", "gw0", 0.0, 2.0, "failed")
    final = cell("r", "gw0", 2.5, 3.0, "flaky", attempts=[first], attempt=2)
    old = ItemResult(nodeid="t.py::old", file="t.py", test="old", started_at=T0)
    tl = timeline(run_of(final, old))
    assert [(b.outcome, b.attempt) for b in tl.bars] == [("failed", 1), ("flaky", 2)]
    assert tl.bars[1].label == "r (attempt 2)"
    assert tl.unplaced == ["t.py::old"]
    assert "1 result(s) have no start and end" in "\n".join(timeline_lines(tl))


def test_without_xdist_the_lane_is_main_and_a_run_with_no_times_says_so() -> None:
    tl = timeline(run_of(cell("a", "main", 0.0, 1.0)))
    assert [lane.worker for lane in tl.lanes] == ["main"]
    empty = timeline(RunResults(results=[]))
    assert empty.longest is None and summary_line(empty) is None
    assert "no cell has a start and an end" in timeline_lines(empty)[0]


def test_worker_counts_double_until_the_longest_cell_bounds_them() -> None:
    # total 20 s, longest 3 s: 1 → 20, 2 → 10, 4 → 5, 8 → 3 (the longest cell)
    tl = timeline(run_of(*(cell(str(i), "gw0", i * 2.0, i * 2.0 + 2.0) for i in range(7)),
                         cell("long", "gw1", 0.0, 3.0), end=14.0))  # fmt: skip
    assert tl.total_s == pytest.approx(17.0)
    assert worker_counts(tl) == [1, 2, 4, 8]
    text = "\n".join(timeline_lines(tl))
    assert "8 cells on 2 workers; wall time 14.0 s" in text
    assert "critical path: the longest cell, 3.00 s, long on gw1" in text
    assert "     2: 8.50 s (this run's count)" in text
    assert "     8: 3.00 s (the longest cell)" in text
    assert "cells' total: 17.0 s" in text


def test_cpu_lines_say_what_was_measured_and_when_the_machine_was_full() -> None:
    busy = timeline(run_of(cell("a", "gw0", 0, 10, cpu=9.0), cell("b", "gw1", 0, 10, cpu=8.0)))
    text = "\n".join(timeline_lines(busy))
    assert "CPU: 17.0 s in the cells" in text
    assert "0.85 core per running cell" in text
    assert "85% of the machine's 2 cores" in text
    assert "shards on other machines" in text
    unmeasured = timeline(run_of(cell("a", "gw0", 0, 10)))
    assert "CPU: not measured" in "\n".join(timeline_lines(unmeasured))


def test_the_summary_line_is_one_short_line() -> None:
    tl = timeline(run_of(cell("a", "gw0", 0, 4, cpu=2.0), cell("b", "gw1", 0, 8, cpu=2.0)))
    line = summary_line(tl)
    assert line == (
        "wall 10.0 s on 2 worker(s), 60% busy; longest cell 8.00 s; 4 workers: ≥ 8.00 s; "
        "CPU 20% of 2 cores (cxcheck timeline RESULTS.json says more)"
    )
