"""The report's "Since the last run" section: the run's :class:`~cxcheck.model.compare.Comparison`
(kept on the results) as lists that link to each result's panel, and each item's trend.

Each list names the item, its cell and what changed (its outcome before → after, the failure's
first line, a step's time before → after, a finding); items still in the run link to their
panel (``#i-<key>``, the keys the matrix gave them). With a history folder, the trend shows
each item's outcome in every run as a strip of squares and its duration as a sparkline: SVG
drawn by attributes and the page's CSS classes only (the page's CSP allows no style attribute).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from cxcheck.model.compare import Comparison, ItemChange, Trend
from cxcheck.outputs.report.text import outcome_class, rank, seconds

__all__ = ["CompareView", "compare_view"]

LIST_LIMIT = 100
"""Entries shown per list; the rest are counted (the results JSON has them all)."""
TREND_LIMIT = 200
"""Items whose trend is drawn, those that changed first."""
SQUARE, GAP = 10, 2
SPARK_WIDTH, SPARK_HEIGHT = 96, 18


@dataclass(frozen=True)
class Entry:
    nodeid: str
    test: str
    cell: str
    href: str | None
    """The panel's anchor; None for an item gone from this run."""
    before: str | None
    after: str | None
    note: str


@dataclass(frozen=True)
class Group:
    ident: str
    title: str
    hint: str
    entries: list[Entry]
    more: int
    """Entries beyond LIST_LIMIT, not shown."""


@dataclass(frozen=True)
class Square:
    cls: str
    x: int
    y: int
    height: int
    title: str


@dataclass(frozen=True)
class TrendRow:
    nodeid: str
    test: str
    cell: str
    href: str | None
    squares: list[Square]
    spark: str
    """The sparkline's path (``M x y L ...``), broken where the item did not run."""
    dot: tuple[str, str] | None
    """This run's point on the sparkline."""
    title: str
    last: str


@dataclass(frozen=True)
class CompareView:
    baseline: str
    summary: str
    runs: int
    threshold: str
    groups: list[Group]
    trends: list[TrendRow]
    trend_more: int
    strip_width: int
    spark_width: int = SPARK_WIDTH
    spark_height: int = SPARK_HEIGHT


def compare_view(comparison: Comparison | None, keys: Mapping[str, str]) -> CompareView | None:
    """The section's data; ``keys`` maps a node id to its panel's key. None when the run was
    compared with nothing."""
    if comparison is None:
        return None
    c = comparison

    def href(nodeid: str) -> str | None:
        key = keys.get(nodeid)
        return f"#i-{key}" if key else None

    def entries(changes: Sequence[ItemChange], note: str = "message") -> list[Entry]:
        out = []
        for x in changes[:LIST_LIMIT]:
            text = (x.why if note == "why" else x.message) or ""
            if note == "since" and x.since_text():  # since when, then why
                text = f"{x.since_text()} · {text}" if text else x.since_text()
            out.append(Entry(x.nodeid, x.test, x.cell or "", href(x.nodeid), x.before, x.after,
                             text))  # fmt: skip
        return out

    slower = [
        Entry(s.nodeid, s.test, s.cell or "", href(s.nodeid), None, None,
              f"{s.step}: {seconds(s.before_s)} → {seconds(s.after_s)} "
              f"(+{seconds(s.after_s - s.before_s)}, +{_percent(s.before_s, s.after_s)})"
              + (f" · before: median of {s.runs} runs" if s.runs > 1 else "")
              + (" · the machine was busy" if s.busy else ""))
        for s in c.slower[:LIST_LIMIT]
    ]  # fmt: skip
    findings = [
        Entry(f.nodeid, f.test, f.cell or "", href(f.nodeid), None, None,
              f"{f.severity} · {f.kind}" + (f"/{f.check}" if f.check else "")
              + (f" · {f.target}" if f.target else "") + f" · {f.message}"
              + (f" (step {f.step})" if f.step else ""))
        for f in c.new_findings[:LIST_LIMIT]
    ]  # fmt: skip
    limit = f"{c.threshold.relative * 100:g} %"
    groups = [
        Group("cmp-newly-failing", "Newly failing", "failing now, not in the last run",
              entries(c.newly_failing), len(c.newly_failing)),
        Group("cmp-fixed", "Fixed", "failing in the last run, passing now", entries(c.fixed),
              len(c.fixed)),
        Group("cmp-still-failing", "Still failing", "failing in both; the longest first",
              entries(c.still_failing, "since"),
              len(c.still_failing)),
        Group("cmp-flaky", "Flaky", "passed on a rerun, or flipped between passing and failing",
              entries(c.flaky, "why"), len(c.flaky)),
        Group("cmp-slower", "Slower steps",
              f"more than {limit} and {seconds(c.threshold.absolute_s)} slower", slower,
              len(c.slower)),
        Group("cmp-findings", "New findings", "by kind, check and target", findings,
              len(c.new_findings)),
        Group("cmp-new", "New", "not in the last run", entries(c.new), len(c.new)),
        Group("cmp-gone", "Gone", "in the last run, not in this one", entries(c.gone),
              len(c.gone)),
    ]  # fmt: skip
    # Only the lists that have entries; "more" becomes what the list leaves out.
    groups = [replace(g, more=g.more - len(g.entries)) for g in groups if g.more]
    rows = [_trend_row(t, c, href(t.nodeid)) for t in _trend_order(c)[:TREND_LIMIT]]
    return CompareView(
        baseline=c.baseline,
        summary=c.summary(),
        runs=len(c.runs),
        threshold=f"> {limit} and > {seconds(c.threshold.absolute_s)}",
        groups=groups,
        trends=rows,
        trend_more=max(0, len(c.trends) - TREND_LIMIT),
        strip_width=max(1, len(c.runs) * (SQUARE + GAP) - GAP),
    )


def _percent(before: float, after: float) -> str:
    return f"{(after / before - 1) * 100:.0f} %" if before > 0 else "∞"


def _trend_order(c: Comparison) -> list[Trend]:
    """The items that changed first (newly failing, flaky, fixed, still failing, slower), then
    the rest worst first as this run left them."""
    order: dict[str, int] = {}
    for i, changes in enumerate((c.newly_failing, c.flaky, c.fixed, c.still_failing)):
        for x in changes:
            order.setdefault(x.nodeid, i)
    for s in c.slower:
        order.setdefault(s.nodeid, 4)

    def key(t: Trend) -> tuple[int, int, str]:
        now = t.outcomes[-1] if t.outcomes else None
        return order.get(t.nodeid, 5), rank(now or ""), t.nodeid

    return sorted(c.trends, key=key)


def _trend_row(t: Trend, c: Comparison, href: str | None) -> TrendRow:
    squares = []
    for i, (outcome, took) in enumerate(zip(t.outcomes, t.durations, strict=False)):
        label = c.runs[i].label if i < len(c.runs) else f"run {i + 1}"
        x = i * (SQUARE + GAP)
        if outcome is None:  # not in that run: a dash, not a square
            squares.append(Square("o-other", x, 4, 2, f"{label}: not in that run"))
        else:
            text = f"{label}: {outcome}" + (f", {seconds(took)}" if took is not None else "")
            squares.append(Square(outcome_class(outcome), x, 0, SQUARE, text))
    spark, dot = _sparkline(t.durations)
    last = t.durations[-1] if t.durations else None
    times = ", ".join("–" if d is None else seconds(d) for d in t.durations)
    return TrendRow(
        t.nodeid, t.test, t.cell or "", href, squares, spark, dot,
        f"duration per run, oldest first: {times}",
        "–" if last is None else seconds(last),
    )  # fmt: skip


def _sparkline(values: Sequence[float | None]) -> tuple[str, tuple[str, str] | None]:
    """A path through the durations (from 0 to the largest), broken where one is missing."""
    known = [v for v in values if v is not None]
    if not known:
        return "", None
    top = max(known) or 1.0
    step = (SPARK_WIDTH - 4) / max(1, len(values) - 1)
    parts: list[str] = []
    pen_up = True
    point: tuple[str, str] | None = None
    for i, v in enumerate(values):
        if v is None:
            pen_up = True
            continue
        x = 2 + i * step if len(values) > 1 else SPARK_WIDTH / 2
        y = SPARK_HEIGHT - 2 - (SPARK_HEIGHT - 4) * v / top
        point = (f"{x:.1f}", f"{y:.1f}")
        parts.append(f"{'M' if pen_up else 'L'}{point[0]} {point[1]}")
        pen_up = False
    dot = point if values[-1] is not None else None
    return " ".join(parts), dot
