"""A result's steps as the panel's table shows them: time against budget, traffic, Web
Vitals graded, and what went wrong in each step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cxcheck.model.results import StepRecord
from cxcheck.outputs.report.text import budget, seconds

__all__ = ["Steps", "over_or_failed", "steps"]

# Web Vitals "good" and "poor" thresholds (web.dev); between them "needs improvement".
VITALS = (("ttfb", 800, 1800), ("fcp", 1800, 3000), ("lcp", 2500, 4000), ("cls", 0.1, 0.25),
          ("inp", 200, 500))  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """A failed request, console error or page error of a step."""

    kind: str
    text: str
    status: int | None = None
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class StepRow:
    index: int
    name: str
    bad: bool
    bar_width: str
    budget_x: str | None
    """Where the budget marker stands on the bar; None without a budget."""
    time: str
    budget: str
    requests: int
    kb: str
    vitals: list[tuple[str, str] | None]
    """(grade, text) of each of :data:`VITALS`; None where it was not measured."""
    error: str | None
    problems: list[Problem]


@dataclass(frozen=True)
class Steps:
    has_budget: bool
    has_traffic: bool
    has_vitals: bool
    width: int
    rows: list[StepRow]
    vitals: tuple[str, ...] = tuple(name.upper() for name, _, _ in VITALS)


def over_or_failed(step: StepRecord) -> bool:
    over = step.budget_s is not None and step.duration_s > step.budget_s
    return over or step.status not in ("passed", "skipped")


def steps(records: Sequence[StepRecord]) -> Steps:
    """The table of a result's steps (at least one)."""
    scale = max(max(s.duration_s, s.budget_s or 0.0) for s in records) or 1.0
    has_budget = any(s.budget_s is not None for s in records)
    has_traffic = any(s.requests or s.bytes for s in records)
    has_vitals = any(s.vitals is not None for s in records)
    width = 4 + has_budget + 2 * has_traffic + len(VITALS) * has_vitals
    rows = [
        StepRow(
            index=s.index,
            name=s.name,
            bad=over_or_failed(s),
            bar_width=f"{max(100.0 * s.duration_s / scale, 0.4):.1f}",
            budget_x=f"{100.0 * s.budget_s / scale:.1f}" if s.budget_s is not None else None,
            time=seconds(s.duration_s),
            budget=budget(s.budget_s) if s.budget_s is not None else "",
            requests=s.requests,
            kb=f"{s.bytes / 1024:.0f}",
            vitals=_vitals(s) if has_vitals else [],
            error=s.error or None,
            problems=_problems(s),
        )
        for s in records
    ]
    return Steps(has_budget, has_traffic, has_vitals, width, rows)


def _vitals(step: StepRecord) -> list[tuple[str, str] | None]:
    v = step.vitals
    cells: list[tuple[str, str] | None] = []
    for name, good, poor in VITALS:
        value = getattr(v, name) if v is not None else None
        if value is None:
            cells.append(None)
            continue
        grade = "good" if value <= good else "fair" if value <= poor else "poor"
        cells.append((grade, f"{value:.3f}" if name == "cls" else f"{value:.0f} ms"))
    return cells


def _problems(step: StepRecord) -> list[Problem]:
    found = []
    for req in step.failed_requests:
        notes = []
        if not req.same_origin:
            notes.append("cross-origin")
        if req.aborted:
            notes.append("cancelled by the browser")
        found.append(
            Problem("request", f"{req.method} {req.url}", req.status, req.reason, ", ".join(notes))
        )
    found += [Problem("console", m) for m in step.console_errors]
    found += [Problem("page error", m) for m in step.page_errors]
    return found
