"""The terminal's view of a run: the matrix as a compact grid, read from the results only.

Rows are tests, columns device × network cells (devices on the first header line, networks on
the second, in the run's declared order for every device); a passed entry says its slowest
step and time, a failed one why it failed in the words the HTML report uses
(:func:`~cxcheck.model.reasons.reason`: ``FAIL layout · add to basket``). Below the grid, the
failures grouped by cause: one line a cause, then the tests and cells it failed.
``cxcheck demo`` prints the same text from the JSON results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cxcheck.model.reasons import causes, reason
from cxcheck.model.results import OUTCOMES, ItemResult, RunResults, worst_first
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
MAX_REASON = 36
MAX_CAUSE = 110


def entry(result: ItemResult, with_step: bool = True) -> str:
    """One cell: a failure's reason, else the outcome word, the slowest step and its time
    (``*``: the machine was busy)."""
    word = WORDS.get(result.outcome, result.outcome)
    busy = "*" if result.load is not None and result.load.busy else ""
    why = reason(result)
    if why is not None and result.outcome != "flaky":
        text = why.text if with_step else why.kind
        if len(text) > MAX_REASON:
            text = text[: MAX_REASON - 1] + "…"
        return f"{word} {text}{busy}"
    slowest = result.slowest_step
    if slowest is not None and with_step:
        name = slowest.name if len(slowest.name) <= MAX_STEP_NAME else slowest.name[:13] + "…"
        detail = f" {name} {slowest.duration_s:.1f}s"
    elif slowest is not None:
        detail = f" {slowest.duration_s:.1f}s"
    elif result.outcome != "not-run":
        detail = f" {result.duration_s:.1f}s"
    else:
        detail = ""
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


def _columns(run: RunResults, keys: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Devices, and every device's networks, in the run's declared order (then the run's)."""
    seen = list(dict.fromkeys(keys))
    devices = {d: i for i, d in enumerate(run.devices)}
    networks = {n: i for i, n in enumerate(run.networks)}
    first = {d: seen.index(next(k for k in seen if k[0] == d)) for d, _ in seen}
    return sorted(
        seen,
        key=lambda k: (
            devices.get(k[0], len(devices)), first[k[0]],
            networks.get(k[1], len(networks)), seen.index(k),
        ),
    )  # fmt: skip


def failure_lines(run: RunResults) -> list[str]:
    """The failures grouped by cause, the most widespread first: a line for the cause, then
    one a test naming the cells it failed."""
    lines: list[str] = []
    order = {id(r): i for i, r in enumerate(run.results)}
    for cause in causes(worst_first(run.results)):
        worst = cause.results[0].outcome
        count = f" ×{len(cause.results)}" if len(cause.results) > 1 else ""
        label = f"{cause.kind} · {cause.label}"
        label = label if len(label) <= MAX_CAUSE else label[:MAX_CAUSE] + "…"
        lines.append(f"{WORDS.get(worst, worst)}{count} {label}")
        by_row: dict[str, list[str]] = {}
        for r in sorted(cause.results, key=lambda r: order.get(id(r), 0)):  # the run's order
            by_row.setdefault(r.row, []).append(r.cell or "")
        for row, cells in by_row.items():
            where = ", ".join(c for c in cells if c)
            lines.append(f"    {row}" + (f" on {where}" if where else ""))
    return lines


def grid(run: RunResults, width: int = 120) -> str:
    """The matrix as text; narrower entries, then a list, when it would be wider than ``width``."""
    results = [r for r in run.results if r.cell]
    rows: dict[tuple[str, str], dict[tuple[str, str], ItemResult]] = {}
    clash = False
    for r in results:
        key = (r.device or r.cell or "", r.network or "")
        row = rows.setdefault((r.file, r.row), {})
        clash = clash or key in row
        row[key] = r
    columns = _columns(run, [(r.device or r.cell or "", r.network or "") for r in results])
    rank = {o: i for i, o in enumerate(OUTCOMES)}

    def worst(cells: dict[tuple[str, str], ItemResult]) -> tuple[int, int]:
        ranks = [rank.get(c.outcome, 99) for c in cells.values()]
        return min(ranks), -ranks.count(min(ranks))

    # Worst rows first, as in the HTML report (a stable sort keeps collection order otherwise).
    rows = dict(sorted(rows.items(), key=lambda kv: worst(kv[1])))
    lines: list[str] = []
    if rows:
        text = ""
        if not clash:  # two results in one place: only the list shows both
            for cell_text in (entry, _short):
                text = _matrix(rows, columns, cell_text)
                if max(len(line) for line in text.splitlines()) <= width:
                    break
                text = ""
        if not text:
            text = table(
                ["test", "device-network", "result (why, or the slowest step)"],
                [[r.row, r.cell or "", entry(r)] for r in results],
            )
        lines.append(text)
    others = [r for r in run.results if not r.cell]
    if others:
        lines.append(table(["test", "result"], [[r.nodeid, entry(r)] for r in others]))
    problems = failure_lines(run)
    if problems:
        lines.append("")
        lines.extend(problems)
    if any(r.load is not None and r.load.busy for r in run.results):
        lines.append("* the machine was busy (load average above its core count) during this test")
    lines.append(counts_line(run) + (" (interrupted)" if run.interrupted else ""))
    return "\n".join(lines)
