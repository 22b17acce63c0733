"""The report's view data: everything the ``page`` template shows, built from a
:class:`~cxcheck.model.results.RunResults` and nothing else (its evidence copied on the way).

The page is a matrix (test × device × network, worst first) whose cells link to one collapsed
panel per result.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cxcheck.model.results import ItemResult, RunResults, worst_first
from cxcheck.outputs.report.evidence import copy_evidence
from cxcheck.outputs.report.panel_view import Body, body
from cxcheck.outputs.report.text import budget, first_line, plural, rank, seconds, when

__all__ = ["PageView", "Panel", "page_view"]

NO_CELL = "—"
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
class Column:
    device: str
    network: str
    group: int
    """Index of its device group; -1 for a column that has no device/network split."""
    label: str


@dataclass(frozen=True)
class Attempt:
    n: int
    outcome: str
    duration: str
    message: str
    body: Body


@dataclass
class Panel:
    """One result: its matrix cell and its panel."""

    result: ItemResult
    key: str
    """Short hash of the node id: the panel's anchor (``#i-<key>``) and the evidence folder."""
    device: str
    network: str
    column: int
    urls: dict[str, str]
    inline: bool
    """Its body is in the page's markup; otherwise built when opened, from a data block."""
    attempts: list[tuple[ItemResult, dict[str, str]]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return " · ".join(x for x in (self.device, self.network) if x)

    @property
    def place(self) -> str:
        """Where the panel's summary says it ran: its device and network, or its cell."""
        return self.where or (self.result.cell or "")

    @property
    def message(self) -> str:
        return first_line(self.result.message)

    def body(self) -> Body:
        return body(self.result, self.urls)

    def earlier(self) -> list[Attempt]:
        return [
            Attempt(n, a.outcome, seconds(a.duration_s), first_line(a.message), body(a, urls))
            for n, (a, urls) in enumerate(self.attempts, start=1)
        ]

    def cell(self) -> Cell:
        r = self.result
        slow = r.slowest_step
        over, sub = False, ""
        if r.outcome == "not-run":
            main = "not run"
        elif r.outcome == "skipped" and slow is None:
            main = "skipped"
        elif slow is not None:
            main, sub = seconds(slow.duration_s), slow.name
            over = slow.budget_s is not None and slow.duration_s > slow.budget_s
        else:
            main = seconds(r.duration_s)
        title = f"{r.outcome} · {self.where or NO_CELL}"
        if slow is not None:
            limit = f" (budget {budget(slow.budget_s)})" if slow.budget_s is not None else ""
            title += f" · slowest step: {slow.name} {seconds(slow.duration_s)}{limit}"
        if r.message:
            title += f"\n{first_line(r.message)[:200]}"
        return Cell(self, main, sub, over, title)

    def search_text(self) -> str:
        """What the text filter matches for a panel built on demand."""
        return _search_text(self.result)


@dataclass(frozen=True)
class Cell:
    panel: Panel
    main: str
    """The slowest step's time, the test's duration, or why there is none."""
    sub: str
    """The slowest step's name."""
    over: bool
    title: str


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell | None]
    """One a column; None where the test has no result."""


@dataclass(frozen=True)
class FileRows:
    file: str
    rows: list[Row]


@dataclass(frozen=True)
class HeadCell:
    """A matrix header: a device over its networks (``span`` > 0), or a column's own."""

    label: str
    index: int
    column: Column
    span: int = 0


@dataclass(frozen=True)
class Select:
    ident: str
    label: str
    values: list[str]


@dataclass
class PageView:
    title: str
    verdict: str
    worst: str
    favicon: str
    meta: list[tuple[str, str]]
    counts: dict[str, int]
    distribution: list[tuple[str, str, str]]
    """(outcome, x, width) of each outcome's share of the bar over the counts."""
    interrupted: bool
    selects: list[Select]
    columns: list[Column]
    head_top: list[HeadCell]
    head_sub: list[HeadCell]
    files: list[FileRows]
    panels: list[Panel]
    lazy: bool
    """Some panels are built on demand."""
    inline_limit: int
    footer: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _keys(results: Sequence[ItemResult]) -> list[str]:
    taken: set[str] = set()
    keys = []
    for r in results:
        digest = hashlib.sha1(r.nodeid.encode("utf-8", "replace")).hexdigest()[:10]
        key, n = digest, 2
        while key in taken:  # the same node id twice in one run: still two panels
            key, n = f"{digest}-{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys


def _axes(results: Sequence[ItemResult]) -> list[tuple[str, str] | None]:
    """Each result's (device, network), also for *not run* items that only know their cell."""
    known: dict[str, tuple[str, str]] = {}
    devices: dict[str, None] = {}
    networks: set[str] = set()
    for r in results:
        if r.cell and r.device and r.network:
            known.setdefault(r.cell, (r.device, r.network))
            devices.setdefault(r.device)
            networks.add(r.network)
    by_length = sorted(devices, key=len, reverse=True)

    def axes(r: ItemResult) -> tuple[str, str] | None:
        if r.cell is None:
            return None
        if r.device and r.network:
            return r.device, r.network
        if r.cell in known:
            return known[r.cell]
        for device in by_length:  # device names have dashes too: try the known ones
            rest = r.cell.removeprefix(device + "-")
            if rest != r.cell and rest in networks:
                return device, rest
        return r.cell, ""

    return [axes(r) for r in results]


def page_view(run: RunResults, files_root: Path, inline_panels: int) -> PageView:
    """The page of ``run``, its evidence copied under ``files_root``; the first
    ``inline_panels`` results (worst first) have their panels in the markup."""
    results = worst_first(run.results)
    axes = _axes(results)
    columns: list[Column] = []
    index: dict[tuple[str, str] | None, int] = {}
    groups: dict[str, dict[str, None]] = {}
    for ax in _axes(run.results):  # columns in the run's order, rows worst first
        if ax is not None:
            groups.setdefault(ax[0], {}).setdefault(ax[1])
    for g, (device, networks) in enumerate(groups.items()):
        for network in networks:
            index[(device, network)] = len(columns)
            if network:
                columns.append(Column(device, network, g, network))
            else:  # a device without networks: a column of its own
                columns.append(Column(device, network, -1, device))
    if any(ax is None for ax in axes):
        index[None] = len(columns)
        columns.append(Column("", "", -1, NO_CELL))
    panels: list[Panel] = []
    for i, (r, key, ax) in enumerate(zip(results, _keys(results), axes, strict=True)):
        panel = Panel(
            result=r,
            key=key,
            device=ax[0] if ax and ax[1] else "",
            network=ax[1] if ax else "",
            column=index[ax],
            urls=copy_evidence(r, files_root, key),
            inline=i < inline_panels,
        )
        for n, attempt in enumerate(r.attempts, start=1):
            urls = copy_evidence(attempt, files_root, f"{key}-attempt-{n}")
            panel.attempts.append((attempt, urls))
        panels.append(panel)

    counts = run.counts()
    worst = next((o for o in counts if counts[o]), "passed")
    verdict = _verdict(counts)
    top, sub = _head(columns)
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
        columns=columns,
        head_top=top,
        head_sub=sub,
        files=_matrix(panels, len(columns)),
        panels=panels,
        lazy=len(panels) > inline_panels,
        inline_limit=inline_panels,
        footer=f"cxcheck {run.cxcheck_version}".strip(),
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


def _head(columns: Sequence[Column]) -> tuple[list[HeadCell], list[HeadCell]]:
    """The matrix's two header rows: devices (or columns of their own), then networks."""
    top, sub = [], []
    seen: set[int] = set()
    for i, col in enumerate(columns):
        if col.group < 0:
            top.append(HeadCell(col.label, i, col))
            continue
        if col.group not in seen:
            seen.add(col.group)
            span = sum(1 for c in columns if c.group == col.group)
            top.append(HeadCell(col.device, i, col, span))
        sub.append(HeadCell(col.label, i, col))
    return top, sub


def _matrix(panels: Sequence[Panel], width: int) -> list[FileRows]:
    """Rows by file, each file's rows worst first, files by their worst row."""
    engines = {p.result.engine for p in panels if p.result.engine}
    rows: dict[tuple[str, str], dict[int, Panel]] = {}
    for p in panels:
        label = p.result.row
        if len(engines) > 1 and p.result.engine:
            label = f"{label} · {p.result.engine}"
        n = 1
        while True:  # two results on one cell of one row (same name elsewhere): a new row
            row = rows.setdefault((p.result.file, label if n == 1 else f"{label} ({n})"), {})
            if p.column not in row:
                row[p.column] = p
                break
            n += 1
    by_file: dict[str, list[tuple[tuple[int, float], Row]]] = {}
    for (file, label), cells in rows.items():
        order = (
            min(rank(c.result.outcome) for c in cells.values()),
            -max(c.result.duration_s for c in cells.values()),
        )
        row_cells = [cells[i].cell() if i in cells else None for i in range(width)]
        by_file.setdefault(file, []).append((order, Row(label, row_cells)))
    for file_rows in by_file.values():
        file_rows.sort(key=lambda x: x[0])
    files = sorted(by_file.items(), key=lambda kv: kv[1][0][0])
    return [FileRows(file, [row for _, row in file_rows]) for file, file_rows in files]


def _search_text(r: ItemResult) -> str:
    parts = [r.nodeid, r.message or ""]
    parts += [x for f in r.all_findings for x in (f.message, f.target or "", f.check or "")]
    parts += [_search_text(a) for a in r.attempts]
    return "\n".join(p for p in parts if p)
