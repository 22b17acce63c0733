"""Load runs with Locust from a test: real users against the app, then thresholds on the numbers.

Locust monkey-patches the whole process with gevent when it is imported, so it never runs in the
pytest process: :func:`run` starts ``python -m locust`` headless in child processes (one, or a
master and N workers), each in its own process group, bounded in time and killed on any exception
(Ctrl-C included) or at interpreter exit (:func:`stop_all`). Its output files are read back into a
:class:`LoadResult`, which :meth:`LoadResult.check` holds to k6-style thresholds (``p95="500ms"``,
``failure_ratio=0.01``, ``min_rps=100``) as :class:`~cxcheck.results.Finding` objects of kind
``load``.

Load only goes to loopback addresses unless the host is allowed (:func:`check_host`): a test suite
must not be able to flood a machine somebody else runs because a URL was mistyped.

What each Locust output is used for (all in the run's folder, kept as evidence):

``locust.json`` (``--json-file``)
    Every endpoint's final counts and response-time histogram, written when Locust shuts down:
    the source of :attr:`LoadResult.endpoints` and :attr:`LoadResult.total`. (``locust_stats.csv``
    is rewritten once a second and not at shutdown, so it misses the last second of a run.)
``locust_stats_history.csv`` (``--csv`` with ``--csv-full-history``)
    One row a second per endpoint and for all requests: the source of :attr:`LoadResult.history`
    and of the progress reports while the run goes.
``locust_failures.csv``, ``locust_exceptions.csv``
    What failed and how often (as of Locust's last CSV write): :attr:`LoadResult.errors`.
``locust.log``, ``worker-N.log``
    Everything each Locust process printed: quoted when a run fails.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import importlib.util
import ipaddress
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cxcheck.app.server import _die_with_parent, _signal_group, free_port
from cxcheck.model.durations import parse_duration
from cxcheck.model.errors import CxError, suggest
from cxcheck.model.findings import JourneyStepError
from cxcheck.model.results import Finding

__all__ = [
    "EndpointStats",
    "HistoryPoint",
    "LoadError",
    "LoadHostError",
    "LoadResult",
    "LoadRunError",
    "LoadSettings",
    "LoadThresholdError",
    "Progress",
    "Stage",
    "check_host",
    "run",
    "stop_all",
]

ALLOW_HOST_OPTION = "--cx-load-allow-host"
ALLOW_HOST_INI = "cx_load_allow_host"

PREFIX = "locust"
"""The ``--csv`` and ``--json-file`` prefix inside the run's folder."""
LOG = "locust.log"
SHAPE_FILE = "_cxcheck_stages.py"
OUTPUTS = (LOG, SHAPE_FILE, f"{PREFIX}.json", f"{PREFIX}_stats.csv", f"{PREFIX}_stats_history.csv",
           f"{PREFIX}_failures.csv", f"{PREFIX}_exceptions.csv")  # fmt: skip
ALL_REQUESTS = "all requests"

GRACE_S = 30.0
"""Beyond its planned duration, what a run may take to start and stop before it is killed."""
WORKERS_WAIT_S = 20
"""How long a master waits for its workers to connect (``--expect-workers-max-wait``)."""
STOP_TIMEOUT_S = 2
"""Locust's ``--stop-timeout``: a user may finish the task it is in when the run ends."""
KILL_AFTER_S = 3.0
"""Between SIGTERM (Locust then writes its results) and SIGKILL."""
POLL_S = 0.2


class LoadHostError(CxError):
    """The load run would go to a host that is neither loopback nor allowed."""


class LoadRunError(CxError):
    """Locust could not run, or ended without results to judge."""


class LoadThresholdError(JourneyStepError):
    """A load threshold was broken.

    A :class:`~cxcheck.journey.JourneyStepError` (so an ``AssertionError``) whose ``findings``
    are every threshold's finding: the plugin records them where the failure lands.
    """


@dataclass(frozen=True)
class LoadSettings:
    """Session-wide settings of load runs (from options and the ini file)."""

    allow_hosts: tuple[str, ...] = ()
    """Hosts other than loopback that may receive load: ``name`` (any port) or ``name:port``."""
    progress_interval_s: float = 5.0


DEFAULT_SETTINGS = LoadSettings()


@dataclass(frozen=True)
class Stage:
    """Hold ``users`` users (reached at ``spawn_rate`` users/s) for ``duration_s`` seconds.

    Ramp up, hold and ramp down are stages one after another: ``Stage(10, 50, 5)`` then
    ``Stage(60, 50, 5)`` then ``Stage(10, 0, 5)``.
    """

    duration_s: float
    users: int
    spawn_rate: float


@dataclass(frozen=True)
class Progress:
    """Where a running load test is, as of Locust's last history row (written every ~5 s)."""

    elapsed_s: float
    users: int
    rps: float
    p95_ms: float | None
    failures: int


@dataclass(frozen=True)
class EndpointStats:
    """One endpoint's numbers over the whole run (or all requests', named ``Aggregated``)."""

    name: str
    method: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    avg_ms: float

    @property
    def label(self) -> str:
        """``GET /api/products``, or ``all requests`` for the aggregate."""
        if not self.method and self.name == "Aggregated":
            return ALL_REQUESTS
        return f"{self.method} {self.name}".strip()

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class HistoryPoint:
    """All requests in one second of the run; rates are measured since the previous point."""

    t_s: float
    users: int
    rps: float
    failures_per_s: float
    p50_ms: float | None
    p95_ms: float | None
    """Locust's percentiles over its recent window; None before the first response."""


@dataclass(frozen=True)
class LoadError:
    """A kind of failure and how often it happened (``name`` is ``(exception)`` for a crash in
    the locustfile's own code rather than a failed request)."""

    method: str
    name: str
    error: str
    occurrences: int


@dataclass(frozen=True)
class _Metric:
    label: str
    unit: str
    upper: bool
    """True: the measured value must stay at or under the limit; False: at or over it."""


METRICS: dict[str, _Metric] = {
    "p50": _Metric("p(50)", "ms", True),
    "p90": _Metric("p(90)", "ms", True),
    "p95": _Metric("p(95)", "ms", True),
    "p99": _Metric("p(99)", "ms", True),
    "max": _Metric("max", "ms", True),
    "avg": _Metric("avg", "ms", True),
    "failure_ratio": _Metric("failure ratio", "ratio", True),
    "min_rps": _Metric("rps", "req/s", False),
}


@dataclass
class LoadResult:
    """What one load run measured, read from Locust's output files in ``folder``."""

    endpoints: list[EndpointStats]
    total: EndpointStats
    history: list[HistoryPoint]
    duration_s: float
    """The planned duration: ``run_time``, or the stages' sum."""
    users: int
    """Peak users: ``users``, or the largest stage."""
    workers: int
    host: str
    folder: Path
    errors: list[LoadError] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    """The stages asked for (none for a plain run)."""
    exit_code: int = 0
    """Locust's: 1 when some requests failed (still a result to judge)."""
    elapsed_s: float = 0.0
    """Wall time of the Locust processes, start-up and shut-down included."""

    @property
    def failure_ratio(self) -> float:
        """Failed requests / all requests, 0.0 to 1.0."""
        return self.total.failure_ratio

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data: what goes into a finding's ``data`` and the results file."""
        return {
            "host": self.host,
            "users": self.users,
            "workers": self.workers,
            "duration_s": self.duration_s,
            "elapsed_s": round(self.elapsed_s, 3),
            "exit_code": self.exit_code,
            "failure_ratio": self.failure_ratio,
            "stages": [asdict(s) for s in self.stages],
            "total": asdict(self.total),
            "endpoints": [asdict(e) for e in self.endpoints],
            "history": [asdict(h) for h in self.history],
            "errors": [asdict(e) for e in self.errors],
            "folder": str(self.folder),
        }

    def table(self) -> str:
        """The endpoints and the total as a fixed-width text table, for terminal output."""
        headers = ["endpoint", "reqs", "fails", "rps", "p50", "p95", "p99", "max", "avg"]
        rows = [_table_row(e) for e in [*self.endpoints, self.total]]
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells: Sequence[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest])

        rule = "  ".join("-" * w for w in widths)
        body = [line(r) for r in rows]
        return "\n".join([line(headers) + "  (ms)", rule, *body[:-1], rule, body[-1]])

    def summary_finding(self) -> Finding:
        """One info finding for the run: its numbers in a line, all of them in ``data``."""
        t = self.total
        workers = f" on {self.workers} workers" if self.workers else ""
        message = (
            f"{t.requests} requests, {t.rps:.1f} rps, p95 {t.p95_ms:.0f} ms, {t.failures} "
            f"failures over {self.duration_s:g} s with {self.users} users{workers}"
        )
        return Finding(
            "load", message, "info", check="load-run", target=self.host, data=self.to_data()
        )

    def check(
        self,
        *,
        p50: float | str | None = None,
        p90: float | str | None = None,
        p95: float | str | None = None,
        p99: float | str | None = None,
        max: float | str | None = None,  # the metric's name, as k6 spells it
        avg: float | str | None = None,
        failure_ratio: float | str | None = None,
        min_rps: float | None = None,
        endpoint: str | None = None,
    ) -> list[Finding]:
        """Hold the run to thresholds; one finding per threshold, raising if any is broken.

        Durations are ``"500ms"``, ``"2s"`` or seconds; ``failure_ratio`` is a fraction
        (``0.01``) or a percentage (``"1%"``); ``min_rps`` is requests per second. A threshold
        passes when the measured value is within it, limit included (p95 of exactly 500 ms meets
        ``p95="500ms"``). ``endpoint`` (a name as Locust reports it, or ``"GET /name"``) judges
        one endpoint instead of all requests.

        Returns info findings when all pass; otherwise raises :class:`LoadThresholdError`
        carrying every finding, with a k6-style table as its message.
        """
        __tracebackhide__ = True
        given = {"p50": p50, "p90": p90, "p95": p95, "p99": p99, "max": max, "avg": avg,
                 "failure_ratio": failure_ratio, "min_rps": min_rps}  # fmt: skip
        limits = {k: _limit(k, v) for k, v in given.items() if v is not None}
        if not limits:
            raise CxError(
                "LoadResult.check() needs at least one threshold, e.g. "
                "check(p95='500ms', failure_ratio=0.01, min_rps=100)"
            )
        stats = self._endpoint(endpoint)
        target = endpoint if endpoint is not None else ALL_REQUESTS
        findings = [_threshold(k, limit, stats, target) for k, limit in limits.items()]
        broken = [f for f in findings if f.failing]
        if broken:
            raise LoadThresholdError(self._threshold_report(findings), findings)
        from cxcheck.model.findings import record, recording

        if recording():  # in a cxcheck test: the thresholds that held are in its results too
            record(findings)
        return findings

    def _endpoint(self, name: str | None) -> EndpointStats:
        """The endpoint called ``name`` (or ``METHOD name``); the total when None."""
        if name is None:
            return self.total
        hits = [e for e in self.endpoints if name in (e.name, e.label)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            methods = ", ".join(sorted(e.method for e in hits))
            raise CxError(
                f"load endpoint {name!r} was requested with several methods ({methods}): "
                f"name one, e.g. endpoint={hits[0].label!r}"
            )
        known = [e.name for e in self.endpoints] + [e.label for e in self.endpoints]
        close = suggest(name, known)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        listed = ", ".join(repr(e.name) for e in self.endpoints) or "none"
        raise CxError(
            f"load run on {self.host} has no endpoint {name!r}.{hint} "
            f"Its endpoints (as the locustfile names them): {listed}"
        )

    def _threshold_report(self, findings: Sequence[Finding]) -> str:
        """The k6-style table: one line per threshold, ✗ broken, ✓ met."""
        broken = sum(f.failing for f in findings)
        workers = f", {self.workers} workers" if self.workers else ""
        head = (
            f"load thresholds on {self.host} ({self.users} users, {self.duration_s:g} s"
            f"{workers}): {broken} of {len(findings)} failed"
        )
        rows = [
            ("✗" if f.failing else "✓", _condition(f.data), f"measured {_measured(f.data)}")
            for f in findings
        ]
        cond_w = max(len(r[1]) for r in rows)
        meas_w = max(len(r[2]) for r in rows)
        lines = [
            f"  {mark} {cond.ljust(cond_w)}  {meas.ljust(meas_w)}  ({f.target})"
            for (mark, cond, meas), f in zip(rows, findings, strict=True)
        ]
        return "\n".join([head, *lines])


def _table_row(e: EndpointStats) -> list[str]:
    return [e.label, str(e.requests), str(e.failures), f"{e.rps:.1f}",
            *(f"{v:.0f}" for v in (e.p50_ms, e.p95_ms, e.p99_ms, e.max_ms, e.avg_ms))]  # fmt: skip


def _limit(metric: str, value: float | str) -> float:
    """A threshold's limit in the unit its finding reports: ms, a 0-1 ratio, or req/s."""
    where = f"load threshold {metric}"
    unit = METRICS[metric].unit
    if unit == "ms":
        return parse_duration(value, where) * 1000
    if isinstance(value, bool):
        raise CxError(f"{where}: {value!r} is not a number")
    if unit == "ratio":
        return _ratio(value, where)
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise CxError(f"{where}: {value!r} is not a rate; write requests per second, e.g. 100")
    return float(value)


def _ratio(value: float | str, where: str) -> float:
    """``0.01`` or ``"1%"`` → 0.01."""
    text = str(value).strip()
    try:
        ratio = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        ratio = math.nan
    if not 0 <= ratio <= 1:
        raise CxError(f'{where}: {value!r} is not a ratio; write a fraction (0.01) or "1%"')
    return ratio


def _threshold(metric: str, limit: float, stats: EndpointStats, target: str) -> Finding:
    spec = METRICS[metric]
    measured = _measure(metric, stats)
    ok = measured <= limit if spec.upper else measured >= limit
    data = {"metric": metric, "limit": limit, "measured": measured, "unit": spec.unit}
    verdict = "met" if ok else "broken"
    message = f"load threshold {_condition(data)} {verdict}: measured {_measured(data)} ({target})"
    return Finding("load", message, "info" if ok else "error", "load-threshold", target, data)


def _measure(metric: str, s: EndpointStats) -> float:
    values = {"p50": s.p50_ms, "p90": s.p90_ms, "p95": s.p95_ms, "p99": s.p99_ms,
              "max": s.max_ms, "avg": s.avg_ms, "failure_ratio": s.failure_ratio,
              "min_rps": s.rps}  # fmt: skip
    return float(values[metric])


def _condition(data: Mapping[str, Any]) -> str:
    """``p(95) ≤ 500 ms``, ``failure ratio ≤ 1%``, ``rps ≥ 100``."""
    spec = METRICS[data["metric"]]
    op = "≤" if spec.upper else "≥"
    limit = float(data["limit"])
    if spec.unit == "ms":
        return f"{spec.label} {op} {limit:g} ms"
    if spec.unit == "ratio":
        return f"{spec.label} {op} {limit * 100:g}%"
    return f"{spec.label} {op} {limit:g}"


def _measured(data: Mapping[str, Any]) -> str:
    unit, value = data["unit"], float(data["measured"])
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    return f"{value:.1f}"


# --- where load may go ------------------------------------------------------------------------


def check_host(url: str, allow_hosts: Sequence[str]) -> None:
    """Refuse load to anything but loopback, unless the team allowed that host.

    A name counts as loopback only when every address it resolves to is loopback (a name that
    also resolves elsewhere could send the load elsewhere). ``allow_hosts`` entries are a host
    name or address (any port) or ``host:port``.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError as exc:
        raise LoadHostError(f"load host {url!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise LoadHostError(
            f"load host {url!r} is not an http(s) URL; pass e.g. host='http://127.0.0.1:8000'"
        )
    if _allowed(host, port, allow_hosts):
        return
    reason = _not_loopback(host)
    if reason is None:
        return
    shown = f"[{host}]" if ":" in host else host
    raise LoadHostError(
        f"cxcheck only sends load to loopback addresses (127.0.0.0/8, ::1, localhost) unless the "
        f"host is allowed, and {shown} {reason}. If you run {shown} and mean to load it, allow "
        f"it: pytest {ALLOW_HOST_OPTION} {shown}, or in the ini file {ALLOW_HOST_INI} = {shown} "
        f"(add :port to allow one port only)"
    )


def _allowed(host: str, port: int | None, allow_hosts: Iterable[str]) -> bool:
    for entry in allow_hosts:
        text = entry.strip().lower()
        if not text:
            continue
        try:
            allowed = urllib.parse.urlsplit(text if "://" in text else f"//{text}")
            allowed_host, allowed_port = allowed.hostname, allowed.port
        except ValueError:
            continue
        if allowed_host == host and allowed_port in (None, port):
            return True
    return False


def _not_loopback(host: str) -> str | None:
    """None when ``host`` is loopback; otherwise why not, for the error message."""
    try:
        return None if _loopback_ip(host) else "is not a loopback address"
    except ValueError:
        pass  # a name, not an address
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as exc:
        return f"could not be resolved ({exc})"
    addresses = sorted({str(info[4][0]) for info in infos})
    outside = [a for a in addresses if not _loopback_ip(a)]
    if outside or not addresses:
        return f"resolves to {', '.join(outside) or 'nothing'}"
    return None


def _loopback_ip(text: str) -> bool:
    """127.0.0.0/8, ::1 and IPv4-mapped 127/8 (``::ffff:127.0.0.1``); ValueError if no IP."""
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


# --- running Locust ---------------------------------------------------------------------------

_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_LIVE_LOCK = threading.Lock()
_STOPPED: set[int] = set()
"""Processes stop_all() ended: their run must not pass a cut-short result off as a whole one."""


def stop_all() -> None:
    """Kill every Locust process a run started and that still runs (session end, Ctrl-C, exit).

    A run() waiting on them (in another thread) then raises :class:`LoadRunError`.
    """
    with _LIVE_LOCK:
        procs = list(_LIVE.values())
        _STOPPED.update(p.pid for p in procs)
    _stop(procs)


atexit.register(stop_all)


@dataclass(frozen=True)
class _Plan:
    """A run's validated numbers; a run without stages is one stage of ``users`` for
    ``run_time``."""

    stages: tuple[Stage, ...]
    workers: int
    given: tuple[Stage, ...]
    """The stages the caller gave (none for a plain run)."""

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.stages)

    @property
    def peak_users(self) -> int:
        return max(s.users for s in self.stages)


@dataclass(frozen=True)
class _Child:
    role: str
    proc: subprocess.Popen[bytes]
    log: Path


def run(
    locustfile: Path,
    *,
    host: str,
    users: int = 10,
    spawn_rate: float = 10,
    run_time: float | str = 10,
    workers: int = 0,
    stages: Sequence[Stage] | None = None,
    settings: LoadSettings = DEFAULT_SETTINGS,
    progress: Callable[[Progress], None] | None = None,
    env: Mapping[str, str] | None = None,
    artifacts: Path | None = None,
) -> LoadResult:
    """Run the locustfile's users headless against ``host`` and return what they measured.

    ``users`` users (started at ``spawn_rate`` per second) for ``run_time`` (``"30s"``, ``"1m"``
    or seconds); or, when ``stages`` are given, stage after stage (users, spawn_rate and
    run_time are then ignored) until the last ends. Either way cxcheck hands Locust a generated
    load shape (``_cxcheck_stages.py`` in the folder, loaded before the locustfile, so a
    ``LoadTestShape`` in the locustfile is not used): a shape ends on the wall clock, to within
    its 1 s tick, where Locust's ``--run-time`` timer can fire a second or two early on a busy
    machine. ``workers`` > 0 runs a Locust master and that many worker processes on this
    machine.

    ``progress`` is called about every ``settings.progress_interval_s`` seconds while it runs
    (with zeros until Locust first flushes its history, ~5 s in); whatever it raises stops the
    run. ``env`` is added to the Locust processes' environment. The output files go to
    ``artifacts`` (made if missing; earlier outputs there are replaced), else to a new
    temporary folder that is left for you to read (``LoadResult.folder``).

    Raises :class:`LoadHostError` for a host that is not loopback nor allowed,
    :class:`LoadRunError` when Locust cannot run or yields no requests, and ``CxError`` for bad
    arguments.
    """
    check_host(host, settings.allow_hosts)
    host = host.rstrip("/")  # Locust joins host + "/path": a trailing slash would double it
    locustfile = _check_locustfile(Path(locustfile))
    plan = _plan(users, spawn_rate, run_time, workers, stages)
    folder = _folder(artifacts)
    files = f"{_write_shape(folder, plan.stages)},{locustfile}"  # first: its shape wins
    children: list[_Child] = []
    started = time.monotonic()
    try:
        _start(children, files, host, plan, folder, {**os.environ, **(env or {})})
        _supervise(children, plan, started, progress, settings.progress_interval_s, folder)
        _wait_workers(children[0], children[1:])
    finally:
        _stop([c.proc for c in children])  # on success only reaps; else SIGTERM, then SIGKILL
        stopped = _forget_stopped(children)
    if stopped:
        raise LoadRunError(
            f"the load run of {locustfile} was stopped before it ended (cxcheck.load.stop_all: "
            f"the test session ended or was interrupted)"
        )
    return _collect(children, plan, host, folder, locustfile, time.monotonic() - started)


def _forget_stopped(children: Sequence[_Child]) -> bool:
    """Whether stop_all() ended this run's main process; forgets the run's processes."""
    with _LIVE_LOCK:
        stopped = bool(children) and children[0].proc.pid in _STOPPED
        _STOPPED.difference_update(c.proc.pid for c in children)
    return stopped


def _check_locustfile(path: Path) -> Path:
    if importlib.util.find_spec("locust") is None:  # finds the package without importing it
        raise LoadRunError("load runs need Locust: pip install 'cxcheck[load]'")
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise CxError(
            f"locustfile {path} {what}: pass the Python file that defines your Locust users "
            f"(classes based on HttpUser or FastHttpUser)"
        )
    if "," in str(path.resolve()):
        raise CxError(
            f"locustfile {path}: Locust reads -f as a comma-separated list, so its path cannot "
            f"contain a comma; rename or move it"
        )
    return path.resolve()


def _plan(
    users: int,
    spawn_rate: float,
    run_time: float | str,
    workers: int,
    stages: Sequence[Stage] | None,
) -> _Plan:
    if isinstance(users, bool) or not isinstance(users, int) or users < 1:
        raise CxError(f"load run: users must be a whole number of at least 1, got {users!r}")
    _positive(spawn_rate, "spawn_rate")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise CxError(f"load run: workers must be a whole number, 0 or more, got {workers!r}")
    seconds = parse_duration(run_time, "load run_time")
    if stages is None:
        plain = (Stage(seconds, users, float(spawn_rate)),)
        return _Plan(plain, workers, ())
    checked = tuple(_check_stage(i, s) for i, s in enumerate(stages))
    if not any(s.users for s in checked):
        raise CxError("load run: stages need at least one stage with 1 or more users")
    return _Plan(checked, workers, checked)


def _positive(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CxError(f"load run: {name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise CxError(f"load run: {name} must be more than 0, got {value!r}")


def _check_stage(index: int, stage: Stage) -> Stage:
    if not isinstance(stage, Stage):
        raise CxError(f"load run: stages[{index}] is {stage!r}, not a cxcheck.load.Stage")
    _positive(stage.duration_s, f"stages[{index}].duration_s")
    _positive(stage.spawn_rate, f"stages[{index}].spawn_rate")
    users = stage.users
    if isinstance(users, bool) or not isinstance(users, int) or users < 0:
        raise CxError(f"load run: stages[{index}].users must be a whole number >= 0, got {users!r}")
    return stage


def _folder(artifacts: Path | None) -> Path:
    """The run's output folder, without a previous run's outputs a reader could mistake for
    this run's (only the files a run writes are removed: the folder may hold other things)."""
    if artifacts is None:
        return Path(tempfile.mkdtemp(prefix="cxcheck-load-"))
    folder = Path(artifacts).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*(folder / name for name in OUTPUTS), *folder.glob("worker-*.log")]:
        old.unlink(missing_ok=True)
    return folder


SHAPE_SOURCE = '''"""Generated by cxcheck for one load run: its stages as a Locust load shape."""

from locust import LoadTestShape

STAGES = {stages!r}  # (duration_s, users, spawn_rate)


class CxcheckStages(LoadTestShape):
    """Each stage asks for its users (at its spawn rate) until it ends; after the last, stop."""

    def tick(self):
        elapsed = self.get_run_time()
        end = 0.0
        for duration_s, users, spawn_rate in STAGES:
            end += duration_s
            if elapsed < end:
                return users, spawn_rate
        return None
'''


def _write_shape(folder: Path, stages: Sequence[Stage]) -> Path:
    """The stages as a module Locust loads next to the user's locustfile (``-f a.py,b.py``)."""
    path = folder / SHAPE_FILE
    table = [(float(s.duration_s), int(s.users), float(s.spawn_rate)) for s in stages]
    path.write_text(SHAPE_SOURCE.format(stages=table), encoding="utf-8")
    return path


def _locust(files: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", files, *args]


def _start(
    children: list[_Child],
    files: str,
    host: str,
    plan: _Plan,
    folder: Path,
    env: Mapping[str, str],
) -> None:
    """Start Locust (or its master, then its workers), appending each child as it starts."""
    prefix = str(folder / PREFIX)
    main = ["--headless", "--host", host, "--csv", prefix, "--csv-full-history", "--json-file",
            prefix, "--only-summary", "--stop-timeout", str(STOP_TIMEOUT_S)]  # fmt: skip
    port = free_port() if plan.workers else 0
    if plan.workers:
        main += ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
                 "--expect-workers", str(plan.workers),
                 "--expect-workers-max-wait", str(WORKERS_WAIT_S)]  # fmt: skip
    children.append(_spawn("locust", _locust(files, *main), folder / LOG, env))
    for n in range(1, plan.workers + 1):
        argv = _locust(files, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port))
        children.append(_spawn(f"worker {n}", argv, folder / f"worker-{n}.log", env))


def _spawn(role: str, argv: list[str], log: Path, env: Mapping[str, str]) -> _Child:
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
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    with _LIVE_LOCK:
        _LIVE[proc.pid] = proc
    return _Child(role, proc, log)


def _supervise(
    children: Sequence[_Child],
    plan: _Plan,
    started: float,
    progress: Callable[[Progress], None] | None,
    interval_s: float,
    folder: Path,
) -> None:
    """Wait for the main Locust process, reporting progress; raise if it overruns its bound."""
    main = children[0]
    bound = plan.duration_s + GRACE_S + (WORKERS_WAIT_S if plan.workers else 0)
    history = folder / f"{PREFIX}_stats_history.csv"
    next_report = started + interval_s
    while main.proc.poll() is None:
        now = time.monotonic()
        if now - started > bound:
            raise LoadRunError(
                _run_failure(
                    f"locust did not finish within {bound:g} s (the planned {plan.duration_s:g} s "
                    f"plus {bound - plan.duration_s:g} s to start and stop), so it was stopped",
                    children,
                )
            )
        if progress is not None and now >= next_report:
            progress(_progress(history, now - started))
            next_report = max(next_report + interval_s, now)
        with contextlib.suppress(subprocess.TimeoutExpired):
            main.proc.wait(timeout=POLL_S)


def _wait_workers(main: _Child, workers: Sequence[_Child]) -> None:
    """Workers quit when their master tells them; give them that moment before stopping them
    (none when the master failed: then nobody tells them)."""
    if main.proc.returncode not in (0, 1):
        return
    deadline = time.monotonic() + KILL_AFTER_S + STOP_TIMEOUT_S
    for w in workers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            w.proc.wait(timeout=max(0.0, deadline - time.monotonic()))


def _stop(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every group still running (Locust then writes its results), SIGKILL after
    :data:`KILL_AFTER_S`, and SIGKILL every group once more for anything left in it."""
    for p in procs:
        if p.poll() is None:
            _signal_group(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + KILL_AFTER_S
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.0, deadline - time.monotonic()))
    for p in procs:
        _signal_group(p.pid, signal.SIGKILL)
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=KILL_AFTER_S)
    with _LIVE_LOCK:
        for p in procs:
            _LIVE.pop(p.pid, None)


# --- reading Locust's output ------------------------------------------------------------------


def _collect(
    children: Sequence[_Child],
    plan: _Plan,
    host: str,
    folder: Path,
    locustfile: Path,
    elapsed_s: float,
) -> LoadResult:
    """The result, or LoadRunError when Locust failed or left nothing to judge."""
    code = children[0].proc.returncode
    report = folder / f"{PREFIX}.json"
    history_file = folder / f"{PREFIX}_stats_history.csv"
    if code not in (0, 1) or not report.is_file() or not history_file.is_file():
        missing = "" if report.is_file() else f" and wrote no results ({report.name})"
        raise LoadRunError(
            _run_failure(f"locust could not run {locustfile} (exit code {code}){missing}", children)
        )
    try:
        endpoints, total = _endpoints(json.loads(report.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise LoadRunError(f"could not read Locust's results {report}: {exc}") from None
    errors = _errors(folder)
    if total.requests == 0:
        seen = [f"{e.name}: {e.error} (×{e.occurrences})" for e in errors[:5]]
        raise LoadRunError(
            _run_failure(
                f"locust ran {locustfile} against {host} but made no requests; nothing to judge",
                children,
                seen,
            )
        )
    return LoadResult(
        endpoints=endpoints,
        total=total,
        history=_history(_history_rows(history_file)),
        duration_s=plan.duration_s,
        users=plan.peak_users,
        workers=plan.workers,
        host=host,
        folder=folder,
        errors=errors,
        stages=list(plan.given),
        exit_code=code,
        elapsed_s=elapsed_s,
    )


def read_results(
    folder: Path, *, prefix: str = PREFIX, host: str = "", users: int = 0, workers: int = 0
) -> LoadResult:
    """A run Locust made elsewhere, e.g. a distributed run's master on other machines started
    with ``--json-file PREFIX --csv PREFIX --csv-full-history``: read its files in ``folder``
    so that ``check()`` and the report work as for :func:`run`. ``host``, ``users`` and
    ``workers`` only label the result."""
    report = folder / f"{prefix}.json"
    try:
        endpoints, total = _endpoints(json.loads(report.read_text(encoding="utf-8")))
    except OSError as exc:
        raise LoadRunError(
            f"no Locust results in {folder}: {exc}; run the master with --json-file {prefix} "
            f"--csv {prefix} --csv-full-history"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise LoadRunError(f"could not read Locust's results {report}: {exc}") from None
    history_file = folder / f"{prefix}_stats_history.csv"
    history = _history(_history_rows(history_file)) if history_file.is_file() else []
    span = history[-1].t_s if history else 0.0
    return LoadResult(
        endpoints=endpoints,
        total=total,
        history=history,
        duration_s=span,
        users=users or max((p.users for p in history), default=0),
        workers=workers,
        host=host,
        folder=folder,
        errors=_errors(folder, prefix),
        stages=[],
        exit_code=0,
        elapsed_s=span,
    )


_ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b(: .*)?$")


def _run_failure(headline: str, children: Sequence[_Child], details: Sequence[str] = ()) -> str:
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


def _endpoints(entries: Sequence[Mapping[str, Any]]) -> tuple[list[EndpointStats], EndpointStats]:
    """Per-endpoint stats and the aggregate from Locust's ``--json-file`` entries.

    Rates use Locust's own span (first request's start to last request), as its CSV does.
    """
    starts = [float(e["start_time"]) for e in entries]
    lasts = [float(e["last_request_timestamp"]) for e in entries if e["last_request_timestamp"]]
    span = max(lasts) - min(starts) if starts and lasts else 0.0
    rows = [_stats(str(e["name"]), str(e["method"] or ""), [e], span) for e in entries]
    rows.sort(key=lambda s: (s.name, s.method))
    return rows, _stats("Aggregated", "", entries, span)


def _stats(
    name: str, method: str, entries: Sequence[Mapping[str, Any]], span: float
) -> EndpointStats:
    """Locust's numbers for ``entries`` merged: counts, its percentile method, rates."""
    requests = sum(int(e["num_requests"]) for e in entries)
    timed = requests - sum(int(e.get("num_none_requests") or 0) for e in entries)
    times: dict[float, int] = {}
    for e in entries:
        for key, count in e["response_times"].items():
            times[float(key)] = times.get(float(key), 0) + int(count)
    slowest = max((float(e["max_response_time"]) for e in entries), default=0.0)
    mins = [float(e["min_response_time"]) for e in entries if e["min_response_time"] is not None]
    fastest = min(mins, default=0.0)

    def pct(p: float) -> float:  # Locust's histogram percentile, kept within the min and max
        return max(fastest, min(slowest, _percentile(times, timed, p)))

    total_time = sum(float(e["total_response_time"]) for e in entries)
    failures = sum(int(e["num_failures"]) for e in entries)
    return EndpointStats(name=name, method=method, requests=requests, failures=failures,
                         rps=requests / span if span > 0 else 0.0,
                         p50_ms=pct(0.5), p90_ms=pct(0.9), p95_ms=pct(0.95), p99_ms=pct(0.99),
                         max_ms=slowest, avg_ms=total_time / timed if timed else 0.0)  # fmt: skip


def _percentile(times: Mapping[float, int], count: int, percent: float) -> float:
    """As ``locust.stats.calculate_response_time_percentile``: walk down from the slowest."""
    below = int(count * percent)
    processed = 0
    for rt in sorted(times, reverse=True):
        processed += times[rt]
        if count - processed <= below:
            return rt
    return 0.0


@dataclass(frozen=True)
class _HistoryRow:
    ts: int
    users: int
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None


def _history_rows(path: Path) -> list[_HistoryRow]:
    """The ``Aggregated`` rows of ``_stats_history.csv`` (a half-written last line is skipped)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    rows = []
    for row in csv.DictReader(text.splitlines()):
        if row.get("Name") != "Aggregated":
            continue
        try:
            rows.append(_HistoryRow(int(row["Timestamp"]), int(row["User Count"]),
                                    int(row["Total Request Count"]),
                                    int(row["Total Failure Count"]),
                                    _ms(row["50%"]), _ms(row["95%"])))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            continue
    return rows


def _ms(text: str) -> float | None:
    return None if text in ("N/A", "") else float(text)


def _history(rows: Sequence[_HistoryRow]) -> list[HistoryPoint]:
    """One point per row; rates from the change in total counts since the previous second
    (Locust's own "current" rps averages a window longer than a short run)."""
    points = []
    previous: _HistoryRow | None = None
    for row in rows:
        rps, fps = _rates(previous, row)
        points.append(HistoryPoint(float(row.ts - rows[0].ts), row.users, rps, fps,
                                   row.p50_ms, row.p95_ms))  # fmt: skip
        if previous is None or row.ts > previous.ts:
            previous = row
    return points


def _rates(before: _HistoryRow | None, after: _HistoryRow) -> tuple[float, float]:
    if before is None or after.ts <= before.ts:
        return 0.0, 0.0
    dt = after.ts - before.ts
    return (after.requests - before.requests) / dt, (after.failures - before.failures) / dt


def _progress(history: Path, elapsed_s: float) -> Progress:
    """The latest history row as progress; rps over the last 5 s of rows."""
    rows = _history_rows(history)
    if not rows:
        return Progress(round(elapsed_s, 1), 0, 0.0, None, 0)
    last = rows[-1]
    window = [r for r in rows if r.ts >= last.ts - 5]
    rps, _ = _rates(window[0], last)
    return Progress(round(elapsed_s, 1), last.users, rps, last.p95_ms, last.failures)


def _errors(folder: Path, prefix: str = PREFIX) -> list[LoadError]:
    """Failed requests (``_failures.csv``) and locustfile exceptions (``_exceptions.csv``)."""
    found = []
    for row in _csv_rows(folder / f"{prefix}_failures.csv"):
        with contextlib.suppress(KeyError, ValueError):
            found.append(LoadError(row["Method"], row["Name"], row["Error"],
                                   int(row["Occurrences"])))  # fmt: skip
    for row in _csv_rows(folder / f"{prefix}_exceptions.csv"):
        with contextlib.suppress(KeyError, ValueError):
            found.append(LoadError("", "(exception)", row["Message"], int(row["Count"])))
    return sorted(found, key=lambda e: -e.occurrences)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, csv.Error):
        return []
