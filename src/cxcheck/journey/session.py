"""Log in once per device per worker: a journey's session, kept as the browser's storage state.

Playwright's ``storageState`` recipe logs in once in a setup project and hands every test the same
file. cxcheck does the login *inside* the matrix instead: the first cell of a device on this
process (an xdist worker is one process) runs the session's steps on its own page, as ordinary
steps named ``session · …`` (so they are timed, budgeted and kept as evidence, and the login's
cost shows once, in that cell), and the store keeps the context's storage state (cookies, local
storage). Every later cell of that device starts from it (``BrowserContext.set_storage_state``)
with an info finding saying which cell logged in and how long it took; no step is replayed.

A session whose steps failed fails every later cell of that device at once, with that one reason
and the cell it happened in, instead of each cell waiting out the same timeouts again.

Journey files (``session: steps/sign-in.steps.yaml``) and Python tests (``cx_session.use(log_in)``)
both go through :meth:`Session.enter`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxcheck.model import masking
from cxcheck.model.durations import Budget
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError, add_finding, is_control
from cxcheck.model.names import SESSION_PREFIX
from cxcheck.model.results import Finding

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from cxcheck.journey.journey import Journey

__all__ = ["PREFIX", "STORE", "Key", "Login", "Session", "SessionFailed", "Store"]

PREFIX = SESSION_PREFIX
"""What the names of a session's steps start with, in the cell that logs in."""


@dataclass(frozen=True)
class Key:
    """One login: the session (its key), the device profile and the app's base URL."""

    session: str
    device: str
    base_url: str | None


@dataclass(frozen=True)
class Login:
    """What the first cell of a device made of a session: its storage state, or why it failed."""

    cell: str  # the test item that logged in (or failed to)
    seconds: float  # the session's steps, as their steps recorded them
    state: Any = None  # Playwright's StorageState: {"cookies": [...], "origins": [...]}
    failure: str | None = None  # masked, as the cell failed with it


class Store:
    """The logins of this process, by :class:`Key`; it counts the successful ones."""

    def __init__(self) -> None:
        self._logins: dict[Key, Login] = {}
        self._count: Counter[Key] = Counter()

    def get(self, key: Key) -> Login | None:
        return self._logins.get(key)

    def put(self, key: Key, login: Login) -> None:
        self._logins[key] = login
        if login.failure is None:
            self._count[key] += 1

    def logins(self, session: str, device: str | None = None) -> int:
        """How many times this process logged in to ``session`` (on ``device``, or on any)."""
        return sum(n for k, n in self._count.items()
                   if k.session == session and device in (None, k.device))  # fmt: skip

    def clear(self) -> None:
        self._logins.clear()
        self._count.clear()


STORE = Store()
"""This process's store: one per pytest process, so one per xdist worker."""


class SessionFailed(JourneyStepError):
    """The session's steps failed in an earlier cell of this device; this cell did not retry."""


class Session:
    """Log in once per device per worker and reuse the login: ``cx_session.use(log_in)``.

    ``log_in(page)`` signs in on the cell's page. The first cell of each device on this worker
    runs it, as a step named ``session · log_in`` (timed and kept as evidence like any step), and
    keeps the browser's storage state (cookies, local storage); every later cell of that device
    starts from that state instead, with an info finding naming the cell that logged in and how
    long it took. ``key=`` names the session (default: the function's module and name), so
    different accounts are different sessions. When ``log_in`` fails, that cell fails as usual
    and every later cell of the device fails at once with the same reason.
    """

    def __init__(self, journey: Journey, cell: str, base_url: str | None,
                 store: Store = STORE) -> None:  # fmt: skip
        self.journey = journey
        self.cell = cell
        self.base_url = base_url
        self.store = store
        self._entered: set[str] = set()

    def use(
        self, log_in: Callable[[Page], object], *, key: str | None = None, budget: Budget = None
    ) -> None:
        """Be logged in on this cell's page: by ``log_in(page)`` in a step named
        ``session · <name>`` the first time on this device and worker, from the kept storage
        state after that. Call it before the test's own steps."""
        if not callable(log_in):
            raise CxError(f"cx_session.use needs a function log_in(page), not {log_in!r}")
        name = getattr(log_in, "__name__", "log_in")
        if key is None:
            if name == "<lambda>":
                raise CxError(
                    "cx_session.use: a lambda has no name to keep the login under; give it "
                    "one: cx_session.use(lambda page: …, key='shop-user')"
                )
            key = f"{getattr(log_in, '__module__', '')}.{getattr(log_in, '__qualname__', name)}"

        def steps() -> None:
            with self.journey.step(PREFIX + (name if name != "<lambda>" else key), budget=budget):
                log_in(self.journey.page)

        self.enter(key, steps)

    def enter(
        self, key: str, steps: Callable[[], object], shown: str | None = None, count: int = 1
    ) -> None:
        """Run ``steps`` (which open their own ``session · …`` steps, ``count`` of them) the
        first time this device needs session ``key`` on this worker and keep the storage state;
        after that, start from the kept state. ``shown`` is how messages name the session
        (default: ``key``)."""
        __tracebackhide__ = True
        if key in self._entered:
            return  # a journey played twice in one cell (under load) logs in once
        shown = shown or key
        device = self.journey.device.name
        where = Key(key, device, self.base_url)
        found = self.store.get(where)
        if found is None or (found.failure is not None and found.cell == self.cell):
            # (the second: a rerun of the very cell whose login failed tries it again)
            self._log_in(where, steps, shown, count)
        elif found.failure is not None:
            message = masking.mask(
                f"session {shown!r} failed in {found.cell}, the first cell on {device} on this "
                f"worker; not tried again here: {found.failure}"
            )
            data = {"session": shown, "device": device, "cell": found.cell}
            raise SessionFailed(message, [Finding("session", message, check="session-failed",
                                                  data=data)])  # fmt: skip
        else:
            self.journey.page.context.set_storage_state(found.state)
            add_finding("session", f"session {shown!r} reused on {device}: logged in once by "
                        f"{found.cell} in {found.seconds:.2f} s; no steps replayed",
                        severity="info", check="session-reused", session=shown,
                        cell=found.cell, seconds=round(found.seconds, 3))  # fmt: skip
        self._entered.add(key)

    def _log_in(self, where: Key, steps: Callable[[], object], shown: str, count: int) -> None:
        __tracebackhide__ = True
        first = len(self.journey.steps)
        started = time.monotonic()
        try:
            steps()
        except BaseException as exc:
            if is_control(exc):
                raise
            if self._only_slow(first, count):
                # Signed in, only slower than its budget: this cell fails for the budget, and
                # the login is kept; the later cells need not fail for a login that worked.
                self._keep(where, first, started)
            else:
                self.store.put(where, Login(self.cell, time.monotonic() - started,
                                            failure=self._reason(first, exc)))  # fmt: skip
            raise
        seconds = self._keep(where, first, started)
        add_finding("session", f"session {shown!r} logged in on {where.device} in {seconds:.2f} s; "
                    "later cells of this device on this worker start from its storage state",
                    severity="info", check="session-login", session=shown,
                    seconds=round(seconds, 3))  # fmt: skip

    def _keep(self, where: Key, first: int, started: float) -> float:
        records = self.journey.steps[first:]
        seconds = sum(r.duration_s for r in records) if records else time.monotonic() - started
        self.store.put(where, Login(self.cell, seconds, self.journey.page.context.storage_state()))
        return seconds

    def _only_slow(self, first: int, count: int) -> bool:
        """Whether all ``count`` session steps ran and failed only for their budgets: the login
        itself worked (a budget breach in an earlier step stops the later ones)."""
        records = self.journey.steps[first:]
        failing = [f for r in records for f in r.findings if f.failing]
        done = len(records) == count
        return done and bool(failing) and all(f.kind == "budget" for f in failing)

    def _reason(self, first: int, exc: BaseException) -> str:
        """What the cell failed with: its failed session step's message, else the error's."""
        for record in self.journey.steps[first:]:
            # Every error of the step: a wrong password's HTTP 401 says more than the timeout
            # of the check that followed it.
            problem = "; ".join(f.message for f in record.findings if f.failing)
            if record.status == "failed" and problem:
                named = repr(record.name) in problem
                return masking.mask(problem if named else f"step {record.name!r}: {problem}")
        text = str(exc).strip().splitlines()
        return masking.mask(f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__)
