"""Ctrl-C is not 44 failures: a real SIGINT to the whole process group (what a terminal sends)
stops the run promptly with pytest's own ending, marks what did not run as not run, still writes
the results, and leaves no browser behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import wait_for_no_leftovers

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")

MANY_TESTS = """
import pathlib
import pytest

@pytest.mark.parametrize("n", range(24))
def test_page(cx_journey, n):
    with cx_journey.step("open"):
        cx_journey.page.goto("/index.html")
    if n == 2:
        pathlib.Path("started").write_text("yes")
    cx_journey.page.wait_for_timeout(700)
"""


def _default_sigint() -> None:
    # A shell started in the background ignores SIGINT; a terminal's foreground job does not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(args: list[str], cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a command as a terminal's foreground job: its own process group, SIGINT live."""
    token = uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env={**os.environ, "CXCHECK_LEAK_TOKEN": token},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )
    return proc, token


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_ctrl_c_stops_the_run_and_keeps_the_results(
    pytester: pytest.Pytester, pages_url: str, workers: list[str]
) -> None:
    pytester.makepyfile(test_many=MANY_TESTS)
    proc, token = spawn(["pytest", "--cx-base-url", pages_url, "-p", "no:cacheprovider",
                         "--cx-json", "results.json", "--cx-report", "report", *workers],
                        pytester.path)  # fmt: skip
    deadline = time.monotonic() + 120
    while not (pytester.path / "started").exists():
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert time.monotonic() < deadline, "the tests never started"
        time.sleep(0.1)
    interrupted_at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # the whole group: pytest, workers, driver, browser
    output = proc.communicate(timeout=90)[0].decode()
    stopped_in = time.monotonic() - interrupted_at
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output[-4000:]
    assert "KeyboardInterrupt" in output
    for wrong in ("TargetClosedError", "INTERNALERROR", "errors during test teardown"):
        assert wrong not in output, output[-4000:]
    assert stopped_in < 30, f"took {stopped_in:.1f} s to stop"
    data = json.loads((pytester.path / "results.json").read_text())
    assert data["interrupted"] is True and data["exit_status"] == 2
    counts = data["counts"]
    assert counts["failed"] == 0 and counts["error"] == 0, counts
    assert counts["passed"] >= 2 and counts["not-run"] >= 1, counts
    assert counts["passed"] + counts["not-run"] == 24, counts
    # The cells of what never ran came as data from the process that collected (the collection
    # manifest under xdist), not from parsing node ids.
    for result in data["results"]:
        assert result["device"] and result["network"], result
        assert result["cell"] == f"{result['device']}-{result['network']}", result
        assert result["nodeid"].endswith(f"[{result['cell']}-{result['variant']}]"), result
    assert (pytester.path / "report" / "index.html").is_file()
    assert "(interrupted)" in output
    assert wait_for_no_leftovers(token) == []


def test_the_results_file_of_an_interrupted_run_names_every_item(tmp_path: Path) -> None:
    # The not-run items keep their ids, so a reader knows exactly what was not checked.
    from cxcheck.model.results import RunResults
    from cxcheck.outputs.itemresults import Collector
    from cxcheck.outputs.manifest import PlannedItem

    collector = Collector()
    cell = "desktop-1080p-no-throttle"
    collector.expect(
        PlannedItem(
            f"t.py::test_page[{n}-{cell}]",
            "t.py",
            "test_page",
            str(n),
            {"n": str(n)},
            cell,
            "desktop-1080p",
            "no-throttle",
        )
        for n in range(3)
    )
    run = collector.run(RunResults(interrupted=True))
    assert {r.outcome for r in run.results} == {"not-run"}
    assert {(r.device, r.network) for r in run.results} == {("desktop-1080p", "no-throttle")}
    assert run.write_json(tmp_path / "r.json").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_in_the_demo_prints_the_summary_of_what_ran(tmp_path: Path, how: str) -> None:
    # Ctrl-C reaches the whole process group; a CI's SIGTERM may reach the demo alone, which
    # passes it on to its pytest and still prints the summary.
    proc, token = spawn(["cxcheck.cli", "demo", "--devices", "laptop-1366", "--networks",
                         "no-throttle", "--report", str(tmp_path / "report"), "--", "-p",
                         "no:randomly"], tmp_path)  # fmt: skip
    assert proc.stdout is not None
    seen: list[bytes] = []
    deadline = time.monotonic() + 240
    for line in proc.stdout:  # until the second test has passed
        seen.append(line)
        if sum(b" PASSED" in s for s in seen) >= 2 or time.monotonic() > deadline:
            break
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    output = b"".join(seen).decode() + proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output[-4000:]
    assert "(interrupted)" in output and "not run" in output, output[-3000:]
    assert "FAIL " not in output and "TargetClosedError" not in output, output[-3000:]
    assert (tmp_path / "report" / "index.html").is_file()
    assert wait_for_no_leftovers(token) == []


def test_a_traceback_entry_without_a_line_number_gets_one() -> None:
    # CPython 3.11 can report a frame at an instruction without a line when Ctrl-C lands there;
    # pytest's report of the interrupt would crash on it (exit code 1 instead of 2).
    import sys
    from types import SimpleNamespace

    from cxcheck.plugin.interrupts import numbered

    frame = sys._getframe()
    inner = SimpleNamespace(tb_next=None, tb_frame=frame, tb_lasti=0, tb_lineno=None)
    outer = SimpleNamespace(tb_next=inner, tb_frame=frame, tb_lasti=0, tb_lineno=7)
    fixed = numbered(outer)  # type: ignore[arg-type]
    # Repaired in place: pytest's ExceptionInfo holds the head entry.
    assert fixed is not None and id(fixed) == id(outer)
    assert fixed.tb_lineno == 7
    assert fixed.tb_next is not None
    assert fixed.tb_next.tb_lineno == frame.f_code.co_firstlineno
