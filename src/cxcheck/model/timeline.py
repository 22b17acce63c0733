"""Where a run's time went: each worker's cells in time, its idle gaps, and what more workers or
shards would buy.

Every result knows when it started and ended and on which worker (``started_at``,
``finished_at``, ``worker``), and earlier attempts of a rerun item too: each is a :class:`Bar` on
its worker's :class:`Lane`. The **critical path** is the longest cell: no number of workers or
shards can finish the run sooner, since one cell runs on one worker. With the cells' total time
``T`` and the longest ``L``, N workers cannot take less than ``max(L, T / N)``: a lower bound,
that assumes a cell takes as long with N workers as it did here (more workers on the same
machine share its cores, so the CPU share below says whether that holds).

The HTML report's Timeline section, ``cxcheck timeline`` and the terminal summary's line read
this, and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cxcheck.model.results import ItemResult, RunResults

__all__ = ["Bar", "Lane", "Timeline", "lower_bound", "timeline"]

MIN_GAP_S = 0.5
"""Idle time on a worker shorter than this is pytest's own between two cells, not a gap."""


@dataclass(frozen=True)
class Bar:
    """One attempt of one item on its worker, in Unix time."""

    nodeid: str
    label: str
    """The test, its parameters and its cell, as a reader names it."""
    worker: str
    start: float
    end: float
    outcome: str
    cpu_s: float | None = None
    attempt: int = 1

    @property
    def duration_s(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(frozen=True)
class Lane:
    """One worker's bars, in the order they ran, and the idle gaps between them."""

    worker: str
    bars: list[Bar]
    gaps: list[tuple[float, float]]
    """(start, end) of idle time of at least MIN_GAP_S: before its first cell (the worker
    starting), between cells, and after its last (waiting for the other workers)."""

    @property
    def busy_s(self) -> float:
        return sum(b.duration_s for b in self.bars)

    @property
    def cpu_s(self) -> float | None:
        """Its cells' CPU seconds; None when no cell was measured."""
        known = [b.cpu_s for b in self.bars if b.cpu_s is not None]
        return sum(known) if known else None


@dataclass(frozen=True)
class Timeline:
    start: float
    end: float
    lanes: list[Lane]
    cpus: int | None = None
    """The cores of the machine that ran the cells (from the results' load), when known."""
    unplaced: list[str] = field(default_factory=list)
    """Node ids of results that ran but have no times (written by an older cxcheck)."""

    @property
    def wall_s(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def bars(self) -> list[Bar]:
        return [b for lane in self.lanes for b in lane.bars]

    @property
    def total_s(self) -> float:
        """The cells' time added up: what one worker would take."""
        return sum(b.duration_s for b in self.bars)

    @property
    def longest(self) -> Bar | None:
        """The critical path: the longest cell."""
        return max(self.bars, key=lambda b: b.duration_s, default=None)

    @property
    def cpu_s(self) -> float | None:
        known = [c for lane in self.lanes if (c := lane.cpu_s) is not None]
        return sum(known) if known else None

    @property
    def cpu_share(self) -> float | None:
        """The cells' CPU as a share of every core over the wall time (1.0: the machine was
        busy all along, and more workers on it would only share its cores)."""
        if self.cpu_s is None or not self.cpus or self.wall_s <= 0:
            return None
        return self.cpu_s / (self.wall_s * self.cpus)

    def lower_bound(self, workers: int) -> float:
        longest = self.longest
        return lower_bound(self.total_s, longest.duration_s if longest else 0.0, workers)


def lower_bound(total_s: float, longest_s: float, workers: int) -> float:
    """No run on ``workers`` workers (or shards) is shorter: all its cells' time spread evenly,
    and never less than its longest cell."""
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    return max(longest_s, total_s / workers)


def timeline(run: RunResults) -> Timeline:
    """The run's lanes, one per worker (``main`` first, then gw0, gw1... in number order)."""
    by_worker: dict[str, list[Bar]] = {}
    unplaced: list[str] = []
    cpus: int | None = None
    for result in run.results:
        for attempt in [*result.attempts, result]:
            bar = _bar(attempt)
            if bar is None:
                if attempt.outcome != "not-run":
                    unplaced.append(attempt.nodeid)
                continue
            by_worker.setdefault(bar.worker, []).append(bar)
            if attempt.load is not None:
                cpus = max(cpus or 0, attempt.load.cpus)
    bars = [b for found in by_worker.values() for b in found]
    start = min([b.start for b in bars] + ([run.started_at] if run.started_at else []),
                default=run.started_at)  # fmt: skip
    end = max([b.end for b in bars] + ([run.finished_at] if run.finished_at else []),
              default=start)  # fmt: skip
    lanes = [
        _lane(worker, sorted(by_worker[worker], key=lambda b: b.start), start, end)
        for worker in sorted(by_worker, key=_worker_order)
    ]
    return Timeline(start, end, lanes, cpus, unplaced)


def _bar(result: ItemResult) -> Bar | None:
    if result.finished_at is None or not result.started_at or result.outcome == "not-run":
        return None
    label = result.row + (f" [{result.cell}]" if result.cell else "")
    if result.attempt > 1 or result.attempts:
        label += f" (attempt {result.attempt})"
    return Bar(result.nodeid, label, result.worker or "main", result.started_at,
               max(result.started_at, result.finished_at), result.outcome, result.cpu_s,
               result.attempt)  # fmt: skip


def _lane(worker: str, bars: list[Bar], start: float, end: float) -> Lane:
    gaps, at = [], start
    for bar in [*bars, None]:
        until = end if bar is None else bar.start
        if until - at >= MIN_GAP_S:
            gaps.append((at, until))
        if bar is not None:
            at = max(at, bar.end)
    return Lane(worker, bars, gaps)


def _worker_order(worker: str) -> tuple[int, str]:
    """``main``, then xdist's gw0, gw1, ..., gw10 by number, then any other name."""
    if worker == "main":
        return (-1, "")
    found = re.fullmatch(r"gw(\d+)", worker)
    return (int(found.group(1)), "") if found else (1 << 30, worker)
