"""A suite's own browser context options in a device × network cell: which ones the cell wins.

A pytest-playwright suite makes its contexts with options of its own (``browser_context_args``,
the ``browser_context_args`` marker, ``new_context(**kwargs)``); in a cell, cxcheck adds the
device's. The rule is one line: **what the device says wins; everything else is the suite's**.
The device decides the viewport, screen, pixel ratio, mobile, touch and user agent (and colour
scheme, reduced motion and locale when the profile sets them); the network decides ``offline``
when it is offline. The suite keeps its ``base_url``, storage state, permissions, locale,
headers, video and every other option. A clash (the suite asked for another viewport, say) is
reported once per run, so no one wonders why ``viewport=...`` seemed ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cxcheck.browser.launch import context_options
from cxcheck.config.profiles import DeviceProfile, NetworkProfile

# Options that say what the device is: a suite's own value would make the cell's name a lie.
DEVICE_KEYS = (
    "viewport",
    "screen",
    "device_scale_factor",
    "is_mobile",
    "has_touch",
    "user_agent",
    "color_scheme",
    "reduced_motion",
    "locale",
)
# Playwright's own device descriptors carry this; it is not a context option the device sets.
IGNORED_KEYS = ("default_browser_type",)


@dataclass(frozen=True)
class Merged:
    """A cell's context options, and the suite's options the device overrode."""

    options: dict[str, Any]
    overridden: tuple[str, ...]


def merge_options(
    suite: Mapping[str, Any],
    device: DeviceProfile,
    network: NetworkProfile,
    base_url: str | None = None,
) -> Merged:
    """The suite's options with the cell's on top, as the module says."""
    cell = context_options(device, network, None)
    options = {k: v for k, v in suite.items() if k not in IGNORED_KEYS}
    overridden = [
        key
        for key in DEVICE_KEYS
        if key in cell and key in options and options[key] is not None and options[key] != cell[key]
    ]
    if options.pop("no_viewport", None):  # a window-sized page cannot be a device's viewport
        overridden.append("no_viewport")
    for key in DEVICE_KEYS:
        if key in cell:
            options[key] = cell[key]
    if network.offline:
        options["offline"] = True
    if base_url and not options.get("base_url"):
        options["base_url"] = base_url
    return Merged(options, tuple(overridden))


def scaled_timeout(base_ms: float, network: NetworkProfile) -> float:
    """A default timeout (in ms) as it applies in a cell on this network."""
    return base_ms * network.timeout_factor
