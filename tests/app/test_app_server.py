"""Starting the app under test: ready, failing, never ready, shared under xdist, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from cxcheck.app.server import AppServer, AppServerError, ServerSpec, parse_env, validate_command
from tests.helpers import leftovers, wait_for_no_leftovers

HTTP_SERVER = "{python} -m http.server {port} --bind 127.0.0.1"
EXITS = "{python} -c \"import sys; print('boom: no DATABASE_URL'); sys.exit(3)\" {port}"
NEVER_READY = "{python} -c \"import time; print('warming up', flush=True); time.sleep(600)\" {port}"


def test_starts_waits_until_ready_and_stops(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("hello from the app")
    server = AppServer(ServerSpec(HTTP_SERVER, cwd=tmp_path, timeout_s=60))
    url = server.start()
    try:
        assert url.startswith("http://127.0.0.1:")
        assert urllib.request.urlopen(url, timeout=5).read() == b"hello from the app"
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(OSError, match="Connection refused"):
        urllib.request.urlopen(url, timeout=2)
    server.stop()  # idempotent


def test_an_app_that_exits_is_reported_with_its_output() -> None:
    server = AppServer(ServerSpec(EXITS, timeout_s=60))
    with pytest.raises(AppServerError) as info:
        server.start()
    message = str(info.value)
    assert "exited with code 3 before it was ready" in message
    assert "| boom: no DATABASE_URL" in message
    assert sys.executable in message


def test_an_app_that_never_gets_ready_times_out_and_is_stopped() -> None:
    token = uuid.uuid4().hex
    server = AppServer(ServerSpec(NEVER_READY, timeout_s=1.5, env={"CX_APP_TOKEN": token}))
    with pytest.raises(AppServerError) as info:
        server.start()
    assert "did not answer at http://127.0.0.1:" in str(info.value)
    assert "within 1.5 s (cx_server_timeout)" in str(info.value)
    assert "| warming up" in str(info.value)
    assert wait_for_no_leftovers(token) == []


def test_a_command_that_does_not_exist_is_named() -> None:
    with pytest.raises(AppServerError, match="could not start 'no-such-app-binary'"):
        AppServer(ServerSpec("no-such-app-binary --port {port}")).start()


def test_bad_server_settings_are_explained() -> None:
    with pytest.raises(AppServerError, match=r"no \{port\} placeholder"):
        validate_command("python -m myapp")
    with pytest.raises(AppServerError, match="'JUSTAKEY' is not KEY=VALUE"):
        parse_env(["A=1", "JUSTAKEY"])
    assert parse_env(["A=1", "", "# note", "B = two words"]) == {"A": "1", "B": "two words"}


APP_TEST = """
import os, pathlib

def test_a(cx_page, cx_base_url):
    cx_page.goto("/")
    assert cx_page.text_content("body").strip() == "the app"
    pathlib.Path(f"url-{os.getpid()}-a").write_text(cx_base_url)

def test_b(cx_page, cx_base_url):
    cx_page.goto("/")
    pathlib.Path(f"url-{os.getpid()}-b").write_text(cx_base_url)
"""


def _app_project(pytester: pytest.Pytester, command: str = HTTP_SERVER, extra: str = "") -> None:
    pytester.path.joinpath("index.html").write_text("the app")
    pytester.makeini(f"[pytest]\ncx_server_command = {command}\ncx_server_timeout = 60\n{extra}")
    pytester.makepyfile(APP_TEST)


def test_plugin_starts_the_app_once_and_points_the_base_url_at_it(
    pytester: pytest.Pytester,
) -> None:
    _app_project(pytester)
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["cxcheck app: * -m http.server * at http://127.0.0.1:*"])
    urls = {p.read_text() for p in pytester.path.glob("url-*")}
    assert len(urls) == 1


def test_under_xdist_one_app_serves_every_worker(pytester: pytest.Pytester) -> None:
    _app_project(pytester)
    result = pytester.runpytest_subprocess("-n", "2", "-v")
    result.assert_outcomes(passed=2)
    files = list(pytester.path.glob("url-*"))
    assert len({f.name.split("-")[1] for f in files}) == 2  # two worker processes
    assert len({f.read_text() for f in files}) == 1  # one app
    assert result.stdout.str().count("cxcheck app:") == 1


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (EXITS, "*the app exited with code 3 before it was ready.*"),
        (NEVER_READY, "*the app did not answer at http://127.0.0.1:* within 2 s*"),
    ],
)
def test_an_app_that_fails_to_start_stops_the_run_with_its_output(
    pytester: pytest.Pytester, command: str, message: str
) -> None:
    _app_project(pytester, command)
    pytester.makeini(f"[pytest]\ncx_server_command = {command}\ncx_server_timeout = 2\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message, "*last output:*"])


def test_base_url_option_wins_over_the_server_command(
    pytester: pytest.Pytester, pages_url: str
) -> None:
    pytester.makeini(f"[pytest]\ncx_server_command = {EXITS}\n")
    pytester.makepyfile("def test_x(cx_page):\n    cx_page.goto('/index.html')\n")
    pytester.runpytest_subprocess("--cx-base-url", pages_url).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        ("cx_server_command = python -m myapp", "*no {port} placeholder*"),
        ("cx_server_command = x {port}\ncx_server_timeout = soon", "*cx_server_timeout = 'soon'*"),
        (
            "cx_server_command = x {port}\ncx_server_ready_path = healthz",
            "*cx_server_ready_path = 'healthz' must be a path starting with /*",
        ),
        ("cx_server_command = x {port}\ncx_server_env =\n    NOEQUALS", "*'NOEQUALS' is not KEY=*"),
    ],
)
def test_bad_server_ini_is_a_usage_error(pytester: pytest.Pytester, ini: str, message: str) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_the_app_does_not_outlive_an_interrupted_or_killed_run(
    pytester: pytest.Pytester, sig: signal.Signals
) -> None:
    token = uuid.uuid4().hex
    pytester.path.joinpath("index.html").write_text("the app")
    pytester.makeini(
        f"[pytest]\ncx_server_command = {HTTP_SERVER}\ncx_server_timeout = 60\n"
        f"cx_server_env = CX_APP_TOKEN={token}\n"
    )
    pytester.makepyfile("""
        import pathlib, time
        def test_waits(cx_base_url):
            pathlib.Path("started").write_text("yes")
            time.sleep(120)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=pytester.path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 120
    while not (pytester.path / "started").exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    assert leftovers(token), "the app should be running now"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert wait_for_no_leftovers(token) == []
