"""Load scenarios with Locust: runs in child processes, results, thresholds and ``cx_load``.

``cxcheck.load.read_results(folder)`` judges the files of a Locust run made elsewhere (a
distributed run's master); :class:`LoadResult` and :class:`Stage` are the data.

One job a module: :mod:`~cxcheck.load.runner` runs Locust (:mod:`~cxcheck.load.plans` checks
the arguments, :mod:`~cxcheck.load.processes` owns the child processes,
:mod:`~cxcheck.load.hosts` keeps load on loopback), :mod:`~cxcheck.load.locust_output` reads
Locust's files, :mod:`~cxcheck.load.stats` and :mod:`~cxcheck.load.results` hold what a run
measured, :mod:`~cxcheck.load.thresholds` judges it, :mod:`~cxcheck.load.summary` is its data
in the results file, and :mod:`~cxcheck.load.tester` is ``cx_load``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxcheck.load.locust_output import read_results
    from cxcheck.load.processes import stop_all
    from cxcheck.load.results import LoadResult
    from cxcheck.load.stats import Stage

# Imported on first use (PEP 562): the plugin reads cxcheck.load.wiring in every session.
_HOMES = {
    "LoadResult": "cxcheck.load.results",
    "Stage": "cxcheck.load.stats",
    "read_results": "cxcheck.load.locust_output",
    "stop_all": "cxcheck.load.processes",
}

__all__ = ["LoadResult", "Stage", "read_results", "stop_all"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cxcheck.load' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
