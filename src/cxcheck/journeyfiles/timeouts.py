"""How long a journey-file action may wait, and how a failure says so.

Actions (goto, click, fill, wait_for…) wait for the page, and a slow network makes a healthy page
slower: their limit is multiplied by the cell's network ``timeout_factor`` (slow-4g 2.4, 3g 6.2)
unless ini ``cx_scale_timeouts = false``, as Playwright's defaults are in adopted suites
(:class:`cxcheck.plugin.contexts.ExpectTimeout`). ``expect_*`` checks are never scaled: a wrong
expectation fails as soon on 3g as on fibre, and ``expect_timeout:`` gives a check more time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxcheck.journeyfiles.actions import ACTION_TIMEOUT_S, EXPECT_TIMEOUT_S, Action

if TYPE_CHECKING:
    from cxcheck.config.profiles import NetworkProfile

__all__ = ["Limit", "Timeouts", "is_expect"]


def is_expect(kind: str) -> bool:
    """Whether an action is an ``expect_*`` check: it has its own timeout, never scaled."""
    return kind.startswith("expect_")


@dataclass(frozen=True)
class Limit:
    """One action's time limit: ``base`` seconds, × ``factor`` for a slow ``network``."""

    base: float
    factor: float = 1.0
    network: str = ""
    expect: bool = False
    unscaled: float = 1.0
    """For an expect_* check, the factor the network's actions get and the check does not."""

    @property
    def seconds(self) -> float:
        return round(self.base * self.factor, 3)

    def note(self) -> str:
        """``its time limit: …`` for a failure that waited it out, with how to change it."""
        if self.factor > 1:
            return (
                f"its time limit: {self.seconds:g} s, {self.base:g} s × {self.factor:g} for "
                f"{self.network} (the network's timeout_factor); `timeout:` changes the "
                f"{self.base:g} s, ini cx_scale_timeouts = false the ×{self.factor:g}"
            )
        if self.expect:
            unscaled = (
                f"; checks are not scaled for {self.network} (×{self.unscaled:g} is for actions)"
                if self.unscaled > 1
                else ""
            )
            return (
                f"its time limit: {self.seconds:g} s; `expect_timeout:` on the action or the "
                f"file changes it{unscaled}"
            )
        return (
            f"its time limit: {self.seconds:g} s; `timeout:` on the action or the file changes it"
        )

    def data(self) -> dict[str, Any]:
        """For the finding: the scaled limit's parts, when it was scaled."""
        if self.factor <= 1:
            return {}
        return {"timeout_base_s": self.base, "timeout_factor": self.factor,
                "network": self.network}  # fmt: skip


@dataclass(frozen=True)
class Timeouts:
    """The limits for actions without their own ``timeout:``: the file's, else the run's."""

    action: float | None = None
    """The file's ``timeout:``, else ini ``cx_action_timeout``; None: Playwright's 30 s."""
    expect: float | None = None
    """The file's ``expect_timeout:``, else ini ``cx_expect_timeout``; None: as ``action``, else
    Playwright's 5 s (files written before expect_timeout existed wait as they did)."""
    scale: bool = True
    """Actions' limits × the network's timeout_factor (ini ``cx_scale_timeouts``)."""

    def limit(self, action: Action, network: NetworkProfile) -> Limit:
        factor = network.timeout_factor if self.scale else 1.0
        if is_expect(action.kind):
            base = action.timeout or self.expect or self.action or EXPECT_TIMEOUT_S
            return Limit(base, network=network.name, expect=True, unscaled=factor)
        base = action.timeout or self.action or ACTION_TIMEOUT_S
        if factor <= 1:
            return Limit(base)
        return Limit(base, factor, network.name)
