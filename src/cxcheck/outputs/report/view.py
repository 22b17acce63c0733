"""The report's view data: everything the ``page`` template shows, built from a
:class:`~cxcheck.model.results.RunResults` and nothing else (its evidence copied on the way).

The page is a header (the verdict, counts, run facts), a filter bar, the matrix
(:mod:`~cxcheck.outputs.report.matrix_view`), the failures grouped by cause
(:mod:`~cxcheck.outputs.report.causes_view`) and one collapsed panel per result, worst first
(:mod:`~cxcheck.outputs.report.panel_view`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cxcheck.model.compare import Comparison, ItemChange
from cxcheck.model.cpu import cpu_summary
from cxcheck.model.results import RunResults, worst_first
from cxcheck.outputs.report.causes_view import CauseView, cause_views
from cxcheck.outputs.report.compare_view import CompareView, compare_view
from cxcheck.outputs.report.matrix_view import Matrix, matrix, place
from cxcheck.outputs.report.panel_view import Panel, panel
from cxcheck.outputs.report.text import plural, seconds, when
from cxcheck.outputs.report.timeline_view import TimelineView, timeline_view

__all__ = ["PageView", "page_view"]

EXIT_STATUS = {
    0: "all passed",
    1: "tests failed",
    2: "interrupted",
    3: "internal error",
    4: "usage error",
    5: "no tests collected",
}
FAVICON_COLOURS = {"failed": "c92a2a", "error": "a3195b", "flaky": "d9730d", "passed": "2b8a3e"}


@dataclass(frozen=True)
class Select:
    ident: str
    label: str
    values: list[str]


@dataclass(frozen=True)
class PageView:
    title: str
    verdict: str
    worst: str
    """The worst outcome in the run: the verdict's colour and the favicon's."""
    favicon: str
    meta: list[tuple[str, str]]
    counts: dict[str, int]
    distribution: list[tuple[str, str, str]]
    """(outcome, x, width) of each outcome's share of the bar over the counts."""
    interrupted: bool
    selects: list[Select]
    matrix: Matrix
    causes: list[CauseView]
    """The failures grouped by cause, the most widespread first."""
    panels: list[Panel]
    lazy: bool
    """Some panels are built on demand, from a data block."""
    inline_limit: int
    footer: str
    since: CompareView | None = None
    """What changed since earlier runs (--cx-compare, --cx-history)."""
    timeline: TimelineView | None = None
    """Each worker's cells in time (none when no result has a start and an end)."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def page_view(
    run: RunResults, files_root: Path, inline_panels: int, *, single_file: bool = False
) -> PageView:
    """The page of ``run``, its evidence copied under ``files_root``; the first
    ``inline_panels`` results (worst first) have their panels in the markup; ``single_file``:
    pictures are inlined as data: URIs."""
    columns, placed = place(run.results, worst_first(run.results), run.devices, run.networks)
    panels = [
        panel(p, files_root, inline=i < inline_panels, single_file=single_file)
        for i, p in enumerate(placed)
    ]
    keys = {p.result.nodeid: p.key for p in placed}
    counts = run.counts()
    worst = next((o for o in counts if counts[o]), "passed")
    verdict = _verdict(counts)
    return PageView(
        title=f"cxcheck · {verdict}",
        verdict=verdict,
        worst=worst,
        favicon=_favicon(worst),
        meta=_meta(run),
        counts=counts,
        distribution=_distribution(counts),
        interrupted=run.interrupted,
        selects=_selects(panels),
        matrix=matrix(columns, placed, _failing(run.comparison)),
        causes=cause_views(placed),
        panels=panels,
        lazy=len(panels) > inline_panels,
        inline_limit=inline_panels,
        footer=f"cxcheck {run.cxcheck_version}".strip(),
        since=compare_view(run.comparison, keys),
        timeline=timeline_view(run, keys),
    )


def _verdict(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    bad = counts.get("failed", 0) + counts.get("error", 0)
    if not total:
        return "no results"
    if bad:
        parts = []
        if counts.get("failed"):
            parts.append(f"{counts['failed']} failed")
        if counts.get("error"):
            parts.append(plural(counts["error"], "error"))
        return f"{' · '.join(parts)} of {total}"
    if counts.get("not-run"):
        return f"{counts['not-run']} of {total} not run"
    if counts.get("flaky"):
        return f"{total - counts.get('skipped', 0)} passed · {counts['flaky']} flaky"
    if counts.get("passed"):
        skipped = f" · {counts['skipped']} skipped" if counts.get("skipped") else ""
        return f"all {counts['passed']} passed{skipped}"
    return f"{total} skipped"


def _meta(run: RunResults) -> list[tuple[str, str]]:
    meta: list[tuple[str, str]] = []
    if run.finished_at is not None and run.started_at:
        meta.append(("Duration", seconds(max(0.0, run.finished_at - run.started_at))))
    if run.exit_status is not None:
        text = EXIT_STATUS.get(run.exit_status, "")
        meta.append(("Exit status", f"{run.exit_status}" + (f" · {text}" if text else "")))
    if run.browser:
        meta.append(("Browser", run.browser))
    cpu = cpu_summary(r.cpu for r in run.results)
    if cpu:
        meta.append(("CPU", f"throttled to the device's score: {cpu}"))
    if run.base_url:
        meta.append(("Base URL", run.base_url))  # text only: no URL from the data is a link
    if run.started_at:
        meta.append(("Started", when(run.started_at)))
    return meta


def _favicon(outcome: str) -> str:
    colour = FAVICON_COLOURS.get(outcome, "6b7280")
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
        f"<circle cx='8' cy='8' r='7' fill='#{colour}'/></svg>"
    )
    return "data:image/svg+xml," + urllib.parse.quote(svg, safe=" ='/:")


def _distribution(counts: dict[str, int]) -> list[tuple[str, str, str]]:
    total = sum(counts.values())
    rects, x = [], 0.0
    for outcome, n in counts.items():
        if n:
            w = 100.0 * n / total
            rects.append((outcome, f"{x:.3f}", f"{w:.3f}"))
            x += w
    return rects


def _selects(panels: Sequence[Panel]) -> list[Select]:
    devices = list(dict.fromkeys(p.device for p in panels if p.device))
    networks = list(dict.fromkeys(p.network for p in panels if p.network))
    return [
        Select(ident, label, values)
        for ident, label, values in (("f-d", "devices", devices), ("f-n", "networks", networks))
        if len(values) > 1
    ]


def _failing(comparison: Comparison | None) -> dict[str, ItemChange]:
    """The run's newly and still failing items by node id: each failed cell says since when."""
    if comparison is None:
        return {}
    return {c.nodeid: c for c in (*comparison.newly_failing, *comparison.still_failing)}
