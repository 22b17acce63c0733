"""A journey file's failure as a QA engineer reads it: no Python, no Playwright internals.

Shown by pytest for a failed ``*.journey.yaml`` item (``--tb=long`` shows the traceback instead):
where (file:line, step, action), what was expected and what the page showed, the page errors and
failed requests of that step (the step's findings), and where the evidence is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cxcheck.model.results import StepRecord

_LIMIT = 5  # page errors or requests listed per step; the rest are counted


def plain_failure(
    failure: BaseException,
    steps: Sequence[StepRecord],
    artifacts: Path | None,
    root: Path | None = None,
) -> str:
    """The failure report of one journey item."""
    lines = _headline(failure)
    step = next((s for s in reversed(steps) if s.status == "failed"), None)
    if step is not None:
        errors = [f for f in step.findings if f.kind == "page-error" and f.severity != "ignored"]
        if errors:
            lines.append(f"page errors in step {step.index} ({step.name!r}):")
            lines += [f"  - {f.data.get('error', f.message)}" for f in errors[:_LIMIT]]
            lines += _more(len(errors))
        failed = [
            f for f in step.findings if f.kind == "failed-request" and f.severity != "ignored"
        ]
        if failed:
            lines.append(f"failed requests in step {step.index} ({step.name!r}):")
            for f in failed[:_LIMIT]:
                status = f.data.get("status") or f.data.get("reason") or "failed"
                shown = f"HTTP {status}" if isinstance(status, int) else status
                lines.append(f"  - {f.data.get('method', 'GET')} {f.target} ({shown})")
            lines += _more(len(failed))
        others = [
            f.message.splitlines()[0]
            for f in step.findings
            if f.failing and f.kind not in ("page-error", "failed-request", "action", "assertion")
            and f.message.splitlines()[0] not in lines[0]
        ]  # fmt: skip
        if others:
            lines.append("also in this step:")
            lines += [f"  - {text}" for text in others[:_LIMIT]]
    lines += _evidence(step, artifacts, root)
    lines.append("(the Python traceback: --tb=long)")
    return "\n".join(lines)


def _headline(failure: BaseException) -> list[str]:
    text = str(failure).strip() or type(failure).__name__
    # Playwright's own messages end in a call log: useful with --tb=long, noise here.
    text = text.split("\nCall log:", 1)[0].rstrip()
    kept = [line for line in text.splitlines() if not line.startswith("cxcheck: evidence for")]
    if type(failure).__name__ not in ("ActionFailed", "JourneyStepError", "CheckFailed"):
        kept[0] = f"{type(failure).__name__}: {kept[0]}"
    return kept


def _more(count: int) -> list[str]:
    return [f"  … and {count - _LIMIT} more (steps.json has them all)"] if count > _LIMIT else []


def _evidence(step: StepRecord | None, artifacts: Path | None, root: Path | None) -> list[str]:
    if artifacts is None:
        return []
    shown = _relative(artifacts, root)
    files = []
    if step is not None and step.screenshot:
        files.append(step.screenshot)
    files.append("steps.json")
    return [f"evidence: {shown}{os.sep} ({', '.join(files)})"]


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
