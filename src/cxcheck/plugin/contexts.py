"""A cell's browser context, however it was opened: throttled, recorded, traced, timed out.

``cx_context`` opens its context itself; an adopted pytest-playwright test's context is opened
by pytest-playwright (:mod:`cxcheck.plugin.adopt`). Both are then made a cell's context here,
the same way, and their traces stopped and pictures taken the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest
    from playwright.sync_api import Browser, BrowserContext

    from cxcheck.config.matrix import Cell
    from cxcheck.model.cpu import CpuCalibration
    from cxcheck.plugin.state import CxState

NAVIGATION_TIMEOUT_MS = 30_000.0
"""Playwright's default navigation timeout, scaled in a cell by the network's timeout factor."""
EXPECT_TIMEOUT_MS = 5_000.0
"""``expect()``'s default timeout, scaled in the same way."""


def prepare_context(
    context: BrowserContext, cell: Cell, trace: bool, scale: bool, calibrate: bool = True
) -> CpuCalibration | None:
    """Make a context the cell's: the network and CPU throttled on every page, its requests
    remembered for a failure's evidence, its default navigation timeout scaled for the network
    (``scale``) and, when ``trace``, a Playwright trace started. Closes it if that fails.

    A device that names a CPU score runs at the rate calibrated for it on this machine
    (``calibrate``; else its fixed factor): returned, for the cell's result."""
    from cxcheck.browser.adoption import scaled_timeout
    from cxcheck.browser.throttle import Throttle
    from cxcheck.browser.traffic import TrafficRecorder
    from cxcheck.outputs.evidence import TRACE_SCREENSHOTS, TRACE_SNAPSHOTS, TRACE_SOURCES

    cpu = None
    try:
        rate = cell.device.cpu_slowdown
        if cell.device.cpu_score is not None:
            from cxcheck.browser.calibration import cpu_for

            cpu = cpu_for(cell.device, context.browser, calibrate)
            rate = cpu.rate
        Throttle(cell.network, rate, cell.hosts).attach(context)
        TrafficRecorder(context)  # its requests, summed up only if the test fails
        if scale and cell.network.timeout_factor > 1:
            # The context's default: a page's own setting, or an action's timeout=, still wins.
            context.set_default_navigation_timeout(
                scaled_timeout(NAVIGATION_TIMEOUT_MS, cell.network)
            )
        if trace:
            context.tracing.start(
                screenshots=TRACE_SCREENSHOTS, snapshots=TRACE_SNAPSHOTS, sources=TRACE_SOURCES
            )
    except BaseException:
        context.close()  # the test never gets it: close it here, or the browser keeps it
        raise
    return cpu


def record_cpu(item: pytest.Item, cpu: CpuCalibration | None) -> None:
    """The cell's CPU on its result. A machine too weak for the device is a warning finding (the
    cell ran unthrottled and still slower than the device it stands for), and so is a
    calibration that missed its target on a machine too busy for it."""
    from cxcheck.model.cpu import TOO_WEAK
    from cxcheck.model.results import Finding
    from cxcheck.plugin.state import RECORDER_KEY

    recorder = item.stash.get(RECORDER_KEY, None)
    if cpu is None or recorder is None:
        return
    recorder.result.cpu = cpu
    if cpu.method == TOO_WEAK:
        host = f"{cpu.host_score:.0f}" if cpu.host_score is not None else "?"
        message = (
            f"this machine scores {host} on Lighthouse's CPU benchmark, below the {cpu.target} "
            f"of the device's CPU: no throttling can reach it, so the cell ran unthrottled, "
            "and still SLOWER than the device it stands for (its times are pessimistic). Run it "
            "on a faster or quieter machine, or give the device a lower cpu / cpu_score"
        )
    elif cpu.off_target:
        message = (
            f"the CPU calibration missed: at ×{cpu.rate:g} this machine scored {cpu.score:.0f} "
            f"on Lighthouse's CPU benchmark, not the device's {cpu.target} (its best of "
            f"{cpu.tries} runs): the machine was too busy to calibrate, so this cell's CPU is "
            "only roughly the device's. Run fewer workers, or on a quieter machine"
        )
    else:
        return
    data = {"host_score": cpu.host_score, "target": cpu.target, "rate": cpu.rate,
            "score": cpu.score}  # fmt: skip
    recorder.findings.append(
        Finding("condition", message, severity="warning", check="cpu-calibration", data=data)
    )


def report_unmatched_hosts(context: BrowserContext) -> None:
    """An info finding for each host pattern no request of the context matched: a typo in a
    host must not pass as a third party that behaved."""
    from cxcheck.browser.throttle import throttle_if_any
    from cxcheck.model.findings import add_finding, recording

    throttle = throttle_if_any(context)
    if throttle is None or throttle.watch is None or not recording():
        return
    for host in throttle.watch.unmatched():
        add_finding(
            "condition",
            f"host {host.pattern!r} ({host.network.name}, {host.where}) matched no request "
            "of this test: check the host name, or drop it",
            severity="info",
            check="host-conditions",
            target=host.pattern,
            network=host.network.name,
            url_pattern=host.url_pattern(),
        )


class ExpectTimeout:
    """``expect()``'s default timeout scaled for one item's network, and put back after it.

    Playwright keeps that default process-wide (``expect.set_options``) and has no getter: the
    suite's own setting is read from where ``set_options`` keeps it, else it is the documented
    5 s.
    """

    def __init__(self, cell: Cell) -> None:
        from playwright.sync_api import expect

        self.cell = cell
        self.before: float | None = getattr(expect, "_timeout", None)
        self.factor = cell.network.timeout_factor
        self.base = self.before if isinstance(self.before, int | float) else EXPECT_TIMEOUT_MS
        if self.factor > 1:
            expect.set_options(timeout=self.base * self.factor)

    def describe(self, waited_ms: float) -> str:
        """What a timeout of ``waited_ms`` was, in a cell whose defaults were scaled."""
        name, factor = self.cell.network.name, self.factor
        expect_s = self.base * factor / 1000
        navigation_s = NAVIGATION_TIMEOUT_MS * factor / 1000
        which = {expect_s: "expect()'s default", navigation_s: "the default navigation timeout"}
        waited_s = waited_ms / 1000
        head = (
            f"the {waited_s:g} s that ran out is {which[waited_s]}, ×{factor:g} for {name}"
            if waited_s in which
            else f"a timeout of {waited_s:g} s ran out (written in the test: not scaled)"
        )
        return (
            f"{head}. In this cell Playwright's defaults are ×{factor:g} (the network's "
            f"timeout_factor): expect() {expect_s:g} s, navigation {navigation_s:g} s, so a "
            f"healthy page on {name} has time; a page that never gets there fails the same. "
            "Turn it off with ini cx_scale_timeouts = false."
        )

    def restore(self) -> None:
        from playwright.sync_api import expect

        if self.factor > 1:
            expect.set_options(timeout=self.before)


def stop_trace(
    context: BrowserContext, browser: Browser, state: CxState, keep: bool, folder: Path
) -> None:
    """Stop the context's trace: written to the evidence folder as trace.zip when kept."""
    from cxcheck.model.names import TRACE_FILE

    if not keep:
        close_quietly(context.tracing.stop, browser, state)
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = str(folder / TRACE_FILE)
    close_quietly(lambda: context.tracing.stop(path=path), browser, state)


def close_quietly(close: Callable[[], None], browser: Browser, state: CxState) -> None:
    """Close something of the browser's; after Ctrl-C or a crash, a dead browser is no error."""
    from playwright.sync_api import Error

    try:
        close()
    except Error:
        if not (state.interrupted or not browser.is_connected()):
            raise
