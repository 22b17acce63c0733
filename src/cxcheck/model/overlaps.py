"""One problem that two checks found is one finding naming both: :func:`merge_overlaps`.

The layout check asks axe-core for two of its rules: ``target-size`` (its target-size check, on
touch devices) and ``meta-viewport`` (its zoom check). The accessibility scan runs the same
rules, so a page with a 20 px button used to get the same problem twice, once per check.

The rule: a ``layout`` finding is folded into an ``a11y`` finding when both

- come from the same axe rule (``check``: ``target-size`` or ``meta-viewport``),
- were found on the same page (``data["url"]``, the exact URL axe scanned), and
- every element the layout finding names (``data["targets"]``, axe's selectors, so the two
  checks spell an element alike) is one the a11y finding names too.

The a11y finding is the one kept (its kind, check, target and data: the baseline and the
run comparison know it by those), with the worse of the two severities, its first line saying
"found by axe (<rule>) and the layout check (<check>)", ``data["found_by"]`` listing each check
with its own severity and ``data["also_found_by"]`` holding the layout finding whole. A layout
finding that names an element the a11y finding does not (a 44 px minimum flags more than axe's
24 px) stays on its own: it says something the a11y finding does not. Nothing else overlaps:
the layout check's reflow and clipped-text checks have no axe rule, and an axe scan's *info*
line or a skipped frame belongs to each scan.

It runs where a journey step's findings are final and where a test's result is finished, so
every output (JSON, HTML, JUnit, terminal) reads the merged findings; merging is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cxcheck.model.results import Finding

# The axe rules both checks run, and what the layout check calls the check that runs each.
SHARED_RULES = {"target-size": "target size", "meta-viewport": "zoom"}
# Worst first: an error fails, a warning is shown, an ignored problem is still a problem.
_RANK = {"error": 0, "warning": 1, "ignored": 2, "info": 3}


def merge_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` (of one step or one test) with each layout finding that repeats an a11y
    finding merged into it; order kept, the merged finding where the earlier of the two was.
    Returns new findings; the ones given are not changed."""
    out: list[Finding | None] = list(findings)
    for j, late in enumerate(findings):
        key = _key(late)
        if late.kind != "layout" or key is None:
            continue
        for i, kept in enumerate(out):
            if kept is None or kept.kind != "a11y" or _key(kept) != key:
                continue
            if not set(_targets(late)) <= set(_targets(kept)):
                continue
            out[min(i, j)], out[max(i, j)] = _merged(kept, late), None
            break
    return [f for f in out if f is not None]


def _targets(finding: Finding) -> list[str]:
    targets = finding.data.get("targets")
    return [str(t) for t in targets] if isinstance(targets, list) else []


def _key(finding: Finding) -> tuple[str, str] | None:
    """The rule and the page, for a problem finding of a shared rule that names elements."""
    if finding.check not in SHARED_RULES or finding.severity == "info":
        return None
    if not _targets(finding) or not finding.data.get("url"):
        return None
    return str(finding.check), str(finding.data["url"])


def _merged(a11y: Finding, layout: Finding) -> Finding:
    rule = str(a11y.check)
    severity = min(a11y.severity, layout.severity, key=lambda s: _RANK.get(s, 0))
    data: dict[str, Any] = dict(a11y.data)
    found_by = list(data.get("found_by") or [_source(a11y)])
    data["found_by"] = [*found_by, _source(layout)]
    data["also_found_by"] = [
        *(data.get("also_found_by") or []),
        {
            "kind": layout.kind,
            "message": layout.message,
            "severity": layout.severity,
            "check": layout.check,
            "target": layout.target,
            "data": dict(layout.data),
        },
    ]
    first, _, rest = a11y.message.partition("\n")
    if "also_found_by" not in a11y.data:  # merged once already: its first line says so
        first += f" · found by axe ({rule}) and the layout check ({SHARED_RULES[rule]})"
    if layout.severity != a11y.severity:
        first += f" [axe: {a11y.severity}, layout check: {layout.severity}]"
    message = f"{first}\n{rest}" if rest else first
    return Finding(a11y.kind, message, severity, a11y.check, a11y.target, data)


def _source(finding: Finding) -> dict[str, Any]:
    return {"kind": finding.kind, "check": finding.check, "severity": finding.severity}
