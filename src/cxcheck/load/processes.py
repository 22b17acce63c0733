"""Locust's child processes: started in their own process groups, registered until they end,
stopped together (:func:`stop_all`, also at interpreter exit), and quoted when a run fails.

Locust monkey-patches the whole process with gevent when it is imported, so it never runs in the
pytest process, only in the children started here.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cxcheck.app.server import die_with_parent, signal_group

__all__ = ["KILL_AFTER_S", "Child", "forget_stopped", "run_failure", "spawn", "stop", "stop_all"]

KILL_AFTER_S = 3.0
"""Between SIGTERM (Locust then writes its results) and SIGKILL."""

_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_LIVE_LOCK = threading.Lock()
_STOPPED: set[int] = set()
_AT_EXIT = False
"""Processes stop_all() ended: their run must not pass a cut-short result off as a whole one."""


@dataclass(frozen=True)
class Child:
    """One Locust process: ``locust`` (a run's main process or master) or ``worker N``."""

    role: str
    proc: subprocess.Popen[bytes]
    log: Path


def stop_all() -> None:
    """Kill every Locust process a run started and that still runs (session end, Ctrl-C, exit).

    A run() waiting on them (in another thread) then raises
    :class:`~cxcheck.load.locust_output.LoadRunError`.
    """
    with _LIVE_LOCK:
        procs = list(_LIVE.values())
        _STOPPED.update(p.pid for p in procs)
    stop(procs)


def spawn(role: str, argv: list[str], log: Path, env: Mapping[str, str]) -> Child:
    """One Locust process in its own process group (so it and anything it starts can be killed
    together), output to ``log``, and a parent-death signal on Linux."""
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env),
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
        )
    with _LIVE_LOCK:
        global _AT_EXIT
        if not _AT_EXIT:
            # Registered with the first child, not at import: a run without load registers none.
            atexit.register(stop_all)
            _AT_EXIT = True
        _LIVE[proc.pid] = proc
    return Child(role, proc, log)


def stop(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every group still running (Locust then writes its results), SIGKILL after
    :data:`KILL_AFTER_S`, and SIGKILL every group once more for anything left in it."""
    for p in procs:
        if p.poll() is None:
            signal_group(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + KILL_AFTER_S
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.0, deadline - time.monotonic()))
    for p in procs:
        signal_group(p.pid, signal.SIGKILL)
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=KILL_AFTER_S)
    with _LIVE_LOCK:
        for p in procs:
            _LIVE.pop(p.pid, None)


def forget_stopped(children: Sequence[Child]) -> bool:
    """Whether stop_all() ended this run's main process; forgets the run's processes."""
    with _LIVE_LOCK:
        stopped = bool(children) and children[0].proc.pid in _STOPPED
        _STOPPED.difference_update(c.proc.pid for c in children)
    return stopped


_ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b(: .*)?$")


def run_failure(headline: str, children: Sequence[Child], details: Sequence[str] = ()) -> str:
    """The headline, the error Locust printed (an ImportError, say), and the logs' last lines."""
    main, *workers = children
    cause = _cause(_tail(main.log))
    parts = [headline + (f": {cause}" if cause else ""), *(f"  {d}" for d in details)]
    quoted = [main, *(w for w in workers if w.proc.poll() not in (0, None))]
    for child in quoted:
        lines = _tail(child.log)
        text = "\n".join(f"    | {line}" for line in lines) if lines else "    (nothing)"
        parts.append(f"  last lines of {child.log} ({child.role}):\n{text}")
    return "\n".join(parts)


def _cause(lines: Sequence[str]) -> str | None:
    """The last exception line, or Locust's last ERROR log message."""
    for line in reversed(lines):
        text = line.strip()
        if _ERROR_LINE.match(text):
            return text
        if "/ERROR/" in text:
            return text.split("/ERROR/", 1)[1].split(": ", 1)[-1]
    return None


def _tail(path: Path, lines: int = 15) -> list[str]:
    try:
        data = path.read_bytes()[-8192:]
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()[-lines:]
