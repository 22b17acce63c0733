"""The process that writes the outputs: it gathers every result and knows what was collected.

Without pytest-xdist that is the only process. Under xdist it is the controller, which does not
collect: each worker writes its collection manifest (:mod:`cxcheck.outputs.manifest`) into a
folder the controller made for the run and named in ``node.workerinput``; the controller reads
the first one to arrive, so it knows every cxcheck item's cell, even those that never ran. Each
worker also writes its process id there, so that the controller can pass a SIGTERM on to the
workers that are still up (:mod:`cxcheck.plugin.sigterm`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cxcheck.plugin.collection import manifest
from cxcheck.plugin.state import STATE_KEY, WORKER_PIDS_KEY, run_id, state_of

MANIFEST_INPUT = "cx_manifest_dir"


class ResultHooks:
    """Gathers every process's results (``report.cx_result``) on the process that writes them."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "cx_result", None)
        if data is not None:
            collector = state_of(self.config).collector
            if collector is not None:
                collector.add(data)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = manifest(session.items)
        if items:
            collector = state_of(self.config).collector
            if collector is not None:
                collector.expect(items)


class XdistHooks:
    """Hooks that exist only when pytest-xdist is installed (on the controller)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.folder: Path | None = None
        self.seen_collection = False
        self.down: set[str] = set()
        config.stash[WORKER_PIDS_KEY] = self.worker_pids  # for the SIGTERM handler

    def manifest_folder(self) -> Path:
        """The run's folder the workers write to (collection manifests, process ids), removed
        when pytest cleans up."""
        if self.folder is None:
            folder = self.folder = Path(tempfile.mkdtemp(prefix="cxcheck-run-"))
            self.config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        return self.folder

    def pytest_configure_node(self, node: Any) -> None:
        # One id for the whole run, so workers agree on who writes a shared baseline.
        node.workerinput["cx_run_id"] = run_id(self.config)
        node.workerinput[MANIFEST_INPUT] = str(self.manifest_folder())
        state = self.config.stash.get(STATE_KEY, None)
        if state is not None and state.base_url:
            node.workerinput["cx_base_url"] = state.base_url

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        from cxcheck.plugin.scheduling import make_scheduler

        return make_scheduler(config, log)

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        self.down.add(node.workerinput["workerid"])

    def worker_pids(self) -> list[int]:
        """The process ids of the workers that are up (a worker that is down is never signalled:
        its id may be another process's by now)."""
        pids = []
        for path in self.folder.glob("*.pid") if self.folder is not None else ():
            if path.stem not in self.down:
                with contextlib.suppress(OSError, ValueError):  # being written, or gone
                    pids.append(int(path.read_text()))
        return pids

    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        # Every worker collects the same items; the first manifest to arrive tells them all.
        if self.seen_collection or self.folder is None:
            return
        from cxcheck.outputs.manifest import read_manifest

        items = read_manifest(worker_manifest(self.folder, node.workerinput["workerid"]))
        if items is None:
            return  # this worker collected no cxcheck item
        self.seen_collection = True
        collector = state_of(self.config).collector
        if collector is not None:
            collector.expect(items)


def worker_manifest(folder: Path, worker: str) -> Path:
    return folder / f"{worker}.json"


def write_worker_pid(config: pytest.Config) -> None:
    """On an xdist worker: say where it runs, for the controller to pass a SIGTERM on."""
    worker_input = getattr(config, "workerinput", None) or {}
    folder = worker_input.get(MANIFEST_INPUT)
    if folder:
        path = Path(folder) / f"{worker_input['workerid']}.pid"
        partial = path.with_suffix(".part")
        partial.write_text(str(os.getpid()))
        partial.replace(path)  # whole or absent: the controller may read it at any moment


def write_worker_manifest(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker: write what it collected where the controller will look."""
    folder = (getattr(config, "workerinput", None) or {}).get(MANIFEST_INPUT)
    planned = manifest(items)
    if not folder or not planned:
        return
    from cxcheck.outputs.manifest import write_manifest

    write_manifest(worker_manifest(Path(folder), config.workerinput["workerid"]), planned)  # type: ignore[attr-defined]
