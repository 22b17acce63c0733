"""Reading and validating cxcheck's options and ini values, without pytest in the way.

The plugin registers the options (all ``--cx-*``, ini ``cx_*``) and hands this module two
lookups: ``option(dest)`` for the command line and ``ini(name)`` for the ini file. Every value is
checked here once, at start-up; a bad one raises :class:`cxcheck.errors.CxError` naming the
option and the fix, which the plugin turns into a ``pytest.UsageError``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxcheck.app.server import ServerSpec, parse_env, validate_command
from cxcheck.browser.launch import BrowserSettings, env_settings
from cxcheck.browser.remote import is_cdp
from cxcheck.checks.protocol import RunContext
from cxcheck.config.matrix import Selection, split_names
from cxcheck.model.compare import SLOWER, Threshold, parse_threshold
from cxcheck.model.errors import CxError
from cxcheck.model.names import DEFAULT_TRACE, ENGINES, TRACE_MODES
from cxcheck.plugin.checks import read_all
from cxcheck.plugin.options import (
    OPT_ARTIFACTS,
    OPT_BASE_URL,
    OPT_BROWSER,
    OPT_BROWSER_PATH,
    OPT_COMPARE,
    OPT_DEVICES,
    OPT_ENDPOINT,
    OPT_HEADED,
    OPT_HISTORY,
    OPT_HISTORY_RUNS,
    OPT_JSON,
    OPT_NETWORKS,
    OPT_PROFILES,
    OPT_REPORT,
    OPT_REPORT_SINGLE_FILE,
    OPT_SHARD,
    OPT_SLOWER,
    OPT_SLOWMO,
    OPT_TRACE,
    endpoint,
    http_url,
    run_count,
)

Lookup = Callable[[str], Any]
HISTORY_RUNS = 10


@dataclass(frozen=True)
class Comparing:
    """Where the earlier runs are (paths relative to the folder pytest runs in) and how they
    were named, for messages."""

    results: Path | None
    history: Path | None
    keep: int
    results_from: str = "--cx-compare"
    history_from: str = "--cx-history"
    slower: Threshold = SLOWER
    """What counts as a slower step (--cx-slower, ini cx_slower)."""


@dataclass
class Settings:
    """Everything cxcheck reads from the command line and the ini file, validated."""

    selection: Selection
    profile_files: list[Path]
    browser: BrowserSettings
    base_url: str | None
    artifacts: Path
    trace: str
    server_spec: ServerSpec | None
    json_path: Path | None
    report_dir: Path | None
    report_single_file: bool = False
    """The report's pictures go inside index.html (--cx-report-single-file)."""
    fail_on_page_errors: bool = True
    fail_on_failed_requests: bool = True
    ignore_requests: tuple[str, ...] = field(default_factory=tuple)
    ignore_console: tuple[str, ...] = field(default_factory=tuple)
    action_timeout: float | None = None
    """Seconds each journey-file action may wait (ini cx_action_timeout); None: Playwright's."""
    expect_timeout: float | None = None
    """Seconds each journey-file expect_* check may wait (ini cx_expect_timeout); None: as
    ``action_timeout``."""
    scale_timeouts: bool = True
    """Playwright's default timeouts are scaled by a cell's network (ini cx_scale_timeouts)."""
    cpu_calibration: bool = True
    """A device naming a CPU score is throttled to it as calibrated on this machine (ini
    cx_cpu_calibration); off: its fixed cpu_slowdown."""
    checks: dict[str, Any] = field(default_factory=dict)
    """Each check's settings for the run, by check name (see cxcheck.plugin.checks)."""
    compare: Comparing | None = None
    """Earlier runs to say what changed since (--cx-compare, --cx-history)."""
    hosts: tuple[str, ...] = ()
    """ini cx_hosts lines (``pattern = network``), checked against the catalogue at collection."""
    shard: str | None = None
    """This run's shard of a run split across machines (--cx-shard, else pytest-split's)."""


def read_settings(
    option: Lookup, ini: Lookup, invocation_dir: Path, ini_dir: Path, run_id: str
) -> Settings:
    """All settings, each check's included; ``option``/``ini`` look values up by
    destination/ini name.

    Output paths (artifacts, JSON, report) are relative to the folder pytest runs in; the app
    command of ``cx_server_command`` runs in the ini file's folder (``ini_dir``).
    """
    json_path = _output(option(OPT_JSON) or ini("cx_json"), invocation_dir)
    if json_path is not None and json_path.is_dir():
        raise CxError(f"--cx-json {json_path}: this is a folder; give a file, e.g. results.json")
    report_dir = _output(option(OPT_REPORT) or ini("cx_report"), invocation_dir)
    if report_dir is not None:
        from cxcheck.outputs.report.page import check_report_folder

        check_report_folder(report_dir)
    return Settings(
        selection=Selection(
            cli_devices=split_names(option(OPT_DEVICES)),
            cli_networks=split_names(option(OPT_NETWORKS)),
            ini_devices=split_names(ini("cx_devices")),
            ini_networks=split_names(ini("cx_networks")),
        ),
        profile_files=profile_files(option, ini),
        browser=browser_settings(option, ini),
        base_url=base_url(option, ini),
        artifacts=invocation_dir / (option(OPT_ARTIFACTS) or ini("cx_artifacts") or "cx-artifacts"),
        trace=trace_mode(option, ini),
        server_spec=server_spec(ini, ini_dir),
        json_path=json_path,
        report_dir=report_dir,
        report_single_file=single_file(option, ini, report_dir),
        fail_on_page_errors=bool(ini("cx_fail_on_page_errors")),
        fail_on_failed_requests=bool(ini("cx_fail_on_failed_requests")),
        ignore_requests=patterns(ini("cx_ignore_requests"), "ini cx_ignore_requests"),
        ignore_console=patterns(ini("cx_ignore_console"), "ini cx_ignore_console"),
        action_timeout=duration_ini(ini, "cx_action_timeout"),
        expect_timeout=duration_ini(ini, "cx_expect_timeout"),
        scale_timeouts=bool(ini("cx_scale_timeouts")),
        cpu_calibration=bool(ini("cx_cpu_calibration")),
        checks=read_all(RunContext(option, ini, ini_dir, run_id)),
        compare=comparing(option, ini, invocation_dir),
        shard=shard_label(option),
        hosts=tuple(str(line) for line in ini("cx_hosts") or ()),
    )


def shard_label(option: Lookup) -> str | None:
    """--cx-shard, else ``GROUP/SPLITS`` when pytest-split runs one group of a split run (its
    ``--splits``/``--group``, read by name: cxcheck does not import pytest-split)."""
    label = str(option(OPT_SHARD) or "").strip()
    if label:
        return label
    splits, group = _int_option(option, "splits"), _int_option(option, "group")
    return f"{group}/{splits}" if splits and group else None


def _int_option(option: Lookup, dest: str) -> int | None:
    try:
        value = option(dest)
    except (ValueError, AttributeError, KeyError):  # no such option: pytest-split not loaded
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def comparing(option: Lookup, ini: Lookup, invocation: Path) -> Comparing | None:
    """--cx-compare / --cx-history (ini cx_compare, cx_history, cx_history_runs), or None."""
    results = _output(option(OPT_COMPARE) or ini("cx_compare"), invocation)
    history = _output(option(OPT_HISTORY) or ini("cx_history"), invocation)
    keep = option(OPT_HISTORY_RUNS)
    if keep is None:
        raw = str(ini("cx_history_runs") or "").strip()
        try:
            keep = run_count(raw) if raw else HISTORY_RUNS
        except argparse.ArgumentTypeError as exc:
            raise CxError(f"ini cx_history_runs: {exc}") from None
    slower = SLOWER
    if isinstance(option(OPT_SLOWER), Threshold):  # checked by the option's type
        slower = option(OPT_SLOWER)
    elif str(ini("cx_slower") or "").strip():
        slower = parse_threshold(str(ini("cx_slower")), "ini cx_slower")
    if results is None and history is None:
        return None
    return Comparing(
        results,
        history,
        int(keep),
        "--cx-compare" if option(OPT_COMPARE) else "ini cx_compare",
        "--cx-history" if option(OPT_HISTORY) else "ini cx_history",
        slower,
    )


def single_file(option: Lookup, ini: Lookup, report_dir: Path | None) -> bool:
    """--cx-report-single-file asks for a report; ini cx_report_single_file only says how one
    is written, whenever one is."""
    if option(OPT_REPORT_SINGLE_FILE) and report_dir is None:
        raise CxError(
            "--cx-report-single-file needs --cx-report DIR, the folder its index.html is "
            "written to: e.g. --cx-report cx-report --cx-report-single-file"
        )
    return bool(option(OPT_REPORT_SINGLE_FILE) or ini("cx_report_single_file"))


def duration_ini(ini: Lookup, name: str) -> float | None:
    """A duration ini option (cx_action_timeout = 10s); None when unset."""
    text = str(ini(name) or "").strip()
    if not text:
        return None
    from cxcheck.model.durations import parse_duration

    try:
        return parse_duration(text)
    except CxError:
        raise CxError(
            f"ini {name} = {text!r} is not a duration; write it like 10s or 500ms (more than 0, "
            "at most 1 hour)"
        ) from None


def profile_files(option: Lookup, ini: Lookup) -> list[Path]:
    ini_files: list[Path] = list(ini("cx_profiles"))
    cli_files = [Path(p) for p in option(OPT_PROFILES)]
    return [*ini_files, *cli_files]


def _output(value: str | None, invocation: Path) -> Path | None:
    if value and str(value).strip():
        return invocation / str(value).strip()
    return None


def patterns(value: object, where: str) -> tuple[str, ...]:
    """Glob patterns: one per line (ini), or a pattern or list of patterns (marker, YAML)."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[object] = [value]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise CxError(
            f"{where}: {value!r} is not a pattern or a list of patterns; give e.g. ['*/learn.json']"
        )
    out = []
    for item in items:
        if not isinstance(item, str):
            raise CxError(f"{where}: {item!r} is not a pattern; give text like '*/learn.json'")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


def browser_settings(option: Lookup, ini: Lookup) -> BrowserSettings:
    env = env_settings()
    engine = option(OPT_BROWSER) or ini("cx_browser") or "chromium"
    if engine not in ENGINES:
        raise CxError(
            f"ini cx_browser = {engine!r} is not an engine; use one of {', '.join(ENGINES)}"
        )
    executable = option(OPT_BROWSER_PATH) or env["executable"] or ini("cx_browser_path")
    url = option(OPT_ENDPOINT) or env["endpoint"]
    if url:
        try:
            url = endpoint(url)
        except argparse.ArgumentTypeError as exc:
            raise CxError(f"CXCHECK_BROWSER_ENDPOINT: {exc}") from None
    # A Playwright server launches the browser: a path names one on the server's machine (which
    # it honours when started with --unsafe). A CDP endpoint is a browser already running.
    if executable and url and is_cdp(url):
        raise CxError(
            "give either a browser to launch (--cx-browser-path / CXCHECK_BROWSER) or "
            "one to connect to (--cx-browser-endpoint), not both"
        )
    return BrowserSettings(
        engine=engine,
        executable=executable or None,
        endpoint=url or None,
        headed=bool(option(OPT_HEADED)),
        slowmo_ms=float(option(OPT_SLOWMO)),
    )


def base_url(option: Lookup, ini: Lookup) -> str | None:
    url: str | None = option(OPT_BASE_URL) or ini("cx_base_url") or None
    if url:
        try:
            return http_url(url)
        except argparse.ArgumentTypeError as exc:
            raise CxError(f"ini cx_base_url: {exc}") from None
    return None


def trace_mode(option: Lookup, ini: Lookup) -> str:
    mode = str(option(OPT_TRACE) or ini("cx_trace") or DEFAULT_TRACE)
    if mode not in TRACE_MODES:
        raise CxError(
            f"ini cx_trace = {mode!r} is not a trace mode; use one of {', '.join(TRACE_MODES)}"
        )
    return mode


def server_spec(ini: Lookup, cwd: Path) -> ServerSpec | None:
    command = str(ini("cx_server_command") or "").strip()
    if not command:
        return None
    raw_timeout = str(ini("cx_server_timeout"))
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        raise CxError(
            f"ini cx_server_timeout = {raw_timeout!r} must be a number of seconds "
            "between 0 and 3600, e.g. 30"
        )
    ready_path = str(ini("cx_server_ready_path") or "/")
    if not ready_path.startswith("/"):
        raise CxError(f"ini cx_server_ready_path = {ready_path!r} must be a path starting with /")
    validate_command(command)
    env = parse_env(ini("cx_server_env"), "ini cx_server_env")
    return ServerSpec(command, ready_path, timeout, env, cwd)
