"""cxcheck: prove in CI that customer journeys work on any device at any bandwidth.

A pytest plugin (registered through the ``pytest11`` entry point as ``cxcheck.plugin``). This
package re-exports the plain, typed data model so users can annotate fixtures with it.
"""

from cxcheck.a11y import A11y
from cxcheck.axe import AxeError, Scan
from cxcheck.checks import CheckFailed, add_finding
from cxcheck.errors import (
    BaseUrlError,
    BrowserNotFoundError,
    CxError,
    CxWarning,
    ProfileError,
    ThrottlingUnsupportedError,
    UnknownProfileError,
)
from cxcheck.journey import Journey, JourneyStepError
from cxcheck.layout import Layout
from cxcheck.load import LoadResult, Stage
from cxcheck.loadtest import LoadTest
from cxcheck.matrix import Cell
from cxcheck.profiles import Catalogue, DeviceProfile, NetworkProfile, Size, load_catalogue
from cxcheck.results import Finding, ItemResult, RunResults, StepRecord
from cxcheck.visual import Visual

__version__ = "0.1.0"

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
