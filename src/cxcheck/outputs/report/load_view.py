"""The load section of a result's panel, from its ``load`` findings: thresholds, each run's
endpoints and charts over time, and the journey's steps under load.

Findings' data is read with the load package's own types (:mod:`cxcheck.load.summary`), so the
section shows what it can of a results file it does not fully understand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cxcheck.load.stats import ALL_REQUESTS
from cxcheck.load.summary import (
    EndpointSummary,
    HistoryEntry,
    LoadSummary,
    SlowdownData,
    ThresholdData,
)
from cxcheck.model.results import Finding, ItemResult
from cxcheck.outputs.report.charts import Chart, Series, line_chart, peak
from cxcheck.outputs.report.text import number, plural, seconds_or_dash, with_unit

__all__ = ["LoadSection", "load_section"]

METRIC_NAMES = {"avg": "average", "failure_ratio": "failure ratio", "min_rps": "requests/s"}
"""How a threshold's metric reads in the table; the others (p50 … p99, max) read as they are."""
THRESHOLD_MARKS = {"error": ("✗", "breached"), "warning": ("!", "warning")}
"""A threshold's mark and its word for screen readers; any other severity is ✓ (met)."""


@dataclass(frozen=True)
class ThresholdRow:
    bad: bool
    mark: str
    word: str
    metric: str
    limit: str
    measured: str
    target: str


@dataclass(frozen=True)
class EndpointRow:
    method: str
    name: str
    numbers: list[str]
    """Requests, failures, rps, p50, p95, p99 and max, as the table shows them."""
    failed: bool


@dataclass(frozen=True)
class RunView:
    title: int | None
    """The run's number when a result has several runs."""
    message: str
    host: str
    facts: list[str]
    endpoints: list[EndpointRow]
    total: EndpointRow | None
    charts: list[Chart]
    """Empty when the run recorded no history over time."""


@dataclass(frozen=True)
class SlowdownRow:
    bad: bool
    step: str
    baseline: str
    under_load: str
    ratio: str
    limit: str


@dataclass(frozen=True)
class LoadSection:
    thresholds: list[ThresholdRow]
    runs: list[RunView]
    slowdowns: list[SlowdownRow]


def load_section(r: ItemResult) -> LoadSection | None:
    """The section of ``r``'s panel; None when it has no load findings."""
    found = [f for f in r.all_findings if f.kind == "load"]
    if not found:
        return None
    runs = [f for f in found if f.check == "load-run"]
    judged = [(f, ThresholdData.from_data(f.data)) for f in found if f.check == "load-threshold"]
    breached_first = sorted(judged, key=lambda x: not x[0].failing)
    slowdowns = [f for f in found if f.check == "load-slowdown"]
    p95 = _p95_limit(judged)
    return LoadSection(
        thresholds=[_threshold(f, t) for f, t in breached_first],
        runs=[_run(f, p95, n if len(runs) > 1 else None) for n, f in enumerate(runs, start=1)],
        slowdowns=[_slowdown(f) for f in slowdowns],
    )


def _p95_limit(thresholds: Sequence[tuple[Finding, ThresholdData]]) -> tuple[float, str] | None:
    """The p95 limit the response-time chart draws: the one on all requests, else the first."""
    limits = [
        (t.limit, f.target or ALL_REQUESTS)
        for f, t in thresholds
        if t.metric == "p95" and t.limit is not None
    ]
    overall = [x for x in limits if x[1] == ALL_REQUESTS]
    return next(iter(overall or limits), None)


def _threshold(f: Finding, t: ThresholdData) -> ThresholdRow:
    metric = t.metric or f.check or ""
    mark, word = THRESHOLD_MARKS.get(f.severity, ("✓", "met"))
    bound = "" if t.limit is None else ("≥" if metric.startswith("min") else "≤")
    return ThresholdRow(
        bad=f.failing,
        mark=mark,
        word=word,
        metric=METRIC_NAMES.get(metric, metric),
        limit=f"{bound} {with_unit(t.limit, t.unit)}".strip(),
        measured=with_unit(t.measured, t.unit),
        target=f.target or ALL_REQUESTS,
    )


def _run(f: Finding, p95: tuple[float, str] | None, n: int | None) -> RunView:
    run = LoadSummary.from_data(f.data)
    counts = ((run.users, "user"), (run.workers, "worker"))
    facts = [plural(count, word) for count, word in counts if count is not None]
    if run.duration_s is not None:
        facts.append(f"{number(run.duration_s)} s")
    return RunView(
        title=n,
        message=f.message,
        host=run.host,
        facts=facts,
        endpoints=[_endpoint(e) for e in run.endpoints],
        total=_endpoint(run.total, ALL_REQUESTS) if run.total is not None else None,
        charts=_charts(run.history, p95),
    )


def _endpoint(e: EndpointSummary, name: str | None = None) -> EndpointRow:
    values = (e.requests, e.failures, e.rps, e.p50_ms, e.p95_ms, e.p99_ms, e.max_ms)
    return EndpointRow(
        method=e.method,
        name=name if name is not None else e.name,
        numbers=[number(v) for v in values],
        failed=bool(e.failures),
    )


def _slowdown(f: Finding) -> SlowdownRow:
    d = SlowdownData.from_data(f.data)
    return SlowdownRow(
        bad=f.failing,
        step=d.step or f.target or "",
        baseline=seconds_or_dash(d.baseline_s),
        under_load=seconds_or_dash(d.under_load_s),
        ratio="–" if d.ratio is None else f"× {number(d.ratio)}",
        limit="" if d.max_slowdown is None else f"× {number(d.max_slowdown)}",
    )


def _charts(history: Sequence[HistoryEntry], p95: tuple[float, str] | None) -> list[Chart]:
    """Requests/s (and users) and p50/p95 over the run; none without history."""
    points = sorted(history, key=lambda h: h.t_s)
    if not points:
        return []
    start = min(0.0, points[0].t_s)  # seconds since the run started: the axis starts with it
    span = f"{number(points[-1].t_s - start)} s"
    rps = [(h.t_s, h.rps) for h in points]
    users = [(h.t_s, h.users) for h in points]
    failed = [(h.t_s, h.failures_per_s) for h in points]
    p50 = [(h.t_s, h.p50_ms) for h in points]
    p95s = [(h.t_s, h.p95_ms) for h in points]
    load = [Series("requests/s", "s-rps", rps)]
    load_text = f"Requests per second over {span}: peak {number(peak(rps))} rps"
    if peak(failed):
        load.append(Series("failures/s", "s-fail", failed))
        load_text += f", failures up to {number(peak(failed))}/s"
    if peak(users) is not None:
        load.append(Series("users (right axis)", "s-users", users, right=True, step=True))
        load_text += f"; up to {number(peak(users))} users"
    time_text = (
        f"Response time over {span}: p50 up to {number(peak(p50))} ms, "
        f"p95 up to {number(peak(p95s))} ms"
    )
    limit, limit_label = None, ""
    if p95 is not None:
        limit = p95[0]
        over = sum(1 for _, v in p95s if v is not None and v > limit)
        target = "" if p95[1] == ALL_REQUESTS else f" ({p95[1]})"
        limit_label = f"p95 limit {number(limit)} ms{target}"
        time_text += f"; {limit_label}, exceeded in {over} of {len(p95s)} intervals"
    return [
        line_chart(load, summary=load_text + ".", x_label="seconds", y_label="rps",
                   y2_label="users", x_min=start),
        line_chart([Series("p50", "s-p50", p50), Series("p95", "s-p95", p95s)],
                   summary=time_text + ".", x_label="seconds", y_label="ms", x_min=start,
                   limit=limit, limit_label=limit_label),
    ]  # fmt: skip
