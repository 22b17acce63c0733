"""What load findings keep in their ``data``, typed: a run's numbers (``load-run``), a
threshold (``load-threshold``) and a journey step under load (``load-slowdown``).

``to_data()`` writes the plain JSON that goes into the results file; ``from_data()`` reads it
back for the report. Reading is forgiving on purpose: a
results file may come from another cxcheck version or another tool, and a report that shows what
it can beats one that fails on a field it does not understand. So every number read back is
optional (``None`` for a missing one, a string, a bool or NaN), and entries that are not objects
are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from cxcheck.load.stats import EndpointStats, HistoryPoint, LoadError, Stage

__all__ = ["EndpointSummary", "HistoryEntry", "LoadSummary", "SlowdownData", "ThresholdData",
           "number"]  # fmt: skip


def number(value: object) -> float | None:
    """A finite number from JSON data (an int stays an int), else None (bools, strings, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _text(value: object) -> str:
    return str(value) if value else ""


def _mapping(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


@dataclass(frozen=True)
class EndpointSummary:
    """One endpoint's numbers over the run (:class:`~cxcheck.load.stats.EndpointStats`)."""

    name: str = ""
    method: str = ""
    requests: float | None = None
    failures: float | None = None
    rps: float | None = None
    p50_ms: float | None = None
    p90_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    avg_ms: float | None = None

    @classmethod
    def of(cls, stats: EndpointStats) -> EndpointSummary:
        return cls(**asdict(stats))

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> EndpointSummary:
        numbers = {f.name: number(data.get(f.name)) for f in fields(cls)[2:]}
        return cls(_text(data.get("name")), _text(data.get("method")), **numbers)


@dataclass(frozen=True)
class HistoryEntry:
    """One second of the run (:class:`~cxcheck.load.stats.HistoryPoint`)."""

    t_s: float
    users: float | None = None
    rps: float | None = None
    failures_per_s: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None

    @classmethod
    def of(cls, point: HistoryPoint) -> HistoryEntry:
        return cls(**asdict(point))

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> HistoryEntry | None:
        """None for an entry without a time: it has no place on a chart."""
        t_s = number(data.get("t_s"))
        if t_s is None:
            return None
        return cls(t_s, **{f.name: number(data.get(f.name)) for f in fields(cls)[1:]})


def _stage(data: Mapping[str, Any]) -> Stage | None:
    duration_s, users, rate = (number(data.get(k)) for k in ("duration_s", "users", "spawn_rate"))
    if duration_s is None or users is None or rate is None:
        return None
    return Stage(duration_s, int(users), rate)


def _error(data: Mapping[str, Any]) -> LoadError | None:
    occurrences = number(data.get("occurrences"))
    if occurrences is None:
        return None
    method, name, error = (_text(data.get(k)) for k in ("method", "name", "error"))
    return LoadError(method, name, error, int(occurrences))


@dataclass(frozen=True)
class LoadSummary:
    """One load run: what it was asked for, what it measured, where its files are."""

    host: str = ""
    users: int | None = None
    """Peak users."""
    workers: int | None = None
    duration_s: float | None = None
    """The planned duration."""
    elapsed_s: float | None = None
    exit_code: int | None = None
    failure_ratio: float | None = None
    stages: tuple[Stage, ...] = ()
    total: EndpointSummary | None = None
    """All requests; None when the data has none."""
    endpoints: tuple[EndpointSummary, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    errors: tuple[LoadError, ...] = ()
    folder: str = ""
    """The run's Locust output files, kept as evidence."""

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data: what goes into a finding's ``data`` and the results file."""
        return {
            "host": self.host,
            "users": self.users,
            "workers": self.workers,
            "duration_s": self.duration_s,
            "elapsed_s": self.elapsed_s,
            "exit_code": self.exit_code,
            "failure_ratio": self.failure_ratio,
            "stages": [asdict(s) for s in self.stages],
            "total": self.total.to_data() if self.total is not None else None,
            "endpoints": [e.to_data() for e in self.endpoints],
            "history": [h.to_data() for h in self.history],
            "errors": [asdict(e) for e in self.errors],
            "folder": self.folder,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LoadSummary:
        def whole(key: str) -> int | None:
            value = number(data.get(key))
            return None if value is None else int(value)

        total = _mapping(data.get("total"))
        history = (HistoryEntry.from_data(h) for h in _mappings(data.get("history")))
        stages = (_stage(s) for s in _mappings(data.get("stages")))
        errors = (_error(e) for e in _mappings(data.get("errors")))
        return cls(
            host=_text(data.get("host")),
            users=whole("users"),
            workers=whole("workers"),
            duration_s=number(data.get("duration_s")),
            elapsed_s=number(data.get("elapsed_s")),
            exit_code=whole("exit_code"),
            failure_ratio=number(data.get("failure_ratio")),
            stages=tuple(s for s in stages if s is not None),
            # an empty object is no total either: there is nothing to show in its row
            total=EndpointSummary.from_data(total) if total else None,
            endpoints=tuple(EndpointSummary.from_data(e) for e in _mappings(data.get("endpoints"))),
            history=tuple(h for h in history if h is not None),
            errors=tuple(e for e in errors if e is not None),
            folder=_text(data.get("folder")),
        )


@dataclass(frozen=True)
class ThresholdData:
    """One threshold: its metric (``p95``, ``failure_ratio``, ``min_rps``...), its limit and the
    measured value, in ``unit`` (``ms``, ``ratio`` or ``req/s``)."""

    metric: str = ""
    limit: float | None = None
    measured: float | None = None
    unit: str = ""

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ThresholdData:
        return cls(
            _text(data.get("metric")),
            number(data.get("limit")),
            number(data.get("measured")),
            _text(data.get("unit")),
        )


@dataclass(frozen=True)
class SlowdownData:
    """One journey step timed without load and under it."""

    step: str = ""
    baseline_s: float | None = None
    under_load_s: float | None = None
    ratio: float | None = None
    max_slowdown: float | None = None
    """None: no limit."""

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SlowdownData:
        numbers = {f.name: number(data.get(f.name)) for f in fields(cls)[1:]}
        return cls(_text(data.get("step")), **numbers)
