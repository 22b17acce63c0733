"""CPU calibration: does a calibrated device stay the same phone when the machine gets busy?

One CPU-bound journey step (fixtures/pages/cpu-work.html: a fixed amount of JavaScript on a
click, timed from the click to its result on screen) on one device profile, throttled two ways:
at the profile's fixed factor (``cpu_slowdown``) and at the rate calibrated on this machine for
its CPU score (``cpu = "low-tier"`` by default), first (a) on the idle machine, then (b) with a
CPU hog beside it (one busy-loop process per core). The calibration is redone for (b), as a
worker does when the load changes (:mod:`cxcheck.browser.calibration`). Prints each side's
step times, the spread b/a for both, and what the calibration cost.

Target: the calibrated step within ±15 % between (a) and (b) (the fixed factor's spread is
what a busy CI runner does to a fixed slowdown). Run it on a quiet machine.

    python benchmarks/cpu_calibration.py                  # ~2 min
    python benchmarks/cpu_calibration.py --tier mid-tier  # a Pixel 5 class phone: a fast host
    python benchmarks/cpu_calibration.py --quick          # a smoke run (~20 s), numbers are rough
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from _common import browser, median, page_server
from cxcheck.browser import calibration
from cxcheck.browser.launch import context_options
from cxcheck.browser.throttle import Throttle
from cxcheck.config.profiles import CPU_TIERS, load_catalogue_text
from cxcheck.model.cpu import CpuCalibration

TARGET = 0.15
DEVICE = """
[devices.bench-phone]
extends = "pixel-7"
cpu = "{tier}"
"""


def _spin() -> None:
    while True:
        pass


@contextmanager
def hog(cores: int) -> Iterator[None]:
    """One busy-loop process per core, stopped (by their own handles) on the way out."""
    procs = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(cores)]
    for p in procs:
        p.start()
    time.sleep(1.0)  # let the scheduler feel them
    try:
        yield
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(5)


def step_times(b: Any, url: str, device: Any, rate: float, repeats: int, n: int) -> list[float]:
    """Seconds from the click to the result on screen, ``repeats`` times, at ``rate``."""
    network = load_catalogue_text("").networks["no-throttle"]
    context = b.new_context(**context_options(device, network, url))
    try:
        Throttle(network, rate).attach(context)
        page = context.new_page()
        page.goto(f"/cpu-work.html?n={n}")
        page.click("#work")  # warm the JIT
        page.wait_for_selector("#done")
        out = []
        for _ in range(repeats):
            page.evaluate("document.getElementById('done').hidden = true")
            started = time.monotonic()
            page.click("#work")
            page.wait_for_selector("#done")
            out.append(time.monotonic() - started)
        return out
    finally:
        context.close()


def side(b: Any, url: str, device: Any, repeats: int, n: int) -> dict[str, Any]:
    """Both throttlings under the load of the moment: fresh calibration, then the steps."""
    calibration.forget()
    cal: CpuCalibration = calibration.cpu_for(device, b, True)
    fixed = step_times(b, url, device, device.cpu_slowdown, repeats, n)
    calibrated = step_times(b, url, device, cal.rate, repeats, n)
    return {"cal": cal, "fixed": median(fixed), "calibrated": median(calibrated)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tier", choices=sorted(CPU_TIERS), default="low-tier")
    parser.add_argument("--quick", action="store_true", help="a smoke run: few repeats")
    args = parser.parse_args()
    repeats, n = (3, 5_000_000) if args.quick else (9, 20_000_000)
    cores = os.cpu_count() or 1
    device = load_catalogue_text(DEVICE.format(tier=args.tier)).devices["bench-phone"]
    print(f"device: {args.tier} (score {device.cpu_score}; fixed factor ×{device.cpu_slowdown:g}),"
          f" {repeats} steps of {n:.0e} loop iterations per side, {cores} cores")  # fmt: skip
    with page_server() as url, browser() as b:
        idle = side(b, url, device, repeats, n)
        with hog(cores):
            busy = side(b, url, device, repeats, n)
    for name, s in (("(a) idle", idle), ("(b) hog", busy)):
        c = s["cal"]
        print(f"{name}: calibration {c.describe}, {c.tries} runs, {c.seconds:.1f} s; step "
              f"fixed {s['fixed']:.3f} s, calibrated {s['calibrated']:.3f} s")  # fmt: skip
    ok = True
    for kind in ("fixed", "calibrated"):
        spread = busy[kind] / idle[kind]
        within = abs(spread - 1) <= TARGET
        print(f"spread b/a {kind:10}: {spread:.2f}" + ("" if kind == "fixed" else
              f"  ({'within' if within else 'OUTSIDE'} ±{TARGET:.0%})"))  # fmt: skip
        if kind == "calibrated":
            ok = within
    cost = [s["cal"].seconds for s in (idle, busy)]
    print(f"calibration cost per worker: {cost[0]:.1f} s idle, {cost[1]:.1f} s busy")
    return 0 if ok or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
