"""The matrix: a row a test, a column a device and network, a cell a result linking to its panel.

A failed cell says why (:func:`~cxcheck.model.reasons.reason`: ``layout · add to basket``), a
passed one its slowest step and time. Columns keep one order for every device (the run's declared
order, then the catalogue's); rows go worst first across files; results outside the matrix (load
tests, tests without a cell) are listed on their own below it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cxcheck.model.compare import ItemChange
from cxcheck.model.reasons import reason
from cxcheck.model.results import ItemResult
from cxcheck.outputs.report.text import budget, first_line, rank, seconds

__all__ = ["Matrix", "Placed", "matrix", "place"]

OUTSIDE = -1
"""The column of a result that has no device × network cell."""


@dataclass(frozen=True)
class Column:
    device: str
    network: str
    group: int
    """Index of its device group; -1 for a column that has no device/network split."""
    label: str


@dataclass(frozen=True)
class Placed:
    """A result and its place: its key and its column."""

    result: ItemResult
    key: str
    """Short hash of the node id: the panel's anchor (``#i-<key>``) and the evidence folder."""
    device: str
    network: str
    column: int
    """Its column, or :data:`OUTSIDE` the matrix."""

    @property
    def where(self) -> str:
        return " · ".join(x for x in (self.device, self.network) if x)


@dataclass(frozen=True)
class Cell:
    key: str
    column: int
    outcome: str
    main: str
    """Why it failed (the finding's kind), else the slowest step's time or the test's duration."""
    sub: str
    """Where or what failed (a step, a rule, numbers), else the slowest step's name."""
    over: bool
    """The slowest step went over its budget."""
    title: str
    label: str = ""
    """The cell's device · network, for narrow screens where the header is out of sight."""
    since: str = ""
    """Since when it fails, when the run was compared: ``new``, ``3 runs``, ``≥ 2 runs``."""


@dataclass(frozen=True)
class Row:
    label: str
    file: str
    cells: list[Cell | None]
    """One a column; None where the test has no result."""

    @property
    def bad(self) -> bool:
        """Some cell of the row failed: kept by the failures-only view."""
        return any(c is not None and c.outcome in ("failed", "error") for c in self.cells)


@dataclass(frozen=True)
class HeadCell:
    """A header: a device over its networks (``span`` > 0), or a column's own."""

    label: str
    index: int
    column: Column
    span: int = 0


@dataclass(frozen=True)
class Matrix:
    columns: list[Column]
    head_top: list[HeadCell]
    """Devices, or columns of their own."""
    head_sub: list[HeadCell]
    """Networks."""
    rows: list[Row]
    """Worst first, across files."""
    outside: list[Row]
    """Results outside the matrix (no device × network cell), worst first: one cell each."""


def place(
    run_order: Sequence[ItemResult],
    shown: Sequence[ItemResult],
    devices: Sequence[str] = (),
    networks: Sequence[str] = (),
) -> tuple[list[Column], list[Placed]]:
    """The columns and each of ``shown`` (worst first) in its column.

    Devices and networks go in the order ``devices``/``networks`` give (the run's declared
    order), then in the run's order; every device's networks in that one network order.
    """
    present: dict[str, dict[str, None]] = {}
    for ax in _axes(run_order):
        if ax is not None:
            present.setdefault(ax[0], {}).setdefault(ax[1])
    network_order = _ordered(networks, (n for nets in present.values() for n in nets))
    columns: list[Column] = []
    index: dict[tuple[str, str], int] = {}
    for g, device in enumerate(_ordered(devices, present)):
        for network in (n for n in network_order if n in present[device]):
            index[(device, network)] = len(columns)
            if network:
                columns.append(Column(device, network, g, network))
            else:  # a device without networks: a column of its own
                columns.append(Column(device, network, -1, device))
    placed = [
        Placed(r, key, ax[0] if ax and ax[1] else "", ax[1] if ax else "",
               index.get(ax, OUTSIDE) if ax else OUTSIDE)
        for r, key, ax in zip(shown, _keys(shown), _axes(shown), strict=True)
    ]  # fmt: skip
    return columns, placed


def _ordered(first: Sequence[str], present: Iterable[str]) -> list[str]:
    """``present`` names in the order of ``first``, the others after in their own order."""
    names = list(dict.fromkeys(present))
    rank_of = {name: i for i, name in enumerate(first)}
    return sorted(names, key=lambda n: (rank_of.get(n, len(rank_of)), names.index(n)))


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


def matrix(
    columns: list[Column], placed: Sequence[Placed], since: Mapping[str, ItemChange] | None = None
) -> Matrix:
    """The matrix of the placed results; ``since``: the failing ones' changes by node id (newly
    and still failing, when the run was compared), so each failed cell says since when."""
    since = since or {}
    top, sub = _head(columns)
    inside = [p for p in placed if p.column != OUTSIDE]
    outside = [Row(p.result.row, p.result.file, [_cell(p, since)]) for p in placed
               if p.column == OUTSIDE]  # fmt: skip
    return Matrix(columns, top, sub, _rows(inside, len(columns), since), outside)


def _head(columns: Sequence[Column]) -> tuple[list[HeadCell], list[HeadCell]]:
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


def _rows(placed: Sequence[Placed], width: int, since: Mapping[str, ItemChange]) -> list[Row]:
    """One row a test, worst first across files: by its worst cell, then by how many of its
    cells failed, then by its slowest cell."""
    engines = {p.result.engine for p in placed if p.result.engine}
    rows: dict[tuple[str, str], dict[int, Placed]] = {}
    for p in placed:
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
    ordered: list[tuple[tuple[int, int, float], Row]] = []
    for (file, label), cells in rows.items():
        results = [c.result for c in cells.values()]
        worst = min(rank(r.outcome) for r in results)
        order = (
            worst,
            -sum(1 for r in results if rank(r.outcome) == worst),
            -max(r.duration_s for r in results),
        )
        row_cells = [_cell(cells[i], since) if i in cells else None for i in range(width)]
        ordered.append((order, Row(label, file, row_cells)))
    ordered.sort(key=lambda x: x[0])
    return [row for _, row in ordered]


def _cell(p: Placed, since: Mapping[str, ItemChange]) -> Cell:
    r = p.result
    slow = r.slowest_step
    why = reason(r)
    over, sub = False, ""
    if why is not None:
        main, sub = why.kind, why.detail
    elif r.outcome == "not-run":
        main = "not run"
    elif r.outcome == "skipped" and slow is None:
        main = "skipped"
    elif slow is not None:
        main, sub = seconds(slow.duration_s), slow.name
        over = slow.budget_s is not None and slow.duration_s > slow.budget_s
    else:
        main = seconds(r.duration_s)
    title = f"{r.outcome} · {p.where or 'outside the matrix'}"
    if slow is not None:
        limit = f" (budget {budget(slow.budget_s)})" if slow.budget_s is not None else ""
        title += f" · slowest step: {slow.name} {seconds(slow.duration_s)}{limit}"
    if r.message:
        title += f"\n{first_line(r.message)[:200]}"
    change = since.get(r.nodeid) if why is not None else None
    if change is not None and change.since_text():
        title += f"\n{change.since_text()}"
    streak = change.streak if change is not None else ""
    return Cell(p.key, p.column, r.outcome, main, sub, over, title, p.where, streak)
