"""Small SVG line charts, as geometry: the ``chart`` template draws them.

No script and no style attribute (the page's CSP allows neither); colours come from each
series' CSS class. Coordinates are strings already, rounded as the SVG carries them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cxcheck.outputs.report.text import number

__all__ = ["Chart", "Series", "line_chart", "nice_ceiling", "peak"]

WIDTH, HEIGHT = 560, 190
LEFT, RIGHT, TOP, BOTTOM = 46, 40, 12, 34
"""The plot's margins inside the chart: room for the axes' numbers and titles."""


@dataclass(frozen=True)
class Series:
    """One line of a chart: (x, y) points, y None where there was nothing to measure."""

    label: str
    cls: str
    """Its CSS class, which gives its colour (``s-rps``, ``s-users``, ``s-p50``...)."""
    points: Sequence[tuple[float, float | None]]
    right: bool = False
    """Drawn against the right-hand axis (a second unit, like users next to requests/s)."""
    step: bool = False
    """A step line: the value holds until the next point (a user count, not a rate)."""


@dataclass(frozen=True)
class Line:
    """A series drawn: a path through its runs of points, and a dot for each lone point."""

    cls: str
    d: str
    dots: list[tuple[str, str]]


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    anchor: str
    text: str


@dataclass(frozen=True)
class Limit:
    """A dashed horizontal line at a limit, labelled at its right end."""

    y: str
    label: str
    label_x: int
    label_y: str


@dataclass(frozen=True)
class Chart:
    summary: str
    """What the chart says in words: its accessible name and its tooltip."""
    width: int
    height: int
    axes: str
    """The axes' path: left and bottom, and right when a series uses the right axis."""
    left: int
    top: int
    end: int
    lines: list[Line]
    limit: Limit | None
    ticks: list[Text]
    x_label: Text
    y_label: str
    y_label_at: str
    y2_label: str
    """The right axis' title; empty when there is no right axis."""
    y2_label_at: str
    legend: list[tuple[str, str]]
    """(CSS class, label) of each series, and of the limit."""


def peak(points: Sequence[tuple[float, float | None]]) -> float | None:
    return max((v for _, v in points if v is not None), default=None)


def nice_ceiling(value: float) -> float:
    """The axis top for ``value``: the next 1, 2, 2.5 or 5 × a power of ten (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if value <= m * power * (1 + 1e-9))


def line_chart(
    series: Sequence[Series],
    *,
    summary: str,
    x_label: str,
    y_label: str,
    y2_label: str = "",
    x_min: float | None = None,
    limit: float | None = None,
    limit_label: str = "",
) -> Chart:
    """The x axis runs from ``x_min`` (or the first x) to the last x; the left axis from 0 to a
    round number above the highest value (and ``limit``, drawn as a dashed line); series with
    ``right`` set get their own axis on the right."""
    xs = [x for s in series for x, _ in s.points]
    x0 = min([*xs, x_min] if x_min is not None else xs, default=0.0)
    x1 = max(xs, default=1.0)
    x_span = (x1 - x0) or 1.0
    left = [v for s in series if not s.right for _, v in s.points if v is not None]
    right = [v for s in series if s.right for _, v in s.points if v is not None]
    y_max = nice_ceiling(max([*left, limit or 0.0], default=0.0))
    y2_max = nice_ceiling(max(right, default=0.0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    bottom, end = TOP + plot_h, LEFT + plot_w

    def px(x: float) -> float:
        return LEFT + plot_w * (x - x0) / x_span

    def py(y: float, on_right: bool = False) -> float:
        top = y2_max if on_right else y_max
        return bottom - plot_h * min(max(y / top, 0.0), 1.0)

    drawn = None
    if limit is not None:
        y = py(limit)
        drawn = Limit(f"{y:.1f}", limit_label, end - 4, f"{y - 4:.1f}")
    ticks = [
        Text(LEFT, bottom + 14, "start", number(x0)),
        Text(end, bottom + 14, "end", number(x1)),
        Text(LEFT - 4, bottom, "end", "0"),
        Text(LEFT - 4, TOP + 8, "end", number(y_max)),
    ]
    if right:
        ticks += [Text(end + 4, bottom, "start", "0"), Text(end + 4, TOP + 8, "start",
                                                            number(y2_max))]  # fmt: skip
    mid_y = TOP + plot_h / 2
    legend = [(s.cls, s.label) for s in series]
    if limit is not None:
        legend.append(("s-lim", limit_label))
    return Chart(
        summary=summary,
        width=WIDTH,
        height=HEIGHT,
        axes=f"M{LEFT} {TOP}V{bottom}H{end}" + (f"V{TOP}" if right else ""),
        left=LEFT,
        top=TOP,
        end=end,
        lines=[_line(s, px, py) for s in series],
        limit=drawn,
        ticks=ticks,
        x_label=Text(LEFT + plot_w / 2, HEIGHT - 4, "middle", x_label),
        y_label=y_label,
        y_label_at=f"translate(12 {mid_y}) rotate(-90)",
        y2_label=y2_label if right else "",
        y2_label_at=f"translate({WIDTH - 8} {mid_y}) rotate(90)",
        legend=legend,
    )


def _line(s: Series, px: Callable[[float], float], py: Callable[[float, bool], float]) -> Line:
    """One series as a path, broken where a value is missing; a lone point as a dot."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in s.points:
        if y is None:
            segments.append([])
        else:
            segments[-1].append((px(x), py(y, s.right)))
    d, dots = [], []
    for seg in segments:
        if len(seg) == 1:
            dots.append((f"{seg[0][0]:.1f}", f"{seg[0][1]:.1f}"))
        elif seg:
            d.append(f"M{seg[0][0]:.1f} {seg[0][1]:.1f}")
            for x, y in seg[1:]:
                d.append(f"H{x:.1f}V{y:.1f}" if s.step else f"L{x:.1f} {y:.1f}")
    return Line(s.cls, "".join(d), dots)
