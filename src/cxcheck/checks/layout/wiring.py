"""How the plugin wires the responsive-layout check (see :mod:`cxcheck.checks.protocol`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxcheck.checks.protocol import CheckSpec, IniSetting, RunContext
from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from cxcheck.checks.layout.check import LayoutSettings


def read_settings(run: RunContext) -> LayoutSettings:
    """ini cx_layout_target_size: 24 (WCAG 2.5.8, the default) or 44 (WCAG 2.5.5)."""
    from cxcheck.checks.layout.check import LayoutSettings

    raw = str(run.ini("cx_layout_target_size") or "24").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 200:
        raise CxError(
            f"ini cx_layout_target_size = {raw!r} must be a size in CSS px: 24 (WCAG 2.5.8) "
            "or 44 (WCAG 2.5.5)"
        )
    return LayoutSettings(target_size=int(raw))


CHECK = CheckSpec(
    name="layout",
    kind="layout",
    fixture_module="cxcheck.checks.layout.fixture",
    ini=(
        IniSetting("cx_layout_target_size", "smallest touch target cx_layout accepts, in CSS "
                   "px: 24 (default, WCAG 2.5.8) or 44"),
    ),
    read_settings=read_settings,
)  # fmt: skip
