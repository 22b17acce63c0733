"""Starting the app under test for a run, the way Playwright Test's ``webServer`` does.

The command runs in its own process group on a free 127.0.0.1 port; cxcheck waits until the ready
path answers and stops the whole group at the end. On Linux the app also gets a parent-death
signal, so even a pytest killed outright (SIGKILL) leaves no orphan behind.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from cxcheck.model.errors import CxError

PORT_PLACEHOLDER = "{port}"
PYTHON_PLACEHOLDER = "{python}"


class AppServerError(CxError):
    """The app under test could not be started or did not become ready."""


@dataclass(frozen=True)
class ServerSpec:
    """How to start the app under test."""

    command: str
    ready_path: str = "/"
    timeout_s: float = 30.0
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None

    def argv(self, port: int) -> list[str]:
        """The command with ``{port}`` and ``{python}`` filled in, split like a shell would."""
        text = self.command.replace(PORT_PLACEHOLDER, str(port))
        try:
            parts = shlex.split(text)
        except ValueError as exc:
            raise AppServerError(
                f"cx_server_command {self.command!r} cannot be split: {exc}"
            ) from None
        return [sys.executable if p == PYTHON_PLACEHOLDER else p for p in parts]


def parse_env(lines: Sequence[str], where: str = "cx_server_env") -> dict[str, str]:
    """``["A=1", "B=two words"]`` → ``{"A": "1", "B": "two words"}``, rejecting other forms."""
    env: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip() or " " in key.strip():
            raise AppServerError(f"{where}: {line!r} is not KEY=VALUE (one per line)")
        env[key.strip()] = value.strip()
    return env


def validate_command(command: str) -> None:
    """The command must say where the app listens."""
    if PORT_PLACEHOLDER not in command:
        raise AppServerError(
            f"cx_server_command {command!r} has no {PORT_PLACEHOLDER} placeholder; cxcheck picks "
            f"a free port and the app must listen on it, e.g. "
            f"cx_server_command = {{python}} -m myapp --port {PORT_PLACEHOLDER}"
        )


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass  # not Linux: the process-group stop at session end still applies


class AppServer:
    """One running instance of the app under test."""

    def __init__(self, spec: ServerSpec) -> None:
        validate_command(spec.command)
        self.spec = spec
        self.port = 0
        self.url = ""
        self.started_s = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def pid(self) -> int | None:
        """The app's process id while it runs (its CPU is not a test's: see browser/cputime)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def command_line(self) -> str:
        return " ".join(shlex.quote(a) for a in self.spec.argv(self.port))

    def start(self) -> str:
        """Start the app and wait until it is ready; returns its base URL (ending in ``/``)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        argv = self.spec.argv(self.port)
        # Kept open for the app's lifetime and closed in stop(), so not a with-block.
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="cxcheck-app-", suffix=".log", delete=False
        )
        self._log, self.log_path = log, Path(log.name)
        env = {**os.environ, **self.spec.env, "PORT": str(self.port)}
        started = time.monotonic()
        try:
            self._proc = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=self.spec.cwd,
                start_new_session=True,
                preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
            )
        except OSError as exc:
            self.stop()
            raise AppServerError(
                f"cx_server_command could not start {argv[0]!r}: {exc.strerror}. "
                f"Command: {self.command_line}"
            ) from None
        try:
            self._wait_ready()
        except AppServerError:
            self.stop()
            raise
        self.started_s = time.monotonic() - started
        return self.url

    def _wait_ready(self) -> None:
        assert self._proc is not None
        ready = self.url + self.spec.ready_path.lstrip("/")
        deadline = time.monotonic() + self.spec.timeout_s
        while True:
            code = self._proc.poll()
            if code is not None:
                raise AppServerError(
                    f"the app exited with code {code} before it was ready.\n"
                    f"  command: {self.command_line}\n{self._tail_text()}"
                )
            if _answers(ready):
                return
            if time.monotonic() > deadline:
                raise AppServerError(
                    f"the app did not answer at {ready} within {self.spec.timeout_s:g} s "
                    f"(cx_server_timeout).\n  command: {self.command_line}\n{self._tail_text()}"
                )
            time.sleep(0.1)

    def tail(self, lines: int = 20) -> list[str]:
        """The last lines the app printed."""
        if self.log_path is None or not self.log_path.exists():
            return []
        text = self.log_path.read_bytes()[-16384:].decode("utf-8", "replace")
        return text.splitlines()[-lines:]

    def _tail_text(self) -> str:
        tail = self.tail()
        if not tail:
            return "  (it printed nothing)"
        return "  last output:\n" + "\n".join(f"    | {line}" for line in tail)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, grace_s: float = 10.0) -> None:
        """Stop the app and everything it started (its process group); idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None:
            signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                signal_group(proc.pid, signal.SIGKILL)
                proc.wait(timeout=grace_s)
            # Children that ignored SIGTERM would outlive a clean exit of their leader.
            signal_group(proc.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)


def signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (urllib.error.URLError, OSError, ValueError):
        return False
