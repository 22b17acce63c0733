"""pytest-playwright's ``browser``, overridden so that it is cxcheck's: one per worker.

Registered by :mod:`cxcheck.plugin.hooks` only when pytest-playwright is loaded, and after it, so
that these definitions come before pytest-playwright's own and after none of the suite's (a
suite's conftest still overrides ``browser`` if it wants to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.plugin.adopt import SharedBrowsers, join_matrix, leaves_to_adoption, wants_cells
from cxcheck.plugin.state import CELL_FIXTURE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserType, Playwright


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A pytest-playwright test in the matrix: expanded over its cells after pytest-playwright
    has added its browser and pytest the test's own parameters (test_x[chromium-0-<cell>])."""
    from cxcheck.plugin.collection import parametrize

    if not leaves_to_adoption(metafunc):
        return
    if CELL_FIXTURE in metafunc.fixturenames or wants_cells(metafunc):
        join_matrix(metafunc)
        parametrize(metafunc)


@pytest.fixture(scope="session")
def _cx_browsers(playwright: Playwright, pytestconfig: pytest.Config) -> Iterator[SharedBrowsers]:
    """The worker's browsers, shared by pytest-playwright's ``browser`` and ``cx_browser``."""
    shared = SharedBrowsers(playwright, pytestconfig)
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture(scope="session")
def browser(
    _cx_browsers: SharedBrowsers,
    browser_name: str,
    launch_browser: Callable[..., Browser],
    browser_type_launch_args: dict[str, Any],
    browser_type: BrowserType,
    connect_options: dict[str, Any] | None,
) -> Browser:
    """pytest-playwright's browser, launched once per worker and shared with cxcheck's
    ``cx_browser``: the suite's launch arguments (``browser_type_launch_args``, ``--headed``,
    ``--slowmo``, ``--browser-channel``, ``connect_options``) as they are, the browser found by
    cxcheck's finder when Playwright's own build is missing."""
    return _cx_browsers.get(
        browser_name, launch_browser, browser_type_launch_args, browser_type, bool(connect_options)
    )


def shared_browser(request: pytest.FixtureRequest, engine: str) -> Browser:
    """``cx_browser`` under pytest-playwright: the same browser as its ``browser`` fixture.

    Looked up by name, not asked for as arguments: a test that takes only ``cx_page`` must not
    gain pytest-playwright's browser parameter (and so a new id).
    """
    shared: SharedBrowsers = request.getfixturevalue("_cx_browsers")
    found = shared.browsers.get(engine)
    if found is not None and found.is_connected():
        return found
    launch_args: dict[str, Any] = request.getfixturevalue("browser_type_launch_args")
    if request.getfixturevalue("browser_name") == engine:
        return shared.get(
            engine,
            request.getfixturevalue("launch_browser"),
            launch_args,
            request.getfixturevalue("browser_type"),
            bool(request.getfixturevalue("connect_options")),
        )
    # --cx-browser names another engine than pytest-playwright's: its launcher would start the
    # wrong one. Launch the engine cxcheck was asked for, with the suite's launch arguments.
    browser_type = getattr(shared.pw, engine)

    def launch(**extras: Any) -> Browser:
        browser: Browser = browser_type.launch(**{**launch_args, **extras})
        return browser

    return shared.get(engine, launch, launch_args, browser_type, remote=False)
