"""Adopting a pytest-playwright suite: its ``page``, ``context`` and ``new_context`` in cells.

A test of the suite that takes one of those fixtures, and that the run puts in the matrix (a
``cx`` marker, or devices/networks on the command line or in the ini file), is expanded over
its cells like a ``cx_page`` test (:func:`join_matrix`, at collection). pytest-playwright still
makes its context, with everything the suite set; cxcheck takes it over as it is made:

- pytest-playwright's ``browser`` is cxcheck's, one per worker, shared with ``cx_browser``
  (:class:`SharedBrowsers`, through the fixtures of :mod:`.adopt_fixtures`);
- that browser's ``new_context`` adds the cell's device to the suite's options
  (:func:`cxcheck.browser.adoption.merge_options`) and makes the context the cell's
  (:func:`cxcheck.plugin.contexts.prepare_context`) while an adopted item runs
  (:class:`AdoptedItem`); outside one, it is Playwright's own, untouched.

A run that puts no such test in the matrix sees pytest-playwright exactly as it is, apart from
the browser, which cxcheck's finder finds where Playwright's own build is missing.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.plugin.options import cx_configured
from cxcheck.plugin.state import (
    CELL_FIXTURE,
    CONTEXT_KEY,
    SESSION_KEY,
    STATE_KEY,
    TRACING_KEY,
    state_of,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright

    from cxcheck.config.matrix import Cell
    from cxcheck.plugin.settings import Settings
    from cxcheck.plugin.state import CxState

PLUGIN = "playwright"
"""pytest-playwright's plugin name (its ``pytest11`` entry point)."""
ASYNC_PLUGINS = ("playwright-asyncio", "pytest_playwright_asyncio.pytest_playwright")
PAGE_FIXTURES = ("page", "context", "new_context")
"""The fixtures that make a pytest-playwright test a candidate for the matrix."""
BROWSER_PARAM = "browser_name"
"""pytest-playwright's parameter: it stays in the item's id (``test_x[chromium-iphone-13-…]``)
but is not one of the test's own parameters in the results."""
ARTIFACTS_FIXTURE = "cx_artifacts"

ASYNC_NOT_YET = (
    "cxcheck: {test} takes pytest-playwright-asyncio's async '{fixture}', which cxcheck cannot "
    "run in device × network cells yet. Take the sync fixture of pytest-playwright (`page`) "
    "or cxcheck's `cx_page` in this test, or leave it out of the matrix (no cx marker, no "
    "--cx-devices/--cx-networks)."
)
SHARED_PAGE = (
    "cxcheck: {test}: its '{fixture}' fixture is {scope}-scoped, so one browser context would "
    "serve several device × network cells and could be only one device. For the matrix, make "
    "that fixture function-scoped (the default), or leave the test out of the matrix."
)
MANY_BROWSERS = (
    "cxcheck: pytest-playwright's --browser is given {n} times ({names}); a device × network "
    "matrix runs on one engine. Pass one --browser (or --cx-browser), or run once per engine."
)


def active(config: pytest.Config) -> bool:
    """Whether pytest-playwright (sync) is loaded in this run."""
    return config.pluginmanager.has_plugin(PLUGIN)


def async_active(config: pytest.Config) -> bool:
    return any(config.pluginmanager.has_plugin(name) for name in ASYNC_PLUGINS)


def page_fixture(names: Any) -> str | None:
    """The first of pytest-playwright's page fixtures that a test uses, if any."""
    return next((name for name in PAGE_FIXTURES if name in names), None)


def wants_cells(metafunc: pytest.Metafunc) -> bool:
    """Whether a pytest-playwright test goes in the matrix: it takes ``page``, ``context`` or
    ``new_context``, and has a ``cx`` marker or the run names devices or networks."""
    config = metafunc.config
    if page_fixture(metafunc.fixturenames) is None:
        return False
    if not (active(config) or async_active(config)):
        return False
    if metafunc.definition.get_closest_marker("cx") is not None:
        return True
    return cx_configured(config) and state_of(config).settings.selection.configured


def leaves_to_adoption(metafunc: pytest.Metafunc) -> bool:
    """A test that takes pytest-playwright's page is expanded over its cells by the adoption
    hook, which runs after pytest-playwright's own (so its browser comes first in the id)."""
    return active(metafunc.config) and page_fixture(metafunc.fixturenames) is not None


def join_matrix(metafunc: pytest.Metafunc) -> None:
    """Put the test in the matrix: its cell and evidence folder join its fixtures, as if it
    took ``cx_page`` (pytest-playwright adds its browser parameter the same way)."""
    fixture = page_fixture(metafunc.fixturenames)
    if not active(metafunc.config):
        pytest.fail(
            ASYNC_NOT_YET.format(test=metafunc.definition.nodeid, fixture=fixture), pytrace=False
        )
    for name, scope in shared_pages(metafunc):
        test = metafunc.definition.nodeid
        pytest.fail(SHARED_PAGE.format(test=test, fixture=name, scope=scope), pytrace=False)
    browsers = metafunc.config.getoption("browser", None) or []
    if len(set(browsers)) > 1:
        pytest.fail(MANY_BROWSERS.format(n=len(browsers), names=", ".join(browsers)),
                    pytrace=False)  # fmt: skip
    for name in (CELL_FIXTURE, ARTIFACTS_FIXTURE):
        if name not in metafunc.fixturenames:
            metafunc.fixturenames.append(name)


def shared_pages(metafunc: pytest.Metafunc) -> list[tuple[str, str]]:
    """The page fixtures of a test that outlive it (a session-scoped ``context``, say): one
    context for many cells cannot be each cell's device. Read from pytest's fixture
    definitions where this pytest keeps them; nothing is said where it does not."""
    defs = getattr(metafunc, "_arg2fixturedefs", None) or {}
    shared = []
    for name in PAGE_FIXTURES:
        found = defs.get(name) or ()
        scope = str(getattr(found[-1], "scope", "function")) if found else "function"
        if scope != "function":
            shared.append((name, scope))
    return shared


def keep_joined(item: pytest.Item) -> None:
    """After parametrizing, pytest prunes the fixtures no argument leads to: an adopted item's
    cell and evidence folder join its fixtures again (one list, shared by its cells)."""
    callspec = getattr(item, "callspec", None)
    names = getattr(item, "fixturenames", None)
    if callspec is None or names is None or CELL_FIXTURE not in callspec.params:
        return
    for name in (CELL_FIXTURE, ARTIFACTS_FIXTURE):
        if name not in names:
            names.append(name)


def adopted(item: pytest.Item) -> bool:
    """Whether an item is a cell whose context pytest-playwright makes."""
    from cxcheck.plugin.collection import cell_of

    return (
        active(item.config)
        and page_fixture(getattr(item, "fixturenames", ())) is not None
        and cell_of(item) is not None
    )


# --- the run's choices: pytest-playwright's options that name what cxcheck also chooses ---


def with_playwright_options(config: pytest.Config, settings: Settings) -> Settings:
    """The settings with what pytest-playwright's options say, or a clear error on a clash.

    - ``--device X`` is a one-device matrix: it counts as ``--cx-devices X``, and both at once
      are an error (both name the devices);
    - one ``--browser`` is the engine, unless ``--cx-browser`` names another (an error);
    - ``--base-url`` (pytest-base-url's, or pytest-playwright's own) is the app's URL for
      cxcheck too, unless ``--cx-base-url`` names another (an error).
    """
    from cxcheck.model.errors import CxError

    if not active(config):
        return settings
    device = config.getoption("device", None)
    selection = settings.selection
    if device:
        if selection.cli_devices:
            raise CxError(
                f"pytest-playwright's --device {device!r} and --cx-devices "
                f"{' '.join(selection.cli_devices)} both choose the devices; pass one of them "
                f"(--device {device!r} alone runs the matrix on that one device)"
            )
        selection = replace(selection, cli_devices=(device,), device_option=device)
    browser = settings.browser
    names = list(dict.fromkeys(config.getoption("browser", None) or []))
    if len(names) == 1:
        engine_given = config.getoption("cx_browser", None) or config.getini("cx_browser")
        if engine_given and engine_given != names[0]:
            raise CxError(
                f"pytest-playwright's --browser {names[0]} and cxcheck's --cx-browser "
                f"{engine_given} name different engines; pass one of them"
            )
        browser = replace(browser, engine=names[0])
    base_url = settings.base_url
    theirs = config.getoption("base_url", None) or _ini(config, "base_url")
    if theirs:
        if base_url and base_url.rstrip("/") != str(theirs).rstrip("/"):
            raise CxError(
                f"--base-url {theirs} and --cx-base-url {base_url} name different apps; pass "
                "one of them (cxcheck uses --base-url when --cx-base-url is not given)"
            )
        base_url = str(theirs)
    return replace(settings, selection=selection, browser=browser, base_url=base_url)


def _ini(config: pytest.Config, name: str) -> str | None:
    try:
        value = config.getini(name)
    except ValueError:
        return None
    return str(value) if value else None


# --- one browser per worker, shared by pytest-playwright's fixtures and cxcheck's ---


class SharedBrowsers:
    """The worker's browsers, one per engine: pytest-playwright's ``browser`` and cxcheck's
    ``cx_browser`` are the same one, launched once, closed when the session ends."""

    def __init__(self, pw: Playwright, config: pytest.Config) -> None:
        self.pw = pw
        self.config = config
        self.browsers: dict[str, Browser] = {}
        self.closing = False

    def get(
        self,
        engine: str,
        launch_browser: Callable[..., Browser],
        launch_args: Mapping[str, Any],
        browser_type: Any,
        remote: bool,
    ) -> Browser:
        """The engine's browser, launched the first time through pytest-playwright's
        ``launch_browser`` (the suite's launch arguments, ``connect_options``), with cxcheck's
        browser finder and launch settings added (:func:`launch_extras`)."""
        found = self.browsers.get(engine)
        if found is not None and found.is_connected():
            return found
        from cxcheck.browser.launch import (
            BrowserSettings,
            connect,
            connected_line,
            launch_extras,
        )
        from cxcheck.model.errors import CxError

        # A run that uses nothing of cxcheck has no state, and gets none: cxcheck's defaults.
        state = self.config.stash.get(STATE_KEY, None)
        settings = replace(state.settings.browser if state else BrowserSettings(), engine=engine)
        error = None
        try:
            if settings.endpoint:
                browser = connect(self.pw, settings)
                line = connected_line(settings, browser)
            else:
                extras, how = launch_extras(settings, launch_args, browser_type, remote)
                browser = launch_browser(**extras)
                line = f"{engine} {browser.version} — {how}"
        except CxError as exc:
            error = f"cxcheck: {exc}"
        if error:
            pytest.fail(error, pytrace=False)
        if state is not None:
            state.browser_line = line
        route_contexts(browser, self.config)
        session = self.config.stash.get(SESSION_KEY, None)

        def on_disconnected(_: Browser) -> None:
            if not self.closing and session is not None:
                session.shouldstop = "cxcheck: the browser closed unexpectedly"

        browser.on("disconnected", on_disconnected)
        self.browsers[engine] = browser
        return browser

    def close(self) -> None:
        from playwright.sync_api import Error

        self.closing = True
        for browser in self.browsers.values():
            with contextlib.suppress(Error):  # already gone (Ctrl-C, a crash)
                browser.close()


# --- the adopted item's contexts ---


@dataclass
class AdoptedItem:
    """An adopted item while it runs: the contexts pytest-playwright opens become its cell's."""

    item: pytest.Item
    cell: Cell
    trace: bool
    """Whether cxcheck traces its first context (not when pytest-playwright's --tracing does)."""
    scale: bool
    contexts: list[BrowserContext] = field(default_factory=list)

    def open(self, new_context: Callable[..., BrowserContext], options: Mapping[str, Any],
             state: CxState) -> BrowserContext:  # fmt: skip
        from cxcheck.browser.adoption import merge_options
        from cxcheck.plugin.contexts import prepare_context, record_cpu

        merged = merge_options(options, self.cell.device, self.cell.network, state.base_url)
        if merged.overridden:
            overridden_once(state, merged.overridden, self.cell)
        context = new_context(**merged.options)
        first = not self.contexts
        calibrate = state.settings.cpu_calibration
        cpu = prepare_context(context, self.cell, self.trace and first, self.scale, calibrate)
        self.contexts.append(context)
        if first:  # the one its failure is pictured from, and traced
            record_cpu(self.item, cpu)
            self.item.stash[CONTEXT_KEY] = context
            self.item.stash[TRACING_KEY] = self.trace
        return context


def route_contexts(browser: Browser, config: pytest.Config) -> None:
    """While an adopted item runs, every context of this browser is made its cell's."""
    original = browser.new_context

    def new_context(**options: Any) -> BrowserContext:
        state = config.stash.get(STATE_KEY, None)
        current = state.adopted if state is not None else None
        if state is None or current is None:
            return original(**options)
        return current.open(original, options, state)

    browser.new_context = new_context  # type: ignore[method-assign]


def start(item: pytest.Item, cell: Cell) -> None:
    """An adopted item starts: the contexts opened from now on are its cell's."""
    from cxcheck.outputs.evidence import records_trace

    state = state_of(item.config)
    theirs = (item.config.getoption("tracing", None) or "off") != "off"
    state.adopted = AdoptedItem(
        item,
        cell,
        trace=records_trace(state.settings.trace) and not theirs,
        scale=state.settings.scale_timeouts,
    )


def before_teardown(item: pytest.Item) -> None:
    """Before any fixture closes the item's contexts (pytest-playwright stops tracing as it
    closes one, and would throw cxcheck's trace away): keep or drop cxcheck's trace."""
    from cxcheck.outputs.evidence import keeps_trace
    from cxcheck.plugin.contexts import stop_trace
    from cxcheck.plugin.state import ARTIFACTS_KEY, FAILED_KEY

    state = state_of(item.config)
    current = state.adopted
    theirs = item.funcargs.get("output_path") if hasattr(item, "funcargs") else None
    if isinstance(theirs, str):
        item.stash[OUTPUT_PATH_KEY] = theirs
    if current is not None:
        _unmatched_hosts(item, current.contexts)
    if current is None or not current.trace or not current.contexts or state.interrupted:
        return
    context = current.contexts[0]
    folder = item.stash.get(ARTIFACTS_KEY, None)
    keep = keeps_trace(state.settings.trace, item.stash.get(FAILED_KEY, False))
    browser = context.browser
    if browser is None or folder is None:
        return
    stop_trace(context, browser, state, keep, folder)


def _unmatched_hosts(item: pytest.Item, contexts: list[BrowserContext]) -> None:
    """The host patterns no request matched, said on the test as ``cx_context`` says them."""
    from cxcheck.model.findings import collecting
    from cxcheck.plugin.contexts import report_unmatched_hosts
    from cxcheck.plugin.state import RECORDER_KEY

    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None or not contexts:
        return
    with collecting(recorder.findings):
        report_unmatched_hosts(contexts[0])


OUTPUT_PATH_KEY = pytest.StashKey[str]()
"""pytest-playwright's folder of an adopted item's own files (its ``output_path`` fixture)."""
THEIR_TRACES = ("trace.zip", "trace-1.zip")


def their_trace(item: pytest.Item, folder: Path) -> None:
    """pytest-playwright's trace of an adopted item (``--tracing``), which it has written by the
    teardown report, is copied into the item's evidence as its trace: the report links it as
    it links cxcheck's own."""
    from cxcheck.model.names import TRACE_FILE

    theirs = item.stash.get(OUTPUT_PATH_KEY, None)
    if theirs is None or (folder / TRACE_FILE).exists():
        return
    found = next((Path(theirs) / n for n in THEIR_TRACES if (Path(theirs) / n).is_file()), None)
    if found is not None and folder.is_dir():
        shutil.copyfile(found, folder / TRACE_FILE)


def finish(item: pytest.Item) -> None:
    """The adopted item is over: contexts are Playwright's own again."""
    state = state_of(item.config)
    state.adopted = None
    if CONTEXT_KEY in item.stash:
        del item.stash[CONTEXT_KEY]


def overridden_once(state: CxState, keys: tuple[str, ...], cell: Cell) -> None:
    """Warn once per run per option that the device won over the suite's own value."""
    from cxcheck.model.errors import CxWarning

    new = [k for k in keys if k not in state.overridden_options]
    if not new:
        return
    state.overridden_options.update(new)
    import warnings

    warnings.warn(
        CxWarning(
            f"the suite's browser context options set {', '.join(new)}; in a cxcheck cell the "
            f"device's values win (here {cell.device.name}), so that the cell is the device it "
            "is named for. Options the device does not set (base_url, storage_state, locale, "
            "permissions, ...) stay the suite's."
        ),
        stacklevel=2,
    )
