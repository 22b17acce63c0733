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

from cxcheck.load.locust_output import read_results
from cxcheck.load.processes import stop_all
from cxcheck.load.results import LoadResult
from cxcheck.load.stats import Stage

__all__ = ["LoadResult", "Stage", "read_results", "stop_all"]
