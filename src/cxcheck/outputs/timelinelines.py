"""Where a run's time went, as terminal lines: ``cxcheck timeline RESULTS.json`` prints them all,
the end of a run prints :func:`summary_line` (:mod:`cxcheck.model.timeline` does the arithmetic).
"""

from __future__ import annotations

from cxcheck.model.durations import format_seconds
from cxcheck.model.text import table
from cxcheck.model.timeline import Timeline

__all__ = ["summary_line", "timeline_lines", "worker_counts"]

GAPS_SHOWN = 3


def worker_counts(tl: Timeline) -> list[int]:
    """The worker (or shard) counts worth a line: doubling from 1 until the longest cell is the
    bound, and the run's own count."""
    longest = tl.longest
    if longest is None:
        return []
    counts, n = [], 1
    while True:
        counts.append(n)
        if tl.lower_bound(n) <= longest.duration_s or n >= 1024:
            break
        n *= 2
    return sorted({*counts, len(tl.lanes)})


def timeline_lines(tl: Timeline) -> list[str]:
    longest = tl.longest
    if longest is None:
        return ["no cell has a start and an end: nothing ran, or the results were written by a "
                "cxcheck before 0.1 recorded them"]  # fmt: skip
    lanes = tl.lanes
    lines = [
        f"{len(tl.bars)} cells on {len(lanes)} worker{'s' if len(lanes) != 1 else ''}; "
        f"wall time {format_seconds(tl.wall_s)} (the run's start to its end)",
        "",
    ]
    rows = []
    for lane in lanes:
        idle = max(0.0, tl.wall_s - lane.busy_s)
        cpu = lane.cpu_s
        rows.append([lane.worker, str(len(lane.bars)), format_seconds(lane.busy_s),
                     _percent(lane.busy_s / tl.wall_s if tl.wall_s else None),
                     format_seconds(idle), str(len(lane.gaps)),
                     "–" if cpu is None else format_seconds(cpu)])  # fmt: skip
    lines += table(["worker", "cells", "busy", "busy %", "idle", "gaps", "cpu"], rows).split("\n")
    for lane in lanes:
        for start, end in sorted(lane.gaps, key=lambda g: g[0] - g[1])[:GAPS_SHOWN]:
            lines.append(f"  {lane.worker} idle {format_seconds(end - start)} "
                         f"from {format_seconds(start - tl.start)} to "
                         f"{format_seconds(end - tl.start)}{_where(tl, start, end)}")  # fmt: skip
    lines += [
        "",
        f"cells' total: {format_seconds(tl.total_s)} (what one worker would take)",
        f"critical path: the longest cell, {format_seconds(longest.duration_s)}, {longest.label} "
        f"on {longest.worker}: no number of workers or shards finishes this run sooner",
        "what N workers or shards would buy, at best (max(longest cell, total / N), the cells "
        "taking as long as here):",
    ]
    for n in worker_counts(tl):
        bound = tl.lower_bound(n)
        why = " (the longest cell)" if bound <= longest.duration_s else ""
        here = " (this run's count)" if n == len(lanes) else ""
        lines.append(f"  {n:>4}: {format_seconds(bound)}{why}{here}")
    lines += _cpu_lines(tl)
    if tl.unplaced:
        lines.append(f"{len(tl.unplaced)} result(s) have no start and end and are left out")
    return lines


def summary_line(tl: Timeline) -> str | None:
    """One line for the end of a run; None when no cell has times."""
    longest = tl.longest
    if longest is None:
        return None
    busy = sum(lane.busy_s for lane in tl.lanes)
    used = busy / (tl.wall_s * len(tl.lanes)) if tl.wall_s else None
    more = 2 * len(tl.lanes)
    return (f"wall {format_seconds(tl.wall_s)} on {len(tl.lanes)} worker(s), "
            f"{_percent(used)} busy; longest cell {format_seconds(longest.duration_s)}; "
            f"{more} workers: ≥ {format_seconds(tl.lower_bound(more))}"
            + (f"; CPU {_percent(tl.cpu_share)} of {tl.cpus} cores" if tl.cpu_share is not None
               else "") + " (cxcheck timeline RESULTS.json says more)")  # fmt: skip


def _cpu_lines(tl: Timeline) -> list[str]:
    cpu, share = tl.cpu_s, tl.cpu_share
    if cpu is None:
        return ["CPU: not measured (cells record it on Linux only)"]
    per_cell = cpu / tl.total_s if tl.total_s else 0.0
    out = [f"CPU: {format_seconds(cpu)} in the cells (the test processes, the Playwright "
           f"drivers and the browsers), {per_cell:.2f} core per running cell"]  # fmt: skip
    if share is not None:
        out.append(f"  {_percent(share)} of the machine's {tl.cpus} cores over the wall time")
        if share >= 0.8:
            out.append("  the machine was busy: more workers on it share its cores (cells get "
                       "slower); shards on other machines would buy the time above")  # fmt: skip
    return out


def _where(tl: Timeline, start: float, end: float) -> str:
    if start <= tl.start:
        return " (before its first cell)"
    if end >= tl.end:
        return " (after its last cell)"
    return ""


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"
