"""Durations as people write them in budgets and limits: ``"3s"``, ``"250ms"``, ``"1.5m"``.

Budgets may differ per network: ``{"3g": "8s", "*": "2s"}`` (``"*"`` is the fallback).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cxcheck.model.errors import CxError

Budget = float | int | str | Mapping[str, float | int | str] | None

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")


def parse_duration(value: float | int | str, where: str = "budget") -> float:
    """``"3s"``, ``"250ms"``, ``"1.5m"`` or a number of seconds → seconds."""
    if isinstance(value, bool):
        raise CxError(f'{where}: {value!r} is not a duration; write e.g. "3s" or "250ms"')
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise CxError(f'{where}: {value!r} is not a duration; write e.g. "3s" or "250ms"')
        number, unit = float(match.group(1)), match.group(2) or "s"
        seconds = number / 1000 if unit == "ms" else number * 60 if unit == "m" else number
    if not 0 < seconds <= 3600:
        raise CxError(f"{where}: {value!r} is out of range: more than 0 and at most 1 hour")
    return seconds


def budget_for(budget: Budget, network: str, where: str = "budget") -> float | None:
    """The budget in seconds that applies on ``network``; a mapping may fall back on ``"*"``."""
    if budget is None:
        return None
    if isinstance(budget, Mapping):
        if network in budget:
            return parse_duration(budget[network], f"{where}[{network!r}]")
        if "*" in budget:
            return parse_duration(budget["*"], f"{where}['*']")
        return None
    return parse_duration(budget, where)


def format_seconds(seconds: float) -> str:
    """A duration as people read it: 840 ms, 1.24 s, 12.3 s, 2 min 05 s, 1 h 02 min."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
