"""Shards balanced by measured duration: the slowest of 3 shards vs their mean.

A run split across 3 machines ends when its slowest shard ends, so the ratio slowest / mean is
what a split costs over a perfect one. The matrix is a real one (2 devices × 3 networks × 4
tests = 24 cells against the page server), whose cells differ mostly by their network: a
throttled cell takes several times an unthrottled one.

1. the whole matrix runs once with ``--cx-json``; ``cxcheck durations`` writes pytest-split's
   ``.test_durations`` from it (each cell's measured time, setup to teardown);
2. duration-balanced: the 3 shards run one after the other (as 3 machines would, each alone),
   ``--splits 3 --group I --splitting-algorithm least_duration`` with that file;
3. count-balanced, beside it: the same 3 shards without durations (pytest-split then gives every
   test the same weight: 8 cells each).

Each shard is timed wall to wall (its pytest process: browser start, cells, outputs), median of
N rounds (``--repeats``, default 1: a round is 6 shard runs).
Target: duration-balanced slowest / mean ≤ 1.15.

    python benchmarks/shards.py [--repeats 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import median, page_server

SHARDS = 3
CELLS = 24
SUITE = """
import pytest

pytestmark = pytest.mark.cx(devices=["iphone-13", "desktop-1080p"],
                            networks=["no-throttle", "slow-4g", "3g"])

def test_home(cx_page):
    cx_page.goto("/index.html")

def test_journey(cx_page):
    cx_page.goto("/journey.html")

def test_picture(cx_page):
    cx_page.goto("/image?n=200000")  # 200 KB: about a second on slow-4g, 4 s on 3g

def test_api(cx_page):
    cx_page.goto("/slow?ms=600")
"""


def run_pytest(folder: Path, env: dict[str, str], *args: str) -> tuple[float, int]:
    """Wall time of one pytest run and how many cells passed; exits if any did not."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    took = time.perf_counter() - started
    results = json.loads((folder / "r.json").read_text())["results"]
    if done.returncode != 0 or any(r["outcome"] != "passed" for r in results):
        sys.exit(f"benchmark run failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return took, len(results)


def shards(folder: Path, env: dict[str, str], durations: str) -> list[tuple[float, int]]:
    """The 3 shards one after the other: (wall seconds, cells) each."""
    split = ["--splits", str(SHARDS), "--splitting-algorithm", "least_duration",
             "--durations-path", durations, "--cx-json", "r.json"]  # fmt: skip
    return [
        run_pytest(folder, env, *split, "--group", str(group)) for group in range(1, SHARDS + 1)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as tmp, page_server() as url:
        folder = Path(tmp)
        (folder / "test_matrix.py").write_text(SUITE)
        (folder / "pytest.ini").write_text(f"[pytest]\ncx_base_url = {url}\n")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        whole, cells = run_pytest(folder, env, "--cx-json", "r.json")
        assert cells == CELLS, cells
        from cxcheck.cli.main import main as cxcheck

        cxcheck(["durations", str(folder / "r.json"), "-o", str(folder / ".test_durations")])
        measured = json.loads((folder / ".test_durations").read_text())
        by_duration: list[list[float]] = [[] for _ in range(SHARDS)]
        by_count: list[list[float]] = [[] for _ in range(SHARDS)]
        counts: dict[str, list[int]] = {}
        for _ in range(repeats):  # alternating, so a slower minute of the machine hits both
            plans = (("duration", by_duration, ".test_durations"),
                     ("count", by_count, "no-such-file"))  # fmt: skip
            for label, times, durations in plans:
                runs = shards(folder, env, durations)
                for i, (took, _) in enumerate(runs):
                    times[i].append(took)
                counts[label] = [n for _, n in runs]
    print(f"{CELLS} cells (2 devices x no-throttle/slow-4g/3g x 4 tests), {SHARDS} shards run "
          f"one after the other, median of {repeats} rounds, wall seconds per shard")  # fmt: skip
    print(f"  the whole matrix in one run: {whole:.2f} s; measured cells: "
          f"{min(measured.values()):.2f}-{max(measured.values()):.2f} s")  # fmt: skip
    ratios = {}
    for label, times in (("duration", by_duration), ("count", by_count)):
        walls = [median(t) for t in times]
        ratios[label] = max(walls) / (sum(walls) / len(walls))
        shown = "  ".join(
            f"{w:6.2f} s ({n} cells)" for w, n in zip(walls, counts[label], strict=True)
        )
        print(f"  {label}-balanced shards: {shown}")
    print(f"slowest / mean, duration-balanced: {ratios['duration']:.3f}  (target <= 1.15)   "
          f"count-balanced: {ratios['count']:.3f}")  # fmt: skip
    print(f"({os.cpu_count()} CPUs)")
    return 0 if ratios["duration"] <= 1.15 else 1


if __name__ == "__main__":
    raise SystemExit(main())
