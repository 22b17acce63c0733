"""cxcheck's fixtures: the cell, the browser and its context, the journey and the checks.

Loaded with the plugin (``pytest_plugins`` of :mod:`cxcheck.plugin.hooks`), so they show in
``pytest --fixtures``; each imports what it needs when a test asks for it. Their policies (which
noise a test ignores, its a11y settings, whether a trace is kept, a quiet close) are the plain
functions at the end of this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.plugin.contexts import close_quietly, report_unmatched_hosts, stop_trace
from cxcheck.plugin.lifecycle import load_tester
from cxcheck.plugin.state import (
    ARTIFACTS_KEY,
    ATTEMPT_KEY,
    CELL_KEY,
    CONTEXT_KEY,
    FAILED_KEY,
    JOURNEY_KEY,
    RECORDER_KEY,
    TRACING_KEY,
    state_of,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from cxcheck.checks.protocol import TestContext
    from cxcheck.config.matrix import Cell
    from cxcheck.config.profiles import Catalogue, DeviceProfile, NetworkProfile
    from cxcheck.journey.journey import Journey
    from cxcheck.journey.session import Session
    from cxcheck.load.tester import LoadTest


@pytest.fixture
def _cx_cell(request: pytest.FixtureRequest) -> Cell:
    """The device × network cell of this test item (set by parametrization)."""
    from cxcheck.config.matrix import Cell

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
    return state_of(pytestconfig).catalogue


@pytest.fixture(scope="session")
def cx_base_url(pytestconfig: pytest.Config) -> str | None:
    """The base URL of the app under test (--cx-base-url / cx_base_url), checked to answer."""
    from cxcheck.browser.launch import check_base_url
    from cxcheck.model.errors import CxError

    state = state_of(pytestconfig)
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
    from cxcheck.model.errors import CxError
    from cxcheck.plugin import adopt

    state = state_of(pytestconfig)
    if adopt.active(pytestconfig):
        from cxcheck.plugin.adopt_fixtures import shared_browser

        # pytest-playwright's browser: the one its own fixtures and cxcheck's share.
        yield shared_browser(request, state.settings.browser.engine)
        return
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
            close_quietly(browser.close, browser, state)
        finally:
            pw.stop()


@pytest.fixture
def cx_context_options(
    cx_device: DeviceProfile, cx_network: NetworkProfile, cx_base_url: str | None
) -> dict[str, Any]:
    """Keyword arguments for ``browser.new_context``; override in a conftest to add your own."""
    from cxcheck.browser.launch import context_options

    return context_options(cx_device, cx_network, cx_base_url)


@pytest.fixture
def cx_context(
    cx_browser: Browser,
    cx_context_options: dict[str, Any],
    cx_artifacts: Path,
    _cx_cell: Cell,
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
) -> Iterator[BrowserContext]:
    """A fresh browser context emulating the device, with the network throttled on every page.

    When the test fails, the Playwright trace of the context lands in the test's evidence folder
    as trace.zip (--cx-trace retain-on-failure, the default; ``on`` keeps every test's, ``off``
    records none), beside pictures of its open pages and its heaviest and slowest requests.
    """
    from cxcheck.outputs.evidence import keeps_trace, records_trace
    from cxcheck.plugin import adopt
    from cxcheck.plugin.contexts import prepare_context, record_cpu

    if adopt.adopted(request.node):
        # pytest-playwright's context, made this cell's as it was opened (plugin/adopt.py).
        yield request.getfixturevalue("context")
        return
    state = state_of(pytestconfig)
    mode = state.settings.trace
    context = cx_browser.new_context(**cx_context_options)
    settings = state.settings
    cpu = prepare_context(
        context, _cx_cell, records_trace(mode), settings.scale_timeouts, settings.cpu_calibration
    )
    record_cpu(request.node, cpu)
    # For the failure's evidence, taken before this fixture's teardown closes the context.
    request.node.stash[CONTEXT_KEY] = context
    request.node.stash[TRACING_KEY] = records_trace(mode)
    try:
        yield context
        report_unmatched_hosts(context)
    finally:
        try:
            if records_trace(mode) and not state.interrupted:
                failed = request.node.stash.get(FAILED_KEY, False)
                stop_trace(context, cx_browser, state, keeps_trace(mode, failed), cx_artifacts)
        finally:
            if CONTEXT_KEY in request.node.stash:
                del request.node.stash[CONTEXT_KEY]
            close_quietly(context.close, cx_browser, state)


@pytest.fixture
def cx_page(cx_context: BrowserContext, request: pytest.FixtureRequest) -> Page:
    """A page in this test's device × network context; ``goto("/")`` is relative to the base URL.

    In a test that also takes pytest-playwright's ``page``, it is that page."""
    from cxcheck.plugin import adopt

    if adopt.adopted(request.node):
        page: Page = request.getfixturevalue("page")
        return page
    return cx_context.new_page()


@pytest.fixture
def cx_artifacts(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> Path:
    """This test item's evidence folder (under --cx-artifacts), emptied when the test starts.

    When pytest-rerunfailures runs a test again, the failed attempt's folder is kept beside it
    as ``<folder>~attempt1`` (the report links it).
    """
    from cxcheck.model.text import slug
    from cxcheck.outputs.evidence import prepare_folder

    folder = state_of(pytestconfig).settings.artifacts / slug(request.node.nodeid)
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
    from cxcheck.load.processes import stop_all

    tester = load_tester(request.node, cx_artifacts, cx_base_url)
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
    _cx_test: TestContext,
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

    settings = state_of(request.config).settings
    ignore_requests, ignore_console = noise_of(request.node)
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
    from cxcheck.plugin.checks import journey_followers

    for fixture in journey_followers(_cx_test):
        journey.after_step.append(request.getfixturevalue(fixture).after_step)
    try:
        yield journey
    finally:
        if journey.steps:
            journey.write()


@pytest.fixture
def cx_session(
    cx_journey: Journey, cx_base_url: str | None, request: pytest.FixtureRequest
) -> Session:
    """Log in once per device per worker and reuse it: ``cx_session.use(log_in)``.

    ``log_in(page)`` signs in on the cell's page. The first cell of each device on this worker
    runs it as a step named ``session · log_in`` (timed, budgeted, kept as evidence: the login's
    cost shows once) and keeps the browser's storage state (cookies, local storage); every later
    cell of that device starts from that state, with an info finding naming the cell that logged
    in and how long it took. ``key="shop-user"`` names the session (default: the function's
    module and name). When ``log_in`` fails, that cell fails as usual and every later cell of
    the device fails at once with the same reason, instead of waiting out the same timeouts.
    A journey file's ``session: steps/sign-in.steps.yaml`` does the same.
    """
    from cxcheck.journey.session import Session

    return Session(cx_journey, request.node.nodeid, cx_base_url)


@pytest.fixture
def _cx_test(request: pytest.FixtureRequest) -> TestContext:
    """What a check's fixture knows of its test: each check's settings with the test's cx
    markers on top, and the test's parameters other than its cell."""
    from cxcheck.plugin.checks import context_of

    recorder = request.node.stash.get(RECORDER_KEY, None)
    variant = recorder.result.variant if recorder is not None else ""
    return context_of(state_of(request.config).settings.checks, request.node, variant)


# --- the fixtures' policies ---


def noise_of(node: pytest.Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The request and console patterns a test ignores: known noise adds up, a module's or
    class's cx marker and the test's own (a journey file's reach its items as such a marker)."""
    from cxcheck.model.errors import CxError
    from cxcheck.plugin.settings import patterns

    ignore_requests: tuple[str, ...] = ()
    ignore_console: tuple[str, ...] = ()
    try:
        for marker in node.iter_markers("cx"):
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
    return ignore_requests, ignore_console
