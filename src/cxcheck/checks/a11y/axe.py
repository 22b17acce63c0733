"""Running axe-core in a page and in all of its frames, cross-origin ones included.

axe-core's JavaScript comes from the ``axe-playwright-python`` package. That package injects it
again on every call and scans the main frame only; here it is injected at most once per
document, and every frame is scanned with axe's own ``runPartial`` / ``finishRun`` (the way
``@axe-core/playwright`` does it), so a payment or chat widget in an iframe is part of the scan.
A scan that cannot finish (the page navigated away, a frame hung) raises :class:`AxeError` with
what happened and what to do, never a hang.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from cxcheck.model.errors import CxError
from cxcheck.model.text import did_you_mean

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

IMPACTS = ("minor", "moderate", "serious", "critical")
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag: 2.2 added AA criteria only
# among those it tests).
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
FRAME_SEP = " >>> "  # between the selectors of nested frames in a target
SHADOW_SEP = " >> "  # between a shadow host and the element inside it
SCAN_TIMEOUT_S = 30.0


class AxeError(CxError):
    """axe could not scan the page; the message says why and what to do."""


@dataclass(frozen=True)
class AxeCatalogue:
    """What the bundled axe-core knows: its version, rule ids and tags."""

    version: str
    rules: dict[str, tuple[str, ...]]  # rule id -> tags

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({tag for tags in self.rules.values() for tag in tags}))

    def rules_for(self, tags: tuple[str, ...]) -> set[str]:
        return {rule for rule, rule_tags in self.rules.items() if set(rule_tags) & set(tags)}


@functools.cache
def axe_source() -> str:
    """axe-core's JavaScript, as shipped by axe-playwright-python."""
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise AxeError(
            f"axe-core is missing ({exc}); install it with: pip install axe-playwright-python"
        ) from None


@functools.cache
def catalogue() -> AxeCatalogue:
    """Rule ids and tags, read from axe's source so options are checked before any browser."""
    source = axe_source()
    version = re.search(r"axe v([\d.]+)", source)
    rules = {
        rule: tuple(t.strip().strip('"') for t in tags.split(",") if t.strip())
        for rule, tags in re.findall(r'\{id:"([\w-]+)",[^{}]*?tags:\[([^\]]*)\]', source)
    }
    return AxeCatalogue(version.group(1) if version else "unknown", rules)


def _unknown(kind: str, value: str, valid: tuple[str, ...] | list[str], where: str) -> AxeError:
    did = did_you_mean(value, valid, quote="{!r}")
    shown = ", ".join(valid) if len(valid) <= 12 else ", ".join(valid[:12]) + ", ..."
    return AxeError(f"{where}: unknown axe {kind} {value!r}.{did} Valid {kind}s: {shown}")


def check_impact(value: str, where: str) -> str:
    if value not in IMPACTS:
        raise _unknown("impact level", value, IMPACTS, where)
    return value


def check_tags(values: tuple[str, ...], where: str) -> tuple[str, ...]:
    known = catalogue().tags
    for tag in values:
        if tag not in known:
            wcag = [t for t in known if t.startswith("wcag") and not t[4:].isdigit()]
            raise _unknown("tag", tag, [*wcag, "best-practice", "..."] if wcag else known, where)
    return values


def check_rules(values: tuple[str, ...], where: str) -> tuple[str, ...]:
    known = sorted(catalogue().rules)
    for rule in values:
        if rule not in known:
            raise _unknown("rule", rule, known, where)
    return values


@dataclass(frozen=True)
class AxeConfig:
    """What to scan for. ``rules`` (when given) replaces ``tags``; ``disabled`` rules never run."""

    tags: tuple[str, ...] = DEFAULT_TAGS
    rules: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    target_size: int = 24  # CSS px for axe's target-size rule (WCAG 2.5.8 says 24)

    def validated(self, where: str) -> AxeConfig:
        check_tags(self.tags, where)
        check_rules(self.rules, where)
        check_rules(self.disabled, where)
        if not 1 <= self.target_size <= 200:
            raise AxeError(f"{where}: target size {self.target_size} must be 1 to 200 CSS px")
        return self

    @property
    def partial(self) -> bool:
        """Scans only part of the page (include/exclude), so it cannot prove a violation fixed."""
        return bool(self.include or self.exclude)

    def rules_run(self) -> set[str]:
        chosen = set(self.rules) if self.rules else catalogue().rules_for(self.tags)
        return chosen - set(self.disabled)

    def options(self) -> dict[str, Any]:
        if self.rules:
            run_only: dict[str, Any] = {"type": "rule", "values": list(self.rules)}
        else:
            run_only = {"type": "tag", "values": list(self.tags)}
        return {
            "runOnly": run_only,
            "rules": {rule: {"enabled": False} for rule in self.disabled},
            "resultTypes": ["violations"],
        }

    def context(self) -> dict[str, Any]:
        context: dict[str, Any] = {"exclude": [[s] for s in self.exclude]}
        if self.include:
            context["include"] = [[s] for s in self.include]
        return context


@dataclass
class Node:
    """One element a rule failed on: where it is, its HTML, and axe's summary of the fix."""

    target: str
    html: str
    summary: str = ""
    impact: str | None = None


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    tags: list[str] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Scan:
    """One axe scan of a page in its current state."""

    url: str
    violations: list[Violation]
    frames: int
    rules: int
    version: str
    skipped_frames: list[str] = field(default_factory=list)
    """Frames axe could not scan, with why: the scan is then not complete."""


def target_text(target: Any) -> str:
    """axe's target (a selector per frame, a list per shadow root) as one readable string."""
    if isinstance(target, str):
        return target
    parts = []
    for part in target or []:
        parts.append(SHADOW_SEP.join(part) if isinstance(part, list) else str(part))
    return FRAME_SEP.join(parts)


# Is this document's axe ours and configured as wanted? Checked before every scan, so axe is
# injected at most once per document (a navigation makes a new document, without axe).
_READY_JS = """(cfg) => {
  const axe = window.axe;
  if (!axe || axe.version !== cfg.version || typeof axe.runPartial !== 'function') return false;
  if (window.__cxAxeConfig !== cfg.key) {
    axe.reset();
    axe.configure({checks: [{id: 'target-size', options: {minSize: cfg.targetSize}}]});
    // Above 24 px (WCAG 2.5.5's 44) there is no spacing exception: size alone decides.
    if (cfg.targetSize > 24) axe.configure({rules: [{id: 'target-size', any: ['target-size']}]});
    window.__cxAxeConfig = cfg.key;
  }
  return true;
}"""

# Only what a finding needs crosses back to Python: violations, capped and trimmed.
_TRIM_JS = """function trim(results) {
    return results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.slice(0, 200).map(n => ({
        target: n.target, html: (n.html || '').slice(0, 400),
        summary: (n.failureSummary || '').slice(0, 600), impact: n.impact}))}));
  }"""

# One round trip for a page without frames: scan, and finish the run at once.
_PARTIAL_JS = """async ({context, options, timeoutMs, top}) => {
  const limit = new Promise((_, reject) => setTimeout(
    () => reject(new Error(`axe did not finish within ${timeoutMs / 1000} s`)), timeoutMs));
  const partial = await Promise.race([axe.runPartial(context, options), limit]);
  const frames = axe.utils.getFrameContexts(context, options).map(
    f => ({selector: f.frameSelector, context: f.frameContext}));
  if (top && frames.length === 0) {
    return {done: await Promise.race([axe.finishRun([partial], options), limit]).then(trim)};
  }
  return {partial: JSON.stringify(partial), frames};
  %TRIM%
}""".replace("%TRIM%", _TRIM_JS)

_FINISH_JS = """async ({partials, options}) => {
  const results = await axe.finishRun(partials.map(p => p === null ? null : JSON.parse(p)),
                                      options);
  return trim(results);
  %TRIM%
}""".replace("%TRIM%", _TRIM_JS)


class AxeRunner:
    """Scans pages with the bundled axe-core; keeps no state between pages but the source."""

    def __init__(self, timeout_s: float = SCAN_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self.injections = 0  # how many times axe's source was sent to a document

    def _ensure(self, frame: Frame, config: AxeConfig) -> None:
        cfg = {
            "version": catalogue().version,
            "targetSize": config.target_size,
            "key": f"cx:{config.target_size}",
        }
        if frame.evaluate(_READY_JS, cfg):
            return
        frame.evaluate(axe_source())
        self.injections += 1
        if not frame.evaluate(_READY_JS, cfg):
            raise AxeError(
                f"axe could not be started in {frame.url}: the page replaces or blocks "
                "window.axe; scan a page that does not define its own `axe` global"
            )

    def scan(self, page: Page, config: AxeConfig) -> Scan:
        """Scan the page and its frames; raise :class:`AxeError` when axe cannot run."""
        try:
            return self._scan(page, config)
        except AxeError:
            raise
        except Exception as exc:
            raise AxeError(_explain(exc, page)) from None

    def _scan(self, page: Page, config: AxeConfig) -> Scan:
        options = config.options()
        timeout_ms = int(self.timeout_s * 1000)
        top = page.main_frame
        self._ensure(top, config)
        first = top.evaluate(
            _PARTIAL_JS,
            {"context": config.context(), "options": options, "timeoutMs": timeout_ms, "top": True},
        )
        frames = 1
        skipped: list[str] = []
        if "done" in first:
            raw = first["done"]
        else:
            partials: list[str | None] = [first["partial"]]
            frames += self._frames(
                top, first["frames"], options, timeout_ms, partials, config, skipped
            )
            raw = top.evaluate(_FINISH_JS, {"partials": partials, "options": options})
        violations = [
            Violation(
                v["id"],
                v.get("impact") or "minor",
                v.get("help") or "",
                v.get("helpUrl") or "",
                list(v.get("tags") or []),
                [
                    Node(
                        target_text(n.get("target")),
                        n.get("html") or "",
                        n.get("summary") or "",
                        n.get("impact"),
                    )
                    for n in v.get("nodes") or []
                ],
            )
            for v in raw
        ]
        return Scan(
            page.url, violations, frames, len(config.rules_run()), catalogue().version, skipped
        )

    def _frames(
        self,
        parent: Frame,
        contexts: list[dict[str, Any]],
        options: dict[str, Any],
        timeout_ms: int,
        partials: list[str | None],
        config: AxeConfig,
        skipped: list[str],
    ) -> int:
        scanned = 0
        for item in contexts:
            selector = item["selector"]
            if isinstance(selector, list):
                selector = SHADOW_SEP.join(str(s) for s in selector)
            handle = None
            try:
                handle = parent.locator(str(selector)).element_handle(timeout=5_000)
                frame = handle.content_frame() if handle else None
                if frame is None:
                    raise AxeError(f"frame {selector} has no document")
                self._ensure(frame, config)
                result = frame.evaluate(
                    _PARTIAL_JS,
                    {
                        "context": item["context"],
                        "options": options,
                        "timeoutMs": timeout_ms,
                        "top": False,
                    },
                )
            except Exception as exc:
                # axe's place-holder for a frame it could not reach; the gap is reported as a
                # warning and the scan does not count as complete (see a11y.findings_for).
                partials.append(None)
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                skipped.append(f"{selector}: {reason}")
                continue
            finally:
                if handle is not None:
                    with contextlib.suppress(Exception):
                        handle.dispose()
            partials.append(result["partial"])
            scanned += 1
            scanned += self._frames(
                frame, result["frames"], options, timeout_ms, partials, config, skipped
            )
        return scanned


def _explain(exc: Exception, page: Page) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    where = f"axe could not scan {page.url}"
    if "Execution context was destroyed" in text or "navigat" in text.lower():
        return (
            f"{where}: the page navigated while axe was scanning it. Wait until the new page "
            "has loaded (e.g. an expect(...) on something it shows) before the check"
        )
    if "did not finish within" in text:
        return f"{where}: {text}. The page kept axe busy; scan a settled page"
    if "closed" in text.lower():
        return f"{where}: the page or browser was closed"
    return f"{where}: {text}"
