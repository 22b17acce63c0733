"""The matrix: a row a test, a column a device and network, a cell a result (its slowest step
and time) linking to its panel."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cxcheck.model.results import ItemResult
from cxcheck.outputs.report.text import budget, first_line, rank, seconds

__all__ = ["Matrix", "Placed", "matrix", "place"]

NO_CELL = "—"


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

    @property
    def where(self) -> str:
        return " · ".join(x for x in (self.device, self.network) if x)


@dataclass(frozen=True)
class Cell:
    key: str
    column: int
    outcome: str
    main: str
    """The slowest step's time, the test's duration, or why there is none."""
    sub: str
    """The slowest step's name."""
    over: bool
    """The slowest step went over its budget."""
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
    files: list[FileRows]


def place(
    run_order: Sequence[ItemResult], shown: Sequence[ItemResult]
) -> tuple[list[Column], list[Placed]]:
    """The columns (in the run's order) and each of ``shown`` (worst first) in its column."""
    columns: list[Column] = []
    index: dict[tuple[str, str] | None, int] = {}
    groups: dict[str, dict[str, None]] = {}
    for ax in _axes(run_order):
        if ax is not None:
            groups.setdefault(ax[0], {}).setdefault(ax[1])
    for g, (device, networks) in enumerate(groups.items()):
        for network in networks:
            index[(device, network)] = len(columns)
            if network:
                columns.append(Column(device, network, g, network))
            else:  # a device without networks: a column of its own
                columns.append(Column(device, network, -1, device))
    axes = _axes(shown)
    if any(ax is None for ax in axes):
        index[None] = len(columns)
        columns.append(Column("", "", -1, NO_CELL))
    placed = [
        Placed(r, key, ax[0] if ax and ax[1] else "", ax[1] if ax else "", index[ax])
        for r, key, ax in zip(shown, _keys(shown), axes, strict=True)
    ]
    return columns, placed


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


def matrix(columns: list[Column], placed: Sequence[Placed]) -> Matrix:
    top, sub = _head(columns)
    return Matrix(columns, top, sub, _rows(placed, len(columns)))


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


def _rows(placed: Sequence[Placed], width: int) -> list[FileRows]:
    """Rows by file, each file's rows worst first, files by their worst row."""
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
    by_file: dict[str, list[tuple[tuple[int, float], Row]]] = {}
    for (file, label), cells in rows.items():
        order = (
            min(rank(c.result.outcome) for c in cells.values()),
            -max(c.result.duration_s for c in cells.values()),
        )
        row_cells = [_cell(cells[i]) if i in cells else None for i in range(width)]
        by_file.setdefault(file, []).append((order, Row(label, row_cells)))
    for file_rows in by_file.values():
        file_rows.sort(key=lambda x: x[0])
    files = sorted(by_file.items(), key=lambda kv: kv[1][0][0])
    return [FileRows(file, [row for _, row in file_rows]) for file, file_rows in files]


def _cell(p: Placed) -> Cell:
    r = p.result
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
    title = f"{r.outcome} · {p.where or NO_CELL}"
    if slow is not None:
        limit = f" (budget {budget(slow.budget_s)})" if slow.budget_s is not None else ""
        title += f" · slowest step: {slow.name} {seconds(slow.duration_s)}{limit}"
    if r.message:
        title += f"\n{first_line(r.message)[:200]}"
    return Cell(p.key, p.column, r.outcome, main, sub, over, title)
