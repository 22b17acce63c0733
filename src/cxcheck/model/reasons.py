"""Why a result did not pass, in a few words, and which failures share a cause.

A failed cell of the matrix (HTML and terminal alike) says its :func:`reason`: the kind of
finding that failed it and where, e.g. ``layout · add to basket``, ``a11y · image-alt``,
``budget · open home 20.6 s > 4 s``, ``load · p95 460 ms > 300 ms``. :func:`causes` groups the
failures that share a cause (the same check on the same target with the same message once its
numbers and cell are set aside), so five cells failed by one cookie banner read as one problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cxcheck.model.results import Finding, ItemResult, StepRecord

__all__ = ["Cause", "Reason", "causes", "failing_finding", "failing_step", "reason"]

BAD = ("failed", "error")
"""Outcomes that have a reason to give; a flaky result gives its failed attempt's."""
MAX_DETAIL = 60
MAX_TARGET = 24
"""A selector longer than this says less in a cell than the check's name alone."""

# What a message says once the parts that differ from cell to cell are set aside: numbers
# (timings, boxes, counts, a server's port) and the device/network it ran on.
_CELL = re.compile(r" ?\bon [\w.-]+ ?/ ?[\w.-]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Reason:
    """Why one result failed: the finding's kind, and a short detail (a step, a rule, numbers)."""

    kind: str
    detail: str
    step: str | None = None
    """The step that failed, when the test has steps."""
    finding: Finding | None = None
    """The finding that failed it, when a check said so (an exception otherwise)."""

    @property
    def text(self) -> str:
        """``kind · detail``: what a failed cell says, in the report and the terminal."""
        return f"{self.kind} · {self.detail}" if self.detail else self.kind


@dataclass
class Cause:
    """Failures that share a cause, with the results they failed (worst order kept)."""

    key: tuple[str, ...]
    label: str
    """The cause in one line, as the first of its results says it (without its kind)."""
    kind: str
    results: list[ItemResult] = field(default_factory=list)


def failing_step(result: ItemResult) -> StepRecord | None:
    """The step the result failed at: the last failed step (later steps never ran)."""
    failed = [s for s in result.steps if s.status == "failed"]
    return failed[-1] if failed else None


def failing_finding(result: ItemResult) -> Finding | None:
    """The finding that decided the failure: the failed step's first error, else the test's."""
    step = failing_step(result)
    candidates: Iterable[Finding] = (
        [*step.findings, *result.findings] if step is not None else result.all_findings
    )
    return next((f for f in candidates if f.failing), None)


def reason(result: ItemResult) -> Reason | None:
    """Why ``result`` did not pass; None for a result that passed, was skipped or did not run."""
    if result.outcome == "flaky" and result.attempts:
        first = next((a for a in result.attempts if a.outcome in BAD), None)
        earlier = reason(first) if first is not None else None
        if earlier is not None:  # what failed the first time, its kind included
            return earlier
        return Reason("flaky", "")
    if result.outcome not in BAD:
        return None
    step = failing_step(result)
    finding = failing_finding(result)
    name = step.name if step is not None else None
    if finding is None:
        kind = "setup" if result.outcome == "error" else "assertion"
        return Reason(kind, _clip(name or _said(result.message)), name)
    return Reason(finding.kind, _clip(_detail(finding, step)), name, finding)


def _detail(finding: Finding, step: StepRecord | None) -> str:
    data = finding.data
    name = step.name if step is not None else None
    if finding.kind == "budget" and "duration_s" in data and "budget_s" in data:
        measured = f"{float(data['duration_s']):.1f} s > {float(data['budget_s']):g} s"
        return f"{name} {measured}" if name else measured
    if finding.kind == "load" and {"metric", "limit", "measured"} <= data.keys():
        return _threshold(data)
    if finding.kind == "vitals" and data.get("broken"):
        metrics = ", ".join(str(m).upper() for m in data["broken"])
        return f"{name} {metrics}" if name else metrics
    if finding.kind in ("a11y", "visual") and finding.check:
        # The rule (image-alt) or the snapshot's name says more than the step.
        what = finding.target if finding.kind == "visual" and finding.target else finding.check
        return f"{what} · {name}" if name else str(what)
    if name:
        return name
    if finding.kind == "assertion":
        return _said(finding.message.removeprefix(f"{finding.check}: "))
    if finding.kind == "layout" and finding.target and len(finding.target) <= MAX_TARGET:
        return f"{finding.check} {finding.target}" if finding.check else finding.target
    return finding.check or _first_words(finding.message)


def _threshold(data: dict[str, object]) -> str:
    """``p95 460 ms > 300 ms``, ``failure ratio 4.0% > 1%``, ``rps 40.2 < 100``."""
    metric, unit = str(data["metric"]), str(data.get("unit", ""))
    measured, limit = float(str(data["measured"])), float(str(data["limit"]))
    op = "<" if metric == "min_rps" else ">"
    label = "rps" if metric == "min_rps" else metric.replace("_", " ")
    if unit == "ms":
        return f"{label} {measured:.0f} ms {op} {limit:g} ms"
    if unit == "ratio":
        return f"{label} {measured * 100:.1f}% {op} {limit * 100:g}%"
    return f"{label} {measured:.1f} {op} {limit:g}"


def _first_words(message: str | None) -> str:
    lines = (message or "").strip().splitlines()
    return lines[0] if lines else ""


def _said(message: str | None) -> str:
    """A failure message's first line, without the ``AssertionError:`` every assert has."""
    return _first_words(message).removeprefix("AssertionError: ")


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def shape(message: str, result: ItemResult | None = None) -> str:
    """A message's first line with what differs from cell to cell set aside: the result's
    device and network names and every number (timings, boxes, a server's port)."""
    line = _first_words(message)
    line = _CELL.sub(" on ‹cell›", line)
    if result is not None:
        for name in sorted(
            {x for x in (result.device, result.network) if x}, key=len, reverse=True
        ):
            line = line.replace(name, "‹cell›")
    line = _NUMBER.sub("#", line)
    return _SPACE.sub(" ", line).strip()


def causes(results: Sequence[ItemResult]) -> list[Cause]:
    """The failed (and flaky) results grouped by cause, the most widespread cause first."""
    groups: dict[tuple[str, ...], Cause] = {}
    for result in results:
        why = reason(result)
        if why is None:
            continue
        f = why.finding
        if f is not None:
            key: tuple[str, ...] = (
                why.kind,
                f.check or "",
                f.target or "",
                shape(f.message, result),
            )
            label = _label(why, f)
        else:
            text = shape(result.message or "", result)
            key = (why.kind, why.step or "", text)
            label = _said(result.message) or why.detail
        cause = groups.setdefault(key, Cause(key, label, why.kind))
        cause.results.append(result)
    return sorted(groups.values(), key=lambda c: -len(c.results))


def _label(why: Reason, finding: Finding) -> str:
    """The cause as one line: the finding's own first line, without its kind or the cell."""
    line = _CELL.sub("", _said(finding.message)).replace("  ", " ")
    line = line.strip().removeprefix(f"{why.kind}: ").removeprefix("accessibility: ")
    return line or why.detail
