"""The one path of a finding, from a check to the result: everything of it lives here.

1. A check calls :func:`add_finding` (or, with findings it collected aside, :func:`record`).
   The finding goes to the innermost list that :func:`collecting` opened in this thread: the
   current journey step's (``with cx_journey.step(...)``), else the test's (the plugin opens one
   around each cxcheck test's setup, call and teardown).
2. Error-severity findings decide: a step fails when it ends (:func:`failure_message` is its
   message), a test when its body or teardown returns (:class:`CheckFailed`). Warnings, info and
   ignored findings are only reported.
3. An assertion that must stop the test at once (``expect_vitals``, ``assert_matches``, a load
   threshold) raises :class:`JourneyStepError` (via :func:`raise_failing`) carrying its findings
   instead of adding them: they are recorded where the error lands (:func:`findings_of`, asked by
   the step that fails and by the plugin when the test fails), once, so a caught error records
   nothing. Any other exception that fails a step or a test becomes one ``assertion`` finding.
4. When a step's or a test's findings are final, a problem two checks found is merged into one
   finding naming both (:func:`cxcheck.model.overlaps.merge_overlaps`).
5. The step's or test's findings are part of its :class:`~cxcheck.model.results.StepRecord` or
   :class:`~cxcheck.model.results.ItemResult`, which every output reads.

Accessibility, layout, visual and load checks, and the checks you write yourself, all report
through this module::

    from cxcheck import add_finding

    def check_no_lorem_ipsum(page):
        if "lorem ipsum" in page.content().lower():
            add_finding("check", "placeholder text on the page", check="no-lorem", target=page.url)
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from cxcheck.model import calllog, expectations
from cxcheck.model.errors import CxError
from cxcheck.model.results import KINDS, SEVERITIES, Finding


class JourneyStepError(AssertionError):
    """A step failed: over budget, a page error, a failed request, or an error finding.

    ``findings``: what an assertion such as ``expect_vitals`` found; they are recorded where the
    error ends up (its step, or the test), so a caught error records nothing.
    """

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


def is_control(failure: BaseException) -> bool:
    """Ctrl-C, pytest.skip(), pytest.xfail(), pytest.exit(): how a test ends, not a failure."""
    import pytest

    controls = (KeyboardInterrupt, GeneratorExit, pytest.skip.Exception, pytest.xfail.Exception,
                pytest.exit.Exception)  # fmt: skip
    return isinstance(failure, controls)


def findings_of(failure: BaseException) -> list[Finding]:
    """The findings a failure stands for, once: the first caller to ask records them."""
    if getattr(failure, "cx_recorded", False) or is_control(failure):
        return []
    with contextlib.suppress(AttributeError, TypeError):
        failure.cx_recorded = True  # type: ignore[attr-defined]
    if isinstance(failure, JourneyStepError):
        return list(failure.findings)
    name = type(failure).__name__
    # A Playwright action that timed out: why, from its call log, instead of "Timeout exceeded".
    stuck = calllog.parse(str(failure))
    if stuck is not None:
        return [Finding("assertion", f"{name}: {stuck.line()}", check=name, target=stuck.target,
                        data=stuck.data())]  # fmt: skip
    # A failed expect: on what, what it wanted, what it was (the first line says only the middle).
    wanted = expectations.parse(str(failure))
    if wanted is not None:
        return [Finding("assertion", f"{name}: {wanted.line()}", check=name, target=wanted.target,
                        data=wanted.data())]  # fmt: skip
    first_line = (str(failure).strip().splitlines() or [""])[0]
    return [Finding("assertion", f"{name}: {first_line}" if first_line else name, check=name)]


class CheckFailed(AssertionError):
    """A test (outside any journey step) ended with error-severity findings."""

    # Its findings are already on the test: the failure is not a finding of its own.
    cx_recorded = True


_local = threading.local()


def _stack() -> list[list[Finding]]:
    stack: list[list[Finding]] | None = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def recording() -> bool:
    """Whether findings have somewhere to go now (a cxcheck test or step is running)."""
    return bool(_stack())


@contextmanager
def collecting(into: list[Finding]) -> Iterator[list[Finding]]:
    """Send findings added while the block runs to ``into`` (innermost block wins)."""
    stack = _stack()
    stack.append(into)
    try:
        yield into
    finally:
        # By identity: two lists of findings that are equal (both empty) are still different.
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is into:
                del stack[i]
                break


def add_finding(
    kind: str,
    message: str,
    *,
    severity: str = "error",
    check: str | None = None,
    target: str | None = None,
    **data: Any,
) -> Finding:
    """Record a finding on the current journey step, or on the current test.

    ``kind`` is one of :data:`cxcheck.results.KINDS` (use ``"check"`` for your own checks),
    ``severity`` one of ``error`` (fails the step or test), ``warning``, ``info``, ``ignored``;
    ``check`` is the rule id, ``target`` a selector or URL, and keyword arguments are the numbers
    behind it (JSON-serialisable). Returns the finding.
    """
    if kind not in KINDS:
        raise CxError(f"add_finding: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if severity not in SEVERITIES:
        raise CxError(
            f"add_finding: unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}"
        )
    stack = _stack()
    if not stack:
        raise CxError(
            "add_finding was called outside a cxcheck test: call it from a test that uses a "
            "cxcheck fixture (cx_page, cx_journey, ...), or from a check such a test calls"
        )
    for name, value in (("message", message), ("check", check), ("target", target)):
        if value is not None and not isinstance(value, str):
            raise CxError(f"add_finding: {name} must be text, got {type(value).__name__}")
    try:
        # Findings travel between processes and into JSON: plain, finite data only.
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CxError(
            f"add_finding: the numbers behind a finding must be plain JSON data (text, numbers, "
            f"lists, dicts): {exc}"
        ) from None
    finding = Finding(kind, message, severity, check, target, dict(data))
    stack[-1].append(finding)
    return finding


def failure_message(findings: list[Finding]) -> str | None:
    """The message a step or test fails with, or None when no finding is an error."""
    failing = [f for f in findings if f.failing]
    if not failing:
        return None
    head = failing[0].message
    more = len(failing) - 1
    return head + (f" (and {more} more finding{'s' if more > 1 else ''})" if more else "")


def raise_failing(findings: list[Finding]) -> None:
    """Raise now if any finding is an error, carrying the findings (recorded where it lands)."""
    __tracebackhide__ = True
    problem = failure_message(findings)
    if problem:
        raise JourneyStepError(problem, [f for f in findings if f.severity != "info"])


def record(findings: list[Finding]) -> None:
    """Add findings a check collected aside (with :func:`collecting`) where they belong now."""
    for f in findings:
        add_finding(
            f.kind, f.message, severity=f.severity, check=f.check, target=f.target, **f.data
        )
