"""Which evidence a test keeps: the trace policy, and the report line that points at it."""

from __future__ import annotations

from pathlib import Path

TRACE_MODES = ("off", "on", "retain-on-failure")
TRACE_FILE = "trace.zip"


def records_trace(mode: str) -> bool:
    """Whether tracing must run during the test at all."""
    return mode != "off"


def keeps_trace(mode: str, failed: bool) -> bool:
    """Whether the recorded trace is written to the evidence folder at the end."""
    return mode == "on" or (mode == "retain-on-failure" and failed)


def describe(folder: Path, trace_coming: bool = False) -> str | None:
    """One line naming a failed test's evidence, or None when it has none.

    ``trace_coming``: the trace is written when the context closes, after the report is made.
    """
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if trace_coming and TRACE_FILE not in names:
        names.append(TRACE_FILE)
    if not names:
        return None
    shown = ", ".join(names[:6]) + (f", … ({len(names)} files)" if len(names) > 6 else "")
    line = f"evidence in {folder}: {shown}"
    if TRACE_FILE in names:
        line += f"\nopen the trace with: playwright show-trace {folder / TRACE_FILE}"
    return line
