"""The ``cx_layout`` fixture (registered by the plugin from :data:`~.wiring.CHECK`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.layout.check import Layout
    from cxcheck.checks.protocol import TestContext
    from cxcheck.config.profiles import DeviceProfile


@pytest.fixture
def cx_layout(
    cx_page: Page, cx_device: DeviceProfile, cx_a11y: A11y, _cx_test: TestContext
) -> Layout:
    """Responsive-layout checks on this device: ``cx_layout.check()`` (reflow, target size,
    ``zoom=True``), ``cx_layout.assert_reachable("#checkout")`` and
    ``cx_layout.find_breaks("/", widths=(320, 1920))`` (the widths where the layout breaks,
    shrunk to the narrowest). Problems are findings on the current step or the test.
    """
    from cxcheck.checks.layout.check import Layout

    return Layout(cx_page, cx_device, cx_a11y, _cx_test.settings("layout"))
