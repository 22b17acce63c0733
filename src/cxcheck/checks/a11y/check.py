"""Accessibility checks (axe-core) as findings: ``cx_a11y.check()`` and the automatic scan.

A scan's violations become findings on the current journey step, or on the test: *error* at or
above the impact that fails (``serious`` by default), *warning* below it, *ignored* when the
team's baseline accepts them. Each scan also leaves one *info* finding saying what was scanned,
which is how the run knows which baseline entries have since been fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from cxcheck.checks.a11y.axe import (
    IMPACTS,
    AxeConfig,
    AxeError,
    AxeRunner,
    Scan,
    Violation,
    catalogue,
    check_impact,
)
from cxcheck.checks.a11y.baseline import Baseline, Entry, page_key
from cxcheck.model.errors import CxError
from cxcheck.model.findings import add_finding, collecting, raise_failing, record
from cxcheck.model.results import Finding, RunResults

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from cxcheck.model.results import StepRecord

SCAN_CHECK = "axe-scan"
MAX_NODES = 5  # elements named in a finding's message; the data keeps up to 200

# A cheap fingerprint of what the page shows: the automatic scan skips states it has seen.
STATE_JS = """() => {
  const html = document.documentElement ? document.documentElement.outerHTML : '';
  let hash = 0;
  for (let i = 0; i < html.length; i++) hash = (hash * 31 + html.charCodeAt(i)) | 0;
  return `${location.href}|${innerWidth}x${innerHeight}|${html.length}|${hash}`;
}"""


@dataclass(frozen=True)
class A11ySettings:
    """The run's defaults (ini ``cx_a11y_*``), before a test's ``cx`` marker or arguments."""

    config: AxeConfig = field(default_factory=AxeConfig)
    impact: str = "serious"
    auto: bool = False
    update_baseline: bool = False
    max_nodes: int = MAX_NODES


def with_overrides(settings: A11ySettings, marker: dict[str, Any]) -> A11ySettings:
    """A test's ``@pytest.mark.cx(a11y_...=...)`` on top of the run's settings."""
    where = "@pytest.mark.cx"
    config = settings.config
    if "a11y_tags" in marker:
        config = replace(config, tags=_names(marker["a11y_tags"]))
    if "a11y_rules_disabled" in marker:
        config = replace(
            config, disabled=(*config.disabled, *_names(marker["a11y_rules_disabled"]))
        )
    config.validated(f"{where}(a11y_tags/a11y_rules_disabled=...)")
    impact = settings.impact
    if "a11y_impact" in marker:
        impact = check_impact(str(marker["a11y_impact"]), f"{where}(a11y_impact=...)")
    auto = settings.auto
    if "a11y_auto" in marker:
        if not isinstance(marker["a11y_auto"], bool):
            raise CxError(f"{where}(a11y_auto=...) must be True or False")
        auto = marker["a11y_auto"]
    return replace(settings, config=config, impact=impact, auto=auto)


def findings_for(
    scan: Scan,
    config: AxeConfig,
    *,
    impact: str,
    baseline: Baseline,
    updating: bool,
    kind: str = "a11y",
    max_nodes: int = MAX_NODES,
) -> list[Finding]:
    """A scan as findings: one per rule and verdict, then one *info* finding for the scan."""
    page = page_key(scan.url)
    fail_at = IMPACTS.index(impact)
    out: list[Finding] = []
    for violation in scan.violations:
        failing = IMPACTS.index(violation.impact) >= fail_at
        accepted = [n for n in violation.nodes if (page, violation.rule, n.target) in baseline]
        new = [n for n in violation.nodes if n not in accepted]
        if new:
            severity = "error" if failing else "warning"
            note = ""
            if updating and failing and kind == "a11y":  # only a11y findings are baselined
                severity, note = "ignored", " (recorded in the a11y baseline)"
            out.append(_finding(kind, scan, violation, new, severity, note, max_nodes))
        if accepted:
            out.append(
                _finding(
                    kind,
                    scan,
                    violation,
                    accepted,
                    "ignored",
                    " (accepted in the a11y baseline)",
                    max_nodes,
                )
            )
    for skipped in scan.skipped_frames:
        out.append(
            Finding(
                kind,
                f"{'accessibility' if kind == 'a11y' else kind}: a frame of "
                f"{page} could not be scanned ({skipped}); its content is unchecked",
                "warning",
                check="axe-frame-skipped",
                target=page,
            )
        )
    count = sum(len(v.nodes) for v in scan.violations)
    out.append(
        Finding(
            kind,
            f"axe {scan.version} checked {page}: {scan.rules} rules, {scan.frames} "
            f"frame{'s' if scan.frames != 1 else ''}, {len(scan.violations)} rule(s) failed on "
            f"{count} element(s)",
            "info",
            check=SCAN_CHECK,
            target=page,
            data={
                "page": page,
                "url": scan.url,
                "tags": list(config.tags),
                "rules": list(config.rules),
                "disabled": list(config.disabled),
                "partial": config.partial or bool(scan.skipped_frames),
                "impact": impact,
                "frames": scan.frames,
                "violations": count,
            },
        )
    )
    return out


def _finding(
    kind: str,
    scan: Scan,
    violation: Violation,
    nodes: list[Any],
    severity: str,
    note: str,
    max_nodes: int,
) -> Finding:
    page = page_key(scan.url)
    count = len(nodes)
    lines = [
        f"{'accessibility' if kind == 'a11y' else kind}: {violation.rule} ({violation.impact}) "
        f"on {page}: {violation.help}{note}"
    ]
    for node in nodes[:max_nodes]:
        lines.append(f"  {node.target}  {_snippet(node.html)}")
    if count > max_nodes:
        lines.append(f"  ... and {count - max_nodes} more element(s)")
    if violation.help_url:
        lines.append(f"  how to fix: {violation.help_url.split('?')[0]}")
    return Finding(
        kind,
        "\n".join(lines),
        severity,
        check=violation.rule,
        target=nodes[0].target,
        data={
            "page": page,
            "url": scan.url,
            "rule": violation.rule,
            "impact": violation.impact,
            "help": violation.help,
            "help_url": violation.help_url,
            "count": count,
            "targets": [n.target for n in nodes],
            "nodes": [
                {"target": n.target, "html": n.html, "summary": n.summary}
                for n in nodes[:max_nodes]
            ],
            "baseline": note.strip(" ()") if severity == "ignored" else "",
        },
    )


def _snippet(html: str, limit: int = 120) -> str:
    flat = " ".join(html.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class A11y:
    """``cx_a11y``: scan the page with axe-core; violations become findings on the step/test."""

    def __init__(
        self,
        page: Page,
        settings: A11ySettings,
        baseline: Baseline,
        runner: AxeRunner | None = None,
    ) -> None:
        self.page = page
        self.settings = settings
        self.baseline = baseline
        self.runner = runner or AxeRunner()
        self.last_state: str | None = None
        self.scans: list[Scan] = []

    def check(
        self,
        page: Page | None = None,
        *,
        tags: Iterable[str] | None = None,
        rules: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
        impact: str | None = None,
        include: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        fail_fast: bool = False,
    ) -> Scan:
        """Run axe on the page as it is now, frames included; returns the scan.

        ``tags`` (default: WCAG 2.0/2.1/2.2 A and AA) or ``rules`` choose what runs,
        ``disabled`` rules never run, ``impact`` is the lowest that fails (``serious``),
        ``include``/``exclude`` are CSS selectors limiting the scan. Violations at or above
        ``impact`` fail the current step (or the test) once it ends; with ``fail_fast=True``
        they raise at once and a clean scan records nothing (for Hypothesis ``@given`` tests).
        """
        config = self.config(
            tags=tags, rules=rules, disabled=disabled, include=include, exclude=exclude
        )
        level = check_impact(impact, "cx_a11y.check(impact=...)") if impact else None
        if not fail_fast:
            return self.run(page or self.page, config, level or self.settings.impact)
        found: list[Finding] = []
        with collecting(found):
            scan = self.run(page or self.page, config, level or self.settings.impact)
        if self.settings.update_baseline:
            record(found)  # what the baseline is made from
        raise_failing(found)
        return scan

    def config(
        self,
        *,
        tags: Iterable[str] | None = None,
        rules: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
        include: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        target_size: int | None = None,
    ) -> AxeConfig:
        base = self.settings.config
        config = replace(
            base,
            tags=_names(tags) if tags is not None else base.tags,
            rules=_names(rules) if rules is not None else base.rules,
            disabled=(*base.disabled, *_names(disabled or ())),
            include=_selectors(include),
            exclude=_selectors(exclude),
            target_size=target_size or base.target_size,
        )
        return config.validated("cx_a11y.check")

    def run(self, page: Page, config: AxeConfig, impact: str, kind: str = "a11y") -> Scan:
        scan = self.runner.scan(page, config)
        self.scans.append(scan)
        record(
            findings_for(
                scan,
                config,
                impact=impact,
                baseline=self.baseline,
                updating=self.settings.update_baseline,
                kind=kind,
                max_nodes=self.settings.max_nodes,
            )
        )
        return scan

    def after_step(self, record: StepRecord) -> None:
        """The automatic scan (``cx_a11y_auto``): after a step, if the page shows a new state."""
        try:
            state = str(self.page.evaluate(STATE_JS))
        except Exception:
            return  # closed or navigating: the next step's state is scanned instead
        if state == self.last_state:
            return
        try:
            self.check()
        except AxeError as exc:
            # A step that ends mid-navigation is common (a click that loads the next page):
            # say so, and scan the state the next step leaves.
            add_finding(
                "a11y",
                f"automatic accessibility scan skipped: {exc}",
                severity="warning",
                check="axe-scan-skipped",
                target=self.page.url,
            )
            return
        self.last_state = state


def _selectors(value: Iterable[str] | str | None) -> tuple[str, ...]:
    # One text is one CSS selector: "#chat .widget" is a descendant selector, not two.
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _names(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace(",", " ").split() if v)
    return tuple(str(v) for v in value)


# --- the baseline, from a run's results (on the process that writes the outputs) ---


def scanned_and_seen(
    findings: Iterable[Finding],
) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]], list[Entry]]:
    """(page, rule) pairs scanned in full; (page, rule, target) keys seen; entries to record."""
    scanned: set[tuple[str, str]] = set()
    seen: set[tuple[str, str, str]] = set()
    record: dict[tuple[str, str, str], Entry] = {}
    known = catalogue()
    for f in findings:
        if f.kind != "a11y":
            continue
        data = f.data
        if f.check == SCAN_CHECK:
            if data.get("partial"):
                continue
            config = AxeConfig(
                tags=tuple(data.get("tags") or ()) or known.tags,
                rules=tuple(data.get("rules") or ()),
                disabled=tuple(data.get("disabled") or ()),
            )
            scanned.update((str(data["page"]), rule) for rule in config.rules_run())
            continue
        page, rule = str(data.get("page", "")), str(data.get("rule", ""))
        for target in data.get("targets") or ():
            key = (page, rule, str(target))
            seen.add(key)
            if f.severity in ("error", "ignored"):
                record[key] = Entry(
                    page, rule, str(target), str(data.get("impact", "")), str(data.get("help", ""))
                )
    return scanned, seen, list(record.values())


def baseline_outcome(run: RunResults, baseline: Baseline, update: bool) -> list[str]:
    """After the run: write the baseline (update mode), or say which entries are fixed."""
    findings = [f for result in run.results for f in result.all_findings]
    scanned, seen, entries = scanned_and_seen(findings)
    if not scanned and not entries:
        return []
    if update:
        updated = baseline.updated(scanned, entries)
        if run.interrupted:
            return [f"not updated: the run was interrupted ({baseline.path})"]
        path = updated.write()
        return [f"recorded {len(updated)} accepted violation(s) in {path}; commit it"]
    fixed = baseline.fixed(scanned, seen)
    if not fixed:
        return []
    lines = [
        f"{len(fixed)} entr{'y is' if len(fixed) == 1 else 'ies are'} fixed (not seen again on "
        f"pages this run scanned); shrink {baseline.path.name} with --cx-a11y-update-baseline:"
    ]
    lines += [f"  fixed: {e.rule} on {e.page} at {e.target}" for e in fixed[:20]]
    if len(fixed) > 20:
        lines.append(f"  ... and {len(fixed) - 20} more")
    return lines
