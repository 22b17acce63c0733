"""Load runs with Locust from a test: real users against the app, then thresholds on the numbers.

:func:`run` starts ``python -m locust`` headless in child processes (one, or a master and N
workers; :mod:`cxcheck.load.processes`), bounded in time and killed on any exception (Ctrl-C
included) or at interpreter exit (:func:`~cxcheck.load.processes.stop_all`). Its output files
are read back (:mod:`cxcheck.load.locust_output`) into a :class:`~cxcheck.load.results.LoadResult`,
which :meth:`~cxcheck.load.results.LoadResult.check` holds to k6-style thresholds. Load only goes
to loopback addresses unless the host is allowed (:mod:`cxcheck.load.hosts`).

Besides Locust's results, each run's folder keeps ``locust.log`` and ``worker-N.log``: everything
each Locust process printed, quoted when a run fails.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cxcheck.app.server import free_port
from cxcheck.load.hosts import check_host
from cxcheck.load.locust_output import (
    PREFIX,
    LoadRunError,
    read_endpoints,
    read_errors,
    read_history,
    read_progress,
)
from cxcheck.load.plans import SHAPE_FILE, Plan, make_plan, write_shape
from cxcheck.load.processes import KILL_AFTER_S, Child, forget_stopped, run_failure, spawn, stop
from cxcheck.load.results import LoadResult
from cxcheck.load.stats import Progress, Stage
from cxcheck.model.errors import CxError

__all__ = ["DEFAULT_SETTINGS", "LoadSettings", "run"]

LOG = "locust.log"
OUTPUTS = (LOG, SHAPE_FILE, f"{PREFIX}.json", f"{PREFIX}_stats.csv", f"{PREFIX}_stats_history.csv",
           f"{PREFIX}_failures.csv", f"{PREFIX}_exceptions.csv")  # fmt: skip

GRACE_S = 30.0
"""Beyond its planned duration, what a run may take to start and stop before it is killed."""
WORKERS_WAIT_S = 20
"""How long a master waits for its workers to connect (``--expect-workers-max-wait``)."""
STOP_TIMEOUT_S = 2
"""Locust's ``--stop-timeout``: a user may finish the task it is in when the run ends."""
POLL_S = 0.2


@dataclass(frozen=True)
class LoadSettings:
    """Session-wide settings of load runs (from options and the ini file)."""

    allow_hosts: tuple[str, ...] = ()
    """Hosts other than loopback that may receive load: ``name`` (any port) or ``name:port``."""
    progress_interval_s: float = 5.0


DEFAULT_SETTINGS = LoadSettings()


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

    Raises :class:`~cxcheck.load.hosts.LoadHostError` for a host that is not loopback nor
    allowed, :class:`~cxcheck.load.locust_output.LoadRunError` when Locust cannot run or yields
    no requests, and ``CxError`` for bad arguments.
    """
    check_host(host, settings.allow_hosts)
    host = host.rstrip("/")  # Locust joins host + "/path": a trailing slash would double it
    locustfile = _check_locustfile(Path(locustfile))
    plan = make_plan(users, spawn_rate, run_time, workers, stages)
    folder = _folder(artifacts)
    files = f"{write_shape(folder, plan.stages)},{locustfile}"  # first: its shape wins
    children: list[Child] = []
    started = time.monotonic()
    try:
        _start(children, files, host, plan, folder, {**os.environ, **(env or {})})
        _supervise(children, plan, started, progress, settings.progress_interval_s, folder)
        _wait_workers(children[0], children[1:])
    finally:
        stop([c.proc for c in children])  # on success only reaps; else SIGTERM, then SIGKILL
        stopped = forget_stopped(children)
    if stopped:
        raise LoadRunError(
            f"the load run of {locustfile} was stopped before it ended (cxcheck.load.stop_all: "
            f"the test session ended or was interrupted)"
        )
    return _collect(children, plan, host, folder, locustfile, time.monotonic() - started)


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


def _locust(files: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", files, *args]


def _start(
    children: list[Child],
    files: str,
    host: str,
    plan: Plan,
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
    children.append(spawn("locust", _locust(files, *main), folder / LOG, env))
    for n in range(1, plan.workers + 1):
        argv = _locust(files, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port))
        children.append(spawn(f"worker {n}", argv, folder / f"worker-{n}.log", env))


def _supervise(
    children: Sequence[Child],
    plan: Plan,
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
                run_failure(
                    f"locust did not finish within {bound:g} s (the planned {plan.duration_s:g} s "
                    f"plus {bound - plan.duration_s:g} s to start and stop), so it was stopped",
                    children,
                )
            )
        if progress is not None and now >= next_report:
            sample = read_progress(history, now - started)
            if sample is not None:
                progress(sample)
            next_report = max(next_report + interval_s, now)
        with contextlib.suppress(subprocess.TimeoutExpired):
            main.proc.wait(timeout=POLL_S)


def _wait_workers(main: Child, workers: Sequence[Child]) -> None:
    """Workers quit when their master tells them; give them that moment before stopping them
    (none when the master failed: then nobody tells them)."""
    if main.proc.returncode not in (0, 1):
        return
    deadline = time.monotonic() + KILL_AFTER_S + STOP_TIMEOUT_S
    for w in workers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            w.proc.wait(timeout=max(0.0, deadline - time.monotonic()))


def _collect(
    children: Sequence[Child],
    plan: Plan,
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
            run_failure(f"locust could not run {locustfile} (exit code {code}){missing}", children)
        )
    endpoints, total = read_endpoints(report)
    errors = read_errors(folder)
    if total.requests == 0:
        seen = [f"{e.name}: {e.error} (×{e.occurrences})" for e in errors[:5]]
        raise LoadRunError(
            run_failure(
                f"locust ran {locustfile} against {host} but made no requests; nothing to judge",
                children,
                seen,
            )
        )
    return LoadResult(
        endpoints=endpoints,
        total=total,
        history=read_history(history_file),
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
