"""What changed since the last run: one run's results against earlier runs' results.

:func:`compare` reads :class:`~cxcheck.model.results.RunResults` and nothing else, and answers
a :class:`Comparison` of plain data, which the results JSON keeps (``"comparison"``) and the
terminal, the HTML report and ``cxcheck demo`` show:

- items **newly failing**, **fixed** and **still failing** against the *baseline* (the latest
  earlier run, or the one named), matched by node id (which holds the cell); items of one side
  only are **new** or **gone**;
- **flaky** items: rerun to a pass in this run or an earlier one (pytest-rerunfailures), or
  flipping between passing and failing more than once across the runs;
- journey steps **slower** beyond the noise (:data:`SLOWER`), against the median of the earlier
  runs;
- **new findings**, by identity (:func:`identity`), never by message text with numbers in it;
- with ``trends=True``, every item's outcome and duration in each run (a history folder).

No pytest, no files: reading and writing runs is :mod:`cxcheck.outputs.history`'s job.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from cxcheck.model.durations import parse_duration
from cxcheck.model.errors import CxError
from cxcheck.model.results import Finding, ItemResult, RunResults, StepRecord

__all__ = ["SLOWER", "Comparison", "ItemChange", "NewFinding", "RunRef", "SlowerStep",
           "Threshold", "Trend", "compare", "identity", "parse_threshold"]  # fmt: skip

BAD = ("failed", "error")
GOOD = ("passed", "flaky")
# The test's own failure (an assertion, an action that could not be done) is the outcome lists'
# business; a finding that is only evidence or a note (info, ignored) is no change to report.
NOT_FINDINGS = ("assertion", "action")
FINDING_SEVERITIES = ("error", "warning")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Threshold:
    """A step is slower only past both: a share of its earlier time and an absolute floor."""

    relative: float
    absolute_s: float

    def exceeded(self, before_s: float, after_s: float) -> bool:
        return after_s - before_s > self.absolute_s and after_s > before_s * (1 + self.relative)


SLOWER = Threshold(relative=0.25, absolute_s=0.5)
_PERCENT = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*%$")
_ZERO = re.compile(r"^0+(?:\.0*)?\s*(?:ms|s|m)?$")


def parse_threshold(text: str, where: str = "--cx-slower") -> Threshold:
    """``"25%,500ms"`` (the default), ``"50%"``, ``"1s"``, ``"40% 2s"``: a share of the step's
    earlier time and a floor, in either order; a part left out keeps its default. ``where``
    names the setting in messages (empty: the caller names it)."""
    head = f"{where} {text!r}: " if where else ""
    relative, absolute_s = SLOWER.relative, SLOWER.absolute_s
    parts = [x for x in re.split(r"[,\s]+", text.strip()) if x]
    if not parts or len(parts) > 2:
        raise CxError(f"{head}write a share of a step's earlier time and a floor, e.g. "
                      '"25%,500ms" (the default), "50%" or "1s"')  # fmt: skip
    for part in parts:
        if m := _PERCENT.match(part):
            relative = float(m["n"]) / 100
            if relative > 10:
                raise CxError(f"{head}{part} is out of range: 0% to 1000%")
        elif _ZERO.match(part):
            absolute_s = 0.0
        else:
            try:
                absolute_s = parse_duration(part)
            except CxError:
                raise CxError(f"{head}{part!r} is neither a share (25%) nor a duration (500ms, "
                              '1s) of at most 1 hour; e.g. "50%,1s"') from None  # fmt: skip
    return Threshold(relative, absolute_s)


HISTORY_NOISE_RUNS = 3
"""From this many earlier times of a step on, it is slower only past the slowest of them too."""
"""From benchmarks/step_noise.py (README, "Since the last run"): between clean runs of the demo's
journeys on a 2-core machine running nothing else, 99 % of step times moved by less than 0.6 s,
and a 250 ms floor still flagged 6 % of the steps."""


@dataclass
class RunRef:
    """One run of the comparison: where it came from and when it started."""

    label: str
    started_at: float


@dataclass
class ItemChange:
    """An item in one of the lists: its outcome in the baseline and now (None: not in that run)."""

    nodeid: str
    test: str
    """The matrix's row label: the test and its parameters other than the cell."""
    cell: str | None
    before: str | None
    after: str | None
    message: str | None = None
    """The first line of the failure that matters: this run's, or the baseline's when fixed."""
    why: str | None = None
    """For flaky items: what made them flaky."""
    failing_runs: int | None = None
    """Newly and still failing items: how many of the compared runs in a row, this one
    included, it failed in (1: newly failing)."""
    failing_since: str | None = None
    """The label of the first run of that streak (``this run`` when newly failing)."""
    failing_since_at: float | None = None
    """When that run started (Unix time)."""
    failing_all: bool = False
    """The streak goes back to the oldest compared run: it may be older still."""

    @property
    def streak(self) -> str:
        """Since when, in a few words for a matrix cell: ``new``, ``3 runs``, ``≥ 10 runs``."""
        if self.failing_runs is None:
            return ""
        if self.failing_runs == 1:
            return "new"
        return f"{'≥ ' if self.failing_all else ''}{self.failing_runs} runs"

    def since_text(self) -> str:
        """``failing in 3 runs in a row, since cx-history/results-….json (2026-12-01 10:22
        UTC)``; ``failing in all 2 compared runs``; "" for an item not failing now."""
        n = self.failing_runs
        if n is None or n < 2:
            return "newly failing" if n == 1 else ""
        if self.failing_all:
            return f"failing in all {n} compared runs"
        when = ""
        if self.failing_since_at:
            stamp = datetime.fromtimestamp(self.failing_since_at, tz=UTC)
            when = f" ({stamp:%Y-%m-%d %H:%M} UTC)"
        return f"failing in {n} runs in a row, since {self.failing_since}{when}"


@dataclass
class SlowerStep:
    nodeid: str
    test: str
    cell: str | None
    step: str
    before_s: float
    """The step's median time in the earlier runs where it passed."""
    after_s: float
    runs: int
    """How many earlier runs ``before_s`` is the median of."""
    busy: bool = False
    """The test ran on a busy machine this time (load above its cores): the machine may be
    slower, not the app."""


@dataclass
class NewFinding:
    nodeid: str
    test: str
    cell: str | None
    kind: str
    check: str | None
    target: str | None
    severity: str
    message: str
    step: str | None
    """The step it was found in; None for a finding of the test."""


@dataclass
class Trend:
    """One item of this run across the compared runs, oldest first, this run last."""

    nodeid: str
    test: str
    cell: str | None
    outcomes: list[str | None]
    """None where the item was not in that run."""
    durations: list[float | None]


@dataclass
class Comparison:
    """What changed between the earlier runs (oldest first) and this run."""

    baseline: str
    """The label of the run compared with: the latest earlier run."""
    runs: list[RunRef]
    """Every run compared, oldest first, this run last."""
    threshold: Threshold = SLOWER
    newly_failing: list[ItemChange] = field(default_factory=list)
    fixed: list[ItemChange] = field(default_factory=list)
    still_failing: list[ItemChange] = field(default_factory=list)
    """The longest failing first (``failing_runs``)."""
    flaky: list[ItemChange] = field(default_factory=list)
    new: list[ItemChange] = field(default_factory=list)
    gone: list[ItemChange] = field(default_factory=list)
    slower: list[SlowerStep] = field(default_factory=list)
    new_findings: list[NewFinding] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    """Empty unless asked for (a history folder)."""

    def counts(self) -> dict[str, int]:
        return {
            "newly failing": len(self.newly_failing),
            "fixed": len(self.fixed),
            "still failing": len(self.still_failing),
            "flaky": len(self.flaky),
            "slower": len(self.slower),
            "new findings": len(self.new_findings),
            "new": len(self.new),
            "gone": len(self.gone),
        }

    def summary(self) -> str:
        """``2 newly failing, 1 fixed, 3 still failing, 0 flaky, 1 slower, 4 new findings``, then
        new and gone items when there are any; slower steps of tests that ran on a busy machine
        are counted apart too (``3 slower (2 on a busy machine)``)."""
        counts = self.counts()
        always = ("newly failing", "fixed", "still failing", "flaky", "slower", "new findings")
        parts = [f"{counts[k]} {k}" for k in always]
        busy = sum(1 for s in self.slower if s.busy)
        if busy:  # a loaded machine slows steps down by itself: say how many may be that
            parts[always.index("slower")] += f" ({busy} on a busy machine)"
        parts += [f"{counts[k]} {k}" for k in ("new", "gone") if counts[k]]
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Comparison:
        def changes(key: str) -> list[ItemChange]:
            return _each(ItemChange, data.get(key))

        threshold = data.get("threshold")
        return cls(
            baseline=str(data.get("baseline", "")),
            runs=_each(RunRef, data.get("runs")),
            threshold=_known(Threshold, threshold) if threshold else SLOWER,
            newly_failing=changes("newly_failing"),
            fixed=changes("fixed"),
            still_failing=changes("still_failing"),
            flaky=changes("flaky"),
            new=changes("new"),
            gone=changes("gone"),
            slower=_each(SlowerStep, data.get("slower")),
            new_findings=_each(NewFinding, data.get("new_findings")),
            trends=_each(Trend, data.get("trends")),
        )


def _known(kind: type[_T], data: Mapping[str, Any]) -> _T:
    """One of the dataclasses from JSON, leaving out keys it does not know: a later cxcheck may
    add fields (the schema's version 1 grows only by additions)."""
    names = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    return kind(**{k: v for k, v in data.items() if k in names})


def _each(kind: type[_T], items: Sequence[Mapping[str, Any]] | None) -> list[_T]:
    return [_known(kind, x) for x in items or ()]


def compare(
    current: RunResults,
    previous: Sequence[RunResults],
    labels: Sequence[str] | None = None,
    *,
    baseline: int = -1,
    trends: bool = False,
    threshold: Threshold = SLOWER,
) -> Comparison:
    """``current`` against ``previous`` (oldest first), each labelled by ``labels`` (e.g. its
    file name); the outcome lists and new findings are against ``previous[baseline]`` (the
    latest by default); ``trends``: every item's outcome and time in each run."""
    if not previous:
        raise ValueError("compare() needs at least one earlier run")
    names = list(labels) if labels is not None else [f"run {i + 1}" for i in range(len(previous))]
    if len(names) != len(previous):
        raise ValueError("one label per earlier run")
    history = [_by_nodeid(run) for run in previous]
    base = history[baseline]
    now = _by_nodeid(current)
    out = Comparison(
        baseline=names[baseline],
        runs=[
            *(RunRef(n, r.started_at) for n, r in zip(names, previous, strict=True)),
            RunRef("this run", current.started_at),
        ],
        threshold=threshold,
    )
    for nodeid, item in now.items():
        before = base.get(nodeid)
        if before is None:
            out.new.append(_change(item, None, item))
        else:
            _sort_outcome(out, before, item)
            out.new_findings.extend(new_findings(before, item))
        why = _flaky(nodeid, [*history, now])
        if why:
            out.flaky.append(_change(item, before, item, why))
        out.slower.extend(slower_steps([h[nodeid] for h in history if nodeid in h], item,
                                       threshold))  # fmt: skip
        if trends:
            runs = [*history, now]
            out.trends.append(
                Trend(
                    nodeid, item.row, item.cell,
                    [r[nodeid].outcome if nodeid in r else None for r in runs],
                    [round(r[nodeid].duration_s, 3) if nodeid in r else None for r in runs],
                )
            )  # fmt: skip
    _streaks([*out.newly_failing, *out.still_failing], [*history, now],
             [*out.runs])  # fmt: skip
    # The oldest breakages first: the ones a release has lived with longest.
    out.still_failing.sort(key=lambda c: -(c.failing_runs or 0))
    out.gone = [_change(r, r, None) for nodeid, r in base.items() if nodeid not in now]
    out.slower.sort(key=lambda s: s.before_s - s.after_s)  # the biggest slowdown first
    return out


def _streaks(
    changes: Sequence[ItemChange], runs: Sequence[Mapping[str, ItemResult]], refs: Sequence[RunRef]
) -> None:
    """Since when each failing item fails: its run of failures back from this run (``runs``
    and ``refs`` oldest first, this run last); a run without the item ends the streak."""
    for change in changes:
        n = 0
        for run in reversed(runs):
            item = run.get(change.nodeid)
            if item is None or item.outcome not in BAD:
                break
            n += 1
        first = refs[len(refs) - n]
        change.failing_runs = n
        change.failing_since = first.label
        change.failing_since_at = first.started_at or None
        change.failing_all = n == len(runs) and n > 1


def _by_nodeid(run: RunResults) -> dict[str, ItemResult]:
    # A node id twice in one run (two plugins' items) is rare: the later one speaks for it.
    return {r.nodeid: r for r in run.results}


def _first_line(text: str | None) -> str | None:
    line = (text or "").strip().split("\n", 1)[0]
    return line or None


def _change(
    item: ItemResult, before: ItemResult | None, after: ItemResult | None, why: str | None = None
) -> ItemChange:
    failing = after if after is not None and after.outcome in BAD else before
    return ItemChange(
        nodeid=item.nodeid,
        test=item.row,
        cell=item.cell,
        before=before.outcome if before is not None else None,
        after=after.outcome if after is not None else None,
        message=_first_line(failing.message if failing is not None else None),
        why=why,
    )


def _sort_outcome(out: Comparison, before: ItemResult, after: ItemResult) -> None:
    """Newly failing: failing now, not in the baseline (passed, skipped or not run there).
    Fixed: failing in the baseline, passing now. Still failing: failing in both."""
    was_bad, is_bad = before.outcome in BAD, after.outcome in BAD
    if is_bad and not was_bad:
        out.newly_failing.append(_change(after, before, after))
    elif is_bad:
        out.still_failing.append(_change(after, before, after))
    elif was_bad and after.outcome in GOOD:
        out.fixed.append(_change(after, before, after))


def _flaky(nodeid: str, runs: Sequence[Mapping[str, ItemResult]]) -> str | None:
    """Why the item counts as flaky across ``runs`` (oldest first), or None.

    A rerun that passed says so at once. Otherwise it takes two flips between passing and
    failing: one flip is a change (newly failing, or fixed), not flakiness.
    """
    outcomes = [r[nodeid].outcome for r in runs if nodeid in r]
    if outcomes and outcomes[-1] == "flaky":
        return "passed on a rerun in this run"
    reruns = sum(1 for o in outcomes if o == "flaky")
    sides = [o in BAD for o in outcomes if o in BAD or o in GOOD]
    flips = sum(1 for a, b in itertools.pairwise(sides) if a != b)
    if flips >= 2:
        return f"flipped between passing and failing {flips} times in {len(outcomes)} runs"
    if reruns:
        return f"passed on a rerun in {reruns} of {len(outcomes)} runs"
    return None


def _step_keys(steps: Sequence[StepRecord]) -> list[tuple[str, int]]:
    """Steps by name and occurrence: a journey that skips a step still matches the others."""
    seen: dict[str, int] = {}
    keys = []
    for s in steps:
        seen[s.name] = seen.get(s.name, 0) + 1
        keys.append((s.name, seen[s.name]))
    return keys


def slower_steps(
    earlier: Sequence[ItemResult], now: ItemResult, threshold: Threshold = SLOWER
) -> list[SlowerStep]:
    """Steps of ``now`` that passed and took longer than the threshold allows over their median
    time in the ``earlier`` results of the same item where they passed too (a failed step's
    time is a timeout's, not the app's), and, given three earlier times or more, longer than
    every one of them."""
    times: dict[tuple[str, int], list[float]] = {}
    for r in earlier:
        for key, s in zip(_step_keys(r.steps), r.steps, strict=True):
            if s.status == "passed":
                times.setdefault(key, []).append(s.duration_s)
    out = []
    for key, s in zip(_step_keys(now.steps), now.steps, strict=True):
        seen = times.get(key)
        if s.status != "passed" or not seen:
            continue
        before = statistics.median(seen)
        # With a history, a time the step has already taken is within its own noise.
        known = len(seen) >= HISTORY_NOISE_RUNS and s.duration_s <= max(seen)
        if threshold.exceeded(before, s.duration_s) and not known:
            busy = now.load is not None and now.load.busy
            out.append(SlowerStep(now.nodeid, now.row, now.cell, s.name, round(before, 3),
                                  round(s.duration_s, 3), len(seen), busy))  # fmt: skip
    return out


def identity(finding: Finding) -> tuple[str, str | None, str]:
    """What makes two findings the same across runs: kind, check and target. A finding without
    a target (a budget, a page error) is told apart by its message with every number masked,
    so "took 2.31 s" and "took 2.47 s" are the same finding."""
    target = finding.target or _DIGITS.sub("#", finding.message)
    return finding.kind, finding.check, target


def _located(item: ItemResult) -> list[tuple[Finding, str | None]]:
    return [*((f, None) for f in item.findings),
            *((f, s.name) for s in item.steps for f in s.findings)]  # fmt: skip


def new_findings(before: ItemResult, after: ItemResult) -> list[NewFinding]:
    """Error and warning findings of ``after`` whose identity ``before`` did not have (once
    each), leaving out the test's own failure (``assertion``, ``action``)."""
    known = {identity(f) for f, _ in _located(before)}
    out = []
    for f, step in _located(after):
        key = identity(f)
        if f.kind in NOT_FINDINGS or f.severity not in FINDING_SEVERITIES or key in known:
            continue
        known.add(key)
        out.append(NewFinding(after.nodeid, after.row, after.cell, f.kind, f.check, f.target,
                              f.severity, _first_line(f.message) or "", step))  # fmt: skip
    return out
