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
from cxcheck.checks.a11y.axe import DEFAULT_TAGS, AxeConfig, check_impact
from cxcheck.checks.a11y.check import A11ySettings
from cxcheck.checks.layout.check import LayoutSettings
from cxcheck.checks.visual.check import VisualSettings
from cxcheck.config.matrix import Selection, split_names
from cxcheck.model.errors import CxError
from cxcheck.model.names import A11Y_BASELINE_FILE, ENGINES, TRACE_MODES
from cxcheck.plugin.options import (
    OPT_A11Y_UPDATE,
    OPT_ARTIFACTS,
    OPT_BASE_URL,
    OPT_BROWSER,
    OPT_BROWSER_PATH,
    OPT_DEVICES,
    OPT_ENDPOINT,
    OPT_HEADED,
    OPT_JSON,
    OPT_LOAD_ALLOW,
    OPT_NETWORKS,
    OPT_PROFILES,
    OPT_REPORT,
    OPT_SLOWMO,
    OPT_TRACE,
    OPT_UPDATE_SNAPSHOTS,
    endpoint,
    http_url,
)

Lookup = Callable[[str], Any]


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
    fail_on_page_errors: bool = True
    fail_on_failed_requests: bool = True
    ignore_requests: tuple[str, ...] = field(default_factory=tuple)
    ignore_console: tuple[str, ...] = field(default_factory=tuple)
    a11y: A11ySettings = field(default_factory=A11ySettings)
    a11y_baseline: Path = Path(A11Y_BASELINE_FILE)
    layout: LayoutSettings = field(default_factory=LayoutSettings)
    visual: VisualSettings = field(default_factory=VisualSettings)
    action_timeout: float | None = None
    """Seconds each journey-file action may wait (ini cx_action_timeout); None: Playwright's."""
    load_allow_hosts: tuple[str, ...] = ()
    """Hosts besides loopback that cx_load may send load to (--cx-load-allow-host)."""


def read_settings(option: Lookup, ini: Lookup, invocation_dir: Path, ini_dir: Path) -> Settings:
    """All settings; ``option``/``ini`` look values up by destination/ini name.

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
        fail_on_page_errors=bool(ini("cx_fail_on_page_errors")),
        fail_on_failed_requests=bool(ini("cx_fail_on_failed_requests")),
        ignore_requests=patterns(ini("cx_ignore_requests"), "ini cx_ignore_requests"),
        ignore_console=patterns(ini("cx_ignore_console"), "ini cx_ignore_console"),
        a11y=a11y_settings(option, ini),
        a11y_baseline=ini_dir / str(ini("cx_a11y_baseline") or A11Y_BASELINE_FILE).strip(),
        layout=layout_settings(ini),
        visual=visual_settings(option, ini),
        action_timeout=action_timeout(ini),
        load_allow_hosts=tuple(
            h.strip()
            for h in (*(option(OPT_LOAD_ALLOW) or ()), *(ini("cx_load_allow_host") or ()))
            if h.strip()
        ),
    )


def action_timeout(ini: Lookup) -> float | None:
    text = str(ini("cx_action_timeout") or "").strip()
    if not text:
        return None
    from cxcheck.model.durations import parse_duration

    try:
        return parse_duration(text)
    except CxError:
        raise CxError(
            f"ini cx_action_timeout = {text!r} is not a duration; write it like 10s or 500ms"
        ) from None


def visual_settings(option: Lookup, ini: Lookup) -> VisualSettings:
    """--cx-update-snapshots and ini cx_visual_threshold / _max_diff_pixels / _max_diff_ratio."""
    threshold = _number(ini("cx_visual_threshold"), "cx_visual_threshold", 0.2, 0.0, 1.0,
                        "a colour distance between 0 and 1 (default 0.2)")  # fmt: skip
    pixels = _number(ini("cx_visual_max_diff_pixels"), "cx_visual_max_diff_pixels", None, 0,
                     1e9, "a number of pixels, e.g. 100")  # fmt: skip
    ratio = _number(ini("cx_visual_max_diff_ratio"), "cx_visual_max_diff_ratio", None, 0.0, 1.0,
                    "a fraction of the picture between 0 and 1, e.g. 0.01")  # fmt: skip
    return VisualSettings(
        update=bool(option(OPT_UPDATE_SNAPSHOTS)),
        threshold=float(threshold) if threshold is not None else 0.2,
        max_diff_pixels=int(pixels) if pixels is not None else None,
        max_diff_ratio=ratio,
    )


def _number(
    raw: object, name: str, default: float | None, low: float, high: float, form: str
) -> float | None:
    text = str(raw or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise CxError(f"ini {name} = {text!r} must be {form}")
    return value


def a11y_settings(option: Lookup, ini: Lookup) -> A11ySettings:
    """ini cx_a11y_tags / cx_a11y_impact / cx_a11y_rules_disabled / cx_a11y_auto."""
    tags = split_names(ini("cx_a11y_tags")) or DEFAULT_TAGS
    disabled = split_names(ini("cx_a11y_rules_disabled"))
    impact = str(ini("cx_a11y_impact") or "serious").strip()
    config = AxeConfig(tags=tags, disabled=disabled)
    config.validated("ini cx_a11y_tags / cx_a11y_rules_disabled")
    check_impact(impact, "ini cx_a11y_impact")
    return A11ySettings(
        config=config,
        impact=impact,
        auto=bool(ini("cx_a11y_auto")),
        update_baseline=bool(option(OPT_A11Y_UPDATE)),
    )


def layout_settings(ini: Lookup) -> LayoutSettings:
    raw = str(ini("cx_layout_target_size") or "24").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 200:
        raise CxError(
            f"ini cx_layout_target_size = {raw!r} must be a size in CSS px: 24 (WCAG 2.5.8) "
            "or 44 (WCAG 2.5.5)"
        )
    return LayoutSettings(target_size=int(raw))


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
    if executable and url:
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
    mode = str(option(OPT_TRACE) or ini("cx_trace") or "off")
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
