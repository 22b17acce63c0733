"""No browser or Playwright driver outlives a run: passing, failing, interrupted or terminated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import leftovers, wait_for_no_leftovers

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")

SLOW_TEST = """
import pathlib, time

def test_waits(cx_page):
    cx_page.goto("/")
    pathlib.Path("started").write_text("yes")
    time.sleep(120)

def test_fails(cx_page):
    cx_page.goto("/")
    assert False, "a failing test"
"""


def start(
    pytester: pytest.Pytester, pages_url: str, *args: str
) -> tuple[subprocess.Popen[bytes], str]:
    token = uuid.uuid4().hex
    pytester.makepyfile(SLOW_TEST)
    env = {**os.environ, "CXCHECK_LEAK_TOKEN": token}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "--cx-base-url",
            pages_url,
            "-p",
            "no:cacheprovider",
            *args,
        ],
        cwd=pytester.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return proc, token


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_leaves_no_browser(
    pytester: pytest.Pytester, pages_url: str, sig: signal.Signals
) -> None:
    proc, token = start(pytester, pages_url, "-k", "waits")
    deadline = time.monotonic() + 120
    while not (pytester.path / "started").exists():
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert time.monotonic() < deadline, "the test never started"
        time.sleep(0.1)
    assert any("chrom" in p for p in leftovers(token)), "the browser should be running now"
    proc.send_signal(sig)
    output = proc.communicate(timeout=60)[0].decode()
    if sig == signal.SIGINT:
        assert "KeyboardInterrupt" in output
    assert wait_for_no_leftovers(token) == []


def test_failing_run_leaves_no_browser(pytester: pytest.Pytester, pages_url: str) -> None:
    proc, token = start(pytester, pages_url, "-k", "fails")
    output = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == 1, output
    assert "a failing test" in output
    assert wait_for_no_leftovers(token) == []
