"""cxcheck's command-line options (all ``--cx-*``) and ini values (all ``cx_*``), in one place.

This module is imported with the plugin by every pytest session, so it imports nothing of
cxcheck: the option-value types are checked here while pytest parses the command line, and
:func:`cx_configured` tells, without loading anything, whether the run configures cxcheck at all.
"""

from __future__ import annotations

import argparse
import os
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cxcheck.model.compare import Threshold

from cxcheck.model.names import (
    A11Y_BASELINE_FILE,
    BROWSER_ENV,
    DEFAULT_TRACE,
    ENDPOINT_ENV,
    ENGINES,
    TRACE_MODES,
)
from cxcheck.plugin.checks import CHECKS

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
OPT_JSON = "cx_json"
OPT_REPORT = "cx_report"
OPT_REPORT_SINGLE_FILE = "cx_report_single_file"
OPT_COMPARE = "cx_compare"
OPT_HISTORY = "cx_history"
OPT_HISTORY_RUNS = "cx_history_runs"
OPT_SLOWER = "cx_slower"
OPT_SHARD = "cx_shard"
OPT_DURATIONS = "cx_durations"
OPT_ORDER = "cx_order"
ORDERS = ("collection", "longest-first")

ENV_NAMES = (BROWSER_ENV, ENDPOINT_ENV)
BASELINE_FILE = A11Y_BASELINE_FILE

MARKERS = (
    "cx(devices=..., networks=..., hosts=..., ignore_requests=..., ignore_console=...): run "
    "this test on each device × network profile (names or set names; see `cxcheck profiles`); "
    "hosts: a dict of host pattern to network for those hosts' requests "
    "({'cdn.example.test': '3g', '*.ads.test': 'blackhole'}); "
    "ignore_requests/ignore_console: glob patterns of failed requests and console errors "
    "to record as ignored instead of failing; a11y_tags/a11y_impact/a11y_rules_disabled/"
    "a11y_auto: this test's accessibility settings",
    "cx_load(scenario, users=10, spawn_rate=10, run_time='10s', workers=0, p95=..., "
    "failure_ratio=..., min_rps=...): run this Locust scenario (a locustfile, relative to "
    "the rootdir) while the test runs, then hold it to the given thresholds",
)

# The core's ini settings: (name, help, type, default); each check adds its own (plugin/checks.py).
INI: tuple[tuple[str, str, Any, Any], ...] = (
    ("cx_devices", "default devices or device sets (space or comma separated)", None, None),
    ("cx_networks", "default network profiles or sets (space or comma separated)", None, None),
    ("cx_hosts", "per-host networks, one 'pattern = network' per line (cdn.example.test = 3g, "
     "*.tracker.test = blackhole); a cx marker's or journey file's hosts win", "linelist", []),
    ("cx_profiles", "TOML files of extra profiles, relative to the ini file", "paths", []),
    ("cx_base_url", "base URL of the app under test", None, None),
    ("cx_browser", "browser engine: chromium (default), firefox or webkit", None, None),
    ("cx_browser_path", "browser executable to launch", None, None),
    ("cx_artifacts", "folder for journey evidence", None, "cx-artifacts"),
    ("cx_trace", "retain-on-failure (default), on or off", None, DEFAULT_TRACE),
    ("cx_fail_on_page_errors", "an uncaught page error fails the journey step", "bool", True),
    ("cx_scale_timeouts",
     "multiply Playwright's default expect() and navigation timeouts in a cell by its "
     "network's timeout_factor (slow-4g 2.4, 3g 6.2), and journey-file actions' timeouts "
     "(not expect_*)", "bool", True),
    ("cx_cpu_calibration",
     "throttle a device that names a CPU score (cpu = \"mid-tier\", cpu_score = 1000) at the "
     "rate calibrated for it on this machine; false: at its fixed cpu_slowdown", "bool", True),
    ("cx_fail_on_failed_requests",
     "a failed request to the app's own origin fails the journey step", "bool", True),
    ("cx_ignore_requests",
     "URL glob patterns (one per line) of failed requests to record as ignored, not fail on",
     "linelist", []),
    ("cx_ignore_console", "glob patterns (one per line) of console errors to record as ignored",
     "linelist", []),
    ("cx_json", "write every cxcheck result as JSON to this path", None, None),
    ("cx_report", "write the HTML report into this folder", None, None),
    ("cx_report_single_file", "when writing the HTML report, put its pictures inside index.html "
     "(data: URIs), for CI that keeps one file", "bool", False),
    ("cx_compare", "a results JSON of an earlier run: say what changed since", None, None),
    ("cx_history", "a folder of earlier runs' results (kept by CI): say what changed, show "
     "each test's trend, and add this run", None, None),
    ("cx_history_runs", "how many runs the history folder keeps, this one included (default "
     "10)", None, None),
    ("cx_slower", "when comparing, a step is slower past both a share of its earlier time and "
     "a floor (default 25%,500ms)", None, None),
    ("cx_durations", "an earlier run's results JSON or pytest-split durations file: -n auto's "
     "workers and the longest cells first (default: pytest's cache of the last run)", None,
     None),
    ("cx_order", "under xdist: collection (default) or longest-first", None, None),
    ("cx_terminal_grid", "print the device × network grid of results at the end of the run",
     "bool", True),
    ("cx_action_timeout", "how long each journey-file action waits (e.g. 10s; default: "
     "Playwright's, 30 s for actions and 5 s for expect_*); a file's timeout: wins", None, None),
    ("cx_expect_timeout", "how long each journey-file expect_* check waits (e.g. 5s; default: "
     "as cx_action_timeout, else 5 s); never scaled for the network; a file's expect_timeout: "
     "wins", None, None),
    ("cx_server_command", "command that starts the app under test on {port} ({python} is this "
     "interpreter); cxcheck starts it once per run", None, None),
    ("cx_server_ready_path", "path that answers once the app is ready", None, "/"),
    ("cx_server_timeout", "seconds to wait for the app to be ready", None, "30"),
    ("cx_server_env", "KEY=VALUE lines added to the app's environment", "linelist", []),
)  # fmt: skip


# --- option value types: validated while parsing ---


def milliseconds(value: str) -> float:
    try:
        ms = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of milliseconds (e.g. 250)"
        ) from None
    if not 0 <= ms <= 60_000:
        raise argparse.ArgumentTypeError(f"{value} is out of range: 0 to 60000 ms")
    return ms


def http_url(value: str) -> str:
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an http(s) URL; give one like http://127.0.0.1:8000"
        )
    return value.rstrip("/") + "/" if parsed.path in ("", "/") else value


def endpoint(value: str) -> str:
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme not in ("http", "https", "ws", "wss") or not parsed.netloc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a browser endpoint; give a CDP URL like http://127.0.0.1:9222 "
            "or a Playwright server URL like ws://127.0.0.1:3000/"
        )
    return value


def output_path(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("give a path, e.g. cx-results.json or cx-report")
    return value


def run_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of runs (e.g. 10)") from None
    if not 2 <= n <= 1000:
        raise argparse.ArgumentTypeError(f"{value} is out of range: 2 to 1000 runs")
    return n


def slower_threshold(value: str) -> Threshold:
    from cxcheck.model.compare import parse_threshold  # only when the option is given
    from cxcheck.model.errors import CxError

    try:
        return parse_threshold(value, "")
    except CxError as exc:
        raise argparse.ArgumentTypeError(str(exc).strip()) from None


def add_options(parser: pytest.Parser) -> None:
    """Every ``--cx-*`` option and ``cx_*`` ini value (the body of ``pytest_addoption``)."""
    group = parser.getgroup("cxcheck", "cxcheck: customer journeys on any device at any bandwidth")
    add = group.addoption
    # fmt: off
    add("--cx-devices", dest=OPT_DEVICES, metavar="NAMES",
        help="devices or device sets to run on, comma-separated (e.g. iphone-13,phones); "
        "overrides @pytest.mark.cx and ini cx_devices")
    add("--cx-networks", dest=OPT_NETWORKS, metavar="NAMES",
        help="network profiles or sets, comma-separated (e.g. slow-4g,no-throttle); "
        "overrides @pytest.mark.cx and ini cx_networks")
    add("--cx-profiles", dest=OPT_PROFILES, metavar="FILE", action="append", default=[],
        help="a TOML file of extra or overriding profiles and sets (repeatable; adds to ini "
        "cx_profiles)")
    add("--cx-list-profiles", dest=OPT_LIST, action="store_true",
        help="print every device, network and set, then exit")
    add("--cx-base-url", dest=OPT_BASE_URL, metavar="URL", type=http_url,
        help="the app under test; relative page.goto('/') resolves against it (ini cx_base_url)")
    add("--cx-browser", dest=OPT_BROWSER, choices=ENGINES,
        help="browser engine (default chromium; only chromium can throttle) (ini cx_browser)")
    add("--cx-browser-path", dest=OPT_BROWSER_PATH, metavar="PATH",
        help="browser executable to launch (env CXCHECK_BROWSER); default: Playwright's own "
        "browser, else a system Chromium/Chrome")
    add("--cx-browser-endpoint", dest=OPT_ENDPOINT, metavar="URL", type=endpoint,
        help="connect to a running browser instead of launching one (env "
        "CXCHECK_BROWSER_ENDPOINT): CDP http://host:port, or a Playwright server "
        "(playwright run-server) ws://host:port/, whose browsers reach the runner's "
        "localhost/127.0.0.1 through the connection")
    add("--cx-headed", dest=OPT_HEADED, action="store_true",
        help="show the browser window (local debugging)")
    add("--cx-slowmo", dest=OPT_SLOWMO, metavar="MS", type=milliseconds, default=0.0,
        help="pause this many ms after each browser action (local debugging)")
    add("--cx-artifacts", dest=OPT_ARTIFACTS, metavar="DIR",
        help="where journeys write evidence, one folder per test id (ini cx_artifacts; "
        "default cx-artifacts)")
    add("--cx-trace", dest=OPT_TRACE, choices=TRACE_MODES,
        help="Playwright trace per test: retain-on-failure (default: a failed test keeps "
        "its trace.zip), on (every test keeps one) or off (no tracing) (ini cx_trace)")
    add("--cx-json", dest=OPT_JSON, metavar="PATH", type=output_path,
        help="write every cxcheck result as JSON to PATH (schema: "
        "cxcheck/model/results.schema.json) (ini cx_json)")
    add("--cx-report", dest=OPT_REPORT, metavar="DIR", type=output_path,
        help="write the HTML report to DIR/index.html, self-contained (ini cx_report)")
    add("--cx-report-single-file", dest=OPT_REPORT_SINGLE_FILE, action="store_true",
        help="with --cx-report: index.html holds every picture (data: URIs), so the one file "
        "shows them; the trace and other files are still linked from DIR/files/ (ini "
        "cx_report_single_file)")
    add("--cx-compare", dest=OPT_COMPARE, metavar="RESULTS.json", type=output_path,
        help="an earlier run's --cx-json results: the terminal and the report say what is newly "
        "failing, fixed, still failing, flaky, slower, and the new findings (ini cx_compare)")
    add("--cx-history", dest=OPT_HISTORY, metavar="DIR", type=output_path,
        help="a folder of earlier runs' results that CI keeps: compare with them, show each "
        "test's trend, then add this run, keeping the newest --cx-history-runs (ini cx_history)")
    add("--cx-history-runs", dest=OPT_HISTORY_RUNS, metavar="N", type=run_count,
        help="how many runs the history folder keeps, this one included (default 10) "
        "(ini cx_history_runs)")
    add("--cx-slower", dest=OPT_SLOWER, metavar="SHARE,FLOOR", type=slower_threshold,
        help="when comparing, a step is slower only past both a share of its earlier time and "
        "a floor: e.g. 50%%,1s for a noisy CI machine (default 25%%,500ms) (ini cx_slower)")
    add("--cx-shard", dest=OPT_SHARD, metavar="LABEL",
        help="name this run's shard when a run is split across machines (shown on each result "
        "and in the merged report); default: pytest-split's GROUP/SPLITS when it splits the run")
    add("--cx-durations", dest=OPT_DURATIONS, metavar="FILE", type=output_path,
        help="an earlier run's results JSON (or a pytest-split durations file) whose measured "
        "cells size -n auto and start the longest cells first under xdist; default: what the "
        "last run left in pytest's cache (ini cx_durations)")
    add("--cx-order", dest=OPT_ORDER, choices=ORDERS,
        help="under pytest-xdist's --dist load (-n's default): collection (default: xdist's own "
        "order) or longest-first (the longest measured cell the cores can take first) (ini "
        "cx_order)")
    # fmt: on
    for check in CHECKS:
        for option in check.options:
            add(option.flag, dest=option.dest, help=option.help, **option.kwargs)
    for name, help_text, kind, default in all_ini():
        if default is None:  # pytest's own default for the type ("" for text)
            parser.addini(name, help_text, type=kind)
        else:
            parser.addini(name, help_text, type=kind, default=default)


def all_ini() -> list[tuple[str, str, Any, Any]]:
    """The core's ini settings, then each check's."""
    own = [(s.name, s.help, s.type, s.default) for c in CHECKS for s in c.ini]
    return [*INI, *own]


OPTION_DESTS = (
    OPT_DEVICES, OPT_NETWORKS, OPT_PROFILES, OPT_LIST, OPT_BASE_URL, OPT_BROWSER,
    OPT_BROWSER_PATH, OPT_ENDPOINT, OPT_HEADED, OPT_SLOWMO, OPT_ARTIFACTS, OPT_TRACE, OPT_JSON,
    OPT_REPORT, OPT_REPORT_SINGLE_FILE, OPT_COMPARE, OPT_HISTORY, OPT_HISTORY_RUNS, OPT_SLOWER,
    OPT_SHARD, OPT_DURATIONS, OPT_ORDER,
    *(o.dest for c in CHECKS for o in c.options),
)  # fmt: skip


def _unset(kind: Any, default: Any) -> Any:
    """What ``config.getini`` answers for an ini value the ini file does not set."""
    if default is not None:
        return default
    return [] if kind in ("paths", "linelist", "args") else ""


def ini_dir(config: pytest.Config) -> Path:
    """The folder of the ini file (or the rootdir): relative ini paths start there."""
    return config.inipath.parent if config.inipath else config.rootpath


def cx_configured(config: pytest.Config) -> bool:
    """Whether this run configures cxcheck: a ``--cx-*`` option, a ``cx_*`` ini value, a
    ``CXCHECK_BROWSER*`` variable or an a11y baseline file. Such a run's settings are checked
    up front; any other run loads cxcheck only if it collects a cxcheck test."""
    if any(config.getoption(dest, None) for dest in OPTION_DESTS):
        return True
    if any(config.getini(name) != _unset(kind, default) for name, _, kind, default in all_ini()):
        return True
    if any(os.environ.get(name) for name in ENV_NAMES):
        return True
    return (ini_dir(config) / BASELINE_FILE).exists()
