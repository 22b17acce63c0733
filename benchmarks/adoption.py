"""What adopting a pytest-playwright suite costs: nothing without a matrix, nothing per cell.

1. **Without a matrix**: the vendored third-party suite (tests/data/thirdparty/todomvc, 25
   tests of pytest-playwright's ``page``) run as it is, with cxcheck installed and with
   ``-p no:cxcheck``, alternately, so that a busy machine slows both alike; the whole process's
   wall time (start-up included) and, separately, start-up alone (``--collect-only``). Target:
   ratio ≤ 1.05. Both sides launch the same system Chromium through the same launch arguments
   (a tiny plugin sets ``executable_path``; without cxcheck nothing else would find one here).
2. **In a cell**: 20 tests that open a page of the page server, written with pytest-playwright's
   ``page`` and with cxcheck's ``cx_page``, in the same cell (desktop-1080p × no-throttle), one
   session each, alternately; each test's own time (setup, call, teardown) from the results
   JSON, the first of a session (which launches the browser) left out. Target: ratio ≤ 1.05.

    python benchmarks/adoption.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, median, page_server

SUITE = ROOT / "tests" / "data" / "thirdparty" / "todomvc"
LAUNCH_PLUGIN = """
import shutil
import pytest

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": shutil.which("chromium"),
            "args": ["--no-sandbox", "--disable-gpu"]}
"""
TESTS = 20
PAGE_SUITE = "\n".join(
    f"def test_page_{i}(page):\n    page.goto('/index.html')\n" for i in range(TESTS)
)
CX_SUITE = "\n".join(
    f"def test_page_{i}(cx_page):\n    cx_page.goto('/index.html')\n" for i in range(TESTS)
)
CELL = ("-o", "cx_devices=desktop-1080p", "-o", "cx_networks=no-throttle")


def pytest_run(folder: Path, *args: str, plugin_dir: Path | None = None) -> float:
    """One pytest process in ``folder``; its wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CX"))}
    if plugin_dir is not None:
        env["PYTHONPATH"] = str(plugin_dir)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
               "-p", "no:cacheprovider", *args]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                          timeout=900, check=False)  # fmt: skip
    took = time.perf_counter() - started
    if done.returncode not in (0, 5):
        raise SystemExit(f"pytest failed in {folder}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return took


def without_a_matrix(work: Path, runs: int) -> None:
    suite = work / "todomvc"
    shutil.copytree(SUITE, suite)
    plugins = work / "plugins"
    plugins.mkdir()
    (plugins / "launch_chromium.py").write_text(LAUNCH_PLUGIN)
    # pytest-playwright first: the plugin's fixture overrides its own.
    launch = ("-p", "playwright", "-p", "launch_chromium")
    sides = {"with cxcheck": launch, "-p no:cxcheck": ("-p", "no:cxcheck", *launch)}
    for title, extra in (("whole run (25 tests)", ()), ("start-up (--collect-only)",
                                                         ("--collect-only",))):  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(runs):
            for name, args in sides.items():
                times[name].append(pytest_run(suite, *args, *extra, plugin_dir=plugins))
        cx, bare = median(times["with cxcheck"]), median(times["-p no:cxcheck"])
        print(f"  {title:28} with cxcheck {cx:6.2f} s   -p no:cxcheck {bare:6.2f} s   "
              f"ratio {cx / bare:.3f}  (target <= 1.05)")  # fmt: skip


def per_test(results: Path) -> list[float]:
    data = json.loads(results.read_text())
    return sorted(r["duration_s"] for r in data["results"])[:-1]  # the browser's launch left out


def in_a_cell(work: Path, url: str, runs: int) -> None:
    page_dir, cx_dir = work / "page", work / "cx_page"
    for folder, suite in ((page_dir, PAGE_SUITE), (cx_dir, CX_SUITE)):
        folder.mkdir()
        (folder / "test_suite.py").write_text(suite)
    times: dict[str, list[float]] = {"page": [], "cx_page": []}
    for _ in range(runs):
        for name, folder in (("page", page_dir), ("cx_page", cx_dir)):
            out = folder / "r.json"
            pytest_run(folder, "--base-url", url, *CELL, "--cx-json", str(out))
            times[name].extend(per_test(out))
    page, cx = median(times["page"]), median(times["cx_page"])
    mean_page = sum(times["page"]) / len(times["page"])
    mean_cx = sum(times["cx_page"]) / len(times["cx_page"])
    print(
        f"  per test, median of {len(times['page'])}: page {page * 1000:6.1f} ms   "
        f"cx_page {cx * 1000:6.1f} ms   ratio {page / cx:.3f}  (target <= 1.05)"
    )
    print(
        f"  per test, mean:          page {mean_page * 1000:6.1f} ms   "
        f"cx_page {mean_cx * 1000:6.1f} ms   ratio {mean_page / mean_cx:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"1. the TodoMVC suite without a matrix, {args.runs} runs each, alternately:")
        without_a_matrix(work, args.runs)
        print(f"2. page vs cx_page in one cell (desktop-1080p × no-throttle), {TESTS} tests, "
              f"{args.runs} sessions each:")  # fmt: skip
        with page_server() as url:
            in_a_cell(work, url, args.runs)


if __name__ == "__main__":
    main()
