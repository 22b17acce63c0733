"""How fast a cell's CPU ran: the target score, this machine's score and the rate used.

A device profile may name the CPU it stands for as a Lighthouse BenchmarkIndex score
(``cpu = "mid-tier"`` is 1000); :mod:`cxcheck.browser.calibration` finds the throttling rate at
which this machine scores that, and each cell records what it got here (``ItemResult.cpu``).
Plain data: no browser in here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# How the rate was chosen.
CALIBRATED = "calibrated"  # bisected until this machine scored the target
TOO_WEAK = "too-weak"  # this machine scores below the target: ran unthrottled
FIXED = "fixed"  # the profile's cpu_slowdown (calibration off, or not Chromium)
METHODS = (CALIBRATED, TOO_WEAK, FIXED)
# A calibration whose best score is further off than this is said to be (a warning): beyond the
# scatter of a benchmark run on a loaded machine, and about the gap between two phone classes.
OFF_TARGET = 0.25


@dataclass
class CpuCalibration:
    """The CPU of one cell whose device names a target score."""

    target: int
    """The Lighthouse BenchmarkIndex the device stands for (mid-tier 1000, low-tier 264)."""
    rate: float
    """The CPU throttling rate the cell ran at (``Emulation.setCPUThrottlingRate``)."""
    method: str = CALIBRATED
    host_score: float | None = None
    """This machine's unthrottled score when it was calibrated; None: not measured."""
    score: float | None = None
    """The score measured at ``rate`` (the calibration's last run there)."""
    tries: int = 0
    """Benchmark runs the calibration took, the warm-up and the host's own included."""
    seconds: float = 0.0
    """What the calibration cost; 0 for a cell that reused the worker's."""
    busy: bool = False
    """The machine was busy (load above its cores) when it was calibrated."""

    @property
    def off_target(self) -> bool:
        """Calibrated, but its best score missed the target by more than :data:`OFF_TARGET`:
        the machine was too noisy for its 8 tries (the cell's CPU is only roughly the device's)."""
        if self.method != CALIBRATED or self.score is None:
            return False
        return abs(self.score - self.target) > OFF_TARGET * self.target

    @property
    def describe(self) -> str:
        """One line: ``×3.21 → 1004 (target 1000; host 3212)``."""
        if self.method == FIXED:
            return f"×{self.rate:g} fixed (target {self.target} not calibrated)"
        host = f"host {self.host_score:.0f}" if self.host_score is not None else "host ?"
        if self.method == TOO_WEAK:
            return f"×1 unthrottled: {host} is below the target {self.target}"
        got = f" → {self.score:.0f}" if self.score is not None else ""
        return f"×{self.rate:g}{got} (target {self.target}; {host})"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CpuCalibration:
        def number(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        return cls(
            target=int(data["target"]),
            rate=float(data["rate"]),
            method=str(data.get("method", CALIBRATED)),
            host_score=number("host_score"),
            score=number("score"),
            tries=int(data.get("tries", 0)),
            seconds=float(data.get("seconds", 0.0)),
            busy=bool(data.get("busy", False)),
        )


def cpu_summary(cells: Iterable[CpuCalibration | None]) -> str | None:
    """The run's CPU calibration in one line, per target: ``1000: ×3.1–3.4 (host 2890–3120)``;
    None when no cell had a target."""
    by_target: dict[int, list[CpuCalibration]] = {}
    for c in cells:
        if c is not None:
            by_target.setdefault(c.target, []).append(c)
    if not by_target:
        return None
    parts = []
    for target, found in sorted(by_target.items()):
        rates = sorted({c.rate for c in found})
        hosts = sorted(c.host_score for c in found if c.host_score is not None)
        text = f"target {target}: ×{_span(rates)}"
        if hosts:
            text += f" (host {_span([round(h) for h in hosts], '.0f')})"
        weak = sum(1 for c in found if c.method == TOO_WEAK)
        fixed = sum(1 for c in found if c.method == FIXED)
        if weak:
            text += f", {weak} cell{'s' if weak > 1 else ''} unthrottled: host too weak"
        if fixed:
            text += f", {fixed} at the fixed factor"
        parts.append(text)
    return "; ".join(parts)


def _span(values: Sequence[float], spec: str = "g") -> str:
    lo, hi = min(values), max(values)
    return format(lo, spec) if lo == hi else f"{format(lo, spec)}–{format(hi, spec)}"
