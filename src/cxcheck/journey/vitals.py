"""Web Vitals measured inside the page, per navigation, with the browser's own performance APIs.

- TTFB: ``responseStart`` of the navigation entry (request start to first byte, incl. redirects).
- FCP: the ``first-contentful-paint`` paint entry.
- LCP: the last ``largest-contentful-paint`` entry so far (it is final once the user interacts).
- CLS: the largest session window of ``layout-shift`` entries without recent input (shifts less
  than 1 s apart, windows at most 5 s), as web-vitals defines it.
- INP: headless runs have no real users, so this is an honest proxy: the longest ``event`` timing
  entry (input delay + processing + presentation) of the interactions the test performed; None
  when the test did not interact.

The observers are installed by an init script, so they see each document from its start.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxcheck.model.durations import parse_duration
from cxcheck.model.errors import CxError
from cxcheck.model.results import Vitals

INIT_SCRIPT = r"""
(() => {
  if (window.__cxVitals) return;
  const v = window.__cxVitals = {fcp: null, lcp: null, cls: 0, inp: null};
  let win = 0, first = 0, last = 0;
  const observe = (type, fn, extra) => {
    try { new PerformanceObserver(l => l.getEntries().forEach(fn))
            .observe(Object.assign({type, buffered: true}, extra || {})); } catch (e) {}
  };
  observe('paint', e => { if (e.name === 'first-contentful-paint') v.fcp = e.startTime; });
  observe('largest-contentful-paint', e => { v.lcp = e.startTime; });
  observe('layout-shift', e => {
    if (e.hadRecentInput) return;
    if (win && e.startTime - last < 1000 && e.startTime - first < 5000) { win += e.value; }
    else { win = e.value; first = e.startTime; }
    last = e.startTime;
    v.cls = Math.max(v.cls, win);
  });
  observe('event', e => {
    if (e.interactionId) v.inp = Math.max(v.inp || 0, e.duration);
  }, {durationThreshold: 16});
})();
"""

READ_SCRIPT = """() => {
  const v = window.__cxVitals || {};
  const nav = performance.getEntriesByType('navigation')[0];
  return {url: location.href, ttfb: nav ? nav.responseStart : null, fcp: v.fcp ?? null,
          lcp: v.lcp ?? null, cls: v.cls ?? null, inp: v.inp ?? null};
}"""


LIMIT_KEYS = ("ttfb", "fcp", "lcp", "cls", "inp")


def check(vitals: Vitals, limits: Mapping[str, Any]) -> list[str]:
    """The limits ``vitals`` break, as sentences; durations like ``"4s"``, CLS as a number."""
    problems = []
    for key, limit in limits.items():
        if key not in LIMIT_KEYS:
            raise CxError(f"expect_vitals: unknown metric {key!r}; use {', '.join(LIMIT_KEYS)}")
        value = getattr(vitals, key)
        if key == "cls":
            if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 0:
                raise CxError(f"expect_vitals: cls={limit!r} must be a number like 0.1")
            if value is not None and value > limit:
                problems.append(f"CLS {value:.3f} is over {limit:g}")
            continue
        limit_ms = parse_duration(limit, f"expect_vitals {key}") * 1000
        if value is None:
            if key != "inp":  # no interaction, no INP: not a failure
                problems.append(f"{key.upper()} was not measured (the page never painted it)")
        elif value > limit_ms:
            problems.append(f"{key.upper()} {value:.0f} ms is over {limit_ms:.0f} ms")
    return problems
