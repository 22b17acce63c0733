"""Helpers shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest


def leftovers(token: str, *, in_cmdline: bool = False) -> list[str]:
    """Processes other than this one that carry the token in their environment (or, with
    ``in_cmdline``, in their command line, e.g. a run's own folder)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            where = (proc / ("cmdline" if in_cmdline else "environ")).read_bytes()
            if token.encode() in where:
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:160])
        except OSError:
            continue  # gone, or not ours to read
    return found


def wait_for_no_leftovers(
    token: str, seconds: float = 20, *, in_cmdline: bool = False
) -> list[str]:
    deadline = time.monotonic() + seconds
    while (found := leftovers(token, in_cmdline=in_cmdline)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def run_session(folder: Path, *args: str, timeout: float = 240) -> pytest.RunResult:
    """A real pytest session in a child process, as ``pytester.runpytest_subprocess`` runs it
    (same environment rules), for session-scoped fixtures that several tests assert on:
    pytester itself is function-scoped."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_ADDOPTS", "TOX_ENV_DIR", "PYTEST_CURRENT_TEST"}
    }
    env.update(HOME=str(folder), USERPROFILE=str(folder), PY_COLORS="0")
    command = [sys.executable, "-mpytest", f"--basetemp={folder / 'basetemp'}", *args]
    start = time.monotonic()
    done = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout
    )
    return pytest.RunResult(
        done.returncode,
        done.stdout.splitlines(),
        done.stderr.splitlines(),
        time.monotonic() - start,
    )


def shared_session(
    tmp_path_factory: pytest.TempPathFactory, name: str, files: dict[str, str], *args: str
) -> tuple[Path, pytest.RunResult]:
    """Run a real pytest session once for the tests that assert on it, also across xdist workers.

    Call it from a module- or session-scoped fixture (so a worker asks at most once). The first
    worker to ask runs the session in a folder all workers share and saves its result there; a
    worker that asks later reuses it. A worker that asks while another is still running it runs
    its own copy instead of waiting idle. Returns the session's folder and its result.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's root, shared by the workers' own basetemps
    folder = base / f"shared-{name}"
    saved = base / f"shared-{name}.json"
    try:
        os.mkdir(folder)  # atomic: one worker claims the shared run
    except FileExistsError:
        if saved.exists():
            ret, out, err, duration = json.loads(saved.read_text())
            return folder, pytest.RunResult(ret, out, err, duration)
        own = tmp_path_factory.mktemp(name)  # still running elsewhere: no idle worker
        return own, _run_in(own, files, args)
    result = _run_in(folder, files, args)
    partial = saved.with_suffix(".part")
    partial.write_text(
        json.dumps([int(result.ret), result.outlines, result.errlines, result.duration])
    )
    partial.replace(saved)
    return folder, result


def _run_in(folder: Path, files: dict[str, str], args: tuple[str, ...]) -> pytest.RunResult:
    for file, text in files.items():
        (folder / file).write_text(text)
    return run_session(folder, *args)


VERBOSE_LINE = re.compile(
    r"(?P<file>[^\s:]+)::\S+ (?P<outcome>PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b"
)


def outcomes_of(result: pytest.RunResult, file: str) -> dict[str, int]:
    """One file's outcomes in a verbose (``-v``) session of several files: what
    ``assert_outcomes`` counts for the whole session, e.g. ``{"passed": 1, "failed": 1}``."""
    counts: dict[str, int] = {}
    for line in result.outlines:
        found = VERBOSE_LINE.match(line)
        if found and found["file"] == file:
            outcome = found["outcome"].lower()
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def assert_bad_action(
    pytester: pytest.Pytester, run_pytest: Any, action: str, message: str
) -> None:
    """A journey file whose one action is ``action`` fails to collect, naming its file and line
    (5) with ``message`` (an fnmatch pattern)."""
    pytester.path.joinpath("bad.journey.yaml").write_text(
        f"name: bad\nsteps:\n  - name: s\n    actions:\n      - {action}\n"
    )
    result = run_pytest(inprocess=True)
    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*bad.journey.yaml:5: {message}"])
