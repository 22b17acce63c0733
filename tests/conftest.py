"""Shared fixtures of cxcheck's own tests: the test page server and helpers for real pytest runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))

import pageserver  # noqa: E402


def _import_cxcheck() -> None:
    """Import every cxcheck module now, once: pytester's in-process runs drop the modules they
    import when they end, so a module first imported inside one would come back as a second
    copy (new classes, new exceptions) in the next in-process run of the same test."""
    import importlib
    import pkgutil

    import cxcheck

    for module in pkgutil.walk_packages(cxcheck.__path__, "cxcheck."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


_import_cxcheck()


@pytest.fixture(scope="session")
def pages_url() -> Iterator[str]:
    """Base URL of fixtures/pages served over real HTTP on 127.0.0.1."""
    with pageserver.serve() as url:
        yield url


@pytest.fixture
def cx_context_options(cx_context_options: dict[str, Any], pages_url: str) -> dict[str, Any]:
    """cxcheck's own browser tests run against the page server (the documented override hook)."""
    return {**cx_context_options, "base_url": pages_url}


@pytest.fixture
def run_pytest(pytester: pytest.Pytester, pages_url: str) -> Any:
    """Run a real pytest session against the page server: in a subprocess, or with
    ``inprocess=True`` in this process (pytester.runpytest_inprocess, seconds faster).

    In-process is only for sessions that start no browser (collection, usage errors, listings,
    tests without a page): Playwright's sync API refuses to start while this worker's own
    Playwright runs, and a subprocess is also what real signals and process checks need.
    """

    def run(
        *args: str, base_url: bool = True, timeout: float = 240, inprocess: bool = False
    ) -> pytest.RunResult:
        extra = ["--cx-base-url", pages_url] if base_url else []
        if inprocess:
            return pytester.runpytest_inprocess(*extra, *args)
        return pytester.runpytest_subprocess(*extra, *args, timeout=timeout)

    return run


@pytest.fixture(scope="session")
def mixed_run(
    tmp_path_factory: pytest.TempPathFactory, pages_url: str
) -> tuple[Path, pytest.RunResult]:
    """One real run of ``tests/model/test_results.py``'s MIXED suite (passes, a page error, a
    budget failure, a flaky cell) writing JSON, JUnit and the HTML report: several tests, in
    different modules and xdist workers, assert on this one session (folder, pytest.RunResult)."""
    from tests.helpers import shared_session
    from tests.model.test_results import MIXED

    return shared_session(
        tmp_path_factory, "mixed-run", {"test_mixed.py": MIXED},
        "--cx-base-url", pages_url, "-p", "rerunfailures",
        "--cx-json", "out/results.json", "--junitxml", "junit.xml", "--cx-report", "report",
    )  # fmt: skip


# The quick tier (``python dev.py test --quick``, i.e. ``-m quick``): every test that needs
# neither a browser nor a child pytest session, plus the real-browser smoke tests marked
# ``@pytest.mark.quick`` by hand. These fixtures mean a browser or a nested session (the last
# ones are the shared sessions of tests/helpers.py's shared_session):
NOT_QUICK_FIXTURES = {"cx_browser", "pytester", "run_pytest", "mixed_run", "journeys",
                      "journey_files"}  # fmt: skip
# Whole packages of tests that start processes of their own (Locust, app servers, the demo).
NOT_QUICK_DIRS = {"app", "load", "examples"}
# Pure logic, but long property-based runs: the full suite runs them.
NOT_QUICK_TESTS = {
    "test_fuzz_structured_documents",
    "test_any_text_loads_or_is_reported_with_file_and_line",
    "test_broken_journeys_are_reported_with_file_and_line",
    "test_40px_band_anywhere_in_the_range",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        if item.get_closest_marker("quick") or item.get_closest_marker("slow"):
            continue
        package = item.path.relative_to(tests).parts[0] if item.path.is_relative_to(tests) else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", item.name)
        if package in NOT_QUICK_DIRS or name in NOT_QUICK_TESTS:
            continue
        if not fixtures & NOT_QUICK_FIXTURES:
            item.add_marker(pytest.mark.quick)
    # The longest tests (the whole demo runs for minutes) start first, so that pytest-xdist's
    # workers share out the rest around them instead of one of them ending the run alone.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config: pytest.Config) -> None:
    # Child pytest runs must not pick up this suite's options through PYTEST_ADDOPTS.
    os.environ.pop("PYTEST_ADDOPTS", None)
