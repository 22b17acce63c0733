"""What cxcheck knows for the session (:class:`CxState`, in ``config.stash``), made on first use.

A run that configures cxcheck (see :func:`cxcheck.plugin.options.cx_configured`) makes it while
pytest configures, so that a bad option stops the run before anything else; any other run makes
it only when it collects a cxcheck test or a journey file. A session that uses no cxcheck never
makes it, and so never loads the profile catalogue, the settings of the checks or the baseline.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cxcheck.plugin.interrupts import watch_interrupts
from cxcheck.plugin.options import OPT_LIST, ini_dir
from cxcheck.plugin.sigterm import Sigterm, watch_sigterm

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from cxcheck.app.server import AppServer
    from cxcheck.config.matrix import Cell
    from cxcheck.config.profiles import Catalogue
    from cxcheck.journey.journey import Journey
    from cxcheck.model.errors import CxError
    from cxcheck.model.paths import Portable
    from cxcheck.model.results import RunResults
    from cxcheck.outputs.history import Baseline
    from cxcheck.outputs.itemresults import Collector, ItemRecorder
    from cxcheck.plugin.adopt import AdoptedItem
    from cxcheck.plugin.settings import Settings

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
    finish_lines: list[str] = field(default_factory=list)
    """What the checks said at the end of the run (the a11y baseline's outcome)."""
    baseline: Baseline | None = None
    """The earlier runs this run is compared with, read at start-up (--cx-compare/history)."""
    portable: Portable | None = None
    """Rewrites the run's folders in result texts as relative paths (made on first use)."""
    adopted: AdoptedItem | None = None
    """The adopted pytest-playwright item running now (:mod:`cxcheck.plugin.adopt`)."""
    overridden_options: set[str] = field(default_factory=set)
    """The suite's context options a device has overridden so far (warned about once)."""


STATE_KEY = pytest.StashKey[CxState]()
RUN_ID_KEY = pytest.StashKey[str]()
STARTED_KEY = pytest.StashKey[float]()  # when pytest configured cxcheck: the run's start
SESSION_KEY = pytest.StashKey[pytest.Session]()  # set once the session has started
FAILED_KEY = pytest.StashKey[bool]()
CELL_KEY: pytest.StashKey[Cell] = pytest.StashKey()
ROW_KEY = pytest.StashKey[str]()  # a journey file's examples row
ARTIFACTS_KEY = pytest.StashKey[Path]()
RECORDER_KEY: pytest.StashKey[ItemRecorder] = pytest.StashKey()
ATTEMPT_KEY = pytest.StashKey[int]()
JOURNEY_KEY: pytest.StashKey[Journey] = pytest.StashKey()
WORKER_PIDS_KEY = pytest.StashKey[Callable[[], list[int]]]()  # on the xdist controller
# The test's browser context (its pages are pictured when it fails), and whether it is traced.
CONTEXT_KEY: pytest.StashKey[BrowserContext] = pytest.StashKey()
TRACING_KEY = pytest.StashKey[bool]()


def usage(exc: CxError) -> pytest.UsageError:
    return pytest.UsageError(f"cxcheck: {exc}")


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def run_id(config: pytest.Config) -> str:
    """One id for the whole run, the same on every xdist worker (set by the controller)."""
    found = config.stash.get(RUN_ID_KEY, None)
    if found is None:
        worker_input = getattr(config, "workerinput", None) or {}
        found = config.stash[RUN_ID_KEY] = worker_input.get("cx_run_id") or os.urandom(16).hex()
    return found


def load_catalogue(config: pytest.Config) -> Catalogue:
    from cxcheck.config.profiles import load_catalogue
    from cxcheck.model.errors import CxError
    from cxcheck.plugin.settings import profile_files

    try:
        return load_catalogue(profile_files(config.getoption, config.getini))
    except CxError as exc:
        raise usage(exc) from None


def listing(config: pytest.Config) -> str | None:
    """The catalogue listing of ``--cx-list-profiles``, or None without that option."""
    if not config.getoption(OPT_LIST, False):
        return None
    from cxcheck.config.listing import render_catalogue

    return render_catalogue(load_catalogue(config))


def state_of(config: pytest.Config) -> CxState:
    """The session's state, made (and every setting checked) on first use."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        state = config.stash[STATE_KEY] = _new_state(config)
        if SESSION_KEY in config.stash:  # made during the session: watch for Ctrl-C from now
            watch(config, state)
    return state


def watch(config: pytest.Config, state: CxState) -> None:
    """Remember a Ctrl-C in the state, even one that Playwright swallows; stop on a SIGTERM as
    on a Ctrl-C (on the xdist controller, passing it on to the workers)."""

    def interrupted() -> None:
        state.interrupted = True

    watch_interrupts(config, interrupted)
    watcher = Sigterm(interrupted, lambda: state.interrupted, worker=is_worker(config),
                      full_trace=bool(config.option.fulltrace))  # fmt: skip
    if config.pluginmanager.has_plugin("dsession"):  # an xdist controller with workers
        watcher.workers = config.stash.get(WORKER_PIDS_KEY, None)
    watch_sigterm(config, watcher)


def _new_state(config: pytest.Config) -> CxState:
    from cxcheck.model.errors import CxError
    from cxcheck.plugin.adopt import with_playwright_options
    from cxcheck.plugin.settings import read_settings

    catalogue = load_catalogue(config)
    try:
        settings = read_settings(
            config.getoption,
            config.getini,
            config.invocation_params.dir,
            ini_dir(config),
            run_id(config),
        )
        settings = with_playwright_options(config, settings)
        # Names from the command line and ini apply to every test: check them once, up front.
        sel = settings.selection
        catalogue.resolve_devices(
            sel.cli_devices, "pytest-playwright's --device" if sel.device_option else "--cx-devices"
        )
        catalogue.resolve_devices(sel.ini_devices, "ini cx_devices")
        catalogue.resolve_networks(sel.cli_networks, "--cx-networks")
        catalogue.resolve_networks(sel.ini_networks, "ini cx_networks")
    except CxError as exc:
        raise usage(exc) from None
    state = CxState(settings=settings, catalogue=catalogue, base_url=settings.base_url)
    # Made late (on first use), the state still dates the run from its start.
    state.started_at = config.stash.get(STARTED_KEY, state.started_at)
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None:
        if worker_input.get("cx_base_url"):
            # Under xdist the controller started the app once; workers share it (a state with a
            # base URL starts no app).
            state.base_url = worker_input["cx_base_url"]
    else:
        from cxcheck.outputs.itemresults import Collector
        from cxcheck.plugin.outputs import read_baseline

        state.collector = Collector()
        try:  # read now: a bad file stops the run before it starts
            state.baseline = read_baseline(settings)
        except CxError as exc:
            raise usage(exc) from None
    return state


def start_app(config: pytest.Config, state: CxState) -> None:
    """Start the app of ini ``cx_server_command`` once for the run (stopped when pytest cleans
    up), unless --cx-base-url/cx_base_url points at a running one."""
    spec = state.settings.server_spec
    if spec is None or state.base_url:
        return
    from cxcheck.app.server import AppServer
    from cxcheck.model.errors import CxError

    server = AppServer(spec)
    # Registered before starting, so that an interrupted start is cleaned up too.
    config.add_cleanup(server.stop)
    try:
        state.base_url = server.start()
    except CxError as exc:
        raise usage(exc) from None
    state.server = server
    state.checked_urls.add(state.base_url)
