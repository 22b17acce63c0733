"""One machine, many cells at once: ``-n auto``'s number of workers and the longest cells first.

pytest-xdist asks its ``pytest_xdist_auto_num_workers`` hook how many workers ``-n auto`` means
(before ``pytest_configure``) and its ``pytest_xdist_make_scheduler`` hook for the object that
hands items to the workers. cxcheck answers both from the last run's measurements
(:func:`measured`): enough workers to keep the cores busy while throttled cells wait, and its
:class:`LongestFirst` scheduler under ``--dist load`` (``-n``'s default). The arithmetic is in
:mod:`cxcheck.model.schedule`; this module only reads pytest's settings and xdist's objects.

The measurements come from ``--cx-durations`` (ini ``cx_durations``: a results JSON or a
pytest-split durations file), else from the newest run of the ``--cx-history`` folder CI keeps,
else from pytest's cache, where every run leaves its own (:func:`remember`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.model.schedule import Measured, WorkerPlan
from cxcheck.plugin.options import (
    OPT_DURATIONS,
    OPT_HISTORY,
    OPT_NETWORKS,
    OPT_ORDER,
    ORDERS,
    cx_configured,
)

if TYPE_CHECKING:
    from cxcheck.model.results import RunResults

CACHE_KEY = "cxcheck/durations"
"""Where each run leaves its cells' measurements in pytest's cache (``.pytest_cache``)."""

PLAN_KEY = pytest.StashKey[WorkerPlan]()
MEASURED_KEY = pytest.StashKey[Measured | None]()
AUTO_ENV = "PYTEST_XDIST_AUTO_NUM_WORKERS"


def durations_setting(config: pytest.Config) -> tuple[Path, str] | None:
    """--cx-durations / ini cx_durations (relative to where pytest runs, as cx_json is):
    (path, the setting's name), or None."""
    given = config.getoption(OPT_DURATIONS, None)
    text = str(given or config.getini("cx_durations") or "").strip()
    if not text:
        return None
    return config.invocation_params.dir / text, "--cx-durations" if given else "ini cx_durations"


def history_newest(config: pytest.Config) -> Path | None:
    """The newest run in the --cx-history folder (ini cx_history), if there is one."""
    text = str(config.getoption(OPT_HISTORY, None) or config.getini("cx_history") or "").strip()
    if not text:
        return None
    from cxcheck.outputs.history import history_files

    files = history_files(config.invocation_params.dir / text)
    return files[-1] if files else None


def measured(config: pytest.Config) -> Measured | None:
    """The last run's measurements (read once per process): the file --cx-durations names,
    else the newest run of the --cx-history folder, else what the last run left in pytest's
    cache, else None. A named file that cannot be read is a usage error: a schedule must not
    silently fall back on guesses."""
    if MEASURED_KEY in config.stash:
        return config.stash[MEASURED_KEY]
    from cxcheck.model.errors import CxError
    from cxcheck.outputs.durations import measured_from_json, read_measured

    found: Measured | None = None
    setting = durations_setting(config)
    if setting is None:
        newest = history_newest(config)
        setting = None if newest is None else (newest, "--cx-history")
    if setting is not None:
        try:
            found = read_measured(*setting)
        except CxError as exc:
            raise pytest.UsageError(str(exc)) from None
    else:
        path = cache_file(config)
        if path is not None and path.is_file():
            import json

            try:
                found = measured_from_json(json.loads(path.read_text("utf-8")), "the last run")
            except (OSError, ValueError):
                found = None  # the cache is pytest's: a broken entry is only a lost hint
    config.stash[MEASURED_KEY] = found
    return found


def cache_file(config: pytest.Config) -> Path | None:
    """The cache entry's file, as pytest's cacheprovider lays it out; None when the run has
    no cache (``-p no:cacheprovider``). Read by path: ``-n auto`` is decided before
    ``config.cache`` exists."""
    if not config.pluginmanager.has_plugin("cacheprovider"):
        return None
    folder = Path(os.path.expandvars(str(config.getini("cache_dir")))).expanduser()
    return config.rootpath / folder / "v" / CACHE_KEY


def remember(config: pytest.Config, run: RunResults) -> None:
    """Keep this run's measurements in pytest's cache for the next run (tests this run did
    not run keep theirs). An interrupted run's times are partial: kept only for its cells
    that finished."""
    cache = getattr(config, "cache", None)
    if cache is None or not run.results:
        return
    from cxcheck.outputs.durations import measured_from_json, measured_from_runs, measured_to_json

    this = measured_from_runs([run], "")
    earlier = measured_from_json(cache.get(CACHE_KEY, None), "")
    seconds = {**(earlier.seconds if earlier else {}), **this.seconds}
    cpu = {k: v for k, v in (earlier.cpu_s if earlier else {}).items() if k not in this.seconds}
    cpu.update(this.cpu_s)
    cache.set(CACHE_KEY, measured_to_json(Measured(seconds, cpu)))


def auto_workers(config: pytest.Config) -> int | None:
    """``-n auto`` for a run that configures cxcheck; None leaves it to pytest-xdist (the
    variable it reads, or a run that is not cxcheck's)."""
    if os.environ.get(AUTO_ENV) or not cx_configured(config):
        return None
    from cxcheck.model.schedule import plan_workers

    plan = plan_workers(_cores(), _memory_available(), measured(config), _throttled(config))
    config.stash[PLAN_KEY] = plan
    return plan.workers


def header_lines(config: pytest.Config) -> list[str]:
    """What the run's header says about the schedule (on the controller)."""
    lines = []
    plan = config.stash.get(PLAN_KEY, None)
    if plan is not None:
        lines.append(f"cxcheck: -n auto is {plan.workers} workers ({plan.reason})")
    if _ordering(config):
        found = measured(config)
        assert found is not None
        lines.append(f"cxcheck: the longest cells start first ({len(found.seconds)} measured "
                     f"in {found.source})")  # fmt: skip
    return lines


def make_scheduler(config: pytest.Config, log: Any) -> Any | None:
    """cxcheck's scheduler for ``--dist load`` when there are measurements; else None (xdist
    makes its own)."""
    if not _ordering(config):
        return None
    found = measured(config)
    assert found is not None
    return _longest_first_class()(config, log, found, _cores())


def check_settings(config: pytest.Config) -> None:
    """At start-up: a bad cx_order, or a --cx-durations file that cannot be read, stops the
    run with a usage error (never a silent fallback on collection order)."""
    order_setting(config)
    if durations_setting(config) is not None:
        measured(config)


def order_setting(config: pytest.Config) -> str:
    """--cx-order, else ini cx_order, else collection: longest-first measured slower than
    xdist's own order on the demo (a CPU-bound matrix), so it is not the default."""
    given = config.getoption(OPT_ORDER, None)
    if given:
        return str(given)
    text = str(config.getini("cx_order") or "").strip() or ORDERS[0]
    if text not in ORDERS:
        raise pytest.UsageError(f"ini cx_order = {text}: not an order; write "
                                f"{' or '.join(ORDERS)}")  # fmt: skip
    return text


def _ordering(config: pytest.Config) -> bool:
    if order_setting(config) == "collection" or config.getvalue("dist") != "load":
        return False
    if not (config.getoption("numprocesses", None) and cx_configured(config)):
        return False
    found = measured(config)
    return found is not None and bool(found.seconds)


def _longest_first_class() -> type:
    from xdist.scheduler import LoadScheduling

    from cxcheck.model.schedule import cpu_shares, longest_first, pick

    class LongestFirst(LoadScheduling):  # type: ignore[misc]
        """xdist's load scheduling, handing out the longest pending cell that the cores can
        take beside the running ones, one at a time: each worker holds the cell it runs and
        the next (pytest needs to know the next item to tear fixtures down), and takes another
        as it finishes one."""

        def __init__(self, config: pytest.Config, log: Any, found: Measured, cores: int) -> None:
            super().__init__(config, log)
            self.found, self.cores = found, cores
            self.shares: list[float] = []

        def schedule(self) -> None:
            started = getattr(self, "collection", None) is not None
            if started or not self._check_nodes_have_same_collection():
                super().schedule()  # a later call, or different collections: xdist's way
                return
            self.collection = list(next(iter(self.node2collection.values())))
            self.pending[:] = longest_first(self.collection, self.found.seconds)
            self.shares = cpu_shares(self.collection, self.found)
            for _ in range(2):  # a cell to each worker, then the one it runs next
                for node in self.nodes:
                    if self.pending:
                        self._send_next(node)
            if not self.pending:
                for node in self.nodes:
                    node.shutdown()

        def check_schedule(self, node: Any, duration: float = 0) -> None:
            if node.shutting_down:
                return
            if not self.pending:
                node.shutdown()
                return
            while self.pending and len(self.node2pending[node]) < 2:
                self._send_next(node)

        def _send_next(self, node: Any) -> None:
            # What each worker runs now: the first of the cells it holds.
            running = [held[0] for held in self.node2pending.values() if held]
            position = pick(self.pending, running, self.shares, self.cores)
            self.pending.insert(0, self.pending.pop(position))
            self._send_tests(node, 1)

    return LongestFirst


def _cores() -> int:
    """The cores this process may run on (a CI container's affinity, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _memory_available() -> int | None:
    """Linux's MemAvailable in bytes; None where /proc/meminfo does not exist."""
    try:
        with open("/proc/meminfo", encoding="ascii") as lines:
            for line in lines:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _throttled(config: pytest.Config) -> bool:
    """Whether a network the run names (command line, else ini) is throttled. A bad name is
    not this function's to report: it says False and pytest_configure reports the name."""
    from cxcheck.config.matrix import split_names
    from cxcheck.model.errors import CxError

    names = split_names(config.getoption(OPT_NETWORKS, None) or config.getini("cx_networks"))
    if not names:
        return False
    try:
        from cxcheck.config.profiles import load_catalogue
        from cxcheck.plugin.settings import profile_files

        catalogue = load_catalogue(profile_files(config.getoption, config.getini))
        return any(n.throttled for n in catalogue.resolve_networks(names))
    except (CxError, pytest.UsageError):
        return False
