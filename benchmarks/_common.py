"""Shared helpers of the benchmark scripts: the page server and a launched browser."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))

import pageserver  # noqa: E402
from cxcheck.app.server import AppServer, ServerSpec  # noqa: E402
from cxcheck.browser.launch import BrowserSettings, launch  # noqa: E402


def storefront() -> AppServer:
    """The demo storefront on a free 127.0.0.1 port, not yet started (``.start()`` → its URL)."""
    spec = ServerSpec("{python} -m cxshop --port {port}", ready_path="/healthz", timeout_s=60,
                      cwd=ROOT / "fixtures")  # fmt: skip
    return AppServer(spec)


@contextmanager
def page_server() -> Iterator[str]:
    """fixtures/pages and its payload endpoints on 127.0.0.1; yields the base URL."""
    with pageserver.serve() as url:
        yield url


@contextmanager
def browser() -> Iterator[Any]:
    """The browser cxcheck would launch, found the same way."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b, how = launch(pw, BrowserSettings())
        print(f"browser: {how}")
        try:
            yield b
        finally:
            b.close()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# The hand-written side of the overhead benchmarks: plain Playwright, one browser per session,
# a new context per test with the same emulation (and CPU throttling) cxcheck would apply.
BARE_PRELUDE = """
import contextlib, json, os
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

@contextlib.contextmanager
def bare_page(browser, cell):
    context = browser.new_context(base_url=BASE_URL, **cell["options"])
    try:
        page = context.new_page()
        if cell["cpu"] > 1:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cell["cpu"]})
        yield page
    finally:
        context.close()
"""


def bare_env(devices: list[str], url: str) -> tuple[dict[str, str], str]:
    """The environment the bare side reads, and the browser executable both sides use."""
    import json
    import os

    from cxcheck.browser.launch import CHROMIUM_ARGS, BrowserSettings, context_options, find_browser
    from cxcheck.config.profiles import load_catalogue

    catalogue = load_catalogue()
    network = catalogue.networks["no-throttle"]
    cells = [
        {"id": f"{d.name}-no-throttle", "cpu": d.cpu_slowdown,
         "options": context_options(d, network, None)}
        for d in catalogue.resolve_devices(devices)
    ]  # fmt: skip
    exe = find_browser(BrowserSettings(), None).executable or ""
    env = {**os.environ, "BENCH_CELLS": json.dumps(cells), "BENCH_BASE_URL": url,
           "BENCH_EXE": exe, "BENCH_ARGS": json.dumps(list(CHROMIUM_ARGS))}  # fmt: skip
    return env, exe


def timed_pytest(args: list[str], cwd: Path, env: dict[str, str], passed: int) -> float:
    """Wall time of one pytest run in a fresh process; exits if it did not pass as expected."""
    import subprocess
    import time

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd, env=env, capture_output=True, text=True,
    )  # fmt: skip
    took = time.perf_counter() - started
    if done.returncode != 0 or f"{passed} passed" not in done.stdout:
        sys.exit(f"benchmark run failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return took


def time_check(
    folder: Path, env: dict[str, str] | None = None, runs: int = 3
) -> tuple[list[float], list[float]]:
    """``cxcheck check FOLDER`` as a user runs it (a fresh interpreter each time): wall and CPU
    seconds of each run. A failing or warning check ends the benchmark with its output."""
    import resource
    import subprocess
    import time

    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "cxcheck.cli", "check", str(folder)],
                              capture_output=True, text=True, timeout=300, env=env)  # fmt: skip
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0 or done.stderr:
            sys.exit(f"cxcheck check failed or warned:\n{done.stderr[-2000:]}")
    return walls, cpus
