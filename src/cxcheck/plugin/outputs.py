"""The run's outputs, written once by the process that gathered every result: the results JSON,
the HTML report, the a11y baseline's outcome, the terminal grid, and pytest-html's extras."""

from __future__ import annotations

import base64
import contextlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.plugin.state import ARTIFACTS_KEY, JOURNEY_KEY, RECORDER_KEY, CxState

if TYPE_CHECKING:
    from cxcheck.model.results import RunResults
    from cxcheck.outputs.history import Baseline
    from cxcheck.plugin.settings import Settings


def finish_run(state: CxState, exit_status: int) -> None:
    """Merge every result into the run, then write the JSON and the HTML report (each on its
    own: one that cannot be written must not cost the other)."""
    from cxcheck import __version__
    from cxcheck.model.results import RunResults

    assert state.collector is not None
    run = RunResults(
        base_url=state.base_url, cxcheck_version=__version__, started_at=state.started_at
    )
    state.collector.run(run)
    from cxcheck.config.matrix import axis_order

    run.devices, run.networks = axis_order(state.catalogue, state.settings.selection)
    run.exit_status = int(exit_status)
    run.interrupted = state.interrupted or int(exit_status) == pytest.ExitCode.INTERRUPTED
    run.finished_at = time.time()
    state.run = run
    settings = state.settings
    from cxcheck.plugin.checks import finish_lines

    state.finish_lines = finish_lines(settings.checks, run)
    if state.baseline is not None:
        run.comparison = state.baseline.compare(run)
    json_path, report_dir = settings.json_path, settings.report_dir
    if json_path is not None:
        state.written.append(_write("JSON results", lambda: run.write_json(json_path)))
    if report_dir is not None:
        from cxcheck.outputs.report.page import write_report

        single = settings.report_single_file
        state.written.append(
            _write("HTML report", lambda: write_report(run, report_dir, single_file=single))
        )
    state.written.extend(_keep_history(settings, run))


def read_baseline(settings: Settings) -> Baseline | None:
    """The earlier runs of --cx-compare / --cx-history, read (and checked) at start-up."""
    wanted = settings.compare
    if wanted is None:
        return None
    from cxcheck.outputs.history import read_baseline

    return read_baseline(wanted.results, wanted.history, wanted.keep,
                         (wanted.results_from, wanted.history_from), wanted.slower)  # fmt: skip


def _keep_history(settings: Settings, run: RunResults) -> list[str]:
    """Add the run to the history folder; an interrupted run or one without results is not a
    run to compare the next one with."""
    wanted = settings.compare
    if wanted is None or wanted.history is None:
        return []
    if run.interrupted or not run.results:
        why = "it was interrupted" if run.interrupted else "it has no cxcheck results"
        return [f"history: this run was not added to {wanted.history}: {why}"]
    from cxcheck.outputs.history import add_to_history

    folder, keep = wanted.history, wanted.keep
    return [_write("history", lambda: add_to_history(run, folder, keep))
            + f" (the folder keeps the newest {keep} runs)"]  # fmt: skip


def _write(what: str, write: Callable[[], Path]) -> str:
    from cxcheck.model.errors import CxError

    try:
        return f"{what}: {write()}"
    except (OSError, CxError, TypeError, ValueError) as exc:
        return f"could not write the {what}: {exc}"


def summary_lines(state: CxState, grid_wanted: bool) -> list[tuple[str | None, str]]:
    """The end of the terminal summary as (section title or None, line) pairs."""
    out: list[tuple[str | None, str]] = []
    run = state.run
    if run is not None and run.results and grid_wanted:
        from cxcheck.outputs.grid import grid

        width = max(shutil.get_terminal_size((120, 24)).columns, 120)
        out.append(("cxcheck matrix", grid(run, width=width)))
    if run is not None and state.baseline is not None:
        from cxcheck.outputs.comparelines import comparison_lines, first_run_line

        if run.comparison is not None:
            lines = comparison_lines(run.comparison)
            out.append(("cxcheck since the last run", lines[0]))
            out.extend((None, line) for line in lines[1:])
        elif state.settings.compare is not None and state.settings.compare.history is not None:
            out.append((None, first_run_line(state.settings.compare.history)))
    if run is not None and run.results:
        from cxcheck.model.timeline import timeline
        from cxcheck.outputs.timelinelines import summary_line

        line = summary_line(timeline(run))
        if line is not None:
            out.append((None, f"cxcheck timeline: {line}"))
    if state.server is not None:
        out.append((None, f"cxcheck app: {state.server.command_line} at {state.server.url} "
                    f"(ready in {state.server.started_s:.1f} s, stopped at the end)"))  # fmt: skip
    browser = state.browser_line or (run.browser if run is not None else None)
    if browser:
        out.append((None, f"cxcheck browser: {browser}"))
    if run is not None:
        from cxcheck.model.cpu import cpu_summary

        cpu = cpu_summary(r.cpu for r in run.results)
        if cpu:
            out.append((None, f"cxcheck cpu: throttled to the device's score: {cpu}"))
    out.extend((None, f"cxcheck {line}") for line in state.written)
    out.extend((None, f"cxcheck {line}") for line in state.finish_lines)
    return out


def report_header(state: CxState | None) -> str:
    """The run header's cxcheck line; with no state yet (nothing configured), the defaults."""
    from cxcheck.model.names import DEFAULT_DEVICES, DEFAULT_NETWORKS, ENGINES

    engine, base_url = ENGINES[0], None
    devices, networks = ",".join(DEFAULT_DEVICES), ",".join(DEFAULT_NETWORKS)
    if state is not None:
        sel = state.settings.selection
        devices = ",".join(sel.cli_devices or sel.ini_devices or DEFAULT_DEVICES)
        networks = ",".join(sel.cli_networks or sel.ini_networks or DEFAULT_NETWORKS)
        engine, base_url = state.settings.browser.engine, state.base_url
    return (
        f"cxcheck: engine {engine}, base URL {base_url or '(none)'}"
        f", matrix devices={devices} networks={networks} (the default: a test's cx marker or a "
        "journey file's devices:/networks: may choose others)"
    )


def cpu_header(state: CxState | None) -> list[str]:
    """The run header's CPU line, when the catalogue has a device naming a CPU score: the
    calibration is done per worker, before the first cell that needs it, so the numbers it found
    come at the end (``cxcheck cpu:``) and on each result."""
    if state is None:
        return []
    scored = [d.name for d in state.catalogue.devices.values() if d.cpu_score is not None]
    if not scored:
        return []
    if state.settings.cpu_calibration:
        return [
            f"cxcheck cpu: {', '.join(scored)} name a CPU score: throttled to it as calibrated "
            "on this machine, once per worker (ini cx_cpu_calibration = false: fixed "
            "cpu_slowdown)"
        ]
    return ["cxcheck cpu: calibration off (cx_cpu_calibration = false): devices naming a CPU "
            "score run at their fixed cpu_slowdown"]  # fmt: skip


def html_extra(item: pytest.Item, report: pytest.TestReport) -> None:
    """pytest-html, when installed, shows a journey's filmstrip and its failing step's shot, and
    for any test with a page the page at the moment it failed (``failure.jpg``)."""
    if not item.config.pluginmanager.hasplugin("html"):
        return
    try:
        from pytest_html import extras
    except ImportError:
        return
    journey = item.stash.get(JOURNEY_KEY, None)
    recorder = item.stash.get(RECORDER_KEY, None)
    folder = item.stash.get(ARTIFACTS_KEY, None)
    pictures: list[tuple[Path, str]] = []
    found: list[Any] = []
    if journey is not None and journey.steps:
        with contextlib.suppress(OSError):
            strip = journey.filmstrip()  # made now; the journey keeps it at teardown
            if strip is not None:
                found.append(extras.png(base64.b64encode(strip.read_bytes()).decode(), "filmstrip"))
        failed = [s for s in journey.steps if s.status == "failed" and s.screenshot]
        if failed:
            pictures.append((journey.artifacts / str(failed[-1].screenshot),
                             f"step {failed[-1].name!r}"))  # fmt: skip
    if recorder is not None and folder is not None:
        shots = recorder.result.failure_screenshots
        pictures += [(folder / name, "the page when it failed") for name in shots[:1]]
    for path, name in pictures:
        with contextlib.suppress(OSError):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            found.append(extras.image(data, name, mime_type="image/jpeg", extension="jpg"))
    if found:
        report.extras = [*getattr(report, "extras", []), *found]  # type: ignore[attr-defined]
