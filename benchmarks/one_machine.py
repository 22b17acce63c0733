"""One machine: the demo's matrix at the recommended setting (``-n auto``, sized by cxcheck)
against ``-n 0``, with the limits no setting on this machine can beat printed beside it.

For each matrix:

1. ``-n 0`` once, writing its results (each cell's time and CPU time): the baseline, and the
   measurements the recommended runs read (``--cx-durations``, as the next CI run reads the
   last one's from pytest's cache or the history folder);
2. ``--repeats`` runs (default 5) at the recommended setting: ``-n auto --cx-durations=…``.
   A cell whose verdict differs from the ``-n 0`` run's in any of them is a flaky verdict;
3. one more run with the same workers, the longest cell that fits first
   (``--cx-order=longest-first``).

The limits, from the ``-n 0`` run: the **critical path** (wall / its longest cell: one cell runs
on one worker) and the **CPU** (wall / (its CPU seconds / cores): the cores cannot do more work
per second than they have). A device with a CPU slowdown spins a core while its cell runs
(Chromium's throttler busy-waits in the renderer), so a phone matrix is CPU-bound long before
it is network-bound.

Matrices: ``demo`` (the demo as ``cxcheck demo`` runs it: iphone-13, ipad-mini, laptop-1366 ×
slow-4g, no-throttle) and ``waiting`` (the same tests on two laptops × slow-4g: no CPU
slowdown, cells that wait on the network).

    python benchmarks/one_machine.py [--repeats 5] [--matrix demo|waiting|both]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import median
from cxcheck.cli.demo import pytest_args

MATRICES = {
    "demo": (None, None),
    "waiting": ("laptop-1366,desktop-1080p", "slow-4g"),
}
TARGET = 3.0


def run(folder: Path, matrix: str, label: str, extra: list[str]) -> dict[str, Any]:
    """One run of the examples: wall seconds, verdicts, workers, results."""
    devices, networks = MATRICES[matrix]
    results = folder / f"{label}.json"
    args = pytest_args(None, devices, networks, ["-q", *extra], results=results,
                       artifacts=folder / f"{label}-artifacts")  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if not results.exists():
        sys.exit(f"no results from {' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr}")
    data = json.loads(results.read_text())
    said = re.search(r"-n auto is (\d+) workers \((.*)\)", done.stdout)
    return {
        "wall": wall,
        "verdicts": {r["nodeid"]: r["outcome"] for r in data["results"]},
        "workers": (int(said.group(1)), said.group(2)) if said else None,
        "results": data["results"],
        "path": results,
    }


def limits(baseline: dict[str, Any], cores: int) -> tuple[float, float, str]:
    """(critical-path limit, CPU limit, the longest cell) as speed-ups over the baseline."""
    cells = baseline["results"]
    longest = max(cells, key=lambda r: r["duration_s"])
    cpu = sum(r.get("cpu_s") or 0.0 for r in cells)
    wall = baseline["wall"]
    cpu_limit = wall / (cpu / cores) if cpu else float("inf")
    return (
        wall / longest["duration_s"],
        cpu_limit,
        f"{longest['nodeid']} {longest['duration_s']:.1f} s",
    )


def bench(matrix: str, repeats: int, cores: int) -> float:
    with tempfile.TemporaryDirectory(prefix=f"cx-one-machine-{matrix}-") as tmp:
        folder = Path(tmp)
        base = run(folder, matrix, "n0", ["-n", "0"])
        measured = f"--cx-durations={base['path']}"
        runs = [run(folder, matrix, f"auto{i}", ["-n", "auto", measured]) for i in range(repeats)]
        # The same workers, the longest cell that fits first, once: what that order buys.
        plain = run(folder, matrix, "longest", ["-n", "auto", measured, "--cx-order=longest-first"])
    flaky = sorted({n for r in runs for n, v in r["verdicts"].items()
                    if base["verdicts"].get(n) != v})  # fmt: skip
    walls = [r["wall"] for r in runs]
    best = median(walls)
    ratio = float(base["wall"] / best)
    critical, cpu_limit, longest = limits(base, cores)
    outcomes = sorted(set(base["verdicts"].values()))
    print(f"\n[{matrix}] {len(base['verdicts'])} items ({', '.join(outcomes)}), {cores} cores")
    print(f"  -n 0:                     {base['wall']:7.1f} s")
    workers = runs[0]["workers"]
    shown = f"{workers[0]} workers: {workers[1]}" if workers else "(workers not printed)"
    print(f"  -n auto (xdist's order):  {best:7.1f} s median of {repeats} "
          f"({min(walls):.1f}-{max(walls):.1f} s); {shown}")  # fmt: skip
    print(f"  -n auto, longest first:    {plain['wall']:7.1f} s (one run)")
    print(f"  speed-up {ratio:.2f}x (target >= {TARGET:.0f}x); flaky verdicts {len(flaky)} in "
          f"{repeats} runs{': ' + ', '.join(flaky) if flaky else ''}")  # fmt: skip
    print(f"  limits on this machine: critical path {critical:.1f}x (longest cell {longest}); "
          f"CPU {cpu_limit:.2f}x (the -n 0 run's CPU seconds over {cores} cores)")  # fmt: skip
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--matrix", choices=[*MATRICES, "both"], default="both")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    chosen = list(MATRICES) if args.matrix == "both" else [args.matrix]
    for matrix in chosen:
        bench(matrix, args.repeats, cores)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
