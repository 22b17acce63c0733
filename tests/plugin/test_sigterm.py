"""A cancelled CI job loses nothing: a real SIGTERM, to pytest alone (Kubernetes, docker stop) or
to its whole process group (``kill -TERM -PGID``, as CI runners send it), ends the run as Ctrl-C
does: exit code 2, what did not finish recorded as not run, the results JSON, the JUnit file and
the report written, and no browser, app, Locust or xdist worker left behind.

pytest is started as a background job of a CI script starts it: SIGINT ignored (so SIGTERM is
the only way to stop it), SIGTERM at its default."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import leftovers, wait_for_no_leftovers
from tests.load.test_loadtest import SHOP, SLOW_LOAD, STOREFRONT_INI

pytestmark = pytest.mark.skipif(
    not Path("/proc").is_dir() or not hasattr(os, "killpg"), reason="reads /proc, needs killpg"
)

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
APP_INI = """[pytest]
cx_server_command = {python} -m http.server {port} --bind 127.0.0.1
cx_server_timeout = 60
"""
ITEMS = 12
MANY_TESTS = f"""
import pathlib
import pytest

ran = []

@pytest.mark.parametrize("n", range({ITEMS}))
def test_page(cx_journey, n):
    with cx_journey.step("open"):
        cx_journey.page.goto("/index.html")
    if ran:  # this process has finished a test
        pathlib.Path("started").write_text("yes")
    ran.append(n)
    cx_journey.page.wait_for_timeout(700)
"""


def _as_a_ci_job() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a background job of a non-interactive shell
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def spawn(args: list[str], cwd: Path, token: str) -> subprocess.Popen[bytes]:
    """pytest in its own process group, as a CI runner starts a job's command."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env={**os.environ, "CXCHECK_LEAK_TOKEN": token},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_as_a_ci_job,
    )


def wait_until(ready: object, proc: subprocess.Popen[bytes], what: str) -> None:
    """Until ``ready()`` is true (the run has got far enough), or fail with the run's output."""
    deadline = time.monotonic() + 120
    while not ready():  # type: ignore[operator]
        if proc.poll() is not None:
            pytest.fail(f"{what}: pytest ended first\n" + proc.communicate()[0].decode()[-3000:])
        assert time.monotonic() < deadline, f"{what}: not within 120 s"
        time.sleep(0.1)


def passed_on_the_terminal(output: str) -> int:
    found = re.search(r"=+ (?:.*?)(\d+) passed", output.splitlines()[-1])
    return int(found.group(1)) if found else 0


def junit_passed(path: Path) -> int:
    cases = ET.parse(path).getroot().iter("testcase")
    return sum(1 for c in cases if c.get("name") and not {"failure", "error"} & {e.tag for e in c})


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
@pytest.mark.parametrize("group", [False, True], ids=["pytest-alone", "process-group"])
def test_sigterm_stops_the_run_and_keeps_the_results(
    pytester: pytest.Pytester, workers: list[str], group: bool
) -> None:
    # The app comes from cx_server_command: it runs in its own process group, which no group
    # signal reaches, so only cxcheck can stop it.
    pytester.makeini(APP_INI)
    pytester.path.joinpath("index.html").write_bytes((PAGES / "index.html").read_bytes())
    pytester.makepyfile(test_many=MANY_TESTS)
    token = uuid.uuid4().hex
    proc = spawn(["--cx-json", "results.json", "--cx-report", "report", "--junitxml", "junit.xml",
                  *workers], pytester.path, token)  # fmt: skip
    wait_until((pytester.path / "started").exists, proc, "the tests never started")
    cancelled_at = time.monotonic()
    if group:
        os.killpg(proc.pid, signal.SIGTERM)  # pytest, its workers, Playwright's drivers
    else:
        proc.send_signal(signal.SIGTERM)  # pytest alone (xdist: the controller alone)
    output = proc.communicate(timeout=120)[0].decode()
    stopped_in = time.monotonic() - cancelled_at
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output[-4000:]
    assert "the run was cancelled (SIGTERM)" in output, output[-4000:]
    for wrong in ("TargetClosedError", "INTERNALERROR", "crashed", "replacing", "Traceback"):
        assert wrong not in output, output[-4000:]
    assert stopped_in < 45, f"took {stopped_in:.1f} s to stop"
    data = json.loads((pytester.path / "results.json").read_text())
    assert data["interrupted"] is True and data["exit_status"] == 2
    counts = data["counts"]
    assert counts["failed"] == 0 and counts["error"] == 0, counts
    assert counts["passed"] >= 1 and counts["not-run"] >= 1, counts
    assert counts["passed"] + counts["not-run"] == ITEMS, counts
    # Nothing that finished is lost on the way: the terminal, JUnit and the JSON agree.
    assert passed_on_the_terminal(output) == counts["passed"], output[-2000:]
    assert junit_passed(pytester.path / "junit.xml") == counts["passed"]
    assert (pytester.path / "report" / "index.html").is_file()
    assert "(interrupted)" in output
    assert wait_for_no_leftovers(token) == []


def test_sigterm_during_a_load_run_leaves_no_locust_process_and_no_app(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(STOREFRONT_INI)  # the demo shop as the app under test
    pytester.makepyfile(test_slow_load=SLOW_LOAD)
    pytester.path.joinpath("shop.py").write_text(SHOP)
    token = uuid.uuid4().hex
    proc = spawn(["--cx-json", "results.json"], pytester.path, token)
    wait_until(lambda: any("locust" in p for p in leftovers(token)), proc, "no Locust process")
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    data = json.loads((pytester.path / "results.json").read_text())
    assert data["interrupted"] is True
    assert data["counts"]["not-run"] == 1, data["counts"]
    assert wait_for_no_leftovers(token) == []


STUCK_WORKERS = """
import pathlib, time
import pytest

@pytest.mark.parametrize("n", range(4))
def test_busy(n, worker_id):
    pathlib.Path(f"started-{worker_id}").write_text("yes")
    if n >= 2:  # code that swallows the interrupt and carries on
        while True:
            try:
                time.sleep(0.2)
            except KeyboardInterrupt:
                pass
"""


def test_a_worker_that_does_not_stop_does_not_leave_the_controller_hanging(
    pytester: pytest.Pytester,
) -> None:
    from cxcheck.plugin.sigterm import WORKERS_GRACE_S

    pytester.makepyfile(test_stuck=STUCK_WORKERS)
    token = uuid.uuid4().hex
    proc = spawn(["--cx-json", "results.json", "-n", "2", "-p", "no:randomly"], pytester.path,
                 token)  # fmt: skip
    wait_until(lambda: len(list(pytester.path.glob("started-*"))) == 2, proc, "no workers")
    cancelled_at = time.monotonic()
    os.killpg(proc.pid, signal.SIGTERM)
    wait_until((pytester.path / "results.json").exists, proc, "no results")
    written_in = time.monotonic() - cancelled_at
    output = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    # The controller waits out the workers' grace, not the stuck tests (a lower bound is not
    # asserted: a loaded machine only makes it longer).
    assert written_in < WORKERS_GRACE_S + 30, f"results written after {written_in:.1f} s"
    assert json.loads((pytester.path / "results.json").read_text())["interrupted"] is True
    assert wait_for_no_leftovers(token) == []


STUCK_TEARDOWN = """
import pathlib, time
import pytest

@pytest.fixture
def stuck():
    yield
    pathlib.Path("tearing-down").write_text("yes")
    time.sleep(300)  # a teardown that does not end

def test_waits(stuck):
    pathlib.Path("started").write_text("yes")
    time.sleep(300)
"""


def test_a_second_sigterm_ends_a_stuck_run_at_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stuck=STUCK_TEARDOWN)
    token = uuid.uuid4().hex
    proc = spawn(["--cx-json", "results.json"], pytester.path, token)
    wait_until((pytester.path / "started").exists, proc, "the test never started")
    proc.send_signal(signal.SIGTERM)
    wait_until((pytester.path / "tearing-down").exists, proc, "no teardown")
    # The outputs were written before the fixtures were torn down.
    assert json.loads((pytester.path / "results.json").read_text())["interrupted"] is True
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM  # ended by the signal, as without cxcheck
    assert wait_for_no_leftovers(token) == []


EMBEDDING_APP = """
import json, signal, sys
import pytest

def theirs(signum, frame):
    pass

before = {"default": signal.SIG_DFL, "ignored": signal.SIG_IGN, "theirs": theirs}[sys.argv[1]]
signal.signal(signal.SIGTERM, before)
seen = []

class Probe:
    def pytest_runtest_call(self):
        seen.append(signal.getsignal(signal.SIGTERM))

pytest.main(["-q", "-p", "no:cacheprovider", "--cx-json", "r.json", "test_one.py"],
            plugins=[Probe()])
print(json.dumps({"during_is_before": seen[0] is before,
                  "after_is_before": signal.getsignal(signal.SIGTERM) is before}))
"""


@pytest.mark.parametrize("before", ["default", "ignored", "theirs"])
def test_only_a_default_sigterm_is_taken_over_and_it_is_given_back(
    pytester: pytest.Pytester, before: str
) -> None:
    # An app that runs pytest.main and handles (or ignores) SIGTERM itself keeps its handler.
    pytester.makepyfile(test_one="def test_one():\n    pass\n", app=EMBEDDING_APP)
    done = subprocess.run([sys.executable, "app.py", before], cwd=pytester.path,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"during_is_before": before != "default", "after_is_before": True}, done


def test_the_interrupts_traceback_ends_in_the_code_that_was_running() -> None:
    # Formatting Playwright's frames (a 20,000-line generated module, read for each) costs
    # seconds of a CI runner's grace; the one line pytest shows then names the test's own.
    import types

    from cxcheck.plugin.interrupts import cut_to_running_code

    library = types.ModuleType("playwright.fake")
    exec("def wait(handler):\n    handler()\n", library.__dict__)

    def handler() -> None:  # stands for the signal handler, called inside Playwright
        raise KeyboardInterrupt

    def test_body() -> None:
        library.wait(handler)

    try:
        test_body()
    except KeyboardInterrupt:
        excinfo = pytest.ExceptionInfo.from_current()
    assert [e.name for e in excinfo.traceback][-2:] == ["wait", "handler"]
    cut_to_running_code(excinfo)
    assert [e.name for e in excinfo.traceback] == [
        "test_the_interrupts_traceback_ends_in_the_code_that_was_running",
        "test_body",
    ]
