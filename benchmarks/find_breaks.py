"""find_breaks: the widths where a layout breaks, vs loading the page at every width.

fixtures/pages/band.html has breakpoints at 600 and 900 px and scrolls sideways only in the
40 px band 700-739 px, where no media query changes anything. On a laptop-1366 context
(unthrottled) over 320-1920 px, both sides load the page and run the same reflow check per
width (the probe ``find_breaks`` uses):

- full sweep: every width, 1,601 loads. Only a sample is loaded (every Nth width); its wall
  time is extrapolated to the 1,601 widths and printed as such;
- ``Layout.find_breaks``: breakpoints, a 40 px grid, a few Hypothesis widths and bisection of
  each edge; N repetitions (fresh random widths each time).

Target: the band 700-739 found exactly on every repetition, in at most 60 page loads.

    python benchmarks/find_breaks.py [--repeats 5] [--every 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from _common import browser, median, page_server
from cxcheck.browser.launch import context_options
from cxcheck.checks.a11y.baseline import Baseline
from cxcheck.checks.a11y.check import A11y, A11ySettings
from cxcheck.checks.layout.check import Layout, LayoutSettings
from cxcheck.config.profiles import load_catalogue
from cxcheck.model.findings import collecting
from cxcheck.model.results import Finding

PATH = "/band.html"
WIDTHS = (320, 1920)
BAND = (700, 739)
MAX_LOADS = 60


def sweep_load(layout: Layout, width: int, height: int) -> bool:
    """One width of the full sweep, exactly as find_breaks probes it; True when it fails."""
    page = layout.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(PATH)
    found: list[Finding] = []
    with collecting(found):
        layout.check(checks=("reflow",))
    return any(f.failing for f in found)


def listed(widths: list[int]) -> str:
    return ", ".join(str(w) for w in widths) if widths else "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--every", type=int, default=10, help="sweep sample: every Nth width")
    args = parser.parse_args()
    catalogue = load_catalogue([])
    device = catalogue.devices["laptop-1366"]
    network = catalogue.networks["no-throttle"]
    all_widths = range(WIDTHS[0], WIDTHS[1] + 1)
    sample = list(all_widths)[:: args.every]
    runs: list[dict[str, Any]] = []
    with page_server() as url, browser() as b:
        context = b.new_context(**context_options(device, network, url))
        try:
            page = context.new_page()
            a11y = A11y(page, A11ySettings(), Baseline(Path("-")))
            layout = Layout(page, device, a11y, LayoutSettings())
            height = device.viewport.height
            sweep_load(layout, device.viewport.width, height)  # warm up the page and server

            started = time.perf_counter()
            failing = [w for w in sample if sweep_load(layout, w, height)]
            sample_s = time.perf_counter() - started
            print(f"  swept {len(sample)} sample widths", file=sys.stderr, flush=True)

            for i in range(args.repeats):
                page.set_viewport_size({"width": device.viewport.width, "height": height})
                started = time.perf_counter()
                with collecting([]):
                    result = layout.find_breaks(PATH, widths=WIDTHS, fail=False)
                took = time.perf_counter() - started
                bands = [(band.start, band.end) for band in result.bands]
                runs.append({"loads": result.loads, "s": took, "bands": bands,
                             "seed": result.seed})  # fmt: skip
                print(f"  find_breaks {i + 1}/{args.repeats}: {result.loads} loads, "
                      f"{took:.2f} s, bands {bands}, seed {result.seed}",
                      file=sys.stderr, flush=True)  # fmt: skip
        finally:
            context.close()

    total = len(all_widths)
    per_load = sample_s / len(sample)
    sweep_s = per_load * total
    loads = [int(r["loads"]) for r in runs]
    walls = [float(r["s"]) for r in runs]
    mid_loads, mid_s = median([float(n) for n in loads]), median(walls)
    found = [r["bands"] == [BAND] for r in runs]
    band = f"{BAND[0]}-{BAND[1]} px"
    print(f"{PATH} on laptop-1366 (no-throttle), widths {WIDTHS[0]}-{WIDTHS[1]} px, "
          "the reflow check at each width loaded")  # fmt: skip
    print(f"  full sweep:  {total:,} loads, {sweep_s:.1f} s  EXTRAPOLATED: {len(sample)} of "
          f"the {total:,} widths loaded (every {args.every}th), {sample_s:.1f} s, "
          f"{per_load * 1000:.0f} ms per load")  # fmt: skip
    print(f"               sampled widths that failed: {listed(failing)}")
    print(f"  find_breaks: {mid_loads:.0f} loads, {mid_s:.1f} s  (median of {len(runs)} runs; "
          f"loads min {min(loads)}, max {max(loads)}; "
          f"wall {min(walls):.1f}-{max(walls):.1f} s)")  # fmt: skip
    print(f"  sweep / find_breaks: {total / mid_loads:.1f}x the loads, "
          f"{sweep_s / mid_s:.1f}x the wall time")  # fmt: skip
    print(f"  band {band} found exactly: {sum(found)}/{len(runs)} runs"
          + ("" if all(found) else f" (bands found: {[r['bands'] for r in runs]})"))  # fmt: skip
    ok = all(found) and max(loads) <= MAX_LOADS
    print(f"target: band found every run in <= {MAX_LOADS} loads: "
          f"{'ok' if ok else 'MISS'} (max {max(loads)} loads)")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
