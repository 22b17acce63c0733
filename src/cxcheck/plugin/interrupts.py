"""Ctrl-C stays truthful: the run stops at once, ends with exit code 2 and keeps its results.

Two problems, each solved with plain Python: Playwright can swallow the KeyboardInterrupt (the
SIGINT reaches the browser and its driver too, and the error surfaces as "target closed"), so a
SIGINT handler remembers it; and CPython 3.11 can leave a traceback entry without a line number
when Ctrl-C lands on an instruction that has none, on which pytest's own report of the interrupt
crashes (exit code 1 instead of 2), so the traceback chain is repaired before pytest formats it.
A SIGTERM (:mod:`cxcheck.plugin.sigterm`) stops the run the same way; its interrupt's traceback
is also cut to the code that was running (:func:`cut_to_running_code`).
"""

from __future__ import annotations

import signal
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest


def watch_interrupts(config: pytest.Config, on_sigint: Callable[[], None]) -> None:
    """Call ``on_sigint`` on every SIGINT, then the handler that was there (pytest's: raise
    KeyboardInterrupt); the old handler is back when pytest cleans up."""
    try:
        previous = signal.getsignal(signal.SIGINT)
    except ValueError:  # not the main thread
        return
    if not callable(previous):
        return  # SIGINT ignored or default: nothing of ours to add

    def handler(signum: int, frame: Any) -> None:
        on_sigint()
        previous(signum, frame)

    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:
        return

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    config.add_cleanup(restore)


def stop_load() -> None:
    """No Locust process outlives the run (imported only if a load test ran)."""
    load = sys.modules.get("cxcheck.load.processes")
    if load is not None:
        load.stop_all()


def numbered(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback with every entry numbered, repaired in place where possible.

    Entries up to the first one without a line number are kept (the caller's references to them
    stay valid); that one and those after it are made anew, each without a line number given its
    function's first line, and linked in with ``tb_next`` (which Python lets us assign).
    """
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    bad = next((i for i, e in enumerate(entries) if not isinstance(e.tb_lineno, int)), None)
    if bad is None:
        return entries[0] if entries else None
    out: types.TracebackType | None = None
    for e in reversed(entries[bad:]):
        line = e.tb_lineno if isinstance(e.tb_lineno, int) else e.tb_frame.f_code.co_firstlineno
        out = types.TracebackType(out, e.tb_frame, e.tb_lasti, line)
    if bad == 0:
        return out
    entries[bad - 1].tb_next = out
    return entries[0]


def repair_tracebacks(exc: BaseException | None) -> None:
    """Number every traceback entry of an exception and of those it was raised from."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = numbered(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


INTERNAL = ("_pytest.", "pluggy.")
BELOW = ("playwright.", "cxcheck.plugin.sigterm")  # and the SIGTERM handler's own frame


def cut_to_running_code(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """Keep only the interrupt's traceback entries in the code that was running: none of
    pytest's and pluggy's around it, none of Playwright's (nor its event loop's, nor the signal
    handler's) below it.

    Before it writes the outputs pytest formats the whole traceback of an interrupt, reading the
    source of every entry's module; Playwright's generated API module alone is 20,000 lines,
    read again for each of its entries: seconds on a busy CI machine, taken from the grace before
    SIGKILL, for a traceback shown only as its last line. That line now names the test's own.
    """

    def module(entry: Any) -> str:
        return str(entry.frame.f_globals.get("__name__", ""))

    entries = [e for e in excinfo.traceback if not module(e).startswith(INTERNAL)]
    below = next((i for i, e in enumerate(entries) if module(e).startswith(BELOW)), len(entries))
    if below:  # something left to show
        excinfo.traceback = type(excinfo.traceback)(entries[:below])
