"""How the plugin wires the visual check (see :mod:`cxcheck.checks.protocol`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxcheck.checks.protocol import CheckSpec, CliOption, IniSetting, RunContext
from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from cxcheck.checks.visual.check import VisualSettings
    from cxcheck.model.results import RunResults

OPT_UPDATE_SNAPSHOTS = "cx_update_snapshots"


def read_settings(run: RunContext) -> VisualSettings:
    """--cx-update-snapshots and ini cx_visual_threshold / _max_diff_pixels / _max_diff_ratio."""
    from cxcheck.checks.visual.check import VisualSettings

    ini = run.ini
    threshold = _number(
        ini("cx_visual_threshold"),
        "cx_visual_threshold",
        0.2,
        0.0,
        1.0,
        "a colour distance between 0 and 1 (default 0.2)",
    )
    pixels = _number(
        ini("cx_visual_max_diff_pixels"),
        "cx_visual_max_diff_pixels",
        None,
        0,
        1e9,
        "a number of pixels, e.g. 100",
    )
    ratio = _number(ini("cx_visual_max_diff_ratio"), "cx_visual_max_diff_ratio", None, 0.0, 1.0,
                    "a fraction of the picture between 0 and 1, e.g. 0.01")  # fmt: skip
    return VisualSettings(
        update=bool(run.option(OPT_UPDATE_SNAPSHOTS)),
        threshold=float(threshold) if threshold is not None else 0.2,
        max_diff_pixels=int(pixels) if pixels is not None else None,
        max_diff_ratio=ratio,
        run_id=run.run_id,
    )


def _number(
    raw: object, name: str, default: float | None, low: float, high: float, form: str
) -> float | None:
    text = str(raw or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise CxError(f"ini {name} = {text!r} must be {form}")
    return value


def finish(settings: VisualSettings, results: RunResults) -> list[str]:
    """The run's claims on shared baselines end with it."""
    from cxcheck.checks.visual.check import release_claims

    release_claims(settings.run_id)
    return []


CHECK = CheckSpec(
    name="visual",
    kind="visual",
    fixture_module="cxcheck.checks.visual.fixture",
    options=(
        CliOption("--cx-update-snapshots", OPT_UPDATE_SNAPSHOTS,
                  "write or refresh cx_visual baselines (__cx_snapshots__/...) instead of "
                  "comparing", {"action": "store_true"}),
    ),
    ini=(
        IniSetting("cx_visual_threshold", "how different a pixel's colour must be to count in "
                   "cx_visual, 0 to 1 (default 0.2, as Playwright)"),
        IniSetting("cx_visual_max_diff_pixels", "differing pixels a snapshot may have "
                   "(default 0)"),
        IniSetting("cx_visual_max_diff_ratio", "fraction of differing pixels a snapshot may "
                   "have"),
    ),
    read_settings=read_settings,
    finish=finish,
)  # fmt: skip
