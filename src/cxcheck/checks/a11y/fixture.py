"""The ``cx_a11y`` fixture (registered by the plugin from :data:`~.wiring.CHECK`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.protocol import TestContext


@pytest.fixture
def cx_a11y(cx_page: Page, _cx_test: TestContext) -> A11y:
    """Accessibility checks with axe-core: ``cx_a11y.check()`` scans ``cx_page`` as it is now.

    Frames are scanned too (cross-origin ones included). Violations at or above the failing
    impact (ini ``cx_a11y_impact``, default serious) fail the current journey step, or the
    test; those in the a11y baseline (ini ``cx_a11y_baseline``) are recorded as ignored.
    Options: ``tags``, ``rules``, ``disabled``, ``impact``, ``include``, ``exclude``. With
    ini ``cx_a11y_auto = true`` every journey step that changes the page is scanned.
    """
    from cxcheck.checks.a11y.check import A11y

    run = _cx_test.settings("a11y")
    return A11y(cx_page, run.settings, run.baseline)
