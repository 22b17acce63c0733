"""Step-time noise: how much the same journey step's time moves between runs of the same code,
and so what a "slower" threshold (``cxcheck.model.compare.SLOWER``) must stay above.

Runs the demo's journeys (the checkout and search journeys, Python and journey files, on the
storefront cxcheck starts) ``--runs`` times in fresh pytest processes without defects, or with
``--small`` a small suite of short steps against fixtures/pages (SMALL), or reads results files
given with ``--files``; then prints, by the machine's load while the tests ran (the highest
1-minute load average around either test of a pair):

- the spread of each step's time between two runs (every ordered pair of runs: a slowdown
  either way), as percentiles;
- the share of step pairs each threshold would call slower (relative AND absolute), against
  the last run and against the median of the other runs (a history folder).

Nothing changed between the runs, so every step flagged is a false alarm.

    python benchmarks/step_noise.py [--runs 3] [--devices iphone-13,laptop-1366]
    python benchmarks/step_noise.py --small [--runs 9]
    python benchmarks/step_noise.py --files run1.json run2.json run3.json
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import page_server
from cxcheck.model.compare import SLOWER, Threshold, compare
from cxcheck.model.results import RunResults

ROOT = Path(__file__).resolve().parents[1]
SELECT = "checkout_journey or search or checkout.journey"
THRESHOLDS = [Threshold(0.25, 0.10), Threshold(0.25, 0.25), Threshold(0.25, 0.50),
              Threshold(0.50, 0.50), Threshold(1.00, 1.00)]  # fmt: skip
LOAD_BANDS = [(0.0, 2.0), (2.0, 4.0), (4.0, 8.0), (8.0, 16.0), (16.0, 1e9)]
"""Load average bands on the machine's cores: under its cores, up to twice, ... (2 cores)."""

Times = dict[tuple[str, str, int], dict[int, tuple[float, float]]]

# Short steps (a page load, an app page 10 ms slow on the server, a step that does nothing) on
# three devices: the steps of tests/plugin/test_compare.py's shop that pass in its release 1.
SMALL = """
import pytest

pytestmark = pytest.mark.cx(devices=["iphone-13", "desktop-1080p", "ipad-mini"],
                            networks="no-throttle")

def test_basket(cx_journey):
    with cx_journey.step("open"):
        cx_journey.page.goto("/journey.html")
    with cx_journey.step("add to basket"):
        pass

def test_search(cx_journey):
    with cx_journey.step("search"):
        cx_journey.page.goto("/slow?ms=10")

def test_look(cx_journey):
    with cx_journey.step("look"):
        cx_journey.page.goto("/index.html")
"""


def run_demo(runs: int, devices: str, folder: Path) -> list[Path]:
    files = []
    for i in range(1, runs + 1):
        out = folder / f"run{i}.json"
        args = [sys.executable, "-m", "pytest", str(ROOT / "examples"), "--rootdir",
                str(ROOT / "examples"), "-q", "-p", "no:randomly", "-k", SELECT,
                "--cx-devices", devices, f"--cx-json={out}",
                f"--cx-artifacts={folder / 'artifacts'}"]  # fmt: skip
        done = subprocess.run(args, capture_output=True, text=True)
        print(f"run {i}: {summary(done.stdout)}")
        files.append(out)
    return files


def summary(output: str) -> str:
    """pytest's closing line (``12 passed in 80.1s``)."""
    found = [line for line in output.splitlines() if " in " in line and ("passed" in line
             or "failed" in line)]  # fmt: skip
    return found[-1].strip("= ") if found else "?"


def run_small(runs: int, folder: Path) -> list[Path]:
    (folder / "test_small.py").write_text(SMALL)
    files = []
    with page_server() as url:
        for i in range(1, runs + 1):
            out = folder / f"run{i}.json"
            args = [sys.executable, "-m", "pytest", "test_small.py", "-q", "-p", "no:randomly",
                    "-p", "no:cacheprovider", "--cx-base-url", url, f"--cx-json={out}"]  # fmt: skip
            done = subprocess.run(args, cwd=folder, capture_output=True, text=True)
            print(f"run {i}: {summary(done.stdout)}")
            files.append(out)
    return files


def step_times(runs: list[RunResults]) -> Times:
    """Each passed step's (time, load) per run, by item, step name and occurrence."""
    times: Times = {}
    for i, run in enumerate(runs):
        for r in run.results:
            loads = [x for x in (r.load.before, r.load.after) if x is not None] if r.load else []
            seen: dict[str, int] = {}
            for s in r.steps:
                seen[s.name] = seen.get(s.name, 0) + 1
                if s.status == "passed":
                    key = (r.nodeid, s.name, seen[s.name])
                    times.setdefault(key, {})[i] = (s.duration_s, max(loads, default=0.0))
    return times


def flagged(pairs: list[tuple[float, float]], t: Threshold) -> str:
    n = sum(1 for before, after in pairs if t.exceeded(before, after))
    return f"{100 * n / len(pairs):5.1f} %"


def label(t: Threshold) -> str:
    return f">{t.relative * 100:.0f} % & >{t.absolute_s * 1000:.0f} ms"


def report(runs: list[RunResults]) -> None:
    times = step_times(runs)
    cpus = next((r.load.cpus for run in runs for r in run.results if r.load), 0)
    print(f"{len(runs)} runs, {len(times)} steps, {cpus} cores; "
          f"chosen threshold: {label(SLOWER)}")  # fmt: skip
    print("\nagainst the last run (every ordered pair of runs), by load average:")
    print(f"{'load':>10} {'pairs':>6} {'p50':>7} {'p90':>7} {'p99':>7}  "
          + "  ".join(f"{label(t):>18}" for t in THRESHOLDS))  # fmt: skip
    for low, high in LOAD_BANDS:
        pairs = [(a[0], b[0]) for steps in times.values()
                 for a, b in itertools.permutations(steps.values(), 2)
                 if low <= max(a[1], b[1]) < high]  # fmt: skip
        if not pairs:
            continue
        ups = sorted(after - before for before, after in pairs)

        def q(p: float, ups: list[float] = ups) -> str:
            return f"{ups[min(len(ups) - 1, int(p * len(ups)))] * 1000:5.0f}ms"

        band = f"{low:g}-{high:g}" if high < 1e9 else f"{low:g}+"
        print(f"{band:>10} {len(pairs):>6} {q(0.5):>7} {q(0.9):>7} {q(0.99):>7}  "
              + "  ".join(f"{flagged(pairs, t):>18}" for t in THRESHOLDS))  # fmt: skip
    if len(runs) < 3:
        return
    print(f"\nagainst the median of the other {len(runs) - 1} runs (a history folder), all loads:")
    for t in THRESHOLDS:
        counts = [len(compare(run, [r for r in runs if r is not run], threshold=t).slower)
                  for run in runs]  # fmt: skip
        total = sum(1 for run in runs for r in run.results for s in r.steps if s.status == "passed")
        print(f"  {label(t):>18}: {statistics.mean(counts):.1f} steps flagged per run "
              f"(of {total / len(runs):.0f}; worst run {max(counts)})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--devices", default="iphone-13,laptop-1366")
    parser.add_argument("--small", action="store_true", help="short steps on fixtures/pages")
    parser.add_argument("--files", nargs="+", type=Path, help="results JSONs of clean runs")
    args = parser.parse_args()
    if args.files:
        files = list(args.files)
    else:
        folder = Path(tempfile.mkdtemp(prefix="cx-step-noise-"))
        print(f"results in {folder}")
        if args.small:
            files = run_small(args.runs, folder)
        else:
            files = run_demo(args.runs, args.devices, folder)
    report([RunResults.read_json(f) for f in files if f.is_file()])


if __name__ == "__main__":
    main()
