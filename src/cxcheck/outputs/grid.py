"""The terminal's view of a run: the matrix as a compact grid, read from the results only.

Rows are tests, columns device × network cells (devices on the first header line, networks on
the second); each entry says how the cell ended and how long its slowest step took (for a
failed cell, the step that failed), with the step's name when there is room. Below the grid,
one line per cell that did not pass says why.
``cxcheck demo`` prints the same text from the JSON results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cxcheck.model.results import ItemResult, RunResults, worst_first
from cxcheck.model.text import table

WORDS = {
    "passed": "ok",
    "failed": "FAIL",
    "error": "ERROR",
    "flaky": "FLAKY",
    "skipped": "skip",
    "not-run": "not run",
}
MAX_STEP_NAME = 14
MAX_ROW_LABEL = 36


def entry(result: ItemResult, with_step: bool = True) -> str:
    """One cell: outcome word, then the slowest (or failed) step and its time (``*``: busy)."""
    word = WORDS.get(result.outcome, result.outcome)
    failed = [s for s in result.steps if s.status == "failed"]
    slowest = failed[-1] if failed else result.slowest_step
    if slowest is not None and with_step:
        name = slowest.name if len(slowest.name) <= MAX_STEP_NAME else slowest.name[:13] + "…"
        detail = f" {name} {slowest.duration_s:.1f}s"
    elif slowest is not None:
        detail = f" {slowest.duration_s:.1f}s"
    elif result.outcome != "not-run":
        detail = f" {result.duration_s:.1f}s"
    else:
        detail = ""
    busy = "*" if result.load is not None and result.load.busy else ""
    return f"{word}{detail}{busy}"


def _short(result: ItemResult) -> str:
    return entry(result, with_step=False)


def counts_line(run: RunResults) -> str:
    counts = run.counts()
    parts = [f"{n} {o}" for o, n in counts.items() if n]
    return ", ".join(parts) if parts else "no cxcheck results"


def _label(text: str) -> str:
    return text if len(text) <= MAX_ROW_LABEL else text[: MAX_ROW_LABEL - 1] + "…"


def _matrix(
    rows: dict[tuple[str, str], dict[tuple[str, str], ItemResult]],
    columns: Sequence[tuple[str, str]],
    cell_text: Callable[[ItemResult], str],
) -> str:
    names = [row for _, row in rows]
    # A test name that two files share is told apart by its file.
    labels = [_label(row if names.count(row) == 1 else f"{file}::{row}") for file, row in rows]
    body = [[cell_text(c[col]) if col in c else "" for col in columns] for c in rows.values()]
    first = max(len("test"), *(len(label) for label in labels))
    widths = [max(len(net), *(len(line[i]) for line in body)) for i, (_, net) in enumerate(columns)]
    for i, (device, _) in enumerate(columns):
        if i == 0 or columns[i - 1][0] != device:  # the device's name heads its first column
            widths[i] = max(widths[i], len(device))
    networks = [net for _, net in columns]
    devices: list[str] = []
    previous = None
    for device, _ in columns:
        devices.append(device if device != previous else "")
        previous = device
    lines = [
        "  ".join(["".ljust(first), *(d.ljust(w) for d, w in zip(devices, widths, strict=True))]),
        "  ".join(
            ["test".ljust(first), *(n.ljust(w) for n, w in zip(networks, widths, strict=True))]
        ),
        "  ".join(["-" * first, *("-" * w for w in widths)]),
    ]
    for label, line in zip(labels, body, strict=True):
        cells = (c.ljust(w) for c, w in zip(line, widths, strict=True))
        lines.append("  ".join([label.ljust(first), *cells]))
    return "\n".join(line.rstrip() for line in lines)


def grid(run: RunResults, width: int = 120) -> str:
    """The matrix as text; narrower entries, then a list, when it would be wider than ``width``."""
    results = [r for r in run.results if r.cell]
    rows: dict[tuple[str, str], dict[tuple[str, str], ItemResult]] = {}
    columns: dict[tuple[str, str], None] = {}
    clash = False
    for r in results:
        key = (r.device or r.cell or "", r.network or "")
        row = rows.setdefault((r.file, r.row), {})
        clash = clash or key in row
        row[key] = r
        columns.setdefault(key, None)
    lines: list[str] = []
    if rows:
        text = ""
        if not clash:  # two results in one place: only the list shows both
            for cell_text in (entry, _short):
                text = _matrix(rows, list(columns), cell_text)
                if max(len(line) for line in text.splitlines()) <= width:
                    break
                text = ""
        if not text:
            text = table(
                ["test", "device-network", "result (slowest step)"],
                [[r.row, r.cell or "", entry(r)] for r in results],
            )
        lines.append(text)
    others = [r for r in run.results if not r.cell]
    if others:
        lines.append(table(["test", "result"], [[r.nodeid, entry(r)] for r in others]))
    problems = [r for r in worst_first(run.results) if r.outcome in ("failed", "error", "flaky")]
    if problems:
        lines.append("")
        for r in problems:
            first = (r.message or "").strip().splitlines()
            lines.append(f"{WORDS[r.outcome]} {r.row} on {r.cell or '-'}: "
                         f"{first[0] if first else r.outcome}")  # fmt: skip
    if any(r.load is not None and r.load.busy for r in run.results):
        lines.append("* the machine was busy (load average above its core count) during this test")
    lines.append(counts_line(run) + (" (interrupted)" if run.interrupted else ""))
    return "\n".join(lines)
