"""The pytest plugin: options, the ``cx`` marker, matrix parametrization, fixtures, results.

Thin on purpose: hooks and fixtures read pytest's configuration and call plain modules
(see ``docs/architecture.md``).
Playwright is imported inside fixtures only, so ``pytest --help`` stays fast.

Results: each test item that uses a cxcheck fixture gets an :class:`~cxcheck.results.ItemResult`,
made on the process that ran it and carried on its teardown report (``report.cx_result``), which
pytest-xdist already ships to the controller; the controller merges them (reruns become *flaky*)
and writes the JSON, the HTML report and the terminal grid.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import signal
import sys
import time
import types
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.app.server import AppServer
from cxcheck.browser.launch import ENGINES, check_base_url, context_options
from cxcheck.browser.throttle import Throttle
from cxcheck.checks.a11y.baseline import Baseline
from cxcheck.checks.a11y.check import A11ySettings, baseline_outcome, with_overrides
from cxcheck.config.listing import render_catalogue
from cxcheck.config.matrix import DEFAULT_DEVICES, DEFAULT_NETWORKS, Cell, cells_for, marker_names
from cxcheck.config.profiles import Catalogue, DeviceProfile, NetworkProfile, load_catalogue
from cxcheck.model import masking
from cxcheck.model.errors import CxError
from cxcheck.model.findings import CheckFailed, collecting, failure_message, findings_of
from cxcheck.model.results import RunResults
from cxcheck.outputs.evidence import (
    TRACE_FILE,
    TRACE_MODES,
    describe,
    keeps_trace,
    prepare_folder,
    records_trace,
)
from cxcheck.outputs.itemresults import (
    Collector,
    ItemRecorder,
    cell_ids,
    exception_message,
    junit_properties,
    looks_like_cx,
    param_text,
    variant,
)
from cxcheck.plugin.settings import (
    OPT_A11Y_UPDATE,
    OPT_ARTIFACTS,
    OPT_BASE_URL,
    OPT_BROWSER,
    OPT_BROWSER_PATH,
    OPT_DEVICES,
    OPT_ENDPOINT,
    OPT_HEADED,
    OPT_JSON,
    OPT_LIST,
    OPT_LOAD_ALLOW,
    OPT_NETWORKS,
    OPT_PROFILES,
    OPT_REPORT,
    OPT_SLOWMO,
    OPT_TRACE,
    OPT_UPDATE_SNAPSHOTS,
    Settings,
    endpoint,
    http_url,
    milliseconds,
    output_path,
    patterns,
    profile_files,
    read_settings,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.layout.check import Layout
    from cxcheck.checks.visual.check import Visual
    from cxcheck.journey.journey import Journey
    from cxcheck.load.tester import LoadTest

__all__ = [
    "OPT_ARTIFACTS",
    "OPT_BASE_URL",
    "OPT_BROWSER",
    "OPT_BROWSER_PATH",
    "OPT_DEVICES",
    "OPT_ENDPOINT",
    "OPT_HEADED",
    "OPT_JSON",
    "OPT_LIST",
    "OPT_NETWORKS",
    "OPT_PROFILES",
    "OPT_REPORT",
    "OPT_SLOWMO",
    "OPT_TRACE",
]

CELL_FIXTURE = "_cx_cell"


@dataclass
class CxState:
    """What cxcheck knows for the session, kept in ``config.stash``."""

    settings: Settings
    catalogue: Catalogue
    base_url: str | None
    server: AppServer | None = None
    browser_line: str | None = None
    checked_urls: set[str] = field(default_factory=set)
    collector: Collector | None = None
    """Only on the process that writes the outputs: the controller, or the only process."""
    run: RunResults | None = None
    written: list[str] = field(default_factory=list)
    interrupted: bool = False
    started_at: float = field(default_factory=time.time)
    baseline: Baseline | None = None
    baseline_lines: list[str] = field(default_factory=list)


STATE_KEY = pytest.StashKey[CxState]()
FAILED_KEY = pytest.StashKey[bool]()
CELL_KEY = pytest.StashKey[Cell]()
ROW_KEY = pytest.StashKey[str]()  # a journey file's examples row
ARTIFACTS_KEY = pytest.StashKey[Path]()
RECORDER_KEY = pytest.StashKey[ItemRecorder]()
ATTEMPT_KEY = pytest.StashKey[int]()
JOURNEY_KEY = pytest.StashKey["Journey"]()


# Every ini setting: (name, help, type, default). One table, so `pytest --help` lists them all.
INI: tuple[tuple[str, str, Any, Any], ...] = (
    ("cx_devices", "default devices or device sets (space or comma separated)", None, None),
    ("cx_networks", "default network profiles or sets (space or comma separated)", None, None),
    ("cx_profiles", "TOML files of extra profiles, relative to the ini file", "paths", []),
    ("cx_base_url", "base URL of the app under test", None, None),
    ("cx_browser", "browser engine: chromium (default), firefox or webkit", None, None),
    ("cx_browser_path", "browser executable to launch", None, None),
    ("cx_artifacts", "folder for journey evidence", None, "cx-artifacts"),
    ("cx_trace", "off (default), on or retain-on-failure", None, "off"),
    ("cx_fail_on_page_errors", "an uncaught page error fails the journey step", "bool", True),
    ("cx_fail_on_failed_requests",
     "a failed request to the app's own origin fails the journey step", "bool", True),
    ("cx_ignore_requests",
     "URL glob patterns (one per line) of failed requests to record as ignored, not fail on",
     "linelist", []),
    ("cx_ignore_console", "glob patterns (one per line) of console errors to record as ignored",
     "linelist", []),
    ("cx_json", "write every cxcheck result as JSON to this path", None, None),
    ("cx_report", "write the HTML report into this folder", None, None),
    ("cx_terminal_grid", "print the device × network grid of results at the end of the run",
     "bool", True),
    ("cx_a11y_tags", "axe tags to check (default: wcag2a wcag2aa wcag21a wcag21aa wcag22aa)",
     None, None),
    ("cx_a11y_impact", "lowest axe impact that fails: minor, moderate, serious (default) or "
     "critical", None, None),
    ("cx_a11y_rules_disabled", "axe rule ids never to run (space or comma separated)", None,
     None),
    ("cx_a11y_auto", "scan every journey step that leaves the page in a new state with axe",
     "bool", False),
    ("cx_a11y_baseline", "the a11y baseline file, relative to the ini file "
     "(default cx-a11y-baseline.json)", None, None),
    ("cx_layout_target_size", "smallest touch target cx_layout accepts, in CSS px: 24 "
     "(default, WCAG 2.5.8) or 44", None, None),
    ("cx_visual_threshold", "how different a pixel's colour must be to count in cx_visual, "
     "0 to 1 (default 0.2, as Playwright)", None, None),
    ("cx_visual_max_diff_pixels", "differing pixels a snapshot may have (default 0)", None, None),
    ("cx_visual_max_diff_ratio", "fraction of differing pixels a snapshot may have", None, None),
    ("cx_action_timeout", "how long each journey-file action waits (e.g. 10s; default: "
     "Playwright's, 30 s for actions and 5 s for expect_*); a file's timeout: wins", None, None),
    ("cx_load_allow_host", "hosts (one per line) cx_load may send load to besides loopback "
     "addresses", "linelist", []),
    ("cx_server_command", "command that starts the app under test on {port} ({python} is this "
     "interpreter); cxcheck starts it once per run", None, None),
    ("cx_server_ready_path", "path that answers once the app is ready", None, "/"),
    ("cx_server_timeout", "seconds to wait for the app to be ready", None, "30"),
    ("cx_server_env", "KEY=VALUE lines added to the app's environment", "linelist", []),
)  # fmt: skip


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cxcheck", "cxcheck: customer journeys on any device at any bandwidth")
    group.addoption(
        "--cx-devices",
        dest=OPT_DEVICES,
        metavar="NAMES",
        help="devices or device sets to run on, comma-separated (e.g. iphone-13,phones); "
        "overrides @pytest.mark.cx and ini cx_devices",
    )
    group.addoption(
        "--cx-networks",
        dest=OPT_NETWORKS,
        metavar="NAMES",
        help="network profiles or sets, comma-separated (e.g. slow-4g,no-throttle); "
        "overrides @pytest.mark.cx and ini cx_networks",
    )
    group.addoption(
        "--cx-profiles",
        dest=OPT_PROFILES,
        metavar="FILE",
        action="append",
        default=[],
        help="a TOML file of extra or overriding profiles and sets (repeatable; adds to ini "
        "cx_profiles)",
    )
    group.addoption(
        "--cx-list-profiles",
        dest=OPT_LIST,
        action="store_true",
        help="print every device, network and set, then exit",
    )
    group.addoption(
        "--cx-base-url",
        dest=OPT_BASE_URL,
        metavar="URL",
        type=http_url,
        help="the app under test; relative page.goto('/') resolves against it (ini cx_base_url)",
    )
    group.addoption(
        "--cx-browser",
        dest=OPT_BROWSER,
        choices=ENGINES,
        help="browser engine (default chromium; only chromium can throttle) (ini cx_browser)",
    )
    group.addoption(
        "--cx-browser-path",
        dest=OPT_BROWSER_PATH,
        metavar="PATH",
        help="browser executable to launch (env CXCHECK_BROWSER); default: Playwright's own "
        "browser, else a system Chromium/Chrome",
    )
    group.addoption(
        "--cx-browser-endpoint",
        dest=OPT_ENDPOINT,
        metavar="URL",
        type=endpoint,
        help="connect to a running browser instead of launching one (env "
        "CXCHECK_BROWSER_ENDPOINT): CDP http://host:port or Playwright ws://host:port/",
    )
    group.addoption(
        "--cx-headed",
        dest=OPT_HEADED,
        action="store_true",
        help="show the browser window (local debugging)",
    )
    group.addoption(
        "--cx-slowmo",
        dest=OPT_SLOWMO,
        metavar="MS",
        type=milliseconds,
        default=0.0,
        help="pause this many ms after each browser action (local debugging)",
    )
    group.addoption(
        "--cx-artifacts",
        dest=OPT_ARTIFACTS,
        metavar="DIR",
        help="where journeys write evidence, one folder per test id (ini cx_artifacts; "
        "default cx-artifacts)",
    )
    group.addoption(
        "--cx-trace",
        dest=OPT_TRACE,
        choices=TRACE_MODES,
        help="Playwright trace per test: off (default; tracing costs time), on, or "
        "retain-on-failure (ini cx_trace)",
    )
    group.addoption(
        "--cx-json",
        dest=OPT_JSON,
        metavar="PATH",
        type=output_path,
        help="write every cxcheck result as JSON to PATH (schema: "
        "cxcheck/model/results.schema.json) (ini cx_json)",
    )
    group.addoption(
        "--cx-report",
        dest=OPT_REPORT,
        metavar="DIR",
        type=output_path,
        help="write the HTML report to DIR/index.html, self-contained (ini cx_report)",
    )
    group.addoption(
        "--cx-a11y-update-baseline",
        dest=OPT_A11Y_UPDATE,
        action="store_true",
        help="record today's accessibility violations in the baseline file (ini "
        "cx_a11y_baseline) instead of failing on them; afterwards only new ones fail",
    )
    group.addoption(
        "--cx-update-snapshots",
        dest=OPT_UPDATE_SNAPSHOTS,
        action="store_true",
        help="write or refresh cx_visual baselines (__cx_snapshots__/...) instead of comparing",
    )
    group.addoption(
        "--cx-load-allow-host",
        dest=OPT_LOAD_ALLOW,
        metavar="HOST",
        action="append",
        default=[],
        help="let cx_load send load to this host (name or host:port; repeatable; adds to ini "
        "cx_load_allow_host); without it load goes to loopback addresses only",
    )
    for name, help_text, kind, default in INI:
        if default is None:  # pytest's own default for the type ("" for text)
            parser.addini(name, help_text, type=kind)
        else:
            parser.addini(name, help_text, type=kind, default=default)


def _usage(exc: CxError) -> pytest.UsageError:
    return pytest.UsageError(f"cxcheck: {exc}")


def _load(config: pytest.Config) -> Catalogue:
    try:
        return load_catalogue(profile_files(config.getoption, config.getini))
    except CxError as exc:
        raise _usage(exc) from None


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if config.getoption(OPT_LIST):
        print(render_catalogue(_load(config)))
        return 0
    return None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cx(devices=..., networks=..., ignore_requests=..., ignore_console=...): run this test "
        "on each device × network profile (names or set names; see `cxcheck profiles`); "
        "ignore_requests/ignore_console: glob patterns of failed requests and console errors "
        "to record as ignored instead of failing; a11y_tags/a11y_impact/a11y_rules_disabled/"
        "a11y_auto: this test's accessibility settings",
    )
    config.addinivalue_line(
        "markers",
        "cx_load(scenario, users=10, spawn_rate=10, run_time='10s', workers=0, p95=..., "
        "failure_ratio=..., min_rps=...): run this Locust scenario (a locustfile, relative to "
        "the rootdir) while the test runs, then hold it to the given thresholds",
    )
    catalogue = _load(config)
    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    try:
        settings = read_settings(
            config.getoption, config.getini, config.invocation_params.dir, ini_dir
        )
        # Names from the command line and ini apply to every test: check them once, up front.
        sel = settings.selection
        catalogue.resolve_devices(sel.cli_devices, "--cx-devices")
        catalogue.resolve_devices(sel.ini_devices, "ini cx_devices")
        catalogue.resolve_networks(sel.cli_networks, "--cx-networks")
        catalogue.resolve_networks(sel.ini_networks, "ini cx_networks")
        baseline = Baseline.load(settings.a11y_baseline)
    except CxError as exc:
        raise _usage(exc) from None
    state = CxState(
        settings=settings, catalogue=catalogue, base_url=settings.base_url, baseline=baseline
    )
    worker_input = getattr(config, "workerinput", None)
    run_id = (worker_input or {}).get("cx_run_id") or uuid.uuid4().hex
    settings.visual = replace(settings.visual, run_id=run_id)
    if worker_input is not None:
        if worker_input.get("cx_base_url"):
            # Under xdist the controller started the app once; workers share it.
            state.base_url = worker_input["cx_base_url"]
            settings.server_spec = None
    else:
        from cxcheck.checks.visual.check import release_claims

        config.add_cleanup(lambda: release_claims(run_id))
        state.collector = Collector()
        config.pluginmanager.register(_ResultHooks(state.collector), "cxcheck-results")
        if config.pluginmanager.hasplugin("xdist"):
            config.pluginmanager.register(_XdistHooks(state), "cxcheck-xdist")
    config.stash[STATE_KEY] = state
    config.add_cleanup(_stop_load)


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    _watch_interrupts(config, state)
    spec = state.settings.server_spec
    if spec is None or state.base_url or config.option.collectonly:
        return  # no app to start, or --cx-base-url/cx_base_url points at a running one
    server = AppServer(spec)
    # Registered before starting, so that an interrupted start is cleaned up too.
    config.add_cleanup(server.stop)
    try:
        state.base_url = server.start()
    except CxError as exc:
        raise _usage(exc) from None
    state.server = server
    state.checked_urls.add(state.base_url)


def _watch_interrupts(config: pytest.Config, state: CxState) -> None:
    """Remember a Ctrl-C even when Playwright swallows the KeyboardInterrupt.

    SIGINT reaches the whole process group: the browser and Playwright's driver die with it, and
    the KeyboardInterrupt raised inside Playwright's event loop can surface as a "target closed"
    error instead. Without this, pytest would run every remaining test against a dead browser.
    """
    try:
        previous = signal.getsignal(signal.SIGINT)
    except ValueError:  # not the main thread
        return
    if not callable(previous):
        return  # SIGINT ignored or default: nothing of ours to add

    def on_sigint(signum: int, frame: Any) -> None:
        state.interrupted = True
        previous(signum, frame)

    try:
        signal.signal(signal.SIGINT, on_sigint)
    except ValueError:
        return

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    config.add_cleanup(restore)


def _stop_load() -> None:
    """No Locust process outlives the run (imported only if a load test ran)."""
    load = sys.modules.get("cxcheck.load.runner")
    if load is not None:
        load.stop_all()


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    # CPython 3.11 can leave a traceback entry without a line number when Ctrl-C lands on an
    # instruction that has none; pytest's own report of the interrupt then crashes, and the run
    # ends with exit code 1 instead of 2. Give such entries their function's first line.
    _stop_load()
    seen: set[int] = set()
    exc: BaseException | None = excinfo.value
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = _numbered(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__
    tb = excinfo.value.__traceback__
    if tb is not None and tb is not excinfo.tb:
        from _pytest._code.code import Traceback

        excinfo._excinfo = (excinfo.type, excinfo.value, tb)
        excinfo.traceback = Traceback(tb)


def _numbered(tb: types.TracebackType | None) -> types.TracebackType | None:
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    if all(isinstance(e.tb_lineno, int) for e in entries):
        return entries[0] if entries else None
    out: types.TracebackType | None = None
    for e in reversed(entries):
        line = e.tb_lineno if isinstance(e.tb_lineno, int) else e.tb_frame.f_code.co_firstlineno
        out = types.TracebackType(out, e.tb_frame, e.tb_lasti, line)
    return out


class _XdistHooks:
    """Hooks that exist only when pytest-xdist is installed (on the controller)."""

    def __init__(self, state: CxState) -> None:
        self.state = state
        self.seen_collection = False

    def pytest_configure_node(self, node: Any) -> None:
        # One id for the whole run, so workers agree on who writes a shared baseline.
        node.workerinput["cx_run_id"] = self.state.settings.visual.run_id
        if self.state.base_url:
            node.workerinput["cx_base_url"] = self.state.base_url

    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        # Every worker collects the same items; the controller has only their ids.
        if self.seen_collection or self.state.collector is None:
            return
        self.seen_collection = True
        cells = _cell_ids(self.state)
        self.state.collector.expect(i for i in ids if looks_like_cx(i, cells))


def _cell_ids(state: CxState) -> dict[str, tuple[str, str]]:
    sel, catalogue = state.settings.selection, state.catalogue
    # Devices named on the command line or in the ini may come from Playwright's registry.
    named = [d.name for d in catalogue.resolve_devices((*sel.cli_devices, *sel.ini_devices))]
    return cell_ids([*catalogue.devices, *named], catalogue.networks)


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return None
    sel = state.settings.selection
    devices = ",".join(sel.cli_devices or sel.ini_devices or DEFAULT_DEVICES)
    networks = ",".join(sel.cli_networks or sel.ini_networks or DEFAULT_NETWORKS)
    return (
        f"cxcheck: engine {state.settings.browser.engine}, base URL {state.base_url or '(none)'}"
        f", matrix devices={devices} networks={networks} (the default: a test's cx marker or a "
        "journey file's devices:/networks: may choose others)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if CELL_FIXTURE not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[STATE_KEY]
    try:
        marker = metafunc.definition.get_closest_marker("cx")
        chosen = marker_names(marker.args, marker.kwargs) if marker else {}
        cells = cells_for(
            state.catalogue,
            state.settings.selection,
            chosen.get("devices"),
            chosen.get("networks"),
            state.settings.browser.engine,
        )
        error = None
    except CxError as exc:
        error = f"cxcheck: {metafunc.definition.nodeid}: {exc}"
    if error:  # failed outside the except block, so no chained traceback is printed
        pytest.fail(error, pytrace=False)
    metafunc.parametrize(CELL_FIXTURE, cells, ids=[c.id for c in cells], indirect=True)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from cxcheck.journeyfiles.loader import SUFFIX

    if file_path.name.endswith(SUFFIX):
        return JourneyFile.from_parent(parent, path=file_path)
    return None


class JourneyItem(pytest.Function):
    """One cell of a journey file, reported as the file's own item (``todos[desktop-3g]``),
    not as the Python function that runs it (whose dotted location pytest would show)."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        """A failure in plain words: file:line, step, action, expected and seen, the step's page
        errors and failed requests, and the evidence; the Python traceback with --tb=long."""
        from cxcheck.journeyfiles.failures import plain_failure

        if self.config.getoption("tbstyle", "auto") in ("long", "native"):
            return masking.mask(str(super().repr_failure(excinfo)))
        journey = self.stash.get(JOURNEY_KEY, None)
        text = plain_failure(
            excinfo.value,
            journey.steps if journey is not None else [],
            self.stash.get(ARTIFACTS_KEY, None),
            self.config.rootpath,
        )
        return masking.mask(text) if text else super().repr_failure(excinfo)


class JourneyFile(pytest.File):
    """A ``*.journey.yaml`` file: one test item per examples row × device × network cell."""

    def collect(self) -> Iterator[pytest.Item]:
        from cxcheck.journeyfiles.loader import as_test, check_profiles, load_all, with_timeout

        state = self.config.stash[STATE_KEY]
        try:
            specs = load_all(self.path)
            for spec in specs:
                check_profiles(spec, state.catalogue)
            cells = cells_for(
                state.catalogue,
                state.settings.selection,
                specs[0].devices,
                specs[0].networks,
                state.settings.browser.engine,
                where=self.path.name,
            )
        except CxError as exc:
            raise self.CollectError(f"cxcheck: {exc}") from None
        for tag in specs[0].tags:
            # Registered, so --strict-markers passes and `pytest --markers` lists them.
            self.config.addinivalue_line("markers", f"{tag}: a journey file tag (cxcheck)")
        for spec in specs:
            spec = with_timeout(spec, state.settings.action_timeout)
            name = spec.name.replace(" ", "-")
            test = as_test(spec, state.catalogue)
            row = f"{spec.example}-" if spec.example else ""
            for cell in cells:
                item = JourneyItem.from_parent(self, name=f"{name}[{row}{cell.id}]", callobj=test)
                item.stash[CELL_KEY] = cell
                if spec.example:
                    item.stash[ROW_KEY] = spec.example
                for tag in spec.tags:
                    item.add_marker(tag)
                if spec.ignore_requests or spec.ignore_console:
                    # The file's known noise reaches cx_journey as a Python test's marker does.
                    noise = pytest.mark.cx(
                        ignore_requests=list(spec.ignore_requests),
                        ignore_console=list(spec.ignore_console),
                    )
                    item.add_marker(noise)
                yield item


def pytest_collection_finish(session: pytest.Session) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    if state is not None and state.collector is not None:
        state.collector.expect(i.nodeid for i in session.items if _is_cx(i))


# --- results: one per cxcheck test item, made where it runs ---


def _is_cx(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    # A load test is a cxcheck test too (its findings reach the report), without a cell.
    return (
        CELL_FIXTURE in names
        or "cx_load" in names
        or item.get_closest_marker("cx_load") is not None
    )


def _load_tester(
    item: pytest.Item, artifacts: Path | None = None, base_url: str | None = None
) -> LoadTest:
    """The load tester of one test: the fixture's and the marker's are made the same way."""
    from cxcheck.load.runner import LoadSettings
    from cxcheck.load.tester import LoadTest
    from cxcheck.model.text import slug

    config = item.config
    state = config.stash[STATE_KEY]
    folder = artifacts or item.stash.get(ARTIFACTS_KEY, None)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    show = None
    if reporter is not None and not hasattr(config, "workerinput"):
        show = reporter.write_line  # one line per interval, on a terminal and in CI logs
    return LoadTest(
        base_url=base_url or state.base_url,
        artifacts=folder or state.settings.artifacts / slug(item.nodeid),
        settings=LoadSettings(allow_hosts=state.settings.load_allow_hosts),
        progress=show,
        root=config.rootpath,
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    state = item.config.stash.get(STATE_KEY, None)
    if state is not None and state.interrupted:
        raise KeyboardInterrupt  # Ctrl-C was pressed: no more tests against a dead browser
    if state is None or not _is_cx(item):
        return (yield)
    # An earlier attempt's, when the test is rerun.
    if JOURNEY_KEY in item.stash:
        del item.stash[JOURNEY_KEY]
    if ARTIFACTS_KEY in item.stash:
        del item.stash[ARTIFACTS_KEY]
    item.stash[FAILED_KEY] = False
    callspec = getattr(item, "callspec", None)
    params = dict(callspec.params) if callspec is not None else {}
    cell = params.pop(CELL_FIXTURE, None) or item.stash.get(CELL_KEY, None)
    cell = cell if isinstance(cell, Cell) else None
    attempt = item.stash[ATTEMPT_KEY] = item.stash.get(ATTEMPT_KEY, 0) + 1
    recorder = item.stash[RECORDER_KEY] = ItemRecorder(
        nodeid=item.nodeid,
        file=item.nodeid.split("::", 1)[0],
        # A journey file's items are named "<journey>[<cell>]" by cxcheck itself.
        test=getattr(item, "originalname", item.name).partition("[")[0],
        cell=cell,
        engine=state.settings.browser.engine,
        params={k: param_text(v) for k, v in params.items()},
        attempt=attempt,
        variant=variant(callspec.id, cell.id if cell else None)
        if callspec is not None
        else item.stash.get(ROW_KEY, ""),
    )
    # Checks run by fixtures as they set up report to the test.
    with collecting(recorder.findings):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return (yield)
    marker = item.get_closest_marker("cx_load")
    with collecting(recorder.findings):
        if marker is None:
            result = yield
        else:
            from cxcheck.load.tester import while_running

            # The test's body runs while the load runs; thresholds are checked at its end.
            with while_running(_load_tester(item), *marker.args, **marker.kwargs):
                result = yield
    # Findings a check added outside any journey step decide the test, as a step's decide it.
    problem = failure_message(recorder.findings)
    if problem:
        raise CheckFailed(problem)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return (yield)
    before = len(recorder.findings)
    with collecting(recorder.findings):
        result = yield
    # A check in a fixture's teardown (after its yield) that finds an error fails the test too.
    problem = failure_message(recorder.findings[before:])
    if problem:
        raise CheckFailed(problem)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    state = item.config.stash.get(STATE_KEY, None)
    if state is None:
        return report
    if report.failed:
        item.stash[FAILED_KEY] = True
        folder = item.stash.get(ARTIFACTS_KEY, None)
        if folder is not None and report.when == "call":
            line = describe(folder, trace_coming=keeps_trace(state.settings.trace, failed=True))
            if line:
                report.sections.append(("cxcheck evidence", line))
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return report
    message = None
    if call.excinfo is not None:
        message = exception_message(call.excinfo.typename, str(call.excinfo.value))
        if call.excinfo.errisinstance(KeyboardInterrupt):
            state.interrupted = True
        if report.when == "call" and report.failed:
            # A failure raised outside any journey step is a finding of the test.
            recorder.findings.extend(findings_of(call.excinfo.value))
    recorder.phase(
        report.when,
        report.outcome,
        message,
        report.longreprtext if report.failed else None,
        getattr(report, "wasxfail", None),
    )
    if report.when == "call" and report.failed:
        _html_extra(item, report)
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
        # HTML report, the controller under xdist) never sees a journey file's secrets.
        report.cx_result = masking.mask_data(result.to_dict())
    if report.when == "teardown":
        properties = junit_properties(result, recorder.result.attempt)
        report.user_properties.extend(masking.mask_data(properties))
    return report


def _html_extra(item: pytest.Item, report: pytest.TestReport) -> None:
    """pytest-html, when installed, shows the journey's filmstrip and the failing step's shot."""
    journey = item.stash.get(JOURNEY_KEY, None)
    if journey is None or not journey.steps or not item.config.pluginmanager.hasplugin("html"):
        return
    try:
        from pytest_html import extras
    except ImportError:
        return
    from cxcheck.journey.filmstrip import make_filmstrip

    found = []
    with contextlib.suppress(OSError):
        # Made now: the journey's own strip is written at teardown, after this report.
        title = f"{journey.artifacts.name} · {journey.device.name} / {journey.network.name}"
        strip = make_filmstrip(journey.steps, journey.artifacts, title=title)
        if strip is not None:
            found.append(extras.png(base64.b64encode(strip.read_bytes()).decode(), "filmstrip"))
    failed = [s for s in journey.steps if s.status == "failed" and s.screenshot]
    if failed:
        with contextlib.suppress(OSError):
            data = (journey.artifacts / str(failed[-1].screenshot)).read_bytes()
            found.append(
                extras.image(
                    base64.b64encode(data).decode("ascii"),
                    f"step {failed[-1].name!r}",
                    mime_type="image/jpeg",
                    extension="jpg",
                )
            )
    if found:
        report.extras = [*getattr(report, "extras", []), *found]  # type: ignore[attr-defined]


class _ResultHooks:
    """Gathers every process's results on the process that writes the outputs."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "cx_result", None)
        if data is not None:
            self.collector.add(data)
        elif report.when == "teardown":
            self.collector.not_cxcheck(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or state.collector is None or session.config.option.collectonly:
        return
    from cxcheck import __version__

    run = RunResults(
        base_url=state.base_url, cxcheck_version=__version__, started_at=state.started_at
    )
    state.collector.cells = _cell_ids(state)
    state.collector.run(run)
    run.exit_status = int(exitstatus)
    run.interrupted = state.interrupted or int(exitstatus) == pytest.ExitCode.INTERRUPTED
    run.finished_at = time.time()
    state.run = run
    settings = state.settings
    if state.baseline is not None:
        state.baseline_lines = baseline_outcome(run, state.baseline, settings.a11y.update_baseline)
    # Each output on its own: one that cannot be written must not cost the other.
    json_path, report_dir = settings.json_path, settings.report_dir
    if json_path is not None:
        state.written.append(_write("JSON results", lambda: run.write_json(json_path)))
    if report_dir is not None:
        from cxcheck.outputs.report.page import write_report

        state.written.append(_write("HTML report", lambda: write_report(run, report_dir)))


def _write(what: str, write: Callable[[], Path]) -> str:
    try:
        return f"{what}: {write()}"
    except (OSError, CxError, TypeError, ValueError) as exc:
        return f"could not write the {what}: {exc}"


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    from cxcheck.outputs.grid import grid

    run = state.run
    if run is not None and run.results and config.getini("cx_terminal_grid"):
        terminalreporter.section("cxcheck matrix", sep="-")
        width = max(shutil.get_terminal_size((120, 24)).columns, 120)
        terminalreporter.write_line(grid(run, width=width))
    if state.server is not None:
        terminalreporter.write_line(
            f"cxcheck app: {state.server.command_line} at {state.server.url} "
            f"(ready in {state.server.started_s:.1f} s, stopped at the end)"
        )
    browser = state.browser_line or (run.browser if run is not None else None)
    if browser:
        terminalreporter.write_line(f"cxcheck browser: {browser}")
    for line in state.written:
        terminalreporter.write_line(f"cxcheck {line}")
    for line in state.baseline_lines:
        terminalreporter.write_line(f"cxcheck a11y baseline: {line}")


# --- fixtures ---


@pytest.fixture
def _cx_cell(request: pytest.FixtureRequest) -> Cell:
    """The device × network cell of this test item (set by parametrization)."""
    cell = getattr(request, "param", None) or request.node.stash.get(CELL_KEY, None)
    if not isinstance(cell, Cell):
        pytest.fail(
            "cxcheck fixtures must be named as test arguments (def test_x(cx_page): ...) so "
            "that cxcheck can expand the test over its device × network matrix",
            pytrace=False,
        )
    return cell


@pytest.fixture
def cx_device(_cx_cell: Cell) -> DeviceProfile:
    """The device profile this test item emulates (viewport, pixel ratio, user agent, CPU...)."""
    return _cx_cell.device


@pytest.fixture
def cx_network(_cx_cell: Cell) -> NetworkProfile:
    """The network profile applied to this test item's traffic (latency, throughput, offline)."""
    return _cx_cell.network


@pytest.fixture(scope="session")
def cx_catalogue(pytestconfig: pytest.Config) -> Catalogue:
    """Every device, network and set known to this run (built-in plus cx_profiles files)."""
    return pytestconfig.stash[STATE_KEY].catalogue


@pytest.fixture(scope="session")
def cx_base_url(pytestconfig: pytest.Config) -> str | None:
    """The base URL of the app under test (--cx-base-url / cx_base_url), checked to answer."""
    state = pytestconfig.stash[STATE_KEY]
    url = state.base_url
    if url and url not in state.checked_urls:
        error = None
        try:
            check_base_url(url)
        except CxError as exc:
            error = f"cxcheck: {exc}"
        if error:
            pytest.fail(error, pytrace=False)
        state.checked_urls.add(url)
    return url


@pytest.fixture(scope="session")
def cx_browser(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """The browser shared by this worker's tests: launched once, or connected to an endpoint."""
    from playwright.sync_api import sync_playwright

    from cxcheck.browser.launch import launch

    state = pytestconfig.stash[STATE_KEY]
    pw = sync_playwright().start()
    error = None
    try:
        browser, state.browser_line = launch(pw, state.settings.browser)
    except CxError as exc:
        error = f"cxcheck: {exc}"
    if error:
        pw.stop()
        pytest.fail(error, pytrace=False)
    closing = False

    def on_disconnected(_: Browser) -> None:
        # A crashed or killed browser: stop the run rather than fail every test that is left.
        if not closing:
            request.session.shouldstop = "cxcheck: the browser closed unexpectedly"

    browser.on("disconnected", on_disconnected)
    try:
        yield browser
    finally:
        closing = True
        try:
            _close_quietly(browser.close, browser, state)
        finally:
            pw.stop()


def _close_quietly(close: Callable[[], None], browser: Browser, state: CxState) -> None:
    """Close something of the browser's; after Ctrl-C or a crash, a dead browser is no error."""
    from playwright.sync_api import Error

    try:
        close()
    except Error:
        if not (state.interrupted or not browser.is_connected()):
            raise


@pytest.fixture
def cx_context_options(
    cx_device: DeviceProfile, cx_network: NetworkProfile, cx_base_url: str | None
) -> dict[str, Any]:
    """Keyword arguments for ``browser.new_context``; override in a conftest to add your own."""
    return context_options(cx_device, cx_network, cx_base_url)


@pytest.fixture
def cx_context(
    cx_browser: Browser,
    cx_context_options: dict[str, Any],
    cx_device: DeviceProfile,
    cx_network: NetworkProfile,
    cx_artifacts: Path,
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
) -> Iterator[BrowserContext]:
    """A fresh browser context emulating the device, with the network throttled on every page.

    With --cx-trace on (or retain-on-failure, when the test fails) the Playwright trace of the
    context lands in the test's evidence folder as trace.zip.
    """
    mode = pytestconfig.stash[STATE_KEY].settings.trace
    context = cx_browser.new_context(**cx_context_options)
    try:
        Throttle(cx_network, cx_device.cpu_slowdown).attach(context)
        if records_trace(mode):
            context.tracing.start(screenshots=True, snapshots=True, sources=False)
    except BaseException:
        context.close()  # the test never gets it: close it here, or the browser keeps it
        raise
    state = pytestconfig.stash[STATE_KEY]
    try:
        yield context
    finally:
        try:
            if records_trace(mode) and not state.interrupted:
                if keeps_trace(mode, request.node.stash.get(FAILED_KEY, False)):
                    cx_artifacts.mkdir(parents=True, exist_ok=True)
                    path = str(cx_artifacts / TRACE_FILE)
                    _close_quietly(lambda: context.tracing.stop(path=path), cx_browser, state)
                else:
                    _close_quietly(context.tracing.stop, cx_browser, state)
        finally:
            _close_quietly(context.close, cx_browser, state)


@pytest.fixture
def cx_page(cx_context: BrowserContext) -> Page:
    """A page in this test's device × network context; ``goto("/")`` is relative to the base URL."""
    return cx_context.new_page()


@pytest.fixture
def cx_artifacts(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> Path:
    """This test item's evidence folder (under --cx-artifacts), emptied when the test starts.

    When pytest-rerunfailures runs a test again, the failed attempt's folder is kept beside it
    as ``<folder>~attempt1`` (the report links it).
    """
    from cxcheck.model.text import slug

    folder = pytestconfig.stash[STATE_KEY].settings.artifacts / slug(request.node.nodeid)
    prepare_folder(folder, request.node.stash.get(ATTEMPT_KEY, 1))
    request.node.stash[ARTIFACTS_KEY] = folder
    return folder


@pytest.fixture
def cx_load(
    request: pytest.FixtureRequest, cx_base_url: str | None, cx_artifacts: Path
) -> Iterator[LoadTest]:
    """Load scenarios with Locust: ``cx_load.run("load/shop.py", users=50, run_time="30s")``.

    Returns what Locust measured (requests, failures, rps, p50–p99 per endpoint, and over time);
    ``result.check(p95="500ms", failure_ratio=0.01, min_rps=100)`` fails with a table of what
    fell short. ``cx_load.background(...)`` runs load while the test does something else,
    ``cx_load.under_load(cx_journey, steps, scenario, max_slowdown=2.0)`` compares a journey's
    steps with and without load, and ``cx_load.record_journey(cx_browser, steps)`` turns a
    browser journey into a scenario. Locust runs in child processes (``workers=N`` adds local
    workers); load goes to loopback addresses only unless ``--cx-load-allow-host`` names the host.
    """
    from cxcheck.load.runner import stop_all

    tester = _load_tester(request.node, cx_artifacts, cx_base_url)
    try:
        yield tester
    finally:
        stop_all()  # a failing test leaves no Locust process behind


@pytest.fixture
def cx_journey(
    cx_page: Page,
    cx_device: DeviceProfile,
    cx_network: NetworkProfile,
    cx_base_url: str | None,
    cx_artifacts: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Journey]:
    """A customer journey on ``cx_page``: ``with cx_journey.step("search", budget="2s"): ...``.

    Each step is timed and records requests, bytes, failed requests, console and page errors and
    a screenshot; ``steps.json`` and the screenshots land in ``cx_artifacts``. What a step sees
    becomes findings (see ``cxcheck.add_finding``); ini ``cx_ignore_requests`` /
    ``cx_ignore_console`` and the ``cx`` marker's ``ignore_requests`` / ``ignore_console`` glob
    patterns record matching failures as ignored instead of failing the step.
    """
    from cxcheck.journey.journey import Journey

    settings = request.config.stash[STATE_KEY].settings
    ignore_requests: tuple[str, ...] = ()
    ignore_console: tuple[str, ...] = ()
    try:
        # Known noise adds up: a module's or class's cx marker and the test's own.
        for marker in request.node.iter_markers("cx"):
            ignore_requests += patterns(
                marker.kwargs.get("ignore_requests"), "@pytest.mark.cx(ignore_requests=...)"
            )
            ignore_console += patterns(
                marker.kwargs.get("ignore_console"), "@pytest.mark.cx(ignore_console=...)"
            )
        error = None
    except CxError as exc:
        error = f"cxcheck: {exc}"
    if error:
        pytest.fail(error, pytrace=False)
    journey = Journey(
        cx_page,
        cx_device,
        cx_network,
        cx_artifacts,
        base_url=cx_base_url,
        fail_on_page_errors=settings.fail_on_page_errors,
        fail_on_failed_requests=settings.fail_on_failed_requests,
        ignore_requests=(*settings.ignore_requests, *ignore_requests),
        ignore_console=(*settings.ignore_console, *ignore_console),
    )
    request.node.stash[JOURNEY_KEY] = journey
    if _a11y_settings(request).auto:
        a11y: A11y = request.getfixturevalue("cx_a11y")
        journey.after_step.append(a11y.after_step)
    try:
        yield journey
    finally:
        if journey.steps:
            journey.write()


def _a11y_settings(request: pytest.FixtureRequest) -> A11ySettings:
    settings = request.config.stash[STATE_KEY].settings.a11y
    # A module's or class's cx marker, then the test's own: the closest wins key by key.
    merged: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("cx"))):
        merged.update({k: v for k, v in marker.kwargs.items() if k.startswith("a11y_")})
    if not merged:
        return settings
    try:
        return with_overrides(settings, merged)
    except CxError as exc:
        error = f"cxcheck: {exc}"
    pytest.fail(error, pytrace=False)


@pytest.fixture
def cx_a11y(cx_page: Page, request: pytest.FixtureRequest) -> A11y:
    """Accessibility checks with axe-core: ``cx_a11y.check()`` scans ``cx_page`` as it is now.

    Frames are scanned too (cross-origin ones included). Violations at or above the failing
    impact (ini ``cx_a11y_impact``, default serious) fail the current journey step, or the
    test; those in the a11y baseline (ini ``cx_a11y_baseline``) are recorded as ignored.
    Options: ``tags``, ``rules``, ``disabled``, ``impact``, ``include``, ``exclude``. With
    ini ``cx_a11y_auto = true`` every journey step that changes the page is scanned.
    """
    from cxcheck.checks.a11y.check import A11y

    state = request.config.stash[STATE_KEY]
    return A11y(cx_page, _a11y_settings(request), state.baseline or Baseline(Path("-")))


@pytest.fixture
def cx_layout(
    cx_page: Page, cx_device: DeviceProfile, cx_a11y: A11y, pytestconfig: pytest.Config
) -> Layout:
    """Responsive-layout checks on this device: ``cx_layout.check()`` (reflow, target size,
    ``zoom=True``), ``cx_layout.assert_reachable("#checkout")`` and
    ``cx_layout.find_breaks("/", widths=(320, 1920))`` (the widths where the layout breaks,
    shrunk to the narrowest). Problems are findings on the current step or the test.
    """
    from cxcheck.checks.layout.check import Layout

    settings = pytestconfig.stash[STATE_KEY].settings.layout
    return Layout(cx_page, cx_device, cx_a11y, settings)


@pytest.fixture
def cx_visual(
    cx_page: Page,
    cx_device: DeviceProfile,
    cx_browser: Browser,
    cx_artifacts: Path,
    request: pytest.FixtureRequest,
) -> Visual:
    """Visual checks: ``cx_visual.assert_matches("home")`` compares ``cx_page`` with its baseline.

    Baselines are per device, next to the test: ``__cx_snapshots__/<module>/<test>/<name>-
    <device>.png``; ``--cx-update-snapshots`` writes them. Options: ``selector``, ``full_page``,
    ``mask`` (selectors painted over), ``style``, ``threshold``, ``max_diff_pixels``,
    ``max_diff_ratio``. A failure leaves expected, actual, diff and composite PNGs as evidence.
    """
    from cxcheck.checks.visual.check import Visual

    state = request.config.stash[STATE_KEY]
    recorder = request.node.stash.get(RECORDER_KEY, None)
    node = request.node
    test = getattr(node, "originalname", node.name).partition("[")[0]
    return Visual(
        cx_page,
        cx_device,
        state.settings.visual,
        test_file=Path(node.path),
        test=test,
        variant=recorder.result.variant if recorder is not None else "",
        evidence=cx_artifacts,
        browser=f"{cx_browser.browser_type.name} {cx_browser.version}",
    )
