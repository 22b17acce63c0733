"""A failed test's (or step's) heaviest and slowest requests as a small waterfall: one row per
request, in the order they started, a bar from its start for its duration on the time scale of
the test or step, its size and its time (the ``requests`` template draws it)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from cxcheck.model.results import ItemResult, RequestTiming, Traffic
from cxcheck.outputs.report.text import plural, seconds

__all__ = ["EMPHASIS", "Bar", "Waterfall", "size", "waterfall", "waterfalls"]

EMPHASIS = 3
"""The heaviest and the slowest this many are shown in bold."""


@dataclass(frozen=True)
class Bar:
    name: str
    """The URL's path and query (its host when it is another origin's)."""
    url: str
    kind: str
    status: str
    """The HTTP status, ``failed`` or ``loading``."""
    size: str
    time: str
    x: str
    """Where the bar starts on a 0–100 scale of the waterfall's time span."""
    width: str
    heavy: bool
    slow: bool
    bad: bool
    """Failed, an HTTP error, or still loading when the test failed."""


@dataclass(frozen=True)
class Waterfall:
    title: str
    summary: str
    scale: str
    """The time the bars span, e.g. ``0 – 20.6 s``."""
    bars: list[Bar]


def size(n: int | None) -> str:
    """Bytes as people read them: 870 B, 12.4 KB, 3.1 MB; – when unknown."""
    if n is None:
        return "–"
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.1f} KB"
    return f"{n / 1_000_000:.1f} MB"


def waterfalls(r: ItemResult) -> list[Waterfall]:
    """Every waterfall of a result: its failed (or slow) steps', else the test's own."""
    out = [
        waterfall(s.traffic, f"Requests of step {s.index} · {s.name}")
        for s in r.steps
        if s.traffic is not None
    ]
    if r.traffic is not None:
        out.append(waterfall(r.traffic, "Requests when it failed"))
    return out


def waterfall(t: Traffic, title: str) -> Waterfall:
    """One waterfall: the heaviest and the slowest requests, each once, by start."""
    rows: dict[tuple[str, float, str], RequestTiming] = {}
    for req in [*t.heaviest, *t.slowest]:
        rows.setdefault((req.url, req.start_ms, req.method), req)
    heavy = {_key(req) for req in t.heaviest[:EMPHASIS]}
    slow = {_key(req) for req in t.slowest[:EMPHASIS]}
    span = max(t.span_ms, 1.0)
    first = min(rows.values(), key=lambda q: q.start_ms, default=None)
    origin = _origin(first.url) if first is not None else ""  # the page's own origin
    bars = []
    for req in sorted(rows.values(), key=lambda q: q.start_ms):
        end = t.span_ms if req.duration_ms is None else req.start_ms + req.duration_ms
        x = min(max(100.0 * req.start_ms / span, 0.0), 100.0)
        width = max(100.0 * (end - req.start_ms) / span, 0.4)
        pending = req.duration_ms is None and req.failure is None
        bars.append(
            Bar(
                name=_short(req.url, origin),
                url=req.url,
                kind=req.resource_type,
                status="failed" if req.failure else "loading" if pending else str(req.status),
                size=size(req.bytes),
                time=_time(req, t.span_ms),
                x=f"{x:.1f}",
                width=f"{min(width, 100.0 - x):.1f}" if x < 100 else "0.4",
                heavy=_key(req) in heavy,
                slow=_key(req) in slow,
                bad=bool(req.failure) or pending or (req.status or 0) >= 400,
            )
        )
    shown = len(rows)
    summary = f"{plural(t.requests, 'request')}, {size(t.bytes)} in {seconds(t.span_ms / 1000)}"
    if t.pending:
        summary += f"; {t.pending} still loading"
    if shown < t.requests:
        summary += f"; the {shown} heaviest and slowest shown"
    return Waterfall(title, summary, f"0 – {seconds(t.span_ms / 1000)}", bars)


def _time(req: RequestTiming, span_ms: float) -> str:
    """A request's time; one still loading, at least how long it had been loading."""
    if req.duration_ms is not None:
        return seconds(req.duration_ms / 1000)
    return f"> {seconds((span_ms - req.start_ms) / 1000)}"


def _key(req: RequestTiming) -> tuple[str, float, str]:
    return (req.url, req.start_ms, req.method)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _short(url: str, origin: str) -> str:
    """A URL without the test's own origin (``/img/hero.png``); another origin's keeps its
    host (``cdn.example.com/app.js``)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if f"{parts.scheme}://{parts.netloc}" == origin:
        return path or "/"
    return f"{parts.netloc}{path}" if parts.netloc else url
