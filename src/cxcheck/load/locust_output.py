"""Reading Locust's output files into numbers, during a run (progress) and after it.

What each file is used for (all in the run's folder, kept as evidence):

``locust.json`` (``--json-file``)
    Every endpoint's final counts and response-time histogram, written when Locust shuts down:
    the source of :attr:`LoadResult.endpoints` and :attr:`LoadResult.total`. (``locust_stats.csv``
    is rewritten once a second and not at shutdown, so it misses the last second of a run.)
``locust_stats_history.csv`` (``--csv`` with ``--csv-full-history``)
    One row a second per endpoint and for all requests: the source of :attr:`LoadResult.history`
    and of the progress reports while the run goes.
``locust_failures.csv``, ``locust_exceptions.csv``
    What failed and how often (as of Locust's last CSV write): :attr:`LoadResult.errors`.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxcheck.load.results import LoadResult
from cxcheck.load.stats import EndpointStats, HistoryPoint, LoadError, Progress
from cxcheck.model.errors import CxError

__all__ = ["PREFIX", "LoadRunError", "read_endpoints", "read_errors", "read_history",
           "read_progress", "read_results"]  # fmt: skip

PREFIX = "locust"
"""The ``--csv`` and ``--json-file`` prefix inside the run's folder."""


class LoadRunError(CxError):
    """Locust could not run, or ended without results to judge."""


def read_results(
    folder: Path, *, prefix: str = PREFIX, host: str = "", users: int = 0, workers: int = 0
) -> LoadResult:
    """A run Locust made elsewhere, e.g. a distributed run's master on other machines started
    with ``--json-file PREFIX --csv PREFIX --csv-full-history``: read its files in ``folder``
    so that ``check()`` and the report work as for :func:`~cxcheck.load.runner.run`. ``host``,
    ``users`` and ``workers`` only label the result."""
    try:
        endpoints, total = read_endpoints(folder / f"{prefix}.json")
    except OSError as exc:
        raise LoadRunError(
            f"no Locust results in {folder}: {exc}; run the master with --json-file {prefix} "
            f"--csv {prefix} --csv-full-history"
        ) from None
    history_file = folder / f"{prefix}_stats_history.csv"
    history = read_history(history_file) if history_file.is_file() else []
    span = history[-1].t_s if history else 0.0
    return LoadResult(
        endpoints=endpoints,
        total=total,
        history=history,
        duration_s=span,
        users=users or max((p.users for p in history), default=0),
        workers=workers,
        host=host,
        folder=folder,
        errors=read_errors(folder, prefix),
        stages=[],
        exit_code=0,
        elapsed_s=span,
    )


def read_endpoints(report: Path) -> tuple[list[EndpointStats], EndpointStats]:
    """Per-endpoint stats and the aggregate from Locust's ``--json-file`` ``report``; OSError
    when it cannot be read, LoadRunError when it is not Locust's."""
    try:
        return _endpoints(json.loads(report.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise LoadRunError(f"could not read Locust's results {report}: {exc}") from None


def _endpoints(entries: Sequence[Mapping[str, Any]]) -> tuple[list[EndpointStats], EndpointStats]:
    """Rates use Locust's own span (first request's start to last request), as its CSV does."""
    starts = [float(e["start_time"]) for e in entries]
    lasts = [float(e["last_request_timestamp"]) for e in entries if e["last_request_timestamp"]]
    span = max(lasts) - min(starts) if starts and lasts else 0.0
    rows = [_stats(str(e["name"]), str(e["method"] or ""), [e], span) for e in entries]
    rows.sort(key=lambda s: (s.name, s.method))
    return rows, _stats("Aggregated", "", entries, span)


def _stats(
    name: str, method: str, entries: Sequence[Mapping[str, Any]], span: float
) -> EndpointStats:
    """Locust's numbers for ``entries`` merged: counts, its percentile method, rates."""
    requests = sum(int(e["num_requests"]) for e in entries)
    timed = requests - sum(int(e.get("num_none_requests") or 0) for e in entries)
    times: dict[float, int] = {}
    for e in entries:
        for key, count in e["response_times"].items():
            times[float(key)] = times.get(float(key), 0) + int(count)
    slowest = max((float(e["max_response_time"]) for e in entries), default=0.0)
    mins = [float(e["min_response_time"]) for e in entries if e["min_response_time"] is not None]
    fastest = min(mins, default=0.0)

    def pct(p: float) -> float:  # Locust's histogram percentile, kept within the min and max
        return max(fastest, min(slowest, _percentile(times, timed, p)))

    total_time = sum(float(e["total_response_time"]) for e in entries)
    failures = sum(int(e["num_failures"]) for e in entries)
    return EndpointStats(name=name, method=method, requests=requests, failures=failures,
                         rps=requests / span if span > 0 else 0.0,
                         p50_ms=pct(0.5), p90_ms=pct(0.9), p95_ms=pct(0.95), p99_ms=pct(0.99),
                         max_ms=slowest, avg_ms=total_time / timed if timed else 0.0)  # fmt: skip


def _percentile(times: Mapping[float, int], count: int, percent: float) -> float:
    """As ``locust.stats.calculate_response_time_percentile``: walk down from the slowest."""
    below = int(count * percent)
    processed = 0
    for rt in sorted(times, reverse=True):
        processed += times[rt]
        if count - processed <= below:
            return rt
    return 0.0


@dataclass(frozen=True)
class _HistoryRow:
    ts: int
    users: int
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None


def _history_rows(path: Path) -> list[_HistoryRow]:
    """The ``Aggregated`` rows of ``_stats_history.csv`` (a half-written last line is skipped)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    rows = []
    for row in csv.DictReader(text.splitlines()):
        if row.get("Name") != "Aggregated":
            continue
        try:
            rows.append(_HistoryRow(int(row["Timestamp"]), int(row["User Count"]),
                                    int(row["Total Request Count"]),
                                    int(row["Total Failure Count"]),
                                    _ms(row["50%"]), _ms(row["95%"])))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            continue
    return rows


def _ms(text: str) -> float | None:
    return None if text in ("N/A", "") else float(text)


def read_history(path: Path) -> list[HistoryPoint]:
    """One point per row of ``_stats_history.csv``; rates from the change in total counts since
    the previous second (Locust's own "current" rps averages a window longer than a short run)."""
    rows = _history_rows(path)
    points = []
    previous: _HistoryRow | None = None
    for row in rows:
        rps, fps = _rates(previous, row)
        points.append(HistoryPoint(float(row.ts - rows[0].ts), row.users, rps, fps,
                                   row.p50_ms, row.p95_ms))  # fmt: skip
        if previous is None or row.ts > previous.ts:
            previous = row
    return points


def _rates(before: _HistoryRow | None, after: _HistoryRow) -> tuple[float, float]:
    if before is None or after.ts <= before.ts:
        return 0.0, 0.0
    dt = after.ts - before.ts
    return (after.requests - before.requests) / dt, (after.failures - before.failures) / dt


def read_progress(history: Path, elapsed_s: float) -> Progress | None:
    """The latest history row with users running, as progress; rps over the 5 s of rows before
    it. None before Locust has written such a row: "0 users 0.0 req/s" (no row yet, or the row
    Locust writes once it stopped its users) would be a number nobody measured."""
    rows = _history_rows(history)
    running = [r for r in rows if r.users > 0]
    if not running:
        return None
    last = running[-1]
    window = [r for r in rows if last.ts - 5 <= r.ts <= last.ts]
    rps, _ = _rates(window[0], last)
    return Progress(round(elapsed_s, 1), last.users, rps, last.p95_ms, last.failures)


def read_errors(folder: Path, prefix: str = PREFIX) -> list[LoadError]:
    """Failed requests (``_failures.csv``) and locustfile exceptions (``_exceptions.csv``)."""
    found = []
    for row in _csv_rows(folder / f"{prefix}_failures.csv"):
        with contextlib.suppress(KeyError, ValueError):
            found.append(LoadError(row["Method"], row["Name"], row["Error"],
                                   int(row["Occurrences"])))  # fmt: skip
    for row in _csv_rows(folder / f"{prefix}_exceptions.csv"):
        with contextlib.suppress(KeyError, ValueError):
            found.append(LoadError("", "(exception)", row["Message"], int(row["Count"])))
    return sorted(found, key=lambda e: -e.occurrences)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, csv.Error):
        return []
