"""A cancelled CI job keeps its results: SIGTERM stops the run the way Ctrl-C does.

CI systems and Kubernetes cancel with SIGTERM (GitHub Actions sends SIGINT, SIGTERM 7.5 s later,
then SIGKILL). Left at its default, SIGTERM ends Python at once: no results JSON, no report, no
JUnit file. Taken over, the first SIGTERM ends the run as Ctrl-C does: exit code 2 (pytest's
"interrupted"), the tests that did not finish recorded as not run, every output written, every
process stopped.

- Only a SIGTERM at its default disposition is taken over (an app that embeds pytest keeps its
  own handler, an ignored SIGTERM stays ignored); the default is back when pytest cleans up.
- Without pytest-xdist the first SIGTERM raises ``KeyboardInterrupt`` where pytest is, except
  in a test's teardown: a test whose body has ended is let finish, so that its result and
  evidence are whole (and the terminal, JUnit and the JSON agree on it); the interrupt follows.
- The xdist controller passes its SIGTERM on to its workers (CI may signal it alone), and keeps
  gathering what they send while they stop: each worker breaks off its test and ends its
  session as a stop (``session.shouldstop``), which xdist ends as it ends ``-x`` (not as a crash:
  no "worker crashed" failure, no replacement worker), and the controller then raises xdist's
  ``Interrupted``. So every result that reached a worker's report reaches the outputs. A worker
  that does not stop within :data:`WORKERS_GRACE_S` is no longer waited for.
- A worker ignores a SIGTERM after its first: when the whole process group is signalled it gets
  the group's and the controller's, and its end belongs to the controller.
- Anywhere else a SIGTERM after the first ends the process at once, as SIGTERM always did, so a
  stuck run can still be ended without SIGKILL. Once the run is finishing (the outputs are being
  written and the fixtures closed) a first SIGTERM raises nothing: it would cut the writing short.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from cxcheck.plugin.interrupts import cut_to_running_code, repair_tracebacks

MESSAGE = "the run was cancelled (SIGTERM)"
WORKERS_GRACE_S = 5.0
"""How long the xdist controller waits for its workers to stop and send their results."""


@dataclass(eq=False)  # a plugin too (registered by identity): it follows the session's phases
class Sigterm:
    """What this process does on SIGTERM."""

    interrupt: Callable[[], None]
    """Told of the first SIGTERM (the state remembers the interrupt)."""
    interrupted: Callable[[], bool]
    """Whether the run is stopping already (Ctrl-C): then a SIGTERM has nothing to start."""
    worker: bool = False
    """An xdist worker: stops as a stop, never dies of a later SIGTERM."""
    workers: Callable[[], Iterable[int]] | None = None
    """On an xdist controller with workers: the process ids of those that are up."""
    full_trace: bool = False
    """``--full-trace``: the interrupt's traceback is shown whole."""
    received: int = 0
    testing: bool = False
    """Inside ``pytest_runtestloop``: where a worker can break off and stop."""
    tearing_down: bool = False
    """In a test's teardown: a test whose body has ended keeps a whole result and evidence."""
    deferred: bool = False
    finishing: bool = False
    overdue: bool = False
    timer: threading.Timer | None = field(default=None, repr=False)

    def handle(self, signum: int, frame: Any) -> None:
        if self.overdue:  # the workers' grace is over (see wait_no_longer)
            self.overdue = False
            if not self.finishing:
                raise KeyboardInterrupt(MESSAGE)
            return
        self.received += 1
        if self.received > 1:
            if not self.worker:
                die()
            return
        if self.finishing or self.interrupted():
            return  # stopping already, or writing the outputs: a KeyboardInterrupt would cut it
        self.interrupt()
        if self.workers is not None:
            self.stop_workers(self.workers)
        elif self.tearing_down:
            self.deferred = True  # raised once the test's teardown has ended
        elif self.testing or not self.worker:
            raise KeyboardInterrupt(MESSAGE)
        # A worker that is not running tests stops at its next test's setup (the state says so).

    def stop_workers(self, workers: Callable[[], Iterable[int]]) -> None:
        pids = list(workers())
        if not pids:  # none started yet: nothing to wait for
            raise KeyboardInterrupt(MESSAGE)
        for pid in pids:
            with contextlib.suppress(OSError):  # gone already
                os.kill(pid, signal.SIGTERM)
        self.timer = threading.Timer(WORKERS_GRACE_S, self.wait_no_longer)
        self.timer.daemon = True
        self.timer.start()

    def wait_no_longer(self) -> None:
        """On the timer's thread: the main thread stops waiting (as after Ctrl-C)."""
        self.overdue = True
        _thread.interrupt_main(signal.SIGTERM)  # runs handle() on the main thread

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        self.testing = True
        try:
            return (yield)
        except KeyboardInterrupt:
            if not (self.worker and self.received):
                raise
            # A stop, not an interrupt, for xdist: exit status 2 from a worker would be taken
            # for a crash (a failure, then a replacement worker). The controller raises
            # xdist's Interrupted (a KeyboardInterrupt) once every worker has stopped.
            session.shouldstop = f"cxcheck: {MESSAGE}"
            return True
        finally:
            self.testing = False

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self) -> Generator[None, object, object]:
        result = yield
        if self.deferred:
            self.deferred = False
            raise KeyboardInterrupt(MESSAGE)
        return result

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_teardown(self) -> Iterator[None]:
        self.tearing_down = True
        try:
            return (yield)
        finally:
            self.tearing_down = False

    @pytest.hookimpl(tryfirst=True)  # before the terminal formats the interrupt
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        if self.received and not self.full_trace:
            repair_tracebacks(excinfo.value)
            cut_to_running_code(excinfo)

    @pytest.hookimpl(wrapper=True)  # before any other plugin's part of it
    def pytest_sessionfinish(self) -> Iterator[None]:
        self.finishing = True
        if self.timer is not None:
            self.timer.cancel()
        return (yield)


def watch_sigterm(config: pytest.Config, watcher: Sigterm) -> None:
    """Handle SIGTERM with ``watcher`` until pytest cleans up, if SIGTERM is at its default."""
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return  # someone else's handler (or ours already), or ignored: left as it is
        signal.signal(signal.SIGTERM, watcher.handle)
    except ValueError:  # not the main thread
        return
    config.pluginmanager.register(watcher, "cxcheck-sigterm")

    def restore() -> None:
        if watcher.timer is not None:
            watcher.timer.cancel()
        # Only our own handler is taken back: one set since then is left in place.
        if signal.getsignal(signal.SIGTERM) == watcher.handle:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        config.pluginmanager.unregister(watcher)

    config.add_cleanup(restore)


def die() -> None:
    """End the process as an unhandled SIGTERM does (its parent sees the signal)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
