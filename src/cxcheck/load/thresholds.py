"""k6-style load thresholds (``p95="500ms"``, ``failure_ratio=0.01``, ``min_rps=100``): each
one judged as a finding of kind ``load``, and the table a broken one raises with."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cxcheck.load.stats import EndpointStats
from cxcheck.load.summary import ThresholdData
from cxcheck.model.durations import parse_duration
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError
from cxcheck.model.results import Finding

__all__ = ["METRICS", "LoadThresholdError", "judge", "limit_of", "threshold_report"]


class LoadThresholdError(JourneyStepError):
    """A load threshold was broken.

    A :class:`~cxcheck.journey.JourneyStepError` (so an ``AssertionError``) whose ``findings``
    are every threshold's finding: the plugin records them where the failure lands.
    """


@dataclass(frozen=True)
class _Metric:
    label: str
    unit: str
    upper: bool
    """True: the measured value must stay at or under the limit; False: at or over it."""


METRICS: dict[str, _Metric] = {
    "p50": _Metric("p(50)", "ms", True),
    "p90": _Metric("p(90)", "ms", True),
    "p95": _Metric("p(95)", "ms", True),
    "p99": _Metric("p(99)", "ms", True),
    "max": _Metric("max", "ms", True),
    "avg": _Metric("avg", "ms", True),
    "failure_ratio": _Metric("failure ratio", "ratio", True),
    "min_rps": _Metric("rps", "req/s", False),
}


def limit_of(metric: str, value: float | str) -> float:
    """A threshold's limit in the unit its finding reports: ms, a 0-1 ratio, or req/s."""
    where = f"load threshold {metric}"
    unit = METRICS[metric].unit
    if unit == "ms":
        return parse_duration(value, where) * 1000
    if isinstance(value, bool):
        raise CxError(f"{where}: {value!r} is not a number")
    if unit == "ratio":
        return _ratio(value, where)
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise CxError(f"{where}: {value!r} is not a rate; write requests per second, e.g. 100")
    return float(value)


def _ratio(value: float | str, where: str) -> float:
    """``0.01`` or ``"1%"`` → 0.01."""
    text = str(value).strip()
    try:
        ratio = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        ratio = math.nan
    if not 0 <= ratio <= 1:
        raise CxError(f'{where}: {value!r} is not a ratio; write a fraction (0.01) or "1%"')
    return ratio


def judge(metric: str, limit: float, stats: EndpointStats, target: str) -> Finding:
    """One threshold's finding: info when met, error when broken."""
    spec = METRICS[metric]
    measured = _measure(metric, stats)
    ok = measured <= limit if spec.upper else measured >= limit
    data = ThresholdData(metric, limit, measured, spec.unit).to_data()
    verdict = "met" if ok else "broken"
    message = f"load threshold {_condition(data)} {verdict}: measured {_measured(data)} ({target})"
    return Finding("load", message, "info" if ok else "error", "load-threshold", target, data)


def _measure(metric: str, s: EndpointStats) -> float:
    values = {"p50": s.p50_ms, "p90": s.p90_ms, "p95": s.p95_ms, "p99": s.p99_ms,
              "max": s.max_ms, "avg": s.avg_ms, "failure_ratio": s.failure_ratio,
              "min_rps": s.rps}  # fmt: skip
    return float(values[metric])


def _condition(data: Mapping[str, Any]) -> str:
    """``p(95) ≤ 500 ms``, ``failure ratio ≤ 1%``, ``rps ≥ 100``."""
    spec = METRICS[data["metric"]]
    op = "≤" if spec.upper else "≥"
    limit = float(data["limit"])
    if spec.unit == "ms":
        return f"{spec.label} {op} {limit:g} ms"
    if spec.unit == "ratio":
        return f"{spec.label} {op} {limit * 100:g}%"
    return f"{spec.label} {op} {limit:g}"


def _measured(data: Mapping[str, Any]) -> str:
    unit, value = data["unit"], float(data["measured"])
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    return f"{value:.1f}"


def broken_summary(findings: Sequence[Finding]) -> str:
    """The broken thresholds in one line: ``p(95) ≤ 300 ms (measured 580 ms)``."""
    return "; ".join(
        f"{_condition(f.data)} (measured {_measured(f.data)})" for f in findings if f.failing
    )


def threshold_report(head: str, findings: Sequence[Finding]) -> str:
    """``head``, then the k6-style table: one line per threshold, ✗ broken, ✓ met."""
    rows = [
        ("✗" if f.failing else "✓", _condition(f.data), f"measured {_measured(f.data)}")
        for f in findings
    ]
    cond_w = max(len(r[1]) for r in rows)
    meas_w = max(len(r[2]) for r in rows)
    lines = [
        f"  {mark} {cond.ljust(cond_w)}  {meas.ljust(meas_w)}  ({f.target})"
        for (mark, cond, meas), f in zip(rows, findings, strict=True)
    ]
    return "\n".join([head, *lines])
