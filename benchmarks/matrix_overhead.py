"""Matrix overhead: a 12-cell cxcheck matrix vs the same test hand-written with Playwright.

Both sides are pytest runs in fresh processes, timed wall to wall, alternating, median of N:

- cxcheck: ``@pytest.mark.cx(devices=<12 devices>, networks="no-throttle")``, three navigations,
  with results recorded for every item and written as JSON and as the HTML report
  (``--cx-json``, ``--cx-report``): the whole cost of the results model is on this side;
- bare: the same three navigations with Playwright's sync API, one browser per session, a new
  context per test with the same emulation (viewport, screen, DPR, UA, touch, mobile) and the same
  CPU throttling through CDP, cxcheck disabled (``-p no:cxcheck``).

``no-throttle`` keeps network time out of it, so the ratio is cxcheck's own cost. Target ≤ 1.10.
Then the cxcheck matrix with ``-n 2`` vs ``-n 0`` (pytest-xdist): target speedup ≥ 1.5 on 2 cores,
twice: on the static pages (pure browser CPU, the worst case for parallelism on 2 cores) and on
app-like pages whose server takes 250 ms to answer each navigation (what a real app does).

    python benchmarks/matrix_overhead.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from _common import BARE_PRELUDE, bare_env, median, page_server, timed_pytest

DEVICES = [
    "iphone-13",
    "iphone-se",
    "pixel-7",
    "galaxy-s9-plus",
    "low-end-android",
    "small-phone-320",
    "ipad-mini",
    "ipad-pro-11",
    "laptop-1366",
    "laptop-1440",
    "desktop-1080p",
    "desktop-4k",
]
PATHS = ["/index.html", "/emulation.html", "/popup.html"]

APP_PATHS = ["/slow?ms=250&page=1", "/slow?ms=250&page=2", "/slow?ms=250&page=3"]

CX_TEST = f"""
import json, os
import pytest

@pytest.mark.cx(devices={DEVICES!r}, networks="no-throttle")
def test_journey(cx_page):
    for path in json.loads(os.environ.get("BENCH_PATHS", '{json.dumps(PATHS)}')):
        cx_page.goto(path)
"""

BARE_TEST = (
    BARE_PRELUDE
    + """
@pytest.mark.parametrize("cell", CELLS, ids=[c["id"] for c in CELLS])
def test_journey(browser, cell):
    with bare_page(browser, cell) as page:
        for path in json.loads(os.environ.get("BENCH_PATHS", DEFAULT_PATHS)):
            page.goto(path)
""".replace("DEFAULT_PATHS", repr(json.dumps(PATHS)))
)


def run(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    return timed_pytest(args, cwd, env, passed=12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    with page_server() as url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_cx.py").write_text(CX_TEST)
        (folder / "test_bare.py").write_text(BARE_TEST)
        env, exe = bare_env(DEVICES, url)
        cx_args = ["test_cx.py", "--cx-base-url", url, "--cx-json", "results.json",
                   "--cx-report", "report"]  # fmt: skip
        if exe:
            cx_args += ["--cx-browser-path", exe]
        bare_args = ["test_bare.py", "-p", "no:cxcheck"]
        run(cx_args, folder, env)  # warm caches (disk, Python bytecode) for both sides
        run(bare_args, folder, env)
        times: dict[str, list[float]] = {k: [] for k in ("cx", "bare", "n2", "app0", "app2")}
        app_env = {**env, "BENCH_PATHS": json.dumps(APP_PATHS)}
        for i in range(repeats):
            times["cx"].append(run(cx_args, folder, env))
            times["bare"].append(run(bare_args, folder, env))
            times["n2"].append(run([*cx_args, "-n", "2"], folder, env))
            times["app0"].append(run(cx_args, folder, app_env))
            times["app2"].append(run([*cx_args, "-n", "2"], folder, app_env))
            print(
                f"  round {i + 1}/{repeats}: "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
                file=sys.stderr,
                flush=True,
            )
    cx, bare, n2, app0, app2 = (median(times[k]) for k in ("cx", "bare", "n2", "app0", "app2"))
    print(f"12 cells x 3 navigations, median of {repeats} runs each, wall time per pytest run")
    print(f"  bare Playwright (one browser, new context per test): {bare:6.2f} s")
    print(f"  cxcheck (cx_page, -n 0, results + JSON + report):    {cx:6.2f} s")
    print(f"  cxcheck (cx_page, -n 2):                             {n2:6.2f} s")
    print(f"  cxcheck, app-like pages (250 ms server), -n 0:       {app0:6.2f} s")
    print(f"  cxcheck, app-like pages (250 ms server), -n 2:       {app2:6.2f} s")
    print(f"overhead ratio cxcheck / bare:              {cx / bare:.3f}  (target <= 1.10)")
    print(f"xdist speedup -n 0 / -n 2, static pages:    {cx / n2:.3f}  (target >= 1.5)")
    print(f"xdist speedup -n 0 / -n 2, app-like pages:  {app0 / app2:.3f}  (target >= 1.5)")
    print(f"({os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
