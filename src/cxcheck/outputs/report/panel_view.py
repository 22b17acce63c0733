"""One result's panel: its summary line, and a body with its message, steps against budgets,
screenshots, findings, load runs, trace and other files, as the ``panel`` template shows them."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cxcheck.journey.filmstrip import FILMSTRIP_FILE
from cxcheck.model.results import SEVERITIES, Finding, ItemResult, StepRecord
from cxcheck.outputs.report.evidence import copy_evidence
from cxcheck.outputs.report.load_view import LoadSection, load_section
from cxcheck.outputs.report.matrix_view import Placed
from cxcheck.outputs.report.text import budget, first_line, plural, seconds, when

__all__ = ["Body", "Panel", "panel"]

SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Info", "ignored": "Ignored"}
# Web Vitals "good" and "poor" thresholds (web.dev); between them "needs improvement".
VITALS = (("ttfb", 800, 1800), ("fcp", 1800, 3000), ("lcp", 2500, 4000), ("cls", 0.1, 0.25),
          ("inp", 200, 500))  # fmt: skip
# Longer error reports are cut in the page (the JSON results keep them whole).
MAX_ERROR_CHARS = 20_000
MAX_DATA_CHARS = 400
OWN_SECTION_KINDS = ("load",)
"""Finding kinds whose numbers a section of their own shows (a load run's tables and charts):
the findings list gives their message, not their data again."""


@dataclass(frozen=True)
class Problem:
    """A failed request, console error or page error of a step."""

    kind: str
    text: str
    status: int | None = None
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class StepRow:
    index: int
    name: str
    bad: bool
    bar_width: str
    budget_x: str | None
    """Where the budget marker stands on the bar; None without a budget."""
    time: str
    budget: str
    requests: int
    kb: str
    vitals: list[tuple[str, str] | None]
    """(grade, text) of each of :data:`VITALS`; None where it was not measured."""
    error: str | None
    problems: list[Problem]


@dataclass(frozen=True)
class Steps:
    has_budget: bool
    has_traffic: bool
    has_vitals: bool
    width: int
    rows: list[StepRow]
    vitals: tuple[str, ...] = tuple(name.upper() for name, _, _ in VITALS)


@dataclass(frozen=True)
class Picture:
    url: str
    alt: str
    caption: str
    bad: bool = False


@dataclass(frozen=True)
class Snapshot:
    target: str
    pictures: list[Picture]


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


@dataclass(frozen=True)
class Trace:
    url: str
    name: str
    command: str


@dataclass(frozen=True)
class Body:
    nodeid: str
    facts: list[tuple[str, str]]
    """(label, value): engine, browser, worker."""
    started: str | None
    machine: str | None
    """The machine's load average around the test, e.g. ``0.60 → 0.90 on 8 CPUs``."""
    busy: bool
    message: str | None
    error: str | None
    steps: Steps | None
    filmstrip: Picture | None
    shots: list[Picture]
    snapshots: list[Snapshot]
    load: LoadSection | None
    findings: list[FindingGroup]
    finding_count: int
    trace: Trace | None
    files: list[tuple[str, str]]
    """(name, url) of the evidence files no other part shows."""


@dataclass(frozen=True)
class Attempt:
    """An earlier attempt of a rerun test."""

    n: int
    outcome: str
    duration: str
    message: str
    body: Body


@dataclass(frozen=True)
class Panel:
    key: str
    outcome: str
    device: str
    network: str
    place: str
    """Where the summary says it ran: its device and network, or its cell."""
    file: str
    row: str
    busy: bool
    """The machine was busier than its CPUs during the test."""
    duration: str | None
    """None for a result that did not run."""
    message: str
    nodeid: str
    body: Body
    attempts: list[Attempt]
    inline: bool
    """Its body is in the page's markup; otherwise in a data block, built when opened."""
    search: str
    """What the text filter matches when the body is not in the markup."""


def panel(p: Placed, files_root: Path, *, inline: bool) -> Panel:
    """The panel of a placed result, its evidence (and its attempts') copied under
    ``files_root``."""
    r = p.result
    urls = copy_evidence(r, files_root, p.key)
    attempts = []
    for n, a in enumerate(r.attempts, start=1):
        copied = copy_evidence(a, files_root, f"{p.key}-attempt-{n}")
        attempts.append(
            Attempt(n, a.outcome, seconds(a.duration_s), first_line(a.message), body(a, copied))
        )
    return Panel(
        key=p.key,
        outcome=r.outcome,
        device=p.device,
        network=p.network,
        place=p.where or (r.cell or ""),
        file=r.file,
        row=r.row,
        busy=r.load is not None and r.load.busy,
        duration=seconds(r.duration_s) if r.outcome != "not-run" else None,
        message=first_line(r.message),
        nodeid=r.nodeid,
        body=body(r, urls),
        attempts=attempts,
        inline=inline,
        search=_search_text(r),
    )


def _search_text(r: ItemResult) -> str:
    parts = [r.nodeid, r.message or ""]
    parts += [x for f in r.all_findings for x in (f.message, f.target or "", f.check or "")]
    parts += [_search_text(a) for a in r.attempts]
    return "\n".join(p for p in parts if p)


def body(r: ItemResult, urls: dict[str, str]) -> Body:
    load = r.load
    machine = None
    if load is not None and (load.before is not None or load.after is not None):
        around = " → ".join(f"{x:.2f}" for x in (load.before, load.after) if x is not None)
        machine = f"{around} on {plural(load.cpus, 'CPU')}"
    error = None
    if r.error and r.error.strip() != (r.message or "").strip():
        error = r.error
        if len(error) > MAX_ERROR_CHARS:
            more = len(error) - MAX_ERROR_CHARS
            error = error[:MAX_ERROR_CHARS] + f"\n… ({more} more characters)"
    filmstrip = urls.get(FILMSTRIP_FILE) if r.steps else None
    groups = _findings(r)
    facts = (("engine", r.engine), ("browser", r.browser), ("worker", r.worker))
    return Body(
        nodeid=r.nodeid,
        facts=[(k, v) for k, v in facts if v],
        started=when(r.started_at) if r.started_at else None,
        machine=machine,
        busy=load is not None and load.busy,
        message=r.message or None,
        error=error,
        steps=_steps(r.steps) if r.steps else None,
        filmstrip=(
            Picture(filmstrip, f"filmstrip of {plural(len(r.steps), 'step')}", "")
            if filmstrip is not None
            else None
        ),
        shots=_shots(r.steps, urls),
        snapshots=_snapshots(r, urls),
        load=load_section(r),
        findings=groups,
        finding_count=sum(len(g.items) for g in groups),
        trace=_trace(r, urls),
        files=_other_files(r, urls),
    )


def _bad(step: StepRecord) -> bool:
    over = step.budget_s is not None and step.duration_s > step.budget_s
    return over or step.status not in ("passed", "skipped")


def _steps(steps: Sequence[StepRecord]) -> Steps:
    scale = max(max(s.duration_s, s.budget_s or 0.0) for s in steps) or 1.0
    has_budget = any(s.budget_s is not None for s in steps)
    has_traffic = any(s.requests or s.bytes for s in steps)
    has_vitals = any(s.vitals is not None for s in steps)
    width = 4 + has_budget + 2 * has_traffic + len(VITALS) * has_vitals
    rows = [
        StepRow(
            index=s.index,
            name=s.name,
            bad=_bad(s),
            bar_width=f"{max(100.0 * s.duration_s / scale, 0.4):.1f}",
            budget_x=f"{100.0 * s.budget_s / scale:.1f}" if s.budget_s is not None else None,
            time=seconds(s.duration_s),
            budget=budget(s.budget_s) if s.budget_s is not None else "",
            requests=s.requests,
            kb=f"{s.bytes / 1024:.0f}",
            vitals=_vitals(s) if has_vitals else [],
            error=s.error or None,
            problems=_problems(s),
        )
        for s in steps
    ]
    return Steps(has_budget, has_traffic, has_vitals, width, rows)


def _vitals(step: StepRecord) -> list[tuple[str, str] | None]:
    v = step.vitals
    cells: list[tuple[str, str] | None] = []
    for name, good, poor in VITALS:
        value = getattr(v, name) if v is not None else None
        if value is None:
            cells.append(None)
            continue
        grade = "good" if value <= good else "fair" if value <= poor else "poor"
        cells.append((grade, f"{value:.3f}" if name == "cls" else f"{value:.0f} ms"))
    return cells


def _problems(step: StepRecord) -> list[Problem]:
    found = []
    for req in step.failed_requests:
        notes = []
        if not req.same_origin:
            notes.append("cross-origin")
        if req.aborted:
            notes.append("cancelled by the browser")
        found.append(
            Problem("request", f"{req.method} {req.url}", req.status, req.reason, ", ".join(notes))
        )
    found += [Problem("console", m) for m in step.console_errors]
    found += [Problem("page error", m) for m in step.page_errors]
    return found


def _shots(steps: Sequence[StepRecord], urls: dict[str, str]) -> list[Picture]:
    shots = []
    for s in steps:
        url = urls.get(s.screenshot or "")
        if url is not None:
            caption = f"{s.index} · {s.name} · {seconds(s.duration_s)}"
            shots.append(Picture(url, f"step {caption}", caption, _bad(s)))
    return shots


def _snapshots(r: ItemResult, urls: dict[str, str]) -> list[Snapshot]:
    """Each failed snapshot's expected, actual and diff pictures, side by side."""
    out = []
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if not isinstance(files, dict):
            continue
        pictures = [
            Picture(url, f"{kind} picture of {f.target}", kind)
            for kind in ("expected", "actual", "diff")
            if (url := urls.get(str(files.get(kind, ""))))
        ]
        if pictures:
            out.append(Snapshot(f.target or "", pictures))
    return out


def _findings(r: ItemResult) -> list[FindingGroup]:
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


def _trace(r: ItemResult, urls: dict[str, str]) -> Trace | None:
    url = urls.get(r.trace or "")
    if url is None:
        return None
    # The command is run from the report folder, so it names the copy next to index.html.
    return Trace(url, r.trace or "", f"playwright show-trace {urllib.parse.unquote(url)}")


def _other_files(r: ItemResult, urls: dict[str, str]) -> list[tuple[str, str]]:
    shown = {s.screenshot for s in r.steps if s.screenshot} | {r.trace, FILMSTRIP_FILE}
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if isinstance(files, dict):
            shown |= {str(files.get(k, "")) for k in ("expected", "actual", "diff")}
    return [(name, url) for name, url in urls.items() if name not in shown]
