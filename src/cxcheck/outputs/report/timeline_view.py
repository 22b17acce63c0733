"""The report's Timeline section: one lane per worker, one bar per cell, as SVG geometry.

Bars are coloured by outcome (their CSS class), carry a tooltip (``<title>``) and link to their
result's panel; the critical path (the longest cell) is outlined and labelled. The chart's width
grows with the busiest lane's number of cells (about 3 units a cell), so 600 cells stay thin
bars rather than slivers; the template puts it in a box that scrolls sideways, so a phone shows
it at a readable size. :mod:`cxcheck.model.timeline` does the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from cxcheck.model.results import RunResults
from cxcheck.model.timeline import Bar, timeline
from cxcheck.outputs.report.text import outcome_class, seconds

__all__ = ["TimelineBar", "TimelineView", "timeline_view"]

LABEL_W = 52
"""Room left of the lanes for the workers' names."""
MIN_W, CELL_W, MAX_W = 960, 3, 6000
LANE_H, LANE_GAP, TOP, AXIS_H = 16, 6, 24, 26
MIN_BAR_W = 0.8
"""A cell shorter than a pixel is still drawn: every cell is a bar."""


@dataclass(frozen=True)
class TimelineBar:
    x: str
    y: int
    w: str
    cls: str
    href: str | None
    """``#i-<key>``: the result's panel; None when the result has no panel."""
    title: str
    critical: bool


@dataclass(frozen=True)
class Lane:
    label: str
    y: int
    text_y: int
    summary: str


@dataclass(frozen=True)
class TimelineView:
    summary: str
    """What it shows in words: the SVG's accessible name and the line under the heading."""
    width: int
    height: int
    plot_x: int
    plot_end: int
    axis_y: int
    lanes: list[Lane]
    bars: list[TimelineBar]
    ticks: list[tuple[str, str]]
    """(x, text) of each second mark on the axis."""
    critical: TimelineBar | None
    critical_label: str
    critical_anchor: str
    """Its label's text-anchor: ``end`` near the chart's right edge, so it stays inside."""
    fit: bool
    """A chart of the least width: drawn as wide as its box (never narrower than MIN_W, so a
    phone scrolls it); a wider one keeps its own size, so its bars stay bars."""
    facts: list[tuple[str, str]]
    """The numbers ``cxcheck timeline`` starts with: wall time, cells' total, longest cell..."""


def timeline_view(run: RunResults, keys: Mapping[str, str]) -> TimelineView | None:
    """The run's timeline; ``keys``: each result's panel key by node id. None when no result
    has a start and an end (an older results file, or nothing ran)."""
    tl = timeline(run)
    longest = tl.longest
    if longest is None:
        return None
    busiest = max(len(lane.bars) for lane in tl.lanes)
    width = min(MAX_W, max(MIN_W, LABEL_W + busiest * CELL_W + 16))
    plot_w = width - LABEL_W - 16
    span = tl.wall_s or 1.0

    def px(t: float) -> float:
        return LABEL_W + plot_w * (t - tl.start) / span

    lanes, bars, critical = [], [], None
    for i, lane in enumerate(tl.lanes):
        y = TOP + i * (LANE_H + LANE_GAP)
        busy = lane.busy_s / tl.wall_s if tl.wall_s else 0.0
        lanes.append(Lane(lane.worker, y, y + LANE_H - 4,
                          f"{lane.worker}: {len(lane.bars)} cells, busy {seconds(lane.busy_s)} "
                          f"({busy:.0%}), idle gaps {len(lane.gaps)}"))  # fmt: skip
        for bar in lane.bars:
            drawn = _bar(bar, px(bar.start), px(bar.end), y, keys, tl.start, bar is longest)
            bars.append(drawn)
            if bar is longest:
                critical = drawn
    axis_y = TOP + len(tl.lanes) * (LANE_H + LANE_GAP)
    ticks = [(f"{px(tl.start + t):.1f}", text) for t, text in _ticks(tl.wall_s)]
    total = len(tl.bars)
    facts = [
        ("Wall time", seconds(tl.wall_s)),
        ("Cells' total", seconds(tl.total_s)),
        ("Critical path", f"{seconds(longest.duration_s)} (the longest cell)"),
        (f"{2 * len(tl.lanes)} workers, at best", seconds(tl.lower_bound(2 * len(tl.lanes)))),
    ]
    if tl.cpu_share is not None:
        facts.append(("CPU", f"{tl.cpu_share:.0%} of {tl.cpus} cores"))
    return TimelineView(
        summary=f"{total} cells on {len(tl.lanes)} workers over {seconds(tl.wall_s)}; the "
        f"longest, {longest.label}, took {seconds(longest.duration_s)}",
        width=width,
        height=axis_y + AXIS_H,
        plot_x=LABEL_W,
        plot_end=LABEL_W + plot_w,
        axis_y=axis_y,
        lanes=lanes,
        bars=bars,
        ticks=ticks,
        critical=critical,
        critical_label=f"critical path {seconds(longest.duration_s)}",
        critical_anchor="end" if px(longest.start) > LABEL_W + plot_w - 140 else "start",
        fit=width == MIN_W,
        facts=facts,
    )


def _bar(
    bar: Bar, x0: float, x1: float, y: int, keys: Mapping[str, str], start: float, critical: bool
) -> TimelineBar:
    key = keys.get(bar.nodeid)
    cpu = f" · CPU {seconds(bar.cpu_s)}" if bar.cpu_s is not None else ""
    title = (f"{bar.label} · {bar.outcome} · {seconds(bar.duration_s)} on {bar.worker}, from "
             f"{bar.start - start:.1f} s to {bar.end - start:.1f} s{cpu}"
             + (" · the critical path: the longest cell" if critical else ""))  # fmt: skip
    return TimelineBar(f"{x0:.1f}", y, f"{max(MIN_BAR_W, x1 - x0):.1f}", outcome_class(bar.outcome),
                       f"#i-{key}" if key else None, title, critical)  # fmt: skip


def _ticks(span: float) -> list[tuple[float, str]]:
    """Round marks, about eight across the run, as (seconds, text): in seconds, or in minutes
    from five minutes on (one unit on the whole axis)."""
    unit, name = (60.0, "min") if span >= 300 else (1.0, "s")
    if span <= 0:
        return [(0.0, f"0 {name}")]
    raw = span / unit / 8
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if raw <= m * power)
    count = int(span / unit / step + 1e-9) + 1
    return [(i * step * unit, f"{round(i * step, 6):g} {name}") for i in range(count)]
