"""How one machine runs a matrix: how many workers, and which cells go first.

A throttled cell spends most of its time waiting: on its emulated network and on its emulated
slow CPU (Chromium pauses the renderer rather than burning the core). Waiting overlaps, so a
machine runs more such cells at once than it has cores; what it cannot overlap is CPU. The last
run measured both per cell (``duration_s`` and ``cpu_s``, the test process's tree), so the number
of workers that keeps the cores busy without queueing on them is about ``cores / share``, where
``share`` is the CPU a running cell keeps busy (CPU seconds per wall second) — bounded below by
the cores, above by memory, by the number of cells and by :data:`MAX_PER_CORE`.

With as many workers as that, the run cannot end before its longest cell ends, so the longest
cells start first (longest processing time first, a greedy schedule within 4/3 of the best one):
a long cell started last would run alone at the end while the other workers idle. But not two
CPU-heavy cells at once where the cores cannot hold them (:func:`pick`).

Pure arithmetic: the xdist hooks in :mod:`cxcheck.plugin.scheduling` call it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["MAX_PER_CORE", "WORKER_MEMORY", "Measured", "WorkerPlan", "cpu_shares",
           "longest_first", "pick", "plan_workers"]  # fmt: skip

MAX_PER_CORE = 4
"""At most this many workers per core: past it, worker start-up (a Python process and a browser
each) and the cores' queue cost more than the overlap wins, however little CPU a cell needs."""

WORKER_MEMORY = 600 * 1024 * 1024
"""What one worker holds at its peak: pytest, Playwright's driver, Chromium and a page or two."""

THROTTLED_GUESS = 2
"""Workers per core when nothing is measured yet but the matrix has a throttled network."""

MIN_MEASURED_S = 10.0
"""Less measured time than this says nothing about a run's CPU share (start-up dominates)."""


@dataclass(frozen=True)
class Measured:
    """An earlier run's time per node id, and its CPU time where it was measured."""

    seconds: Mapping[str, float]
    cpu_s: Mapping[str, float] = field(default_factory=dict)
    source: str = ""
    """Where it was read, as the header names it."""

    def cpu_share(self) -> float | None:
        """CPU seconds per wall second of a running cell, over the cells with both measured;
        None when too little was measured to say."""
        both = [(s, self.cpu_s[k]) for k, s in self.seconds.items() if k in self.cpu_s]
        wall = sum(s for s, _ in both)
        if wall < MIN_MEASURED_S:
            return None
        return sum(c for _, c in both) / wall


@dataclass(frozen=True)
class WorkerPlan:
    """How many workers, and why (printed in the run's header)."""

    workers: int
    reason: str


def plan_workers(
    cores: int,
    memory_available: int | None,
    measured: Measured | None,
    throttled: bool,
) -> WorkerPlan:
    """The number of xdist workers for ``-n auto``. ``throttled``: the configured matrix has a
    network with latency or a throughput limit (its cells wait)."""
    cores = max(1, cores)
    share = measured.cpu_share() if measured is not None else None
    if share is not None:
        wanted = math.ceil(cores / max(share, 1e-3))
        why = (f"{cores} cores ÷ {share:.2f} CPU per running cell, as measured in "
               f"{measured.source}" if measured and measured.source else "")  # fmt: skip
    elif throttled:
        wanted = cores * THROTTLED_GUESS
        why = f"{cores} cores × {THROTTLED_GUESS}: throttled networks wait, nothing measured yet"
    else:
        return WorkerPlan(cores, f"{cores} cores: no throttled network, nothing measured yet")
    limits = [(cores * MAX_PER_CORE, f"at most {MAX_PER_CORE} per core")]
    if memory_available is not None:
        limits.append((max(1, memory_available // WORKER_MEMORY),
                       f"{memory_available / 2**30:.1f} GiB free at "
                       f"{WORKER_MEMORY // 2**20} MiB a worker"))  # fmt: skip
    if measured is not None and measured.seconds:
        cells = len(measured.seconds) // 2  # more workers would start more than they run
        limits.append((max(cores, cells), "2 cells a worker at least"))
    workers = max(cores, wanted)
    for limit, because in limits:
        if limit < workers:
            workers, why = max(1, limit), f"{why}; {because}"
    return WorkerPlan(workers, why)


def longest_first(nodeids: Sequence[str], seconds: Mapping[str, float]) -> list[int]:
    """The indices of ``nodeids`` in the order to start them: longest measured first. A test
    with no measurement (new, or renamed) counts as the median measured one; ties keep the
    collection order, so the order is the same on every worker and every run."""
    known = [seconds[n] for n in nodeids if n in seconds]
    typical = statistics.median(known) if known else 0.0
    return sorted(range(len(nodeids)), key=lambda i: (-seconds.get(nodeids[i], typical), i))


def cpu_shares(nodeids: Sequence[str], measured: Measured) -> list[float]:
    """Each test's CPU per wall second as last measured; a test without a measurement counts
    as the median measured one (0 when nothing was)."""
    known = {n: measured.cpu_s[n] / s for n, s in measured.seconds.items()
             if n in measured.cpu_s and s > 0}  # fmt: skip
    typical = statistics.median(known.values()) if known else 0.0
    return [known.get(n, typical) for n in nodeids]


def pick(pending: Sequence[int], running: Sequence[int], shares: Sequence[float],
         cores: int) -> int:  # fmt: skip
    """Which of ``pending`` (indices, longest first) to start next, beside the ``running``
    ones: the longest that still fits in the cores the running cells leave, else the one that
    needs the least CPU. Two CPU-heavy cells started together share the cores, and a throttled
    renderer that gets less CPU than its rate assumes runs slower still (the throttler's pause
    is wall time): measured, longest-first alone made the CPU-bound demo 10 % slower than
    xdist's order, which happens to interleave heavy and light cells."""
    busy = sum(shares[i] for i in running)
    for position, index in enumerate(pending):
        if busy + shares[index] <= cores:
            return position
    return min(range(len(pending)), key=lambda p: (shares[pending[p]], p))
