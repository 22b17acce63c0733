"""One result's panel: its summary line, and a body with its message, steps against budgets,
screenshots, findings, load runs, trace and other files, as the ``panel`` template shows them."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cxcheck.journey.filmstrip import FILMSTRIP_FILE
from cxcheck.model.results import ItemResult, StepRecord
from cxcheck.model.text import MAX_ERROR_CHARS
from cxcheck.outputs.report.evidence import copy_evidence
from cxcheck.outputs.report.failure_view import Failure, failure
from cxcheck.outputs.report.findings_view import FindingGroup, findings
from cxcheck.outputs.report.load_view import LoadSection, load_section
from cxcheck.outputs.report.matrix_view import Placed
from cxcheck.outputs.report.steps_view import Steps, over_or_failed, steps
from cxcheck.outputs.report.text import first_line, plural, seconds, when

__all__ = ["Body", "Panel", "panel"]

# Longer error reports are cut in the page (the JSON results keep them whole).


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
    failure: Failure | None = None
    """The pages when it failed and its heaviest and slowest requests (failure_view.py)."""


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
    groups = findings(r)
    facts = (("engine", r.engine), ("browser", r.browser), ("worker", r.worker))
    return Body(
        nodeid=r.nodeid,
        facts=[(k, v) for k, v in facts if v],
        started=when(r.started_at) if r.started_at else None,
        machine=machine,
        busy=load is not None and load.busy,
        message=r.message or None,
        error=error,
        steps=steps(r.steps) if r.steps else None,
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
        failure=failure(r, urls),
    )


def _shots(steps: Sequence[StepRecord], urls: dict[str, str]) -> list[Picture]:
    shots = []
    for s in steps:
        url = urls.get(s.screenshot or "")
        if url is not None:
            caption = f"{s.index} · {s.name} · {seconds(s.duration_s)}"
            shots.append(Picture(url, f"step {caption}", caption, over_or_failed(s)))
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


def _trace(r: ItemResult, urls: dict[str, str]) -> Trace | None:
    url = urls.get(r.trace or "")
    if url is None:
        return None
    # The command is run from the report folder, so it names the copy next to index.html.
    return Trace(url, r.trace or "", f"playwright show-trace {urllib.parse.unquote(url)}")


def _other_files(r: ItemResult, urls: dict[str, str]) -> list[tuple[str, str]]:
    shown = {s.screenshot for s in r.steps if s.screenshot} | {r.trace, FILMSTRIP_FILE}
    shown |= set(r.failure_screenshots)
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if isinstance(files, dict):
            shown |= {str(files.get(k, "")) for k in ("expected", "actual", "diff")}
    return [(name, url) for name, url in urls.items() if name not in shown]
