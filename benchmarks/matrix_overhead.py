"""Matrix overhead: a 12-cell cxcheck matrix vs the same test hand-written with Playwright.

Both sides are pytest runs in fresh processes, timed wall to wall, alternating, median of N:

- cxcheck: ``@pytest.mark.cx(devices=<12 devices>, networks="no-throttle")``, three navigations;
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import median, page_server
from cxcheck.browser import CHROMIUM_ARGS, BrowserSettings, context_options, find_browser
from cxcheck.profiles import load_catalogue

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

BARE_TEST = """
import json, os
import pytest
from playwright.sync_api import sync_playwright

CELLS = json.loads(os.environ["BENCH_CELLS"])
BASE_URL = os.environ["BENCH_BASE_URL"]

@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ["BENCH_EXE"] or None,
                              args=json.loads(os.environ["BENCH_ARGS"]))
        yield b
        b.close()

@pytest.mark.parametrize("cell", CELLS, ids=[c["id"] for c in CELLS])
def test_journey(browser, cell):
    context = browser.new_context(base_url=BASE_URL, **cell["options"])
    try:
        page = context.new_page()
        if cell["cpu"] > 1:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cell["cpu"]})
        for path in json.loads(os.environ.get("BENCH_PATHS", DEFAULT_PATHS)):
            page.goto(path)
    finally:
        context.close()
""".replace("DEFAULT_PATHS", repr(json.dumps(PATHS)))


def run(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    if done.returncode != 0 or "12 passed" not in done.stdout:
        sys.exit(f"benchmark run failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    catalogue = load_catalogue()
    devices = catalogue.resolve_devices(DEVICES)
    network = catalogue.networks["no-throttle"]
    cells = [
        {
            "id": f"{d.name}-no-throttle",
            "cpu": d.cpu_slowdown,
            "options": context_options(d, network, None),
        }
        for d in devices
    ]
    exe = find_browser(BrowserSettings(), None).executable or ""
    with page_server() as url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_cx.py").write_text(CX_TEST)
        (folder / "test_bare.py").write_text(BARE_TEST)
        env = {
            **os.environ,
            "BENCH_CELLS": json.dumps(cells),
            "BENCH_BASE_URL": url,
            "BENCH_EXE": exe,
            "BENCH_ARGS": json.dumps(list(CHROMIUM_ARGS)),
        }
        cx_args = ["test_cx.py", "--cx-base-url", url]
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
    print(f"  cxcheck (cx_page, -n 0):                             {cx:6.2f} s")
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
