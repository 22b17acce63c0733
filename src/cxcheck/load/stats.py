"""What a load run measures: per-endpoint numbers, the run second by second, its errors."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ALL_REQUESTS", "EndpointStats", "HistoryPoint", "LoadError", "Progress", "Stage"]

ALL_REQUESTS = "all requests"
"""How the aggregate of every endpoint is named in tables, thresholds and the report."""


@dataclass(frozen=True)
class Stage:
    """Hold ``users`` users (reached at ``spawn_rate`` users/s) for ``duration_s`` seconds.

    Ramp up, hold and ramp down are stages one after another: ``Stage(10, 50, 5)`` then
    ``Stage(60, 50, 5)`` then ``Stage(10, 0, 5)``.
    """

    duration_s: float
    users: int
    spawn_rate: float


@dataclass(frozen=True)
class Progress:
    """Where a running load test is, as of Locust's last history row (written every ~5 s)."""

    elapsed_s: float
    users: int
    rps: float
    p95_ms: float | None
    failures: int


@dataclass(frozen=True)
class EndpointStats:
    """One endpoint's numbers over the whole run (or all requests', named ``Aggregated``)."""

    name: str
    method: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    avg_ms: float

    @property
    def label(self) -> str:
        """``GET /api/products``, or ``all requests`` for the aggregate."""
        if not self.method and self.name == "Aggregated":
            return ALL_REQUESTS
        return f"{self.method} {self.name}".strip()

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class HistoryPoint:
    """All requests in one second of the run; rates are measured since the previous point."""

    t_s: float
    users: int
    rps: float
    failures_per_s: float
    p50_ms: float | None
    p95_ms: float | None
    """Locust's percentiles over its recent window; None before the first response."""


@dataclass(frozen=True)
class LoadError:
    """A kind of failure and how often it happened (``name`` is ``(exception)`` for a crash in
    the locustfile's own code rather than a failed request)."""

    method: str
    name: str
    error: str
    occurrences: int
