"""The ``cx_visual`` fixture (registered by the plugin from :data:`~.wiring.CHECK`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from cxcheck.checks.protocol import TestContext
    from cxcheck.checks.visual.check import Visual
    from cxcheck.config.profiles import DeviceProfile


@pytest.fixture
def cx_visual(
    cx_page: Page,
    cx_device: DeviceProfile,
    cx_browser: Browser,
    cx_artifacts: Path,
    _cx_test: TestContext,
    request: pytest.FixtureRequest,
) -> Visual:
    """Visual checks: ``cx_visual.assert_matches("home")`` compares ``cx_page`` with its baseline.

    Baselines are per device, next to the test: ``__cx_snapshots__/<module>/<test>/<name>-
    <device>.png``; ``--cx-update-snapshots`` writes them. Options: ``selector``, ``full_page``,
    ``mask`` (selectors painted over), ``style``, ``threshold``, ``max_diff_pixels``,
    ``max_diff_ratio``. A failure leaves expected, actual, diff and composite PNGs as evidence.
    """
    from cxcheck.checks.visual.check import Visual

    node = request.node
    return Visual(
        cx_page,
        cx_device,
        _cx_test.settings("visual"),
        test_file=Path(node.path),
        test=getattr(node, "originalname", node.name).partition("[")[0],
        variant=_cx_test.variant,
        evidence=cx_artifacts,
        browser=f"{cx_browser.browser_type.name} {cx_browser.version}",
    )
