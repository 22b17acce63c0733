"""Which evidence a test keeps: the trace policy, and the report line that points at it."""

from __future__ import annotations

import shutil
from pathlib import Path

from cxcheck.model.names import TRACE_FILE
from cxcheck.model.paths import shown_path
from cxcheck.model.results import attempt_folder

TRACE_SCREENSHOTS = False
"""``tracing.start(screenshots=...)``: the trace viewer's filmstrip (most of a trace's size)."""
TRACE_SNAPSHOTS = True
"""``tracing.start(snapshots=...)``: the DOM before and after each action and the responses it
needs (a page's images included), what makes a trace worth opening."""
TRACE_SOURCES = False
"""``tracing.start(sources=...)``: the test's source files, which the report has no use for."""


def records_trace(mode: str) -> bool:
    """Whether tracing must run during the test at all."""
    return mode != "off"


def keeps_trace(mode: str, failed: bool) -> bool:
    """Whether the recorded trace is written to the evidence folder at the end."""
    return mode == "on" or (mode == "retain-on-failure" and failed)


def describe(folder: Path, trace_coming: bool = False, root: Path | None = None) -> str | None:
    """One line naming a failed test's evidence, or None when it has none.

    ``trace_coming``: the trace is written when the context closes, after the report is made
    (only say so when a traced context will close). ``root``: the folder pytest runs in, which
    the paths are shown relative to.
    """
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if trace_coming and TRACE_FILE not in names:
        names.append(TRACE_FILE)
    if not names:
        return None
    shown = ", ".join(names[:6]) + (f", … ({len(names)} files)" if len(names) > 6 else "")
    where = shown_path(folder, root)
    line = f"evidence in {where}: {shown}"
    if TRACE_FILE in names:
        line += (
            f"\nopen the trace with: playwright show-trace {shown_path(folder / TRACE_FILE, root)}"
        )
    return line


def prepare_folder(folder: Path, attempt: int) -> None:
    """Make way for a test's evidence: its own folders emptied on a fresh run; on a rerun, the
    failed attempt's folder kept aside as ``<folder>~attempt<N>`` for the report to show."""
    if attempt > 1:
        if folder.is_dir():
            kept = attempt_folder(folder, attempt - 1)
            shutil.rmtree(kept, ignore_errors=True)
            folder.rename(kept)
        return
    # Only this test's own folders: a fresh run never shows an older run's evidence.
    shutil.rmtree(folder, ignore_errors=True)
    for old in folder.parent.glob(f"{folder.name}~attempt*"):
        shutil.rmtree(old, ignore_errors=True)
