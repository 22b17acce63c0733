"""cxcheck: prove in CI that customer journeys work on any device at any bandwidth.

A pytest plugin (registered through the ``pytest11`` entry point as ``cxcheck.plugin.hooks``).
This package re-exports the plain, typed data model and the fixtures' objects so users can
annotate with them. Each name is imported on first use (PEP 562), so that having cxcheck
installed costs a pytest session that does not use it nothing: ``import cxcheck`` loads no
check, load, report or Playwright module. ``docs/architecture.md`` maps the packages.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxcheck.checks.a11y.axe import AxeError, Scan
    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.layout.check import Layout
    from cxcheck.checks.visual.check import Visual
    from cxcheck.config.matrix import Cell
    from cxcheck.config.profiles import (
        Catalogue,
        DeviceProfile,
        NetworkProfile,
        Size,
        load_catalogue,
    )
    from cxcheck.journey.journey import Journey
    from cxcheck.journey.session import Session
    from cxcheck.load.results import LoadResult
    from cxcheck.load.stats import Stage
    from cxcheck.load.tester import LoadTest
    from cxcheck.model.errors import (
        BaseUrlError,
        BrowserNotFoundError,
        CxError,
        CxWarning,
        ProfileError,
        ThrottlingUnsupportedError,
        UnknownProfileError,
    )
    from cxcheck.model.findings import CheckFailed, JourneyStepError, add_finding
    from cxcheck.model.results import Finding, ItemResult, RunResults, StepRecord

__version__ = "0.1.0"

# Where each public name lives: the one table both the lazy import and __all__ read.
_HOMES = {
    "A11y": "cxcheck.checks.a11y.check",
    "AxeError": "cxcheck.checks.a11y.axe",
    "Scan": "cxcheck.checks.a11y.axe",
    "Layout": "cxcheck.checks.layout.check",
    "Visual": "cxcheck.checks.visual.check",
    "Cell": "cxcheck.config.matrix",
    "Catalogue": "cxcheck.config.profiles",
    "DeviceProfile": "cxcheck.config.profiles",
    "NetworkProfile": "cxcheck.config.profiles",
    "Size": "cxcheck.config.profiles",
    "load_catalogue": "cxcheck.config.profiles",
    "Journey": "cxcheck.journey.journey",
    "Session": "cxcheck.journey.session",
    "LoadResult": "cxcheck.load.results",
    "Stage": "cxcheck.load.stats",
    "LoadTest": "cxcheck.load.tester",
    "BaseUrlError": "cxcheck.model.errors",
    "BrowserNotFoundError": "cxcheck.model.errors",
    "CxError": "cxcheck.model.errors",
    "CxWarning": "cxcheck.model.errors",
    "ProfileError": "cxcheck.model.errors",
    "ThrottlingUnsupportedError": "cxcheck.model.errors",
    "UnknownProfileError": "cxcheck.model.errors",
    "CheckFailed": "cxcheck.model.findings",
    "JourneyStepError": "cxcheck.model.findings",
    "add_finding": "cxcheck.model.findings",
    "Finding": "cxcheck.model.results",
    "ItemResult": "cxcheck.model.results",
    "RunResults": "cxcheck.model.results",
    "StepRecord": "cxcheck.model.results",
}

__all__ = [
    "A11y",
    "AxeError",
    "BaseUrlError",
    "BrowserNotFoundError",
    "Catalogue",
    "Cell",
    "CheckFailed",
    "CxError",
    "CxWarning",
    "DeviceProfile",
    "Finding",
    "ItemResult",
    "Journey",
    "JourneyStepError",
    "Layout",
    "LoadResult",
    "LoadTest",
    "NetworkProfile",
    "ProfileError",
    "RunResults",
    "Scan",
    "Session",
    "Size",
    "Stage",
    "StepRecord",
    "ThrottlingUnsupportedError",
    "UnknownProfileError",
    "Visual",
    "__version__",
    "add_finding",
    "load_catalogue",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cxcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__
