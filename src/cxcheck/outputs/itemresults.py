"""Turning one test item's run into an :class:`~cxcheck.results.ItemResult`, phase by phase.

The plugin feeds it what pytest reports (setup, call, teardown: outcome, duration, message), and
what the fixtures know (the cell, the journey's steps, the evidence folder); it knows nothing of
pytest itself. Also: the JUnit properties of a result, and merging results on the controller.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cxcheck.browser.cputime import tree_cpu_s
from cxcheck.model.calllog import with_reason
from cxcheck.model.names import TRACE_FILE
from cxcheck.model.overlaps import merge_overlaps
from cxcheck.model.results import (
    Finding,
    ItemResult,
    MachineLoad,
    RunResults,
    StepRecord,
    attempt_folder,
    merge_attempts,
)
from cxcheck.outputs.manifest import PlannedItem

MAX_ERROR_CHARS = 20_000
MAX_MESSAGE_CHARS = 600


class ItemRecorder:
    """Collects one attempt of one test item."""

    def __init__(
        self,
        planned: PlannedItem,
        engine: str,
        attempt: int = 1,
        not_mine: Collection[int] = (),
        shard: str | None = None,
    ) -> None:
        """``not_mine``: processes started by this one whose CPU is not the test's (the app
        under test, when the run started it); ``shard``: which part of a split run this is."""
        self.not_mine = not_mine
        self.cpu_before = tree_cpu_s(os.getpid(), not_mine)
        self.cpu_after: float | None = None
        self.started = time.monotonic()
        self.result = planned.result(
            engine=engine,
            started_at=time.time(),
            worker=os.environ.get("PYTEST_XDIST_WORKER") or "main",
            load=MachineLoad(MachineLoad.now(), None, os.cpu_count() or 1),
            attempt=attempt,
            shard=shard,
        )

    def teardown_starts(self) -> None:
        """The cell's CPU is counted up to here: a teardown may close the worker's browser (after
        its last cell), and a process tree that ends loses what it used from the count."""
        self.cpu_after = tree_cpu_s(os.getpid(), self.not_mine)

    @property
    def findings(self) -> list[Finding]:
        """Test-level findings: what checks add outside any journey step."""
        return self.result.findings

    def phase(
        self,
        when: str,
        outcome: str,
        message: str | None = None,
        error: str | None = None,
        xfail: str | None = None,
    ) -> None:
        """One phase's report: ``outcome`` is pytest's passed/failed/skipped (or ``rerun``)."""
        r = self.result
        failed = outcome in ("failed", "rerun")
        if xfail is not None:
            # An expected failure is not a failure; an unexpected pass is reported by pytest.
            if outcome == "skipped":
                r.outcome, r.message = "skipped", f"xfail: {xfail}".rstrip(": ")
            return
        if failed and r.outcome in ("passed", "skipped"):
            r.outcome = "failed" if when == "call" else "error"
            if when == "teardown" and message:
                message = f"error in teardown: {message}"
            r.message = _clip(message, MAX_MESSAGE_CHARS)
            r.error = _clip(error, MAX_ERROR_CHARS)
        elif outcome == "skipped" and r.outcome == "passed":
            r.outcome = "skipped"
            r.message = _clip(message, MAX_MESSAGE_CHARS)

    def finish(
        self,
        steps: Sequence[StepRecord],
        evidence_dir: Path | None,
        browser: str | None,
    ) -> ItemResult:
        """The attempt's result, with its steps and the files in its evidence folder."""
        r = self.result
        r.duration_s = round(time.monotonic() - self.started, 3)
        r.finished_at = r.started_at + r.duration_s
        # The browser is the worker's, shared by its cells one at a time: the change of the
        # tree's CPU over this cell is this cell's.
        cpu_after = self.cpu_after
        if cpu_after is None:  # a failing setup or call: its provisional result
            cpu_after = tree_cpu_s(os.getpid(), self.not_mine)
        if self.cpu_before is not None and cpu_after is not None:
            r.cpu_s = round(max(0.0, cpu_after - self.cpu_before), 3)
        r.steps = list(steps)
        # What every output reads: one problem found by two checks is one finding (steps were
        # merged when they ended; again is a no-op, and covers steps recorded another way).
        r.findings[:] = merge_overlaps(r.findings)
        for step in r.steps:
            step.findings[:] = merge_overlaps(step.findings)
        r.browser = browser
        if r.load is not None:
            r.load.after = MachineLoad.now()
        if evidence_dir is not None and evidence_dir.is_dir():
            r.evidence_dir = str(evidence_dir)
            r.evidence = sorted(p.name for p in evidence_dir.iterdir() if p.is_file())
            r.trace = TRACE_FILE if TRACE_FILE in r.evidence else None
        return r


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[:limit] + f"… ({len(text) - limit} more characters)"


def exception_message(type_name: str, text: str) -> str:
    """A failure in a few lines: pytest.fail()'s text as is, other exceptions with their type."""
    text = text.strip()
    if type_name in ("Failed", "Skipped", "XFailed"):
        return text
    return with_reason(type_name, text)


def junit_properties(result: ItemResult, attempt: int) -> list[tuple[str, str]]:
    """Device, network, outcome detail, step times and vitals, and the visual and load numbers
    (:mod:`cxcheck.outputs.junit`), for JUnit ``<property>`` tags."""
    props = [
        ("cx_device", result.device or ""),
        ("cx_network", result.network or ""),
        ("cx_outcome", result.outcome),
    ]
    if attempt > 1:
        props.append(("cx_attempt", str(attempt)))
    if result.shard:
        props.append(("cx_shard", result.shard))
    if result.cpu is not None:  # the CPU its device stands for, and what ran here
        cpu = result.cpu
        props.append(("cx_cpu_target", str(cpu.target)))
        props.append(("cx_cpu_rate", f"{cpu.rate:g}"))
        props.append(("cx_cpu_method", cpu.method))
        if cpu.host_score is not None:
            props.append(("cx_cpu_host_score", f"{cpu.host_score:.0f}"))
        if cpu.score is not None:
            props.append(("cx_cpu_score", f"{cpu.score:.0f}"))
    failing = [f for f in result.all_findings if f.failing]
    if failing and result.outcome in ("failed", "error"):
        props.append(("cx_failed_by", ",".join(sorted({f.kind for f in failing}))))
    for step in result.steps:
        key = f"cx_step_{step.index:02d}"
        props.append((f"{key}_name", step.name))
        props.append((f"{key}_s", f"{step.duration_s:.3f}"))
        if step.budget_s is not None:
            props.append((f"{key}_budget_s", f"{step.budget_s:g}"))
        props.append((f"{key}_status", step.status))
        if step.vitals is not None:
            for metric in ("ttfb", "fcp", "lcp", "cls", "inp"):
                value = getattr(step.vitals, metric)
                if value is not None:
                    props.append((f"{key}_{metric}", f"{value:.3f}" if metric == "cls" else
                                  f"{value:.0f}"))  # fmt: skip
    if result.load is not None and result.load.before is not None:
        props.append(("cx_load_before", f"{result.load.before:.2f}"))
        props.append(("cx_cpus", str(result.load.cpus)))
    from cxcheck.outputs.junit import finding_properties

    return props + finding_properties(result)


class Collector:
    """The controller's view: each item's attempts as they arrive, then one merged run.

    A result can arrive twice for one attempt: provisionally on its failing setup or call report
    (a rerun plugin may not log the teardown of an attempt it reruns) and finally on its teardown
    report; the later one wins.
    """

    def __init__(self) -> None:
        # By node id, then by worker (``--dist each`` runs one item on every worker), then attempt.
        self.attempts: dict[str, dict[str | None, dict[int, ItemResult]]] = {}
        self.expected: dict[str, PlannedItem] = {}  # collected cx items, in collection order

    def add(self, data: Mapping[str, Any]) -> None:
        result = ItemResult.from_dict(data)
        by_worker = self.attempts.setdefault(result.nodeid, {})
        by_worker.setdefault(result.worker, {})[result.attempt] = result

    def expect(self, items: Iterable[PlannedItem]) -> None:
        """The collected cxcheck items (the collection manifest), in collection order."""
        for planned in items:
            self.expected.setdefault(planned.nodeid, planned)

    def run(self, run: RunResults) -> RunResults:
        """Every result, merged; collected items that never reported are *not run*."""
        results: list[ItemResult] = []
        order = list(self.expected) + [n for n in self.attempts if n not in self.expected]
        for nodeid in order:
            by_worker = self.attempts.get(nodeid)
            if not by_worker:
                results.append(_not_run(self.expected[nodeid]))
                continue
            for by_attempt in by_worker.values():
                attempts = [by_attempt[n] for n in sorted(by_attempt)]
                for earlier in attempts[:-1]:
                    if earlier.evidence_dir:
                        # The rerun moved this attempt's folder aside before starting afresh.
                        folder = attempt_folder(Path(earlier.evidence_dir), earlier.attempt)
                        earlier.evidence_dir = str(folder)
                results.append(merge_attempts(attempts))
        run.results = results
        run.browser = run.browser or next((r.browser for r in results if r.browser), None)
        return run


def variant(callspec_id: str, cell_id: str | None) -> str:
    """The parameters of an item other than its cell, as pytest spells them in its id."""
    rest = callspec_id
    if cell_id:
        rest = rest.replace(cell_id, "", 1)
    return rest.strip("-").replace("--", "-")


def param_text(value: object) -> str:
    """A parameter's value as text for the results: plain values as they are, else their type."""
    if value is None or isinstance(value, str | int | float | bool):
        return str(value)
    return type(value).__name__


def _not_run(planned: PlannedItem) -> ItemResult:
    return planned.result(
        outcome="not-run",
        message="not run: the run was interrupted or stopped before this test",
    )
