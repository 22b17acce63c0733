"""Load scenarios with Locust: runs in child processes, results, thresholds and ``cx_load``.

``cxcheck.load.read_results(folder)`` judges the files of a Locust run made elsewhere (a
distributed run's master); :class:`LoadResult` and :class:`Stage` are the data.
"""

from cxcheck.load.runner import LoadResult, Stage, read_results

__all__ = ["LoadResult", "Stage", "read_results"]
