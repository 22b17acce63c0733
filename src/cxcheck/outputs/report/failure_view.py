"""What a failed test looked like and loaded at the moment it failed: pictures of its open pages
(``failure.jpg``) and the waterfalls of its heaviest and slowest requests, as the ``failure``
template shows them inside a result's panel."""

from __future__ import annotations

from dataclasses import dataclass

from cxcheck.model.results import ItemResult
from cxcheck.outputs.report.evidence import Evidence
from cxcheck.outputs.report.requests_view import Waterfall, waterfalls

__all__ = ["Failure", "FailureShot", "failure"]


@dataclass(frozen=True)
class FailureShot:
    url: str
    """The picture's copy (the link to its full size)."""
    caption: str
    src: str = ""
    """What the ``<img>`` shows: the URL, or the picture itself in a single-file report."""


@dataclass(frozen=True)
class Failure:
    shots: list[FailureShot]
    waterfalls: list[Waterfall]


def failure(r: ItemResult, urls: Evidence) -> Failure | None:
    """The failure evidence of a result whose files were copied to ``urls``; None without any."""
    shots = []
    pages = [name for name in r.failure_screenshots if name in urls.links]
    for n, name in enumerate(pages, start=1):
        caption = "when it failed" if len(pages) == 1 else f"page {n} when it failed"
        shots.append(FailureShot(urls.links[name], caption, urls.src(name) or urls.links[name]))
    found = waterfalls(r)
    if not shots and not found:
        return None
    return Failure(shots, found)
