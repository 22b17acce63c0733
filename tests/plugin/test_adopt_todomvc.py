"""A real third-party pytest-playwright suite, unchanged, adopted into the matrix.

The suite is the Playwright team's Python TodoMVC tests (25 tests, microsoft/playwright-python
``examples/todomvc``), vendored with the app they test in ``tests/data/thirdparty/todomvc``
(see its SOURCE.md). Nobody here wrote them; they take pytest-playwright's ``page``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import median

import pytest

pytest.importorskip("pytest_playwright")

SUITE = Path(__file__).parents[1] / "data" / "thirdparty" / "todomvc"
TESTS = 25


def run_suite(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CX"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider", *args],
        cwd=folder, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """A copy of the vendored suite: its runs write their outputs beside it."""
    folder = tmp_path / "todomvc"
    shutil.copytree(SUITE, folder)
    return folder


def test_the_suite_passes_unchanged_with_cxcheck_installed(suite: Path) -> None:
    done = run_suite(suite, "-q")
    assert done.returncode == 0, done.stdout[-3000:]
    assert f"{TESTS} passed" in done.stdout
    assert "cxcheck matrix" not in done.stdout  # no matrix: nothing of cxcheck's in the way


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_every_cell_of_a_matrix_from_the_command_line_passes_throttled(suite: Path) -> None:
    done = run_suite(suite, "-n", "2", "-o", "cx_devices=iphone-13, desktop-1080p",
                     "-o", "cx_networks=no-throttle, slow-4g", "--cx-json", "r.json")  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert f"{TESTS * 4} passed" in done.stdout
    results = json.loads((suite / "r.json").read_text())["results"]
    assert len(results) == TESTS * 4 and {r["outcome"] for r in results} == {"passed"}
    assert {(r["device"], r["network"]) for r in results} == {
        (d, n) for d in ("iphone-13", "desktop-1080p") for n in ("no-throttle", "slow-4g")
    }
    # Throttled for real: each test opens the app (about 1 MB of scripts) at least once, which
    # slow-4g's 1.44 Mbit/s makes seconds slower than loopback.
    took = {n: median(r["duration_s"] for r in results if r["network"] == n)
            for n in ("no-throttle", "slow-4g")}  # fmt: skip
    assert took["slow-4g"] > took["no-throttle"] + 2.0, took
