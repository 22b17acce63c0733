"""How the plugin wires the accessibility check (see :mod:`cxcheck.checks.protocol`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cxcheck.checks.protocol import CheckSpec, CliOption, IniSetting, RunContext
from cxcheck.model.names import A11Y_BASELINE_FILE

if TYPE_CHECKING:
    from cxcheck.checks.a11y.baseline import Baseline
    from cxcheck.checks.a11y.check import A11ySettings
    from cxcheck.model.results import RunResults

OPT_A11Y_UPDATE = "cx_a11y_update_baseline"


@dataclass(frozen=True)
class A11yRun:
    """The run's accessibility settings and the team's baseline."""

    settings: A11ySettings
    baseline: Baseline


def read_settings(run: RunContext) -> A11yRun:
    """ini cx_a11y_tags / _impact / _rules_disabled / _auto / _baseline and
    --cx-a11y-update-baseline; a malformed baseline file stops the run here."""
    from cxcheck.checks.a11y.axe import DEFAULT_TAGS, AxeConfig, check_impact
    from cxcheck.checks.a11y.baseline import Baseline
    from cxcheck.checks.a11y.check import A11ySettings
    from cxcheck.config.matrix import split_names

    ini = run.ini
    tags = split_names(ini("cx_a11y_tags")) or DEFAULT_TAGS
    disabled = split_names(ini("cx_a11y_rules_disabled"))
    impact = str(ini("cx_a11y_impact") or "serious").strip()
    config = AxeConfig(tags=tags, disabled=disabled)
    config.validated("ini cx_a11y_tags / cx_a11y_rules_disabled")
    check_impact(impact, "ini cx_a11y_impact")
    settings = A11ySettings(
        config=config,
        impact=impact,
        auto=bool(ini("cx_a11y_auto")),
        update_baseline=bool(run.option(OPT_A11Y_UPDATE)),
    )
    path = run.ini_dir / str(ini("cx_a11y_baseline") or A11Y_BASELINE_FILE).strip()
    return A11yRun(settings, Baseline.load(path))


def for_test(run: A11yRun, marker: Mapping[str, Any]) -> A11yRun:
    """A test's ``@pytest.mark.cx(a11y_...=...)`` on top of the run's settings."""
    if not marker:
        return run
    from cxcheck.checks.a11y.check import with_overrides

    return replace(run, settings=with_overrides(run.settings, dict(marker)))


def follows_journeys(run: A11yRun) -> bool:
    """ini cx_a11y_auto (or a test's a11y_auto): every journey step that changes the page is
    scanned."""
    return run.settings.auto


def finish(run: A11yRun, results: RunResults) -> list[str]:
    """The baseline written (update mode), or which of its entries are fixed."""
    from cxcheck.checks.a11y.check import baseline_outcome

    lines = baseline_outcome(results, run.baseline, run.settings.update_baseline)
    return [f"a11y baseline: {line}" for line in lines]


CHECK = CheckSpec(
    name="a11y",
    kind="a11y",
    fixture_module="cxcheck.checks.a11y.fixture",
    options=(
        CliOption("--cx-a11y-update-baseline", OPT_A11Y_UPDATE,
                  "record today's accessibility violations in the baseline file (ini "
                  "cx_a11y_baseline) instead of failing on them; afterwards only new ones fail",
                  {"action": "store_true"}),
    ),
    ini=(
        IniSetting("cx_a11y_tags",
                   "axe tags to check (default: wcag2a wcag2aa wcag21a wcag21aa wcag22aa)"),
        IniSetting("cx_a11y_impact",
                   "lowest axe impact that fails: minor, moderate, serious (default) or critical"),
        IniSetting("cx_a11y_rules_disabled",
                   "axe rule ids never to run (space or comma separated)"),
        IniSetting("cx_a11y_auto",
                   "scan every journey step that leaves the page in a new state with axe",
                   "bool", False),
        IniSetting("cx_a11y_baseline", "the a11y baseline file, relative to the ini file "
                   "(default cx-a11y-baseline.json)"),
    ),
    marker_keys=("a11y_tags", "a11y_impact", "a11y_rules_disabled", "a11y_auto"),
    read_settings=read_settings,
    for_test=for_test,
    finish=finish,
    follows_journeys=follows_journeys,
    fixture="cx_a11y",
)  # fmt: skip
