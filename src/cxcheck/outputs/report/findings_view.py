"""A result's findings (its own and its steps'), grouped by severity, as the panel lists them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from cxcheck.model.results import SEVERITIES, Finding, ItemResult, StepRecord

__all__ = ["FindingGroup", "findings"]

SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Info", "ignored": "Ignored"}
MAX_DATA_CHARS = 400
OWN_SECTION_KINDS = ("load",)
"""Finding kinds whose numbers a section of their own shows (a load run's tables and charts):
the findings list gives their message, not their data again."""


@dataclass(frozen=True)
class FindingItem:
    kind: str
    message: str
    ignored: bool
    step: str | None
    check: str | None
    target: str | None
    help_url: str | None
    data: str


@dataclass(frozen=True)
class FindingGroup:
    title: str
    css: str
    note: bool
    items: list[FindingItem]


def findings(r: ItemResult) -> list[FindingGroup]:
    found: list[tuple[Finding, StepRecord | None]] = [(f, None) for f in r.findings]
    found += [(f, s) for s in r.steps for f in s.findings]
    order = list(SEVERITIES) + sorted({f.severity for f, _ in found} - set(SEVERITIES))
    groups = []
    for severity in order:
        items = [_finding(f, s) for f, s in found if f.severity == severity]
        if items:
            css = severity if severity in SEVERITY_TITLES else "other"
            title = SEVERITY_TITLES.get(severity, severity)
            groups.append(FindingGroup(title, css, severity == "ignored", items))
    return groups


def _finding(f: Finding, step: StepRecord | None) -> FindingItem:
    help_url = f.data.get("help_url")
    # Only axe's own pages: a page under test could fake window.axe and its links.
    if not (isinstance(help_url, str) and help_url.startswith("https://dequeuniversity.com/")):
        help_url = None
    shows_data = f.data and f.kind not in OWN_SECTION_KINDS
    return FindingItem(
        kind=f.kind,
        message=f.message,
        ignored=f.severity == "ignored",
        step=f"step {step.index} · {step.name}" if step is not None else None,
        check=f.check or None,
        target=f.target or None,
        help_url=help_url,
        data=_data_text(f.data.items()) if shows_data else "",
    )


def _data_text(items: Iterable[tuple[str, object]]) -> str:
    parts = []
    for key, value in items:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        if len(text) > MAX_DATA_CHARS:
            text = text[:MAX_DATA_CHARS] + "…"
        parts.append(f"{key}: {text}")
    return " · ".join(parts)
