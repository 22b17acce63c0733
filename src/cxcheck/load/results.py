"""What one load run measured (:class:`LoadResult`), and holding it to thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxcheck.load.stats import ALL_REQUESTS, EndpointStats, HistoryPoint, LoadError, Stage
from cxcheck.load.summary import EndpointSummary, HistoryEntry, LoadSummary
from cxcheck.load.thresholds import (
    LoadThresholdError,
    broken_summary,
    judge,
    limit_of,
    threshold_report,
)
from cxcheck.model.errors import CxError
from cxcheck.model.results import Finding
from cxcheck.model.text import did_you_mean

__all__ = ["LoadResult"]


@dataclass
class LoadResult:
    """What one load run measured, read from Locust's output files in ``folder``."""

    endpoints: list[EndpointStats]
    total: EndpointStats
    history: list[HistoryPoint]
    duration_s: float
    """The planned duration: ``run_time``, or the stages' sum."""
    users: int
    """Peak users: ``users``, or the largest stage."""
    workers: int
    host: str
    folder: Path
    errors: list[LoadError] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    """The stages asked for (none for a plain run)."""
    exit_code: int = 0
    """Locust's: 1 when some requests failed (still a result to judge)."""
    elapsed_s: float = 0.0
    """Wall time of the Locust processes, start-up and shut-down included."""

    @property
    def failure_ratio(self) -> float:
        """Failed requests / all requests, 0.0 to 1.0."""
        return self.total.failure_ratio

    def summary(self) -> LoadSummary:
        """The run as it is kept in its finding's data (:meth:`LoadSummary.to_data`)."""
        return LoadSummary(
            host=self.host,
            users=self.users,
            workers=self.workers,
            duration_s=self.duration_s,
            elapsed_s=round(self.elapsed_s, 3),
            exit_code=self.exit_code,
            failure_ratio=self.failure_ratio,
            stages=tuple(self.stages),
            total=EndpointSummary.of(self.total),
            endpoints=tuple(EndpointSummary.of(e) for e in self.endpoints),
            history=tuple(HistoryEntry.of(h) for h in self.history),
            errors=tuple(self.errors),
            folder=str(self.folder),
        )

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data: what goes into a finding's ``data`` and the results file."""
        return self.summary().to_data()

    def table(self) -> str:
        """The endpoints and the total as a fixed-width text table, for terminal output."""
        headers = ["endpoint", "reqs", "fails", "rps", "p50", "p95", "p99", "max", "avg"]
        rows = [_table_row(e) for e in [*self.endpoints, self.total]]
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells: Sequence[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest])

        rule = "  ".join("-" * w for w in widths)
        body = [line(r) for r in rows]
        return "\n".join([line(headers) + "  (ms)", rule, *body[:-1], rule, body[-1]])

    def summary_finding(self) -> Finding:
        """One info finding for the run: its numbers in a line, all of them in ``data``."""
        t = self.total
        workers = f" on {self.workers} workers" if self.workers else ""
        message = (
            f"{t.requests} requests, {t.rps:.1f} rps, p95 {t.p95_ms:.0f} ms, {t.failures} "
            f"failures over {self.duration_s:g} s with {self.users} users{workers}"
        )
        return Finding(
            "load", message, "info", check="load-run", target=self.host, data=self.to_data()
        )

    def check(
        self,
        *,
        p50: float | str | None = None,
        p90: float | str | None = None,
        p95: float | str | None = None,
        p99: float | str | None = None,
        max: float | str | None = None,  # the metric's name, as k6 spells it
        avg: float | str | None = None,
        failure_ratio: float | str | None = None,
        min_rps: float | None = None,
        endpoint: str | None = None,
    ) -> list[Finding]:
        """Hold the run to thresholds; one finding per threshold, raising if any is broken.

        Durations are ``"500ms"``, ``"2s"`` or seconds; ``failure_ratio`` is a fraction
        (``0.01``) or a percentage (``"1%"``); ``min_rps`` is requests per second. A threshold
        passes when the measured value is within it, limit included (p95 of exactly 500 ms meets
        ``p95="500ms"``). ``endpoint`` (a name as Locust reports it, or ``"GET /name"``) judges
        one endpoint instead of all requests.

        Returns info findings when all pass; otherwise raises :class:`LoadThresholdError`
        carrying every finding, with a k6-style table as its message.
        """
        __tracebackhide__ = True
        given = {"p50": p50, "p90": p90, "p95": p95, "p99": p99, "max": max, "avg": avg,
                 "failure_ratio": failure_ratio, "min_rps": min_rps}  # fmt: skip
        limits = {k: limit_of(k, v) for k, v in given.items() if v is not None}
        if not limits:
            raise CxError(
                "LoadResult.check() needs at least one threshold, e.g. "
                "check(p95='500ms', failure_ratio=0.01, min_rps=100)"
            )
        stats = self._endpoint(endpoint)
        target = endpoint if endpoint is not None else ALL_REQUESTS
        findings = [judge(k, limit, stats, target) for k, limit in limits.items()]
        broken = [f for f in findings if f.failing]
        if broken:
            workers = f", {self.workers} workers" if self.workers else ""
            # The first line names what broke: it is all a one-line summary of the failure shows.
            head = (
                f"load threshold broken: {broken_summary(findings)}; on {self.host} "
                f"({self.users} users, {self.duration_s:g} s{workers}), {len(broken)} of "
                f"{len(findings)} failed"
            )
            raise LoadThresholdError(threshold_report(head, findings), findings)
        from cxcheck.model.findings import record, recording

        if recording():  # in a cxcheck test: the thresholds that held are in its results too
            record(findings)
        return findings

    def _endpoint(self, name: str | None) -> EndpointStats:
        """The endpoint called ``name`` (or ``METHOD name``); the total when None."""
        if name is None:
            return self.total
        hits = [e for e in self.endpoints if name in (e.name, e.label)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            methods = ", ".join(sorted(e.method for e in hits))
            raise CxError(
                f"load endpoint {name!r} was requested with several methods ({methods}): "
                f"name one, e.g. endpoint={hits[0].label!r}"
            )
        known = [e.name for e in self.endpoints] + [e.label for e in self.endpoints]
        hint = did_you_mean(name, known, quote="{!r}", n=3)
        listed = ", ".join(repr(e.name) for e in self.endpoints) or "none"
        raise CxError(
            f"load run on {self.host} has no endpoint {name!r}.{hint} "
            f"Its endpoints (as the locustfile names them): {listed}"
        )


def _table_row(e: EndpointStats) -> list[str]:
    return [e.label, str(e.requests), str(e.failures), f"{e.rps:.1f}",
            *(f"{v:.0f}" for v in (e.p50_ms, e.p95_ms, e.p99_ms, e.max_ms, e.avg_ms))]  # fmt: skip
