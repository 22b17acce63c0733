"""The pytest plugin: options, the ``cx`` marker, matrix parametrization and browser fixtures.

Thin on purpose: hooks and fixtures read pytest's configuration and call plain modules
(:mod:`cxcheck.profiles`, :mod:`cxcheck.matrix`, :mod:`cxcheck.browser`, :mod:`cxcheck.throttle`).
Playwright is imported inside fixtures only, so ``pytest --help`` stays fast.
"""

from __future__ import annotations

import argparse
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.browser import ENGINES, BrowserSettings, check_base_url, context_options, env_settings
from cxcheck.errors import CxError
from cxcheck.evidence import TRACE_FILE, TRACE_MODES, describe, keeps_trace, records_trace
from cxcheck.listing import render_catalogue
from cxcheck.matrix import (
    DEFAULT_DEVICES,
    DEFAULT_NETWORKS,
    Cell,
    build_cells,
    choose,
    marker_names,
    split_names,
)
from cxcheck.profiles import Catalogue, DeviceProfile, NetworkProfile, load_catalogue
from cxcheck.server import AppServer, ServerSpec, parse_env, validate_command
from cxcheck.throttle import Throttle

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from cxcheck.journey import Journey

# Option destinations; tests import these rather than spelling the strings again.
OPT_DEVICES = "cx_devices"
OPT_NETWORKS = "cx_networks"
OPT_PROFILES = "cx_profiles"
OPT_LIST = "cx_list_profiles"
OPT_BASE_URL = "cx_base_url"
OPT_BROWSER = "cx_browser"
OPT_BROWSER_PATH = "cx_browser_path"
OPT_ENDPOINT = "cx_browser_endpoint"
OPT_HEADED = "cx_headed"
OPT_SLOWMO = "cx_slowmo"
OPT_ARTIFACTS = "cx_artifacts"
OPT_TRACE = "cx_trace"

CELL_FIXTURE = "_cx_cell"


@dataclass
class CxState:
    """What cxcheck knows for the session, kept in ``config.stash``."""

    catalogue: Catalogue
    cli_devices: tuple[str, ...]
    cli_networks: tuple[str, ...]
    ini_devices: tuple[str, ...]
    ini_networks: tuple[str, ...]
    browser: BrowserSettings
    base_url: str | None
    artifacts: Path = Path("cx-artifacts")
    trace: str = "off"
    server_spec: ServerSpec | None = None
    server: AppServer | None = None
    browser_line: str | None = None
    checked_urls: set[str] = field(default_factory=set)


STATE_KEY = pytest.StashKey[CxState]()
FAILED_KEY = pytest.StashKey[bool]()
CELL_KEY = pytest.StashKey[Cell]()
ARTIFACTS_KEY = pytest.StashKey[Path]()


# --- option value types: validated while parsing ---


def _milliseconds(value: str) -> float:
    try:
        ms = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of milliseconds (e.g. 250)"
        ) from None
    if not 0 <= ms <= 60_000:
        raise argparse.ArgumentTypeError(f"{value} is out of range: 0 to 60000 ms")
    return ms


def _http_url(value: str) -> str:
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an http(s) URL; give one like http://127.0.0.1:8000"
        )
    return value.rstrip("/") + "/" if parsed.path in ("", "/") else value


def _endpoint(value: str) -> str:
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme not in ("http", "https", "ws", "wss") or not parsed.netloc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a browser endpoint; give a CDP URL like http://127.0.0.1:9222 "
            "or a Playwright server URL like ws://127.0.0.1:3000/"
        )
    return value


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
        type=_http_url,
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
        type=_endpoint,
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
        type=_milliseconds,
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
    parser.addini("cx_devices", "default devices or device sets (space or comma separated)")
    parser.addini("cx_networks", "default network profiles or sets (space or comma separated)")
    parser.addini(
        "cx_profiles",
        "TOML files of extra profiles, relative to the ini file",
        type="paths",
        default=[],
    )
    parser.addini("cx_base_url", "base URL of the app under test")
    parser.addini("cx_browser", "browser engine: chromium (default), firefox or webkit")
    parser.addini("cx_browser_path", "browser executable to launch")
    parser.addini("cx_artifacts", "folder for journey evidence", default="cx-artifacts")
    parser.addini("cx_trace", "off (default), on or retain-on-failure", default="off")
    parser.addini(
        "cx_fail_on_page_errors",
        "an uncaught page error fails the journey step",
        type="bool",
        default=True,
    )
    parser.addini(
        "cx_fail_on_failed_requests",
        "a failed request to the app's own origin fails the journey step",
        type="bool",
        default=True,
    )
    parser.addini(
        "cx_server_command",
        "command that starts the app under test on {port} "
        "({python} is this interpreter); cxcheck starts it once per run",
    )
    parser.addini("cx_server_ready_path", "path that answers once the app is ready", default="/")
    parser.addini("cx_server_timeout", "seconds to wait for the app to be ready", default="30")
    parser.addini(
        "cx_server_env",
        "KEY=VALUE lines added to the app's environment",
        type="linelist",
        default=[],
    )


def _profile_files(config: pytest.Config) -> list[Path]:
    ini_files: list[Path] = list(config.getini("cx_profiles"))
    cli_files = [Path(p) for p in config.getoption(OPT_PROFILES)]
    return [*ini_files, *cli_files]


def _load(config: pytest.Config) -> Catalogue:
    try:
        return load_catalogue(_profile_files(config))
    except CxError as exc:
        raise pytest.UsageError(f"cxcheck: {exc}") from None


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if config.getoption(OPT_LIST):
        print(render_catalogue(_load(config)))
        return 0
    return None


def _settings(config: pytest.Config) -> BrowserSettings:
    env = env_settings()
    engine = config.getoption(OPT_BROWSER) or config.getini("cx_browser") or "chromium"
    if engine not in ENGINES:
        raise pytest.UsageError(
            f"cxcheck: ini cx_browser = {engine!r} is not an engine; "
            f"use one of {', '.join(ENGINES)}"
        )
    executable = (
        config.getoption(OPT_BROWSER_PATH) or env["executable"] or config.getini("cx_browser_path")
    )
    endpoint = config.getoption(OPT_ENDPOINT) or env["endpoint"]
    if endpoint:
        try:
            endpoint = _endpoint(endpoint)
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"cxcheck: CXCHECK_BROWSER_ENDPOINT: {exc}") from None
    if executable and endpoint:
        raise pytest.UsageError(
            "cxcheck: give either a browser to launch (--cx-browser-path / CXCHECK_BROWSER) or "
            "one to connect to (--cx-browser-endpoint), not both"
        )
    return BrowserSettings(
        engine=engine,
        executable=executable or None,
        endpoint=endpoint or None,
        headed=bool(config.getoption(OPT_HEADED)),
        slowmo_ms=float(config.getoption(OPT_SLOWMO)),
    )


def _base_url(config: pytest.Config) -> str | None:
    url: str | None = config.getoption(OPT_BASE_URL) or config.getini("cx_base_url") or None
    if url:
        try:
            return _http_url(url)
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"cxcheck: ini cx_base_url: {exc}") from None
    return None


def _trace_mode(config: pytest.Config) -> str:
    mode = str(config.getoption(OPT_TRACE) or config.getini("cx_trace") or "off")
    if mode not in TRACE_MODES:
        raise pytest.UsageError(
            f"cxcheck: ini cx_trace = {mode!r} is not a trace mode; use one of "
            f"{', '.join(TRACE_MODES)}"
        )
    return mode


def _server_spec(config: pytest.Config) -> ServerSpec | None:
    command = str(config.getini("cx_server_command") or "").strip()
    if not command:
        return None
    raw_timeout = str(config.getini("cx_server_timeout"))
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        raise pytest.UsageError(
            f"cxcheck: ini cx_server_timeout = {raw_timeout!r} must be a number of seconds "
            "between 0 and 3600, e.g. 30"
        )
    ready_path = str(config.getini("cx_server_ready_path") or "/")
    if not ready_path.startswith("/"):
        raise pytest.UsageError(
            f"cxcheck: ini cx_server_ready_path = {ready_path!r} must be a path starting with /"
        )
    try:
        validate_command(command)
        env = parse_env(config.getini("cx_server_env"), "ini cx_server_env")
    except CxError as exc:
        raise pytest.UsageError(f"cxcheck: {exc}") from None
    cwd = config.inipath.parent if config.inipath else config.rootpath
    return ServerSpec(command, ready_path, timeout, env, cwd)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cx(devices=..., networks=...): run this test on each device × network profile "
        "(names or set names; see `cxcheck profiles`)",
    )
    catalogue = _load(config)
    cli_devices = split_names(config.getoption(OPT_DEVICES))
    cli_networks = split_names(config.getoption(OPT_NETWORKS))
    ini_devices = split_names(config.getini("cx_devices"))
    ini_networks = split_names(config.getini("cx_networks"))
    state = CxState(
        catalogue=catalogue,
        cli_devices=cli_devices,
        cli_networks=cli_networks,
        ini_devices=ini_devices,
        ini_networks=ini_networks,
        browser=_settings(config),
        base_url=_base_url(config),
        server_spec=_server_spec(config),
        trace=_trace_mode(config),
        artifacts=config.invocation_params.dir
        / (config.getoption(OPT_ARTIFACTS) or config.getini("cx_artifacts") or "cx-artifacts"),
    )
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None and worker_input.get("cx_base_url"):
        # Under xdist the controller started the app once; workers share it.
        state.base_url = worker_input["cx_base_url"]
        state.server_spec = None
    elif config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(state), "cxcheck-xdist")
    # Names from the command line and ini apply to every test: check them once, up front.
    for names, where, resolve in (
        (cli_devices, "--cx-devices", catalogue.resolve_devices),
        (ini_devices, "ini cx_devices", catalogue.resolve_devices),
        (cli_networks, "--cx-networks", catalogue.resolve_networks),
        (ini_networks, "ini cx_networks", catalogue.resolve_networks),
    ):
        try:
            resolve(names, where)
        except CxError as exc:
            raise pytest.UsageError(f"cxcheck: {exc}") from None
    config.stash[STATE_KEY] = state


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.server_spec is None or state.base_url:
        return  # no app to start, or --cx-base-url/cx_base_url points at a running one
    if config.option.collectonly:
        return
    server = AppServer(state.server_spec)
    # Registered before starting, so that an interrupted start is cleaned up too.
    config.add_cleanup(server.stop)
    try:
        state.base_url = server.start()
    except CxError as exc:
        raise pytest.UsageError(f"cxcheck: {exc}") from None
    state.server = server
    state.checked_urls.add(state.base_url)


class _XdistHooks:
    """Hooks that exist only when pytest-xdist is installed."""

    def __init__(self, state: CxState) -> None:
        self.state = state

    def pytest_configure_node(self, node: Any) -> None:
        if self.state.base_url:
            node.workerinput["cx_base_url"] = self.state.base_url


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return None
    devices = ",".join(state.cli_devices or state.ini_devices or DEFAULT_DEVICES)
    networks = ",".join(state.cli_networks or state.ini_networks or DEFAULT_NETWORKS)
    return (
        f"cxcheck: engine {state.browser.engine}, base URL {state.base_url or '(none)'}, "
        f"matrix devices={devices} networks={networks} (unless a test's cx marker says otherwise)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if CELL_FIXTURE not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[STATE_KEY]
    try:
        marker = metafunc.definition.get_closest_marker("cx")
        chosen = marker_names(marker.args, marker.kwargs) if marker else {}
        devices = choose(
            state.cli_devices, chosen.get("devices"), state.ini_devices, DEFAULT_DEVICES, "devices"
        )
        networks = choose(
            state.cli_networks,
            chosen.get("networks"),
            state.ini_networks,
            DEFAULT_NETWORKS,
            "networks",
        )
        cells = build_cells(state.catalogue, devices, networks, state.browser.engine)
        error = None
    except CxError as exc:
        error = f"cxcheck: {metafunc.definition.nodeid}: {exc}"
    if error:  # failed outside the except block, so no chained traceback is printed
        pytest.fail(error, pytrace=False)
    metafunc.parametrize(CELL_FIXTURE, cells, ids=[c.id for c in cells], indirect=True)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from cxcheck.declarative import SUFFIX

    if file_path.name.endswith(SUFFIX):
        return JourneyFile.from_parent(parent, path=file_path)
    return None


class JourneyFile(pytest.File):
    """A ``*.journey.yaml`` file: one test item per device × network cell."""

    def collect(self) -> Iterator[pytest.Item]:
        from cxcheck.declarative import as_test, load

        state = self.config.stash[STATE_KEY]
        try:
            spec = load(self.path)
            devices = choose(
                state.cli_devices,
                spec.devices,
                state.ini_devices,
                DEFAULT_DEVICES,
                "devices",
                f"{self.path.name} devices",
            )
            networks = choose(
                state.cli_networks,
                spec.networks,
                state.ini_networks,
                DEFAULT_NETWORKS,
                "networks",
                f"{self.path.name} networks",
            )
            cells = build_cells(state.catalogue, devices, networks, state.browser.engine)
        except CxError as exc:
            raise self.CollectError(f"cxcheck: {exc}") from None
        name = spec.name.replace(" ", "-")
        test = as_test(spec)
        for cell in cells:
            item = pytest.Function.from_parent(self, name=f"{name}[{cell.id}]", callobj=test)
            item.stash[CELL_KEY] = cell
            yield item


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed:
        item.stash[FAILED_KEY] = True
        folder = item.stash.get(ARTIFACTS_KEY, None)
        if folder is not None and report.when == "call":
            trace = item.config.stash[STATE_KEY].trace
            line = describe(folder, trace_coming=keeps_trace(trace, failed=True))
            if line:
                report.sections.append(("cxcheck evidence", line))
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    if state.server is not None:
        terminalreporter.write_line(
            f"cxcheck app: {state.server.command_line} at {state.server.url} "
            f"(ready in {state.server.started_s:.1f} s, stopped at the end)"
        )
    if state.browser_line:
        terminalreporter.write_line(f"cxcheck browser: {state.browser_line}")


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
def cx_browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    """The browser shared by this worker's tests: launched once, or connected to an endpoint."""
    from playwright.sync_api import sync_playwright

    from cxcheck.browser import launch

    state = pytestconfig.stash[STATE_KEY]
    pw = sync_playwright().start()
    error = None
    try:
        browser, state.browser_line = launch(pw, state.browser)
    except CxError as exc:
        error = f"cxcheck: {exc}"
    if error:
        pw.stop()
        pytest.fail(error, pytrace=False)
    try:
        yield browser
    finally:
        try:
            browser.close()
        finally:
            pw.stop()


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
    mode = pytestconfig.stash[STATE_KEY].trace
    context = cx_browser.new_context(**cx_context_options)
    Throttle(cx_network, cx_device.cpu_slowdown).attach(context)
    if records_trace(mode):
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
    try:
        yield context
    finally:
        try:
            if records_trace(mode):
                if keeps_trace(mode, request.node.stash.get(FAILED_KEY, False)):
                    cx_artifacts.mkdir(parents=True, exist_ok=True)
                    context.tracing.stop(path=str(cx_artifacts / TRACE_FILE))
                else:
                    context.tracing.stop()
        finally:
            context.close()


@pytest.fixture
def cx_page(cx_context: BrowserContext) -> Page:
    """A page in this test's device × network context; ``goto("/")`` is relative to the base URL."""
    return cx_context.new_page()


@pytest.fixture
def cx_artifacts(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> Path:
    """This test item's evidence folder (under --cx-artifacts), emptied when the test starts."""
    import shutil

    from cxcheck.journey import slug

    folder = pytestconfig.stash[STATE_KEY].artifacts / slug(request.node.nodeid)
    # Only this test's own folder: a fresh run of a test never shows an older run's evidence.
    shutil.rmtree(folder, ignore_errors=True)
    request.node.stash[ARTIFACTS_KEY] = folder
    return folder


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
    a screenshot; ``steps.json`` and the screenshots land in ``cx_artifacts``.
    """
    from cxcheck.journey import Journey

    config = request.config
    journey = Journey(
        cx_page,
        cx_device,
        cx_network,
        cx_artifacts,
        base_url=cx_base_url,
        fail_on_page_errors=bool(config.getini("cx_fail_on_page_errors")),
        fail_on_failed_requests=bool(config.getini("cx_fail_on_failed_requests")),
    )
    try:
        yield journey
    finally:
        if journey.steps:
            journey.write()
