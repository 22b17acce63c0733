"""The pytest plugin (the ``pytest11`` entry point): pytest's hooks, each calling plain code.

- options and ini values: :mod:`cxcheck.plugin.options`; their checked values:
  :mod:`cxcheck.plugin.settings`; the session's state, made on first use: :mod:`.state`
- collection (cells, journey files, the collection manifest): :mod:`.collection`
- one item's run and result: :mod:`.lifecycle`; the fixtures: :mod:`.fixtures`
- gathering results (and the manifest, under pytest-xdist): :mod:`.controller`
- the outputs (JSON, HTML report, terminal grid, pytest-html): :mod:`.outputs`; JUnit
  attachments: :mod:`.junit`
- ``-n auto`` and the longest cells first under pytest-xdist: :mod:`.scheduling`
- Ctrl-C: :mod:`.interrupts`; SIGTERM (a cancelled CI job): :mod:`.sigterm`
- the checks the plugin wires, one line each (their options, settings, fixtures):
  :mod:`.checks`

Light on purpose: a session that uses no cxcheck loads none of it (no profiles, checks, load,
report or Playwright); a run that configures cxcheck (a ``--cx-*`` option, a ``cx_*`` ini
value) has it checked up front, and any other run loads it when it collects a cxcheck test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxcheck.plugin import (
    adopt,
    collection,
    controller,
    interrupts,
    lifecycle,
    options,
    outputs,
    scheduling,
)
from cxcheck.plugin.checks import FIXTURE_MODULES
from cxcheck.plugin.state import (
    CELL_FIXTURE,
    RECORDER_KEY,
    SESSION_KEY,
    STARTED_KEY,
    STATE_KEY,
    is_worker,
    listing,
    start_app,
    state_of,
    watch,
)

# The core's fixtures, then each check's own module (plugin/checks.py).
pytest_plugins = ["cxcheck.plugin.fixtures", *FIXTURE_MODULES]


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    text = listing(config)
    if text is None:
        return None
    print(text)
    return 0


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # pytest-xdist's, before its own answer
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    return scheduling.auto_workers(config)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[STARTED_KEY] = time.time()
    for line in options.MARKERS:
        config.addinivalue_line("markers", line)
    config.add_cleanup(interrupts.stop_load)
    if is_worker(config):
        controller.write_worker_pid(config)
    else:
        config.pluginmanager.register(controller.ResultHooks(config), "cxcheck-results")
        if config.pluginmanager.hasplugin("xdist"):
            config.pluginmanager.register(controller.XdistHooks(config), "cxcheck-xdist")
        if getattr(config.option, "xmlpath", None):  # --junitxml: failure pictures attached
            from cxcheck.plugin.junit import JunitAttachments

            config.pluginmanager.register(JunitAttachments(config), "cxcheck-junit")
    if adopt.active(config):
        # After pytest-playwright, so that its `browser` is cxcheck's (one per worker).
        from cxcheck.plugin import adopt_fixtures

        config.pluginmanager.register(adopt_fixtures, "cxcheck-playwright")
    if options.cx_configured(config):
        state_of(config)  # every setting checked now: a bad one stops the run before it starts
        scheduling.check_settings(config)


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    config.stash[SESSION_KEY] = session
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    watch(config, state)
    if not config.option.collectonly:
        start_app(config, state)


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    interrupts.stop_load()
    # Before pytest formats the interrupt: a traceback entry without a line number crashes it.
    interrupts.repair_tracebacks(excinfo.value)


def pytest_report_header(config: pytest.Config) -> list[str]:
    header = outputs.report_header(config.stash.get(STATE_KEY, None))
    cpu = outputs.cpu_header(config.stash.get(STATE_KEY, None))
    return [header, *cpu, *scheduling.header_lines(config)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if adopt.leaves_to_adoption(metafunc):
        return  # pytest-playwright's page: expanded after its browser (plugin/adopt_fixtures.py)
    if CELL_FIXTURE in metafunc.fixturenames:
        collection.parametrize(metafunc)
    elif adopt.async_active(metafunc.config) and adopt.wants_cells(metafunc):
        adopt.join_matrix(metafunc)  # says clearly that async pages cannot be cells yet


def pytest_itemcollected(item: pytest.Item) -> None:
    adopt.keep_joined(item)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collection.collect_file(file_path, parent)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist tells the controller it has collected
def pytest_collection_finish(session: pytest.Session) -> None:
    if is_worker(session.config):
        controller.write_worker_manifest(session.config, session.items)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    state = item.config.stash.get(STATE_KEY, None)
    if state is not None and state.interrupted:
        raise KeyboardInterrupt  # Ctrl-C was pressed: no more tests against a dead browser
    if not collection.is_cx(item):
        return (yield)
    from cxcheck.model.findings import collecting

    state = state_of(item.config)
    recorder = lifecycle.start_item(item, state)
    lifecycle.start_cell(item, state)
    # Checks run by fixtures as they set up report to the test.
    with collecting(recorder.findings):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return (yield)
    from cxcheck.model.findings import collecting

    marker = item.get_closest_marker("cx_load")
    with collecting(recorder.findings):
        if marker is None:
            result = yield
        else:
            from cxcheck.load.tester import while_running

            # The test's body runs while the load runs; thresholds are checked at its end.
            with while_running(lifecycle.load_tester(item), *marker.args, **marker.kwargs):
                result = yield
    lifecycle.check_findings(recorder)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return (yield)
    from cxcheck.model.findings import collecting

    before = len(recorder.findings)
    recorder.teardown_starts()
    lifecycle.before_teardown(item)
    try:
        with collecting(recorder.findings):
            result = yield
    finally:
        lifecycle.finish_cell(item)
    # A check in a fixture's teardown (after its yield) that finds an error fails the test too.
    lifecycle.check_findings(recorder, since=before)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report: pytest.TestReport = yield
    state = item.config.stash.get(STATE_KEY, None)
    if state is not None:
        if report.failed:
            lifecycle.evidence_line(item, state, report)
        lifecycle.record_report(item, call, report, state)
    return report


@pytest.hookimpl(tryfirst=True)  # the outputs first: never after xdist waits for its workers
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or state.collector is None or session.config.option.collectonly:
        return
    outputs.finish_run(state, exitstatus)
    if state.run is not None:
        scheduling.remember(session.config, state.run)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    for title, line in outputs.summary_lines(state, bool(config.getini("cx_terminal_grid"))):
        if title is not None:
            terminalreporter.section(title, sep="-")
        terminalreporter.write_line(line)
