"""One cxcheck test item's run, phase by phase: its recorder, its findings, its result.

The hooks in :mod:`cxcheck.plugin.hooks` call these functions for cxcheck items only. Each item
gets an :class:`~cxcheck.outputs.itemresults.ItemRecorder` at setup; each report adds its phase;
the result, masked, travels on the report as ``report.cx_result`` (pytest-xdist ships it to the
controller), and its JUnit properties as ``user_properties``.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.plugin.collection import planned
from cxcheck.plugin.state import (
    ARTIFACTS_KEY,
    ATTEMPT_KEY,
    CONTEXT_KEY,
    FAILED_KEY,
    JOURNEY_KEY,
    RECORDER_KEY,
    TRACING_KEY,
    CxState,
    state_of,
)

if TYPE_CHECKING:
    from cxcheck.load.tester import LoadTest
    from cxcheck.model.paths import Portable
    from cxcheck.outputs.itemresults import ItemRecorder
    from cxcheck.plugin.contexts import ExpectTimeout


def start_item(item: pytest.Item, state: CxState) -> ItemRecorder:
    """A fresh recorder for this attempt of the item (a rerun is attempt 2, 3, ...)."""
    from cxcheck.outputs.itemresults import ItemRecorder

    # An earlier attempt's, when the test is rerun.
    if JOURNEY_KEY in item.stash:
        del item.stash[JOURNEY_KEY]
    if ARTIFACTS_KEY in item.stash:
        del item.stash[ARTIFACTS_KEY]
    if CONTEXT_KEY in item.stash:
        del item.stash[CONTEXT_KEY]
    item.stash[TRACING_KEY] = False
    item.stash[FAILED_KEY] = False
    attempt = item.stash[ATTEMPT_KEY] = item.stash.get(ATTEMPT_KEY, 0) + 1
    settings = state.settings
    app = [state.server.pid] if state.server is not None and state.server.pid else []
    recorder = ItemRecorder(planned(item), settings.browser.engine, attempt, app, settings.shard)
    item.stash[RECORDER_KEY] = recorder
    return recorder


EXPECT_KEY: pytest.StashKey[ExpectTimeout] = pytest.StashKey()


def start_cell(item: pytest.Item, state: CxState) -> None:
    """A cell's timeouts scaled for its network; an adopted test's contexts made the cell's."""
    from cxcheck.plugin import adopt
    from cxcheck.plugin.collection import cell_of

    cell = cell_of(item)
    if cell is None:
        return
    if state.settings.scale_timeouts:
        from cxcheck.plugin.contexts import ExpectTimeout

        item.stash[EXPECT_KEY] = ExpectTimeout(cell)
    if adopt.adopted(item):
        adopt.start(item, cell)


def before_teardown(item: pytest.Item) -> None:
    from cxcheck.plugin import adopt

    if adopt.adopted(item):
        adopt.before_teardown(item)


def finish_cell(item: pytest.Item) -> None:
    from cxcheck.plugin import adopt

    expect = item.stash.get(EXPECT_KEY, None)
    if expect is not None:
        expect.restore()
        del item.stash[EXPECT_KEY]
    if adopt.adopted(item):
        adopt.finish(item)


def check_findings(recorder: ItemRecorder, since: int = 0) -> None:
    """Fail the phase when findings added since ``since`` hold an error (a check outside any
    journey step, or in a fixture's teardown, decides the test as a step's decide it)."""
    from cxcheck.model.findings import CheckFailed, failure_message
    from cxcheck.model.overlaps import merge_overlaps

    # The phase's findings are final: one problem found by two checks is one finding (only
    # within the phase, so that an error of this phase is never folded into an earlier one).
    recorder.findings[since:] = merge_overlaps(recorder.findings[since:])
    problem = failure_message(recorder.findings[since:])
    if problem:
        raise CheckFailed(problem)


def evidence_line(item: pytest.Item, state: CxState, report: pytest.TestReport) -> None:
    """A failed item's report names its evidence folder (and the trace still to come)."""
    from cxcheck.outputs.evidence import describe, keeps_trace

    item.stash[FAILED_KEY] = True
    folder = item.stash.get(ARTIFACTS_KEY, None)
    if folder is not None and report.when == "call":
        # Evidence only: taking it must never change the test's outcome.
        with contextlib.suppress(Exception):
            capture_failure(item, state, folder)
        # Only a context that is being traced writes a trace when it closes: a test without a
        # page, or a run stopped by Ctrl-C, has none to point at.
        coming = (
            item.stash.get(TRACING_KEY, False)
            and CONTEXT_KEY in item.stash
            and not state.interrupted
            and keeps_trace(state.settings.trace, failed=True)
        )
        line = describe(folder, trace_coming=coming, root=item.config.invocation_params.dir)
        if line:
            report.sections.append(("cxcheck evidence", line))


def capture_failure(item: pytest.Item, state: CxState, folder: Path) -> None:
    """The moment a test failed, before its fixtures close anything: pictures of its open
    pages, and its requests unless a journey step already kept those of its own time."""
    from cxcheck.browser.capture import failure_screenshots
    from cxcheck.browser.traffic import traffic_of

    context = item.stash.get(CONTEXT_KEY, None)
    recorder = item.stash.get(RECORDER_KEY, None)
    if context is None or recorder is None or state.interrupted:
        return
    recorder.result.failure_screenshots = failure_screenshots(context, folder)
    journey = item.stash.get(JOURNEY_KEY, None)
    if journey is not None and any(s.traffic is not None for s in journey.steps):
        return
    traffic = traffic_of(context)
    if traffic is not None:
        recorder.result.traffic = traffic.summary()


def why_line(failure: BaseException, report: pytest.TestReport) -> None:
    """A Playwright timeout says why only deep in its call log, a failed expect where only in
    its call log and what it found on the next line: the reason in one line, under the failure
    (a journey step has already added a timeout's to the error's notes)."""
    from cxcheck.model.calllog import explain

    reason = explain(str(failure))
    if reason and reason not in report.longreprtext:
        report.sections.append(("cxcheck: why it failed", reason))


def timeout_note(item: pytest.Item, failure: BaseException, report: pytest.TestReport) -> None:
    """A Playwright timeout in a cell whose timeouts were scaled says so, and by how much: the
    timeout in the message is the network's, not a number anyone wrote (an info finding too)."""
    from cxcheck.model.calllog import timeout_ms
    from cxcheck.model.results import Finding

    expect = item.stash.get(EXPECT_KEY, None)
    recorder = item.stash.get(RECORDER_KEY, None)
    cell = expect.cell if expect is not None else None
    if cell is None or recorder is None or expect is None or expect.factor <= 1:
        return
    waited = timeout_ms(str(failure))
    if waited is None:
        return
    text = expect.describe(waited)
    report.sections.append(("cxcheck: timeouts in this cell", text))
    recorder.findings.append(
        Finding(
            "timeout",
            text,
            severity="info",
            check="scaled-timeout",
            data={"factor": expect.factor, "waited_ms": waited},
        )
    )


def record_report(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, state: CxState
) -> None:
    """Add one phase's report to the item's recorder; the result travels on the report."""
    from cxcheck.model import masking
    from cxcheck.model.findings import findings_of
    from cxcheck.outputs.itemresults import exception_message, junit_properties
    from cxcheck.plugin.outputs import html_extra

    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return
    message = None
    if call.excinfo is not None:
        message = exception_message(call.excinfo.typename, str(call.excinfo.value))
        if call.excinfo.errisinstance(KeyboardInterrupt):
            state.interrupted = True
        if report.when == "call" and report.failed:
            # A failure raised outside any journey step is a finding of the test.
            recorder.findings.extend(findings_of(call.excinfo.value))
            why_line(call.excinfo.value, report)
            timeout_note(item, call.excinfo.value, report)
    recorder.phase(
        report.when,
        report.outcome,
        message,
        report.longreprtext if report.failed else None,
        getattr(report, "wasxfail", None),
    )
    if report.when == "call" and report.failed:
        html_extra(item, report)
    folder = item.stash.get(ARTIFACTS_KEY, None)
    if report.when == "teardown" and folder is not None:
        from cxcheck.plugin import adopt

        adopt.their_trace(item, folder)
    if report.when == "teardown" or report.failed:
        # Final on the teardown report; provisional on a failing setup or call report, which is
        # the last report of an attempt that pytest-rerunfailures (before 16.6.1) reruns.
        journey = item.stash.get(JOURNEY_KEY, None)
        result = recorder.finish(
            journey.steps if journey is not None else [],
            item.stash.get(ARTIFACTS_KEY, None),
            state.browser_line,
        )
        # Masked where it is made: everything that reads results (terminal, JSON, JUnit, the
        # HTML report, the controller under xdist) never sees a journey file's secrets, nor the
        # run's folders as absolute paths (evidence_dir stays whole: the report copies from it;
        # the JSON writes it relative to itself).
        masked = masking.mask_data(result.to_dict())
        report.cx_result = portable(item, state).data(  # type: ignore[attr-defined]
            masked, keep=frozenset({"evidence_dir"})
        )
        if report.when == "teardown":
            properties = junit_properties(result, recorder.result.attempt)
            report.user_properties.extend(masking.mask_data(properties))


def portable(item: pytest.Item, state: CxState) -> Portable:
    """What rewrites the run's folders in a result's texts relative to where pytest runs."""
    if state.portable is None:
        from cxcheck.model.paths import Portable

        s = state.settings
        outputs = [s.json_path.parent if s.json_path else None, s.report_dir]
        roots = [item.config.rootpath, s.artifacts, *(p for p in outputs if p is not None)]
        # The interpreter's files and cxcheck's own appear in tracebacks (contextlib,
        # site-packages, a check that failed the test).
        import cxcheck

        named = {Path(sys.prefix): "<python env>", Path(sys.base_prefix): "<python>",
                 Path(cxcheck.__file__).parent: "<cxcheck>"}  # fmt: skip
        state.portable = Portable(item.config.invocation_params.dir, roots, named)
    return state.portable


def load_tester(
    item: pytest.Item, artifacts: Path | None = None, base_url: str | None = None
) -> LoadTest:
    """The load tester of one test: the fixture's and the marker's are made the same way."""
    from cxcheck.load.tester import LoadTest
    from cxcheck.model.text import slug

    config = item.config
    state = state_of(config)
    folder = artifacts or item.stash.get(ARTIFACTS_KEY, None)
    reporter: Any = config.pluginmanager.get_plugin("terminalreporter")
    show = None
    if reporter is not None and not hasattr(config, "workerinput"):
        show = reporter.write_line  # one line per interval, on a terminal and in CI logs
    return LoadTest(
        base_url=base_url or state.base_url,
        artifacts=folder or state.settings.artifacts / slug(item.nodeid),
        settings=state.settings.checks["load"],
        progress=show,
        root=config.rootpath,
    )
