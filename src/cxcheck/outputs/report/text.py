"""How the report writes numbers, times and outcomes: shared by its views and its templates."""

from __future__ import annotations

from datetime import UTC, datetime

from cxcheck.model.durations import format_seconds
from cxcheck.model.results import OUTCOMES

__all__ = ["ICONS", "budget", "first_line", "number", "outcome_class", "plural", "rank", "seconds",
           "seconds_or_dash", "when", "with_unit"]  # fmt: skip

ICONS = {"failed": "✕", "error": "!", "flaky": "↻", "not-run": "–", "skipped": "»", "passed": "✓"}

seconds = format_seconds


def outcome_class(outcome: str) -> str:
    """The CSS class that colours an outcome (``o-failed``), ``o-other`` for one it does not
    know."""
    return f"o-{outcome}" if outcome in ICONS else "o-other"


def rank(outcome: str) -> int:
    return OUTCOMES.index(outcome) if outcome in OUTCOMES else len(OUTCOMES)


def budget(limit_s: float) -> str:
    return f"{limit_s:g} s"


def first_line(text: str | None) -> str:
    return (text or "").strip().split("\n", 1)[0]


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def number(value: float | None) -> str:
    """A measured number, short: 812, 41.1, 0.421, 12,345; – when there is none."""
    if value is None:
        return "–"
    if abs(value) >= 999.5:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ratio":
        percent = f"{value * 100:.2f}".rstrip("0").rstrip(".")
        return f"{percent} %"
    return f"{number(value)} {unit}".rstrip()


def seconds_or_dash(value: float | None) -> str:
    return "–" if value is None else format_seconds(value)
