"""Every request of a browser context, kept cheaply, and the heaviest and slowest of them when a
test or a step fails: what a waterfall shows (a 3 MB hero image behind a 20 s load).

While the test runs, each request costs one reference and a time stamp: nothing is asked of
the browser. Only when a failure is recorded (:meth:`TrafficRecorder.summary`) are the finished
requests sized, one ``request.sizes()`` round trip each, within a time limit (after it, the
``Content-Length`` header stands in). Times are Playwright's ``request.timing``: ``startTime``
(ms since the epoch) and ``responseEnd`` (ms after it).
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxcheck.model.results import RequestTiming, Traffic

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request

__all__ = ["TOP", "TrafficRecorder", "traffic_of"]

TOP = 8
"""How many of the heaviest and of the slowest requests a summary keeps."""
MAX_REQUESTS = 5_000
"""Requests remembered per context: a page that polls for an hour must not fill the memory."""
SIZES_S = 2.0
"""How long a summary may spend asking the browser for sizes (a round trip per request)."""

# Each context's recorder, so that a journey step can ask for the requests of its own time.
_RECORDERS: weakref.WeakKeyDictionary[Any, TrafficRecorder] = weakref.WeakKeyDictionary()


@dataclass
class _Seen:
    request: Request
    seen_ms: float
    """When the ``request`` event arrived (the start, until the response says better)."""
    ended_ms: float | None = None
    failure: str | None = None


class TrafficRecorder:
    """Remembers each request of one browser context, for a summary when something fails."""

    def __init__(self, context: BrowserContext) -> None:
        self.started_ms = time.time() * 1000
        self.seen: list[_Seen] = []
        self.dropped = 0
        self._by_request: dict[int, _Seen] = {}
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_finished)
        context.on("requestfailed", self._on_failed)
        _RECORDERS[context] = self

    def _on_request(self, request: Request) -> None:
        if len(self.seen) >= MAX_REQUESTS:
            self.dropped += 1
            return
        entry = _Seen(request, time.time() * 1000)
        self.seen.append(entry)
        self._by_request[id(request)] = entry

    def _on_finished(self, request: Request) -> None:
        entry = self._by_request.get(id(request))
        if entry is not None:
            entry.ended_ms = time.time() * 1000

    def _on_failed(self, request: Request) -> None:
        entry = self._by_request.get(id(request))
        if entry is not None:
            entry.ended_ms = time.time() * 1000
            entry.failure = request.failure or "failed"

    def summary(
        self,
        since_ms: float | None = None,
        until_ms: float | None = None,
        top: int = TOP,
        sizes_s: float = SIZES_S,
    ) -> Traffic | None:
        """The requests that started between ``since_ms`` and ``until_ms`` (epoch ms; default:
        the whole context, until now): totals, and the ``top`` heaviest and slowest; None when
        there were none."""
        since = self.started_ms if since_ms is None else since_ms
        now = time.time() * 1000 if until_ms is None else until_ms
        timed = [(_start_ms(e), e) for e in self.seen]
        chosen = [(start, e) for start, e in timed if since - 1 <= start <= now]
        if not chosen:
            return None
        rows = [self._row(e, start, since, now) for start, e in chosen]
        _measure(rows, [e for _, e in chosen], top, time.monotonic() + sizes_s)
        pending = sum(1 for row in rows if row.duration_ms is None)
        ends = [row.start_ms + (row.duration_ms or 0.0) for row in rows]
        span = max([now - since if pending else 0.0, *ends])
        by_bytes = sorted((r for r in rows if r.bytes), key=lambda r: -(r.bytes or 0))
        by_time = sorted(rows, key=lambda r: -_elapsed(r, span))
        return Traffic(
            requests=len(rows) + (self.dropped if since_ms is None else 0),
            bytes=sum(r.bytes or 0 for r in rows),
            pending=pending,
            span_ms=round(span, 1),
            heaviest=by_bytes[:top],
            slowest=by_time[:top],
        )

    def _row(self, e: _Seen, start: float, since: float, now: float) -> RequestTiming:
        """A request as plain data; its bytes, for now, its ``Content-Length`` (the encoded
        body, when the server sent one)."""
        request = e.request
        response = request.existing_response
        end = request.timing.get("responseEnd", -1)
        duration: float | None = None
        if e.failure is not None and e.ended_ms is not None:
            duration = max(0.0, e.ended_ms - start)
        elif e.ended_ms is not None and e.ended_ms <= now + 1:
            duration = float(end) if end is not None and end >= 0 else e.ended_ms - start
        length = ""
        if response is not None and duration is not None and e.failure is None:
            length = response.headers.get("content-length", "")
        return RequestTiming(
            url=request.url,
            method=request.method,
            resource_type=request.resource_type,
            status=response.status if response is not None and duration is not None else None,
            bytes=int(length) if length.isdigit() else None,
            start_ms=round(start - since, 1),
            duration_ms=None if duration is None else round(duration, 1),
            failure=e.failure,
        )


def _measure(rows: list[RequestTiming], seen: list[_Seen], top: int, deadline: float) -> None:
    """Exact transfer sizes (headers plus encoded body, ``request.sizes()``) for the requests
    that may be among the heaviest: the largest by ``Content-Length`` and those without one
    (chunked). A round trip each, so not for every request of a busy page."""
    finished = [i for i, r in enumerate(rows) if r.status is not None]
    unknown = [i for i in finished if rows[i].bytes is None]
    known = sorted((i for i in finished if rows[i].bytes is not None),
                   key=lambda i: -(rows[i].bytes or 0))  # fmt: skip
    for i in [*known[: 2 * top], *unknown]:
        size = _size(seen[i].request, deadline)
        if size is not None:
            rows[i].bytes = size


def _start_ms(e: _Seen) -> float:
    """When a request started: the browser's own time once a response arrived, else when its
    ``request`` event was seen."""
    started = e.request.timing.get("startTime", 0)
    return float(started) if started and started > 0 else e.seen_ms


def _elapsed(row: RequestTiming, span: float) -> float:
    """A request's time, a pending one's so far (it may be the slowest of all: a hung call)."""
    return row.duration_ms if row.duration_ms is not None else span - row.start_ms


def _size(request: Request, deadline: float) -> int | None:
    """Transfer bytes: response headers plus the encoded body, as the browser received them;
    None past the deadline or when the browser cannot say."""
    from playwright.sync_api import Error

    if time.monotonic() >= deadline:
        return None
    try:
        sizes = request.sizes()
    except Error:
        return None  # the page or context went away: Content-Length is all there is
    return int(sizes["responseHeadersSize"]) + int(sizes["responseBodySize"])


def traffic_of(context: BrowserContext) -> TrafficRecorder | None:
    """The recorder cxcheck attached to ``context`` (None for a context made elsewhere)."""
    return _RECORDERS.get(context)
