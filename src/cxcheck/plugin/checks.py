"""The checks the plugin wires: one line each (see :mod:`cxcheck.checks.protocol`).

Each check's options and ini settings join ``pytest_addoption``, its marker keys join the ``cx``
marker's, its settings are read once per run into the state, its fixture module is registered
with the plugin, and its ``finish`` lines end the run's terminal summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from cxcheck.checks.a11y.wiring import CHECK as A11Y
from cxcheck.checks.layout.wiring import CHECK as LAYOUT
from cxcheck.checks.protocol import CheckSpec, RunContext, TestContext
from cxcheck.checks.visual.wiring import CHECK as VISUAL
from cxcheck.load.wiring import CHECK as LOAD

CHECKS: tuple[CheckSpec, ...] = (A11Y, LAYOUT, VISUAL, LOAD)

FIXTURE_MODULES = tuple(c.fixture_module for c in CHECKS if c.fixture_module)
MARKER_KEYS = tuple(key for c in CHECKS for key in c.marker_keys)


def read_all(run: RunContext) -> dict[str, Any]:
    """Every check's settings for the run, by check name (a bad value raises CxError)."""
    return {c.name: c.read_settings(run) for c in CHECKS}


def for_test(name: str, run_settings: Any, node: pytest.Item) -> Any:
    """One check's settings for a test: a module's or class's cx marker, then the test's own,
    the closest winning key by key (only the check's own keys are given to it)."""
    check = next(c for c in CHECKS if c.name == name)
    merged: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("cx"))):
        merged.update({k: v for k, v in marker.kwargs.items() if k in check.marker_keys})
    return check.for_test(run_settings, merged) if merged else run_settings


def context_of(settings: Mapping[str, Any], node: pytest.Item, variant: str) -> TestContext:
    """What a check's fixture gets about its test (the ``_cx_test`` fixture)."""
    return TestContext(settings=lambda name: for_test(name, settings[name], node), variant=variant)


def journey_followers(context: TestContext) -> list[str]:
    """The fixtures of the checks that follow this test's journey steps."""
    return [
        c.fixture
        for c in CHECKS
        if c.follows_journeys is not None
        and c.fixture is not None
        and c.follows_journeys(context.settings(c.name))
    ]


def finish_lines(settings: Mapping[str, Any], results: Any) -> list[str]:
    """What each check says at the end of the run."""
    lines: list[str] = []
    for check in CHECKS:
        if check.finish is not None and check.name in settings:
            lines.extend(check.finish(settings[check.name], results))
    return lines
