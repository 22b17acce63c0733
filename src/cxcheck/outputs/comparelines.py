"""What changed since the last run, as terminal lines (the plugin's summary, ``cxcheck demo``).

The first line counts the lists (``compared with prev.json: 2 newly failing, 1 fixed, ...``);
then one line per newly failing item with its failure's first line, the part a QA lead reads
before a release, and the items still failing with since when (the longest first, ten at most).
The full lists are in the HTML report and the results JSON.
"""

from __future__ import annotations

from pathlib import Path

from cxcheck.model.compare import Comparison, ItemChange

__all__ = ["comparison_lines", "first_run_line"]

MESSAGE_CHARS = 200
STILL_LINES = 10
"""Still-failing items named, those failing longest first; the rest are counted."""


def comparison_lines(comparison: Comparison) -> list[str]:
    lines = [f"compared with {comparison.baseline}: {comparison.summary()}"]
    if len(comparison.runs) > 2:
        lines[0] += f" (over the last {len(comparison.runs)} runs)"
    lines += [_line("newly failing", c) for c in comparison.newly_failing]
    # Since when the others fail (the model lists the longest failing first).
    still = comparison.still_failing
    lines += [_line("still failing", c, c.since_text()) for c in still[:STILL_LINES]]
    if len(still) > STILL_LINES:
        lines.append(f"  … and {len(still) - STILL_LINES} more still failing (the report and "
                     "the results JSON list them all)")  # fmt: skip
    return lines


def first_run_line(history: Path) -> str:
    return (f"cxcheck history: {history} holds no earlier run to compare with; the next run "
            "is compared with this one")  # fmt: skip


def _line(what: str, change: ItemChange, since: str = "") -> str:
    message = (change.message or "").strip()
    if len(message) > MESSAGE_CHARS:
        message = message[: MESSAGE_CHARS - 1] + "…"
    head = f"  {what} ({since})" if since else f"  {what}"
    return f"{head}: {change.nodeid}" + (f" — {message}" if message else "")
