"""One result's panel: its summary line, and a body with its message, steps against budgets,
filmstrip, snapshot diffs, findings, load runs, trace and other files, as the ``panel`` template
shows them."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cxcheck.journey.filmstrip import FILMSTRIP_FILE
from cxcheck.model.results import ItemResult, StepRecord
from cxcheck.model.text import MAX_ERROR_CHARS
from cxcheck.outputs.report.evidence import Evidence, copy_evidence
from cxcheck.outputs.report.failure_view import Failure, failure
from cxcheck.outputs.report.findings_view import FindingGroup, findings
from cxcheck.outputs.report.load_view import LoadSection, load_section
from cxcheck.outputs.report.matrix_view import Placed
from cxcheck.outputs.report.steps_view import Steps, over_or_failed, steps
from cxcheck.outputs.report.text import budget, first_line, plural, seconds, when
from cxcheck.outputs.report.visual_view import DiffViewer, diff_viewers, shown_files

__all__ = ["Body", "Panel", "panel"]

# Longer error reports are cut in the page (the JSON results keep them whole).

CLIPPED = re.compile(r"… \((\d+) more characters\)$")
"""How a result's message ends when it was clipped (``ItemRecorder``): its error has it all."""


@dataclass(frozen=True)
class Picture:
    url: str
    alt: str
    caption: str
    bad: bool = False
    detail: str = ""
    """A second caption line: the step's time against its budget, and what went wrong."""
    link: str = ""
    """The file at full size (the same as ``url``, but for a data: URI)."""


@dataclass(frozen=True)
class Trace:
    url: str
    name: str
    command: str


@dataclass(frozen=True)
class Body:
    nodeid: str
    facts: list[tuple[str, str]]
    """(label, value): engine, browser, shard, worker, CPU (a device naming a CPU score)."""
    started: str | None
    machine: str | None
    """The machine's load average around the test, e.g. ``0.60 → 0.90 on 8 CPUs``."""
    busy: bool
    message: str | None
    error: str | None
    steps: Steps | None
    filmstrip: str | None
    """The link to the whole filmstrip picture; the page shows its frames as ``shots``."""
    shots: list[Picture]
    viewers: list[DiffViewer]
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


def panel(p: Placed, files_root: Path, *, inline: bool, single_file: bool = False) -> Panel:
    """The panel of a placed result, its evidence (and its attempts') copied under
    ``files_root``; ``single_file``: its pictures inlined as data: URIs."""
    r = p.result
    urls = copy_evidence(r, files_root, p.key, inline=single_file)
    attempts = []
    for n, a in enumerate(r.attempts, start=1):
        copied = copy_evidence(a, files_root, f"{p.key}-attempt-{n}", inline=single_file)
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


def body(r: ItemResult, urls: Evidence) -> Body:
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
    filmstrip = urls.link(FILMSTRIP_FILE) if r.steps else None
    groups = findings(r)
    facts = (("engine", r.engine), ("browser", r.browser), ("shard", r.shard),
             ("worker", r.worker), ("CPU", r.cpu.describe if r.cpu else None))  # fmt: skip
    return Body(
        nodeid=r.nodeid,
        facts=[(k, v) for k, v in facts if v],
        started=when(r.started_at) if r.started_at else None,
        machine=machine,
        busy=load is not None and load.busy,
        message=full_message(r.message, r.error) or None,
        error=error,
        steps=steps(r.steps) if r.steps else None,
        filmstrip=filmstrip,
        shots=_shots(r.steps, urls),
        viewers=diff_viewers(r, urls),
        load=load_section(r),
        findings=groups,
        finding_count=sum(len(g.items) for g in groups),
        trace=_trace(r, urls),
        files=_other_files(r, urls),
        failure=failure(r, urls),
    )


def full_message(message: str | None, error: str | None) -> str | None:
    """The message whole: a clipped one (``… (131 more characters)``) is found again in the
    error report, where pytest wrote the exception in full (its ``E   `` lines)."""
    clipped = CLIPPED.search(message or "")
    if message is None or clipped is None or not error:
        return message
    head = message[: clipped.start()]
    prefix, sep, text = head.partition(": ")
    if sep:
        prefix += sep  # the exception's type: pytest may spell it in full (module.Type)
    else:
        prefix, text = "", head
    probe = text[:80]
    for block in (_exception_lines(error), error):
        at = block.find(probe) if probe else -1
        if at >= 0 and len(block) - at > len(text):
            return prefix + block[at:].rstrip()
    return message


def _exception_lines(error: str) -> str:
    """The last exception in a pytest error report, from its ``E`` lines."""
    blocks: list[list[str]] = []
    previous = False
    for line in error.splitlines():
        is_e = line == "E" or line.startswith("E ")
        if is_e and not previous:
            blocks.append([])
        if is_e:
            blocks[-1].append(line[4:] if line.startswith("E   ") else line[2:])
        previous = is_e
    return "\n".join(blocks[-1]) if blocks else ""


def _shots(steps: Sequence[StepRecord], urls: Evidence) -> list[Picture]:
    """The filmstrip's frames: each step's screenshot, captioned with its time and outcome."""
    shots = []
    for s in steps:
        url, link = urls.src(s.screenshot), urls.link(s.screenshot)
        if url is None or link is None:
            continue
        caption = f"{s.index} · {s.name}"
        detail = seconds(s.duration_s)
        if s.budget_s is not None:
            detail += f" of {budget(s.budget_s)}"
        if s.status not in ("passed", "skipped"):
            detail += f" · {s.status}"
        elif s.budget_s is not None and s.duration_s > s.budget_s:
            detail += " · over budget"
        shots.append(
            Picture(url, f"step {caption} · {detail}", caption, over_or_failed(s), detail, link)
        )
    return shots


def _trace(r: ItemResult, urls: Evidence) -> Trace | None:
    url = urls.link(r.trace)
    if url is None:
        return None
    # The command is run from the report folder, so it names the copy next to index.html.
    return Trace(url, r.trace or "", f"playwright show-trace {urllib.parse.unquote(url)}")


def _other_files(r: ItemResult, urls: Evidence) -> list[tuple[str, str]]:
    shown = {s.screenshot for s in r.steps if s.screenshot} | {r.trace, FILMSTRIP_FILE}
    shown |= shown_files(r) | set(r.failure_screenshots)
    return [(name, url) for name, url in urls.links.items() if name not in shown]
