"""CPU throttling calibrated to this machine: the rate at which it scores the device's CPU.

A fixed slowdown (``cpu_slowdown = 4``) makes a different phone of a fast laptop than of a
busy CI runner. As Chrome DevTools does since Chrome 134, a device may name the CPU it stands
for as a Lighthouse BenchmarkIndex score (mid-tier 1000, low-tier 264); here the throttling rate
is searched until this machine, throttled, scores that: Lighthouse's benchmark runs 250 ms at a
time in a blank page of the worker's browser, first unthrottled (the host's score), then at
rates bisected between 1 and 1.5 × host/target.

What this must live with: Chromium's throttler busy-waits in the renderer for the time it takes
away, so a throttled page keeps a core busy even while idle, and on a loaded machine it competes
for the CPU with everything else. That is why the rate is *measured* under the load of the
moment, not computed from a quiet score, and why it is measured again when the load changed:
per process, the result is kept per target and reused until the machine turns busy or quiet
(load average above the cores, as ``MachineLoad.busy`` says) or :data:`MAX_AGE_S` passed. The
calibration's own page is closed at once, so its throttled renderer busy-waits no longer.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING

from cxcheck.config.profiles import DeviceProfile
from cxcheck.model.cpu import CALIBRATED, FIXED, TOO_WEAK, CpuCalibration
from cxcheck.model.results import MachineLoad

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["MAX_TRIES", "RUN_MS", "calibrate", "cpu_for", "tolerance"]

RUN_MS = 250  # one benchmark run, as DevTools: long enough to average out a GC pause
MAX_TRIES = 8  # throttled runs at most, as DevTools
MAX_RATE = 100.0  # as a profile's cpu_slowdown
MAX_AGE_S = 600.0  # a worker's calibration is redone after this long, busy or not
TOLERANCE_POINTS = 10  # DevTools' "close enough"; but 10 of 1000 is 1 %, while a 250 ms run
TOLERANCE_SHARE = 0.03  # scattered by 10 % (stdev) on a shared 2-core machine at load 4-5: 3 %
# is still well inside one phone class, and a try lands within it often enough for 8 tries.

# Lighthouse's computeBenchmarkIndex (lighthouse core/lib/page-functions.js, Apache-2.0,
# Copyright Google LLC), restated: half the time building 10 000-character strings (GC-heavy),
# half copying a 100 000-int array back and forth; each rate per second / 10, averaged. The
# scores must be Lighthouse's for the tiers' numbers to mean what they mean.
BENCHMARK_JS = """(duration) => {
  const half = duration / 2;
  const perSecond = (n, start) => Math.round(n / 10 / ((Date.now() - start) / 1000));
  let start = Date.now(), n = 0;
  while (Date.now() - start < half) {
    let s = '';
    for (let j = 0; j < 10000; j++) s += 'a';
    if (s.length === 1) throw new Error('never: keeps the loop from being optimised away');
    n++;
  }
  const gc = perSecond(n, start);
  const a = [], b = [];
  for (let i = 0; i < 100000; i++) a[i] = b[i] = i;
  start = Date.now(); n = 0;
  while (n % 10 !== 0 || Date.now() - start < half) {  // Date.now() rarely: an Intel JCC cliff
    const src = n % 2 === 0 ? a : b, tgt = n % 2 === 0 ? b : a;
    for (let j = 0; j < src.length; j++) tgt[j] = src[j];
    n++;
  }
  return (gc + perSecond(n, start)) / 2;
}"""


@dataclass
class _Kept:
    calibration: CpuCalibration
    made: float  # monotonic()


_KEPT: dict[int, _Kept] = {}  # this process's calibrations, by target score


def machine_busy() -> bool:
    """More runnable work than cores now (the 1-minute load average, as results record it)."""
    return MachineLoad(MachineLoad.now(), None, os.cpu_count() or 1).busy


def tolerance(target: int) -> float:
    """How near the target a throttled score must come: 10 points or 3 %, the larger."""
    return max(TOLERANCE_POINTS, TOLERANCE_SHARE * target)


def cpu_for(device: DeviceProfile, browser: Browser | None, enabled: bool) -> CpuCalibration:
    """The CPU of a cell of ``device``, whose profile names a target score: calibrated on this
    machine (kept for the process, see the module), else the profile's fixed factor."""
    assert device.cpu_score is not None
    target = device.cpu_score
    if not enabled or browser is None or browser.browser_type.name != "chromium":
        return CpuCalibration(target, device.cpu_slowdown, FIXED)
    busy = machine_busy()
    kept = _KEPT.get(target)
    now = monotonic()
    if kept is not None and kept.calibration.busy == busy and now - kept.made < MAX_AGE_S:
        return dataclasses.replace(kept.calibration, seconds=0.0)  # this cell paid nothing
    calibration = calibrate(browser, target)
    calibration.busy = busy
    _KEPT[target] = _Kept(calibration, now)
    return calibration


def forget() -> None:
    """Drop this process's calibrations (tests; a benchmark comparing loads)."""
    _KEPT.clear()


def calibrate(browser: Browser, target: int) -> CpuCalibration:
    """Measure this machine's score, then the rate at which it scores ``target``, in a blank
    page of a context of its own (closed after, with its busy-waiting renderer)."""
    started = monotonic()
    context = browser.new_context()
    try:
        page = context.new_page()
        session = context.new_cdp_session(page)
        page.evaluate(f"window.__cxBenchmark = {BENCHMARK_JS}")
        runs = 0

        def run(rate: float) -> float:
            nonlocal runs
            runs += 1
            session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            return float(page.evaluate("d => window.__cxBenchmark(d)", RUN_MS))

        run(1)  # warm-up: V8 optimises the loops; this score is low
        host = run(1)
        if host < target:
            host = max(host, run(1))  # one more chance before calling the machine too weak
        if host < target:
            found = CpuCalibration(target, 1.0, TOO_WEAK, host, host)
        else:
            rate, score = search(run, target, host)
            found = CpuCalibration(target, rate, CALIBRATED, host, score)
        found.tries = runs
    finally:
        context.close()
    found.host_score = round(host, 1)
    found.score = None if found.score is None else round(found.score, 1)
    found.seconds = round(monotonic() - started, 3)
    return found


def search(run: Callable[[float], float], target: int, host: float) -> tuple[float, float]:
    """The rate (≥ 1, in hundredths: what CDP keeps) whose score is nearest ``target`` within
    :data:`MAX_TRIES` runs; stops at the first within :func:`tolerance`.

    A bisection, as DevTools', between 1 and 1.5 × host/target; each try is where the score
    says (score ∝ 1/rate: ``rate × score / target``) when that lies inside the bracket, else
    the bracket's middle. The proportional guess lands within a few % at once on a quiet
    machine; the bracket keeps a noisy run from sending it astray. Measured on a 2-core machine
    at load 19, rate 7.6 took a score of 242 only to 119: when the top of the bracket is still
    too fast, the bracket doubles.
    """
    lo, hi = 1.0, max(1.0, 1.5 * host / target)
    rate = host / target
    best: tuple[float, float] | None = None
    for _ in range(MAX_TRIES):
        rate = round(min(max(rate, lo), hi), 2)
        score = run(rate)
        if best is None or abs(score - target) < abs(best[1] - target):
            best = (rate, score)
        if abs(score - target) <= tolerance(target) or hi - lo < 0.02:
            break
        if score < target:
            hi = rate  # too slow: less throttling
        elif rate >= hi:
            # Even the top is too fast: on a contended machine throttling slows less than its
            # rate says (the renderer already waits for a core), so the bracket grows.
            lo, hi = rate, min(MAX_RATE, 2 * hi)
        else:
            lo = rate
        guess = rate * score / target
        rate = guess if lo < guess < hi else (lo + hi) / 2
    assert best is not None
    return best
