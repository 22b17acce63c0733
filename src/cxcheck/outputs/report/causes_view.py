"""Failures grouped by cause: one line a cause, how many cells it failed, a link to each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cxcheck.model.reasons import causes
from cxcheck.outputs.report.matrix_view import Placed

__all__ = ["CauseView", "cause_views"]


@dataclass(frozen=True)
class Link:
    key: str
    """The result's panel anchor (``#i-<key>``)."""
    label: str
    outcome: str


@dataclass(frozen=True)
class CauseView:
    label: str
    kind: str
    links: list[Link]

    @property
    def count(self) -> int:
        return len(self.links)


def cause_views(placed: Sequence[Placed]) -> list[CauseView]:
    """Every failure's cause, the most widespread first, each linking to the cells it failed."""
    by_result = {id(p.result): p for p in placed}
    out = []
    for cause in causes([p.result for p in placed]):
        links = []
        for result in cause.results:
            p = by_result[id(result)]
            where = f" on {p.where}" if p.where else ""
            links.append(Link(p.key, f"{result.row}{where}", result.outcome))
        out.append(CauseView(cause.label, cause.kind, links))
    return out
