"""The terminal's view of a run: the matrix as a compact grid, read from the results only.

Rows are tests, columns device-network cells; each entry says how the cell ended and its slowest
step. Below the grid, one line per cell that did not pass says why. ``cxcheck demo`` prints the
same text from the JSON results.
"""

from __future__ import annotations

from cxcheck.listing import table
from cxcheck.results import ItemResult, RunResults, worst_first

WORDS = {
    "passed": "ok",
    "failed": "FAIL",
    "error": "ERROR",
    "flaky": "FLAKY",
    "skipped": "skip",
    "not-run": "not run",
}
MAX_STEP_NAME = 14


def entry(result: ItemResult) -> str:
    """One cell: outcome word, then the slowest step and its time (``*``: machine busy)."""
    word = WORDS.get(result.outcome, result.outcome)
    slowest = result.slowest_step
    if slowest is not None:
        name = slowest.name if len(slowest.name) <= MAX_STEP_NAME else slowest.name[:13] + "…"
        detail = f" {name} {slowest.duration_s:.1f}s"
    elif result.outcome != "not-run":
        detail = f" {result.duration_s:.1f}s"
    else:
        detail = ""
    busy = "*" if result.load is not None and result.load.busy else ""
    return f"{word}{detail}{busy}"


def counts_line(run: RunResults) -> str:
    counts = run.counts()
    parts = [f"{n} {o}" for o, n in counts.items() if n]
    return ", ".join(parts) if parts else "no cxcheck results"


def grid(run: RunResults, width: int = 120) -> str:
    """The matrix as text; a list instead when the grid would be wider than ``width``."""
    results = [r for r in run.results if r.cell]
    rows: dict[str, dict[str, ItemResult]] = {}
    columns: dict[str, None] = {}
    for r in results:
        rows.setdefault(r.row, {})[r.cell or ""] = r
        columns.setdefault(r.cell or "", None)
    lines: list[str] = []
    if rows:
        body = [[row, *(entry(c[col]) if col in c else "" for col in columns)]
                for row, c in rows.items()]  # fmt: skip
        text = table(["test", *columns], body)
        if max(len(line) for line in text.splitlines()) > width or any(
            len(c) != len(set(c)) for c in rows.values()
        ):
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
