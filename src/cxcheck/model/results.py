"""The results model: what every cxcheck test item did, as plain data.

One :class:`ItemResult` per test item that uses a cxcheck fixture (journey or not), holding its
cell (device × network), outcome, duration, failure, steps and **findings**. A :class:`Finding` is
one thing a check noticed (a budget breach, a page error, a failed request, a console message,
and, from the checks to come, accessibility, layout, visual and load findings); error-severity
findings decide whether a step or a test fails.

Results travel from xdist workers to the controller as dicts (:meth:`ItemResult.to_dict`), and
the JSON file, the HTML report, the JUnit properties, the terminal grid and ``cxcheck demo`` read
:class:`RunResults` and nothing else. No pytest and no Playwright in here.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxcheck.model.compare import Comparison

from cxcheck.model.cpu import CpuCalibration
from cxcheck.model.paths import relative_to, resolved_from

SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("results.schema.json")

# Worst first: the order a reader's eye should go through a matrix.
OUTCOMES = ("failed", "error", "flaky", "not-run", "skipped", "passed")
# What a finding is about. "assertion" is a step body that raised (an expect() that timed out).
KINDS = (
    "assertion",
    "action",  # a journey file's action that could not be done
    # the device turned, the network changed mid-journey, a host rule unused; the CPU it ran at
    "condition",
    "screenshot",  # named evidence
    "session",  # a login kept once per device per worker: made, reused, or failed
    "budget",
    "page-error",
    "failed-request",
    "console",
    "vitals",
    "a11y",
    "layout",
    "visual",
    "load",
    "check",
)
# error fails its step or test; warning and info are shown; ignored matched an ignore pattern
# the team set (kept, so a reader can see what was let through).
SEVERITIES = ("error", "warning", "info", "ignored")

# The browser cancelled the request itself (the user navigated on, a newer fetch replaced it):
# recorded as evidence, but not the app's failure.
ABORTED = ("net::ERR_ABORTED", "NS_BINDING_ABORTED", "cancelled")


@dataclass
class Vitals:
    """Web Vitals of one navigation: times in ms, CLS unitless; None when not (yet) observed."""

    url: str
    ttfb: float | None
    fcp: float | None
    lcp: float | None
    cls: float | None
    inp: float | None

    @classmethod
    def from_page(cls, data: Mapping[str, Any]) -> Vitals:
        def number(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        return cls(str(data.get("url", "")), number("ttfb"), number("fcp"), number("lcp"),
                   number("cls"), number("inp"))  # fmt: skip


@dataclass
class Finding:
    """One thing a check noticed, attached to a journey step or to a test."""

    kind: str
    message: str
    severity: str = "error"
    check: str | None = None
    """The rule or check id (``step-budget``, an axe rule id, ...)."""
    target: str | None = None
    """What it is about: a selector, a URL."""
    data: dict[str, Any] = field(default_factory=dict)
    """The numbers behind it (measured, limit, status...), JSON-serialisable."""

    @property
    def failing(self) -> bool:
        return self.severity == "error"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            kind=str(data["kind"]),
            message=str(data["message"]),
            severity=str(data.get("severity", "error")),
            check=data.get("check"),
            target=data.get("target"),
            data=dict(data.get("data") or {}),
        )


@dataclass
class FailedRequest:
    """A request that got an HTTP error status or no response at all."""

    url: str
    method: str
    status: int | None
    reason: str
    same_origin: bool

    @property
    def aborted(self) -> bool:
        """Cancelled by the browser rather than failed by the server or the network."""
        return self.status is None and self.reason in ABORTED


@dataclass
class RequestTiming:
    """One request as Playwright timed and sized it (``request.timing``, ``request.sizes()``)."""

    url: str
    method: str
    resource_type: str
    """Playwright's resource type: document, stylesheet, image, script, fetch, xhr, font..."""
    status: int | None
    """The HTTP status; None when the request failed or was still loading."""
    bytes: int | None
    """Transfer size: response headers plus the encoded (compressed) body; None if unknown."""
    start_ms: float
    """When it started, in ms from the start of the test (or of the step)."""
    duration_ms: float | None
    """From its start to the response's end; None when it was still loading (``pending``)."""
    failure: str | None = None
    """Why it failed (``net::ERR_ABORTED``...), when it did."""


@dataclass
class Traffic:
    """The requests of a failed test (or a failed or slow step), at the moment it failed: how
    many, how heavy, and the heaviest and the slowest few (what a waterfall shows)."""

    requests: int
    bytes: int
    """Known transfer bytes of every request, not only of the ones kept."""
    pending: int
    """Requests still loading when it failed."""
    span_ms: float
    """From the start of the test (or step) to the end of its last request."""
    heaviest: list[RequestTiming] = field(default_factory=list)
    slowest: list[RequestTiming] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Traffic:
        return cls(
            requests=int(data.get("requests", 0)),
            bytes=int(data.get("bytes", 0)),
            pending=int(data.get("pending", 0)),
            span_ms=float(data.get("span_ms", 0.0)),
            heaviest=[RequestTiming(**r) for r in data.get("heaviest", [])],
            slowest=[RequestTiming(**r) for r in data.get("slowest", [])],
        )


@dataclass
class StepRecord:
    """What one journey step did, as plain data."""

    index: int
    name: str
    budget_s: float | None
    duration_s: float = 0.0
    requests: int = 0
    bytes: int = 0
    failed_requests: list[FailedRequest] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    screenshot: str | None = None
    vitals: Vitals | None = None
    status: str = "passed"
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    traffic: Traffic | None = None
    """The step's heaviest and slowest requests, kept when it failed or ran over budget."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StepRecord:
        vitals = data.get("vitals")
        traffic = data.get("traffic")
        return cls(
            index=int(data["index"]),
            name=str(data["name"]),
            budget_s=data.get("budget_s"),
            duration_s=float(data.get("duration_s", 0.0)),
            requests=int(data.get("requests", 0)),
            bytes=int(data.get("bytes", 0)),
            failed_requests=[FailedRequest(**r) for r in data.get("failed_requests", [])],
            console_errors=list(data.get("console_errors", [])),
            page_errors=list(data.get("page_errors", [])),
            screenshot=data.get("screenshot"),
            vitals=Vitals(**vitals) if vitals else None,
            status=str(data.get("status", "passed")),
            error=data.get("error"),
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            traffic=Traffic.from_dict(traffic) if traffic else None,
        )


@dataclass
class MachineLoad:
    """The machine's 1-minute load average around a test: tells a loaded machine from a slow app."""

    before: float | None
    after: float | None
    cpus: int

    @property
    def busy(self) -> bool:
        """More runnable work than cores at either end of the test."""
        peak = max((x for x in (self.before, self.after) if x is not None), default=0.0)
        return peak > self.cpus

    @classmethod
    def now(cls) -> float | None:
        try:
            return round(os.getloadavg()[0], 2)
        except (OSError, AttributeError):  # Windows has no load average
            return None


@dataclass
class ItemResult:
    """One test item on one device × network cell (or a test outside the matrix)."""

    nodeid: str
    file: str
    test: str
    """The test's name without its parameters (a journey file's name for YAML journeys)."""
    cell: str | None = None
    device: str | None = None
    network: str | None = None
    engine: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    """Parameters other than the cell, by name (objects by their type's name)."""
    variant: str = ""
    """Those parameters as pytest spells them in the test id, without the cell."""
    outcome: str = "passed"
    duration_s: float = 0.0
    started_at: float = 0.0
    """When its setup began, in Unix time (as the run's ``started_at``)."""
    finished_at: float | None = None
    """When its teardown ended: ``started_at + duration_s``, the duration measured on a
    monotonic clock (a clock step mid-test cannot make it end before it began); None when it
    never ran."""
    message: str | None = None
    """The failure in one or a few lines."""
    error: str | None = None
    """The full failure report, as pytest printed it."""
    steps: list[StepRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    evidence_dir: str | None = None
    evidence: list[str] = field(default_factory=list)
    """File names in ``evidence_dir``: step screenshots, trace.zip, and later snapshots."""
    trace: str | None = None
    failure_screenshots: list[str] = field(default_factory=list)
    """File names in ``evidence_dir``: the test's open pages when it failed (``failure.jpg``)."""
    traffic: Traffic | None = None
    """The requests of a failed test's pages when it failed (none when a step keeps its own)."""
    browser: str | None = None
    worker: str | None = None
    """The xdist worker that ran it (``gw0``...), ``main`` without xdist; None: it never ran."""
    cpu_s: float | None = None
    """CPU seconds used from the start of its setup to the start of its teardown by the test's
    process and the processes it started (the Playwright driver, the browser and its
    renderers), the app under test excluded; None where it cannot be measured (no Linux
    ``/proc``). See :mod:`cxcheck.browser.cputime`."""
    load: MachineLoad | None = None
    attempts: list[ItemResult] = field(default_factory=list)
    """Earlier attempts of this item that failed before a rerun (pytest-rerunfailures)."""
    attempt: int = 1
    """Which run of the item this is: 2 and up are reruns."""
    shard: str | None = None
    """Which shard of a run split across machines ran it (``2/3`` from pytest-split, or
    ``--cx-shard``); None when the run was not split."""
    cpu: CpuCalibration | None = None
    """The CPU score its device stands for, this machine's, and the throttling rate the cell
    ran at (:mod:`cxcheck.model.cpu`); None when the device names no score."""

    @property
    def row(self) -> str:
        """The test as the matrix's row label: its name and any non-cell parameters."""
        return f"{self.test}[{self.variant}]" if self.variant else self.test

    @property
    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for s in self.steps for f in s.findings)]

    @property
    def slowest_step(self) -> StepRecord | None:
        return max(self.steps, key=lambda s: s.duration_s) if self.steps else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemResult:
        load = data.get("load")
        traffic = data.get("traffic")
        return cls(
            nodeid=str(data["nodeid"]),
            file=str(data.get("file", "")),
            test=str(data.get("test", data["nodeid"])),
            cell=data.get("cell"),
            device=data.get("device"),
            network=data.get("network"),
            engine=data.get("engine"),
            params=dict(data.get("params") or {}),
            variant=str(data.get("variant", "")),
            outcome=str(data.get("outcome", "passed")),
            duration_s=float(data.get("duration_s", 0.0)),
            started_at=float(data.get("started_at", 0.0)),
            finished_at=_number(data.get("finished_at")),
            message=data.get("message"),
            error=data.get("error"),
            steps=[StepRecord.from_dict(s) for s in data.get("steps", [])],
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            evidence_dir=data.get("evidence_dir"),
            evidence=list(data.get("evidence", [])),
            trace=data.get("trace"),
            failure_screenshots=list(data.get("failure_screenshots", [])),
            traffic=Traffic.from_dict(traffic) if traffic else None,
            browser=data.get("browser"),
            worker=data.get("worker"),
            cpu_s=_number(data.get("cpu_s")),
            load=MachineLoad(**load) if load else None,
            attempts=[ItemResult.from_dict(a) for a in data.get("attempts", [])],
            attempt=int(data.get("attempt", 1)),
            shard=data.get("shard"),
            cpu=CpuCalibration.from_dict(data["cpu"]) if data.get("cpu") else None,
        )


@dataclass
class RunResults:
    """Every result of one pytest run, merged on the controller under xdist."""

    results: list[ItemResult] = field(default_factory=list)
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    exit_status: int | None = None
    interrupted: bool = False
    base_url: str | None = None
    browser: str | None = None
    cxcheck_version: str = ""
    devices: list[str] = field(default_factory=list)
    """Device names in the order the run declared them (then the catalogue's): the matrix's
    column order, the same for every row."""
    networks: list[str] = field(default_factory=list)
    """Network names in that order: every device's networks are shown in it."""
    comparison: Comparison | None = None
    """What changed since earlier runs (--cx-compare, --cx-history): see model/compare.py."""

    def counts(self) -> dict[str, int]:
        """How many items ended in each outcome (every outcome present, zeros included)."""
        out = dict.fromkeys(OUTCOMES, 0)
        for r in self.results:
            out[r.outcome] = out.get(r.outcome, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": "cxcheck-results",
            "version": SCHEMA_VERSION,
            "cxcheck_version": self.cxcheck_version,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "exit_status": self.exit_status,
            "interrupted": self.interrupted,
            "base_url": self.base_url,
            "browser": self.browser,
            "devices": list(self.devices),
            "networks": list(self.networks),
            "counts": self.counts(),
            "results": [r.to_dict() for r in self.results],
        }
        if self.comparison is not None:  # optional: a run compared with nothing has none
            out["comparison"] = self.comparison.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunResults:
        version = data.get("version")
        if data.get("schema") != "cxcheck-results" or version != SCHEMA_VERSION:
            raise ValueError(
                f"not a cxcheck results file of version {SCHEMA_VERSION} "
                f"(schema={data.get('schema')!r}, version={version!r})"
            )
        return cls(
            results=[ItemResult.from_dict(r) for r in data.get("results", [])],
            started_at=float(data.get("started_at") or 0.0),
            finished_at=data.get("finished_at"),
            exit_status=data.get("exit_status"),
            interrupted=bool(data.get("interrupted", False)),
            base_url=data.get("base_url"),
            browser=data.get("browser"),
            cxcheck_version=str(data.get("cxcheck_version", "")),
            devices=[str(d) for d in data.get("devices") or []],
            networks=[str(n) for n in data.get("networks") or []],
            comparison=_comparison(data.get("comparison")),
        )

    def write_json(self, path: Path) -> Path:
        """Write the results to ``path``; evidence folders relative to its folder, so the file
        names no folder of the machine that ran it (and still leads to the evidence)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.to_dict()
        _move_evidence(data["results"], lambda p: relative_to(p, path.parent))
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a file
        return path

    @classmethod
    def read_json(cls, path: Path) -> RunResults:
        data = json.loads(path.read_text(encoding="utf-8"))
        _move_evidence(data.get("results", []), lambda p: resolved_from(p, path.parent))
        return cls.from_dict(data)


def _move_evidence(results: list[dict[str, Any]], move: Callable[[str], str]) -> None:
    """Rewrite each result's (and each earlier attempt's) ``evidence_dir`` in place."""
    for r in results:
        if r.get("evidence_dir"):
            r["evidence_dir"] = move(str(r["evidence_dir"]))
        _move_evidence(r.get("attempts") or [], move)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _comparison(data: Mapping[str, Any] | None) -> Comparison | None:
    if not data:
        return None
    from cxcheck.model.compare import Comparison  # imports this module: imported when needed

    return Comparison.from_dict(data)


def merge_attempts(attempts: Sequence[ItemResult]) -> ItemResult:
    """One item's attempts (in order) as one result: failed then passed is *flaky*.

    The earlier attempts stay on the result, with their evidence, for the report to show.
    """
    final = attempts[-1]
    earlier = list(attempts[:-1])
    final.attempts = earlier
    if final.outcome == "passed" and any(a.outcome in ("failed", "error") for a in earlier):
        final.outcome = "flaky"
        first = next(a for a in earlier if a.outcome in ("failed", "error"))
        final.message = f"passed on attempt {len(attempts)}; attempt 1 failed: {first.message}"
    return final


def attempt_folder(folder: Path, attempt: int) -> Path:
    """Where the evidence of an earlier, failed attempt is kept when the test is rerun."""
    return folder.with_name(f"{folder.name}~attempt{attempt}")


def worst_first(results: Iterable[ItemResult]) -> list[ItemResult]:
    """Failed before flaky before passed; within an outcome, the slowest first."""
    rank = {o: i for i, o in enumerate(OUTCOMES)}
    return sorted(results, key=lambda r: (rank.get(r.outcome, 99), -r.duration_s))
