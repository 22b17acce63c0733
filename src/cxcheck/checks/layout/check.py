"""Responsive-layout checks a person on this device needs, as findings: ``cx_layout``.

- **reflow** (WCAG 1.4.10): the page does not scroll sideways at the device width; a failure
  names the elements whose box sticks out of the viewport (the outermost ones: the cause, not
  every child of it).
- **target size** (WCAG 2.5.8), on touch devices: axe-core's own ``target-size`` rule (24×24 CSS
  px with its spacing exception), at 44 px when asked.
- **reachable**: an element is visible, scrolls into the viewport and is not covered at its
  centre by another element (a cookie banner over the Add to basket bar).
- **zoom** (WCAG 1.4.4): axe's ``meta-viewport`` rule (pinch zoom not blocked) and, on devices
  without a mobile viewport, text still unclipped at 200% (the viewport halved in CSS px, which
  is what browser zoom does to a page).

Checks that axe already makes are axe's; the rest run as small scripts in the page.

``exclude`` (CSS selectors, as for ``cx_a11y.check``) leaves parts of the page out of
``check()`` and ``find_breaks``: a matching element and everything inside it produce no
finding (a third-party chat widget that sticks out is not this page's reflow problem).
``assert_reachable`` is not affected: it checks the one element it is given, and what covers
that element is still named, excluded or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxcheck.checks.a11y.baseline import page_key
from cxcheck.checks.a11y.check import A11y
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError, add_finding, collecting, raise_failing, record
from cxcheck.model.results import Finding
from cxcheck.model.text import did_you_mean

if TYPE_CHECKING:
    from playwright.sync_api import Locator as PlaywrightLocator
    from playwright.sync_api import Page

    from cxcheck.checks.layout.breaks import Exploration
    from cxcheck.config.profiles import DeviceProfile

CHECKS = ("reflow", "target-size", "zoom")
DEFAULT_CHECKS = ("reflow", "target-size")
MAX_LISTED = 8

# A short, readable selector for an element: its id if unique, else a path of up to 4 parts.
_SELECTOR_JS = """
function cxSelector(el) {
  const esc = s => (window.CSS && CSS.escape) ? CSS.escape(s) : s;
  if (el.id && document.querySelectorAll('#' + esc(el.id)).length === 1) return '#' + esc(el.id);
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    if (e.id) { parts.unshift('#' + esc(e.id)); break; }
    let part = e.localName + [...e.classList].slice(0, 2).map(c => '.' + esc(c)).join('');
    const parent = e.parentElement;
    if (parent) {
      const same = [...parent.children].filter(c => c.localName === e.localName);
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(e) + 1})`;
    }
    parts.unshift(part);
    if (e.localName === 'body') break;
  }
  return parts.join(' > ');
}
// In an excluded part of the page: the element itself or one of its ancestors matches.
function cxExcluded(el, exclude) {
  return exclude.some(s => el.closest(s) !== null);
}
function cxBox(r) {
  return {x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY),
          width: Math.round(r.width), height: Math.round(r.height)};
}
"""

REFLOW_JS = (
    "(exclude) => {"
    + _SELECTOR_JS
    + """
  const root = document.documentElement;
  const width = root.clientWidth;
  // The layout viewport: a phone that zoomed out to fit a too-wide page widens innerWidth.
  const out = {viewport: {width: width, height: root.clientHeight}, clientWidth: width,
               scrollWidth: root.scrollWidth, offenders: [], excluded: 0};
  if (root.scrollWidth <= width || !document.body) return out;
  // Content inside its own scrolling or clipping box (a carousel) does not scroll the page.
  // Nor does a fixed element (it is sized to the viewport, never scrolled to).
  const clipped = el => {
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.position === 'fixed') return true;
      if (p !== el && style.overflowX !== 'visible') return true;
    }
    return false;
  };
  const out_of_view = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) continue;
    const left = r.left + scrollX, right = r.right + scrollX;
    if (right <= width + 1 && left >= -1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || clipped(el)) continue;
    if (cxExcluded(el, exclude)) { out.excluded++; continue; }
    out_of_view.add(el);
  }
  for (const el of out_of_view) {
    if (out_of_view.has(el.parentElement)) continue;
    out.offenders.push({selector: cxSelector(el), box: cxBox(el.getBoundingClientRect())});
  }
  return out;
}"""
)

REACHABLE_JS = (
    "(el) => {"
    + _SELECTOR_JS
    + """
  const r = el.getBoundingClientRect();
  const out = {viewport: {width: innerWidth, height: innerHeight}, box: cxBox(r),
               selector: cxSelector(el), inView: true, cover: null};
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { out.inView = false; return out; }
  const hit = document.elementFromPoint(x, y);
  if (hit && (hit === el || el.contains(hit))) return out;
  // An ancestor answers where the element is clipped away (or lets clicks through itself).
  if (hit && hit.contains(el) && getComputedStyle(el).pointerEvents !== 'none') {
    out.clipped = true;
    return out;
  }
  if (!hit) return out;
  // Name what covers it by its fixed or sticky container (the banner, not a word in it).
  let cover = hit;
  for (let p = hit; p && p !== document.body; p = p.parentElement) {
    const pos = getComputedStyle(p).position;
    if (pos === 'fixed' || pos === 'sticky') { cover = p; break; }
  }
  out.cover = {selector: cxSelector(cover), box: cxBox(cover.getBoundingClientRect())};
  return out;
}"""
)

# The selectors of ``exclude`` the browser cannot parse (axe would fail on them mid-scan).
INVALID_SELECTORS_JS = """(selectors) => selectors.filter(s => {
  try { document.createDocumentFragment().querySelector(s); return false; }
  catch (e) { return true; }
})"""

# Text cut off by a box that hides its overflow, ignoring the visually-hidden pattern
# (1 px boxes for screen readers), which clips on purpose.
CLIPPED_TEXT_JS = (
    "(exclude) => {"
    + _SELECTOR_JS
    + """
  const out = [];
  if (!document.body) return out;
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const hides = v => v === 'hidden' || v === 'clip';
    if (!hides(style.overflowX) && !hides(style.overflowY)) continue;
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.clientWidth <= 2 || el.clientHeight <= 2) continue;
    const wide = hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const tall = hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!wide && !tall) continue;
    if (!(el.innerText || '').trim()) continue;
    if (cxExcluded(el, exclude)) continue;
    out.push({selector: cxSelector(el), box: cxBox(el.getBoundingClientRect()),
              text: el.innerText.trim().slice(0, 80)});
    if (out.length >= 20) break;
  }
  return out;
}"""
)


@dataclass(frozen=True)
class LayoutSettings:
    target_size: int = 24  # ini cx_layout_target_size: 24 (WCAG 2.5.8) or 44 (2.5.5, Apple, Google)


def _box(box: dict[str, Any]) -> str:
    return f"{box['width']}×{box['height']} at ({box['x']}, {box['y']})"


class Layout:
    """``cx_layout``: responsive-layout checks on the device this test emulates."""

    def __init__(
        self, page: Page, device: DeviceProfile, a11y: A11y, settings: LayoutSettings
    ) -> None:
        self.page = page
        self.device = device
        self.a11y = a11y
        self.settings = settings

    def _viewport(self, page: Page) -> str:
        size = page.viewport_size or {"width": 0, "height": 0}
        return f"{size['width']}×{size['height']} ({self.device.name})"

    # --- the checks ---

    def check(
        self,
        page: Page | None = None,
        *,
        checks: Iterable[str] | None = None,
        zoom: bool = False,
        min_target: int | None = None,
        exclude: Iterable[str] | str | None = None,
        fail_fast: bool = False,
    ) -> list[Finding]:
        """Run reflow and target size (and zoom, when ``zoom=True`` or named in ``checks``).

        Problems become findings on the current step (or the test) and fail it when it ends;
        returns the findings this call added. ``exclude``: CSS selectors (one, or a list) of
        parts of the page to leave out; what matches and its descendants find nothing.
        ``fail_fast=True`` raises at once instead and records nothing when all is well: what a
        Hypothesis ``@given`` test needs to shrink.
        """
        names = _check_names(checks if checks is not None else DEFAULT_CHECKS)
        if zoom and "zoom" not in names:
            names = (*names, "zoom")
        page = page or self.page
        leave_out = self._exclude(page, exclude)
        added: list[Finding] = []
        with collecting(added):
            if "reflow" in names:
                self.reflow(page, exclude=leave_out)
            if "target-size" in names:
                self.target_size(page, min_target, exclude=leave_out)
            if "zoom" in names:
                self.zoom(page, exclude=leave_out)
        if fail_fast:
            raise_failing(added)
            return added
        record(added)
        return added

    def reflow(
        self, page: Page | None = None, *, exclude: Iterable[str] | str | None = None
    ) -> None:
        """WCAG 1.4.10: nothing makes the page scroll sideways at this width."""
        page = page or self.page
        data = page.evaluate(REFLOW_JS, list(self._exclude(page, exclude)))
        extra = data["scrollWidth"] - data["clientWidth"]
        if extra <= 0:
            return
        offenders = data["offenders"]
        if not offenders and data["excluded"]:
            return  # only excluded parts stick out: not this page's problem, as asked
        lines = [
            f"layout: {page_key(page.url)} scrolls sideways on {self._viewport(page)}: the page is "
            f"{data['scrollWidth']} px wide, {extra} px wider than the screen (WCAG 1.4.10 reflow)"
        ]
        for item in offenders[:MAX_LISTED]:
            lines.append(f"  {item['selector']} sticks out: {_box(item['box'])}")
        if len(offenders) > MAX_LISTED:
            lines.append(f"  ... and {len(offenders) - MAX_LISTED} more")
        add_finding(
            "layout",
            "\n".join(lines),
            check="reflow",
            target=offenders[0]["selector"] if offenders else None,
            url=page.url,
            viewport=data["viewport"],
            page_width=data["scrollWidth"],
            offenders=offenders[:50],
        )

    def target_size(
        self,
        page: Page | None = None,
        min_size: int | None = None,
        *,
        exclude: Iterable[str] | str | None = None,
    ) -> None:
        """WCAG 2.5.8 on touch devices, by axe's target-size rule: 24 px, or ``min_size``."""
        if not self.device.touch:
            return  # a mouse pointer is precise: the check is for fingers
        page = page or self.page
        size = min_size or self.settings.target_size
        config = self.a11y.config(
            rules=("target-size",), target_size=size, exclude=self._exclude(page, exclude)
        )
        self.a11y.run(page, config, "minor", kind="layout")

    def zoom(self, page: Page | None = None, *, exclude: Iterable[str] | str | None = None) -> None:
        """WCAG 1.4.4: pinch zoom is allowed, and text stays whole at 200% (desktop viewports)."""
        page = page or self.page
        leave_out = self._exclude(page, exclude)
        config = self.a11y.config(rules=("meta-viewport",), exclude=leave_out)
        self.a11y.run(page, config, "minor", kind="layout")
        if self.device.mobile:
            return  # phones zoom by pinching, which meta-viewport covers
        size = page.viewport_size
        if not size:
            return
        page.set_viewport_size(
            {"width": max(size["width"] // 2, 1), "height": max(size["height"] // 2, 1)}
        )
        try:
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
            clipped = page.evaluate(CLIPPED_TEXT_JS, list(leave_out))
        finally:
            page.set_viewport_size(size)
        if not clipped:
            return
        lines = [
            f"layout: text is cut off at 200% zoom on {page_key(page.url)} "
            f"({self._viewport(page)}, zoomed to {size['width'] // 2}×{size['height'] // 2} "
            "CSS px; WCAG 1.4.4)"
        ]
        for item in clipped[:MAX_LISTED]:
            lines.append(f"  {item['selector']} {_box(item['box'])}: {item['text']!r}")
        add_finding(
            "layout",
            "\n".join(lines),
            check="zoom-text",
            target=clipped[0]["selector"],
            url=page.url,
            clipped=clipped,
        )

    def assert_reachable(
        self,
        selector: str | PlaywrightLocator,
        page: Page | None = None,
        *,
        timeout: float = 5_000,
        label: str | None = None,
    ) -> None:
        """The element is visible, scrolls into view, and nothing covers its centre.

        Fails at once (a customer who cannot reach it cannot go on), naming what covers it,
        its box and the viewport. ``timeout`` (ms) is how long to wait for it to exist.
        ``selector`` may be a Playwright locator; ``label`` is how messages name it.
        """
        __tracebackhide__ = True
        page = page or self.page
        locator = (page.locator(selector) if isinstance(selector, str) else selector).first
        selector = label or (selector if isinstance(selector, str) else str(selector))
        where = self._viewport(page)
        try:
            locator.wait_for(state="attached", timeout=timeout)
        except Exception:
            raise CxError(
                f"cx_layout.assert_reachable: {selector!r} matches nothing on {page.url} "
                f"(waited {timeout / 1000:g} s); check the selector"
            ) from None
        if not locator.is_visible():
            self._unreachable(selector, f"{selector} is not visible on {where}", page, "hidden")
        try:
            locator.scroll_into_view_if_needed(timeout=timeout)
        except Exception:
            self._unreachable(
                selector,
                f"{selector} cannot be scrolled into view on {where}",
                page,
                "not-scrollable",
            )
        data = locator.evaluate(REACHABLE_JS)
        if not data["inView"]:
            self._unreachable(
                selector,
                f"{selector} ({_box(data['box'])}) stays outside the viewport on {where}",
                page,
                "outside",
                box=data["box"],
            )
        if data.get("clipped"):
            self._unreachable(
                selector,
                f"{selector} ({_box(data['box'])}) is clipped away by an ancestor at its centre "
                f"on {where}: a customer cannot see or tap it",
                page,
                "clipped",
                box=data["box"],
            )
        if data["cover"]:
            cover = data["cover"]
            self._unreachable(
                selector,
                f"{selector} ({_box(data['box'])}) is covered at its centre by "
                f"{cover['selector']} ({_box(cover['box'])}) on {where}: a customer cannot "
                "tap it",
                page,
                "covered",
                box=data["box"],
                covered_by=cover["selector"],
                cover_box=cover["box"],
            )

    def _unreachable(self, selector: str, text: str, page: Page, why: str, **data: Any) -> None:
        __tracebackhide__ = True
        size = page.viewport_size
        viewport = {"width": size["width"], "height": size["height"]} if size else {}
        finding = Finding(
            "layout",
            f"layout: {text}",
            check="reachable",
            target=selector,
            data={"why": why, "url": page.url, "viewport": dict(viewport), **data},
        )
        raise JourneyStepError(finding.message, [finding])

    def _exclude(self, page: Page, exclude: Iterable[str] | str | None) -> tuple[str, ...]:
        """``exclude`` as selectors the browser accepts, else a clear error naming the bad one."""
        selectors = _selectors(exclude)
        if not selectors:
            return ()
        invalid = page.evaluate(INVALID_SELECTORS_JS, list(selectors))
        if invalid:
            raise CxError(
                f"cx_layout: exclude {invalid[0]!r} is not a valid CSS selector; give CSS "
                "selectors of the parts to leave out, like '#chat-widget' or '.ads iframe' "
                "(as for a11y exclude)"
            )
        return selectors

    # --- exploration ---

    def find_breaks(
        self,
        path: str,
        *,
        widths: tuple[int, int] = (320, 1920),
        checks: Iterable[str] = ("reflow",),
        resolution: int = 40,
        height: int | None = None,
        exclude: Iterable[str] | str | None = None,
        fail: bool = True,
    ) -> Exploration:
        """The widths where the layout at ``path`` breaks, each band shrunk to its narrowest.

        Reads the page's media-query breakpoints and tries both sides of each, a grid finer
        than ``resolution`` px (so a band that wide is found on every run) and a few widths
        Hypothesis chooses; every try is one page load in this test's page. ``exclude``: CSS
        selectors of parts to leave out, as for :meth:`check`. With ``fail`` each band becomes
        an error finding. Returns the exploration (bands, loads, seed).
        """
        from cxcheck.checks.layout.breaks import BREAKPOINTS_JS, find_breaks, normalise_breakpoints

        names = _check_names(checks)
        leave_out = _selectors(exclude)
        page = self.page
        original = page.viewport_size
        tall = height or (original["height"] if original else 800)

        def probe(width: int) -> Sequence[Finding]:
            page.set_viewport_size({"width": width, "height": tall})
            page.goto(path)
            found: list[Finding] = []
            with collecting(found):
                self.check(checks=names, exclude=leave_out)
            return [f for f in found if f.failing]

        try:
            page.set_viewport_size({"width": widths[0], "height": tall})
            page.goto(path)
            breakpoints = normalise_breakpoints(page.evaluate(BREAKPOINTS_JS))
            result = find_breaks(
                probe, widths=widths, breakpoints=breakpoints, resolution=resolution
            )
        finally:
            if original:
                page.set_viewport_size(original)
        if fail:
            for band in result.bands:
                first = band.findings[0].message.splitlines()[0] if band.findings else ""
                first = first.removeprefix("layout: ")
                add_finding(
                    "layout",
                    f"layout: {path} breaks at widths {band.start}–{band.end} px "
                    f"(narrowest {band.start} px; {result.loads} page loads, seed "
                    f"{result.seed}): {first}",
                    check="find-breaks",
                    target=path,
                    start=band.start,
                    end=band.end,
                    loads=result.loads,
                    seed=result.seed,
                )
        return result


def _selectors(exclude: Iterable[str] | str | None) -> tuple[str, ...]:
    """One selector, or a list of them; a text is one selector (CSS selectors hold spaces
    and commas)."""
    if exclude is None:
        return ()
    values = [exclude] if isinstance(exclude, str) else list(exclude)
    for value in values:
        if not isinstance(value, str):
            raise CxError(
                f"cx_layout: exclude must be CSS selectors (text), got {value!r}; "
                "e.g. exclude=['#chat-widget']"
            )
    return tuple(v.strip() for v in values if v.strip())


def _check_names(checks: Iterable[str]) -> tuple[str, ...]:
    names = (checks,) if isinstance(checks, str) else tuple(checks)
    for name in names:
        if name not in CHECKS:
            did = did_you_mean(name, CHECKS, quote="{!r}")
            raise CxError(f"cx_layout: unknown check {name!r}.{did} Checks: {', '.join(CHECKS)}")
    return names
