"""The search behind ``find_breaks``: the narrowest viewport widths where a layout breaks.

Layouts break at media-query boundaries and in bands between them, so the search is:

1. both sides of every breakpoint in the range (``w - 1`` and ``w``) and the two range ends;
2. a deterministic grid filling every gap wider than ``resolution`` px, so that any band of at
   least ``resolution`` consecutive failing widths is found on every run, not by luck;
3. a small extra budget of random widths drawn by Hypothesis (honouring the loaded settings
   profile's ``derandomize``, and ``--hypothesis-seed``; the seed used is recorded);
4. bisection of every edge between a passing and a failing width, so each band's ``start``
   and ``end`` are exact to 1 px.

It is pure logic around a *probe*: ``probe(width)`` loads the page at that width and returns its
problems (empty means it passes). Each call is one page load; no width is probed twice. In a
browser the breakpoints come from :data:`BREAKPOINTS_JS`::

    raw = page.evaluate(BREAKPOINTS_JS)
    result = find_breaks(probe, breakpoints=normalise_breakpoints(raw))
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from cxcheck.config.profiles import VIEWPORT_RANGE
from cxcheck.model.errors import CxError

__all__ = [
    "BREAKPOINTS_JS",
    "Band",
    "Exploration",
    "Probe",
    "find_breaks",
    "normalise_breakpoints",
]

Probe = Callable[[int], Sequence[Any]]

DEFAULT_WIDTHS = (320, 1920)
DEFAULT_RESOLUTION = 40
DEFAULT_EXTRA_EXAMPLES = 4


@dataclass(frozen=True)
class Band:
    """A run of consecutive failing widths."""

    start: int
    """Narrowest failing width (inclusive)."""
    end: int
    """Widest failing width (inclusive), as far as it was established."""
    findings: list[Any] = field(default_factory=list)
    """What the probe returned for ``start``."""
    exact: bool = True
    """Both edges are established to 1 px: next to each is a passing width or the range end.
    False only when ``max_loads`` stopped the search before the bisection finished."""

    @property
    def width(self) -> int:
        """How many widths the band spans."""
        return self.end - self.start + 1

    def __str__(self) -> str:
        span = f"{self.start} px" if self.start == self.end else f"{self.start}–{self.end} px"
        return span if self.exact else f"{span} (edges not exact: load budget ran out)"


@dataclass
class Exploration:
    """What :func:`find_breaks` found, and what it cost."""

    bands: list[Band]
    """Failing bands, narrowest width first."""
    loads: int
    """Page loads (probe calls) spent."""
    widths_tried: list[int]
    """Every width probed, in the order probed."""
    seed: int | None
    """The seed of the random phase (None when derandomized or when it had no budget)."""
    breakpoints: list[int]
    """The breakpoints inside the range that were probed on both sides."""
    widths: tuple[int, int] = DEFAULT_WIDTHS
    """The range searched, inclusive."""
    exhausted: bool = False
    """``max_loads`` stopped the search early: bands may be missing or have inexact edges."""

    @property
    def narrowest(self) -> Band | None:
        """The band with the narrowest failing width, if any."""
        return self.bands[0] if self.bands else None


class _BudgetSpent(Exception):
    """``max_loads`` page loads have been made."""


class _Prober:
    """The probe with a cache, a load counter and the load budget."""

    def __init__(self, probe: Probe, max_loads: int | None) -> None:
        self.probe = probe
        self.max_loads = max_loads
        self.results: dict[int, list[Any]] = {}
        self.order: list[int] = []

    def fails(self, width: int) -> bool:
        """Whether ``width`` fails, probing it if it has not been probed yet."""
        if width not in self.results:
            if self.max_loads is not None and len(self.order) >= self.max_loads:
                raise _BudgetSpent
            found = list(self.probe(width))
            self.results[width] = found
            self.order.append(width)
        return bool(self.results[width])


def find_breaks(
    probe: Probe,
    *,
    widths: Sequence[int] = DEFAULT_WIDTHS,
    breakpoints: Iterable[float] = (),
    resolution: int = DEFAULT_RESOLUTION,
    max_loads: int | None = None,
    extra_examples: int = DEFAULT_EXTRA_EXAMPLES,
    seed: int | None = None,
) -> Exploration:
    """Every band of widths in ``widths`` (inclusive) where ``probe`` reports problems.

    ``breakpoints`` are "first width of the new layout" values (as :data:`BREAKPOINTS_JS`
    returns them); ``w - 1`` and ``w`` are probed for each inside the range. Any band of at least
    ``resolution`` consecutive failing widths is always found; narrower ones are found when they
    touch a breakpoint or a random width lands in them. ``extra_examples`` random widths are
    tried on top; ``seed`` replays a run's random widths (see :attr:`Exploration.seed`).
    ``max_loads`` caps the page loads, leaving the result marked ``exhausted``.

    For the default 320–1920 range without breakpoints this costs at most 41 grid loads,
    ``extra_examples`` random loads and about 12 bisection loads per band.
    """
    lo, hi = _check_widths(widths)
    _check_int("resolution", resolution, 1, "px")
    if max_loads is not None:
        _check_int("max_loads", max_loads, 1, "page loads")
    _check_int("extra_examples", extra_examples, 0, "widths")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise CxError(f"seed={seed!r} must be a whole number (the seed a previous run printed)")
    inside = [b for b in normalise_breakpoints(breakpoints) if lo < b <= hi]

    prober = _Prober(probe, max_loads)
    anchors = list(dict.fromkeys([lo, hi, *(w for b in inside for w in (b - 1, b))]))
    used_seed = _choose_seed(seed) if extra_examples else None
    exhausted = False
    try:
        for width in [*anchors, *_grid(sorted(anchors), resolution)]:
            prober.fails(width)
        if extra_examples:
            _random_widths(prober, lo, hi, extra_examples, used_seed)
        _bisect_edges(prober)
    except _BudgetSpent:
        exhausted = True
    return Exploration(
        bands=_bands(prober.results, lo, hi),
        loads=len(prober.order),
        widths_tried=list(prober.order),
        seed=used_seed,
        breakpoints=inside,
        widths=(lo, hi),
        exhausted=exhausted,
    )


def normalise_breakpoints(raw: Iterable[object]) -> list[int]:
    """Breakpoints as sorted, unique "first width of the new layout" ints.

    Fractions round up (a layout starting at 600.5 px first shows at 601); values below 1 are
    dropped, as no viewport is that narrow. Anything but a finite number raises ``CxError``.
    """
    if isinstance(raw, str | bytes):
        raise CxError(f"breakpoints={raw!r} must be a list of widths in px, like [600, 1024]")
    out: set[int] = set()
    for value in raw:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise CxError(
                f"breakpoint {value!r} is not a width: give widths in px, like [600, 1024]"
            )
        width = math.ceil(value)
        if width >= 1:
            out.add(width)
    return sorted(out)


def _check_int(name: str, value: object, minimum: int, unit: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise CxError(f"{name}={value!r} must be a whole number of {unit}, at least {minimum}")


def _check_widths(widths: object) -> tuple[int, int]:
    lo_ok, hi_ok = VIEWPORT_RANGE
    valid = f"two whole numbers of px with {lo_ok} <= narrowest < widest <= {hi_ok}"
    if isinstance(widths, str | bytes) or not isinstance(widths, Sequence) or len(widths) != 2:
        raise CxError(f"widths={widths!r} must be {valid}, like (320, 1920)")
    lo, hi = widths
    for value in (lo, hi):
        if not isinstance(value, int) or isinstance(value, bool):
            raise CxError(f"widths={widths!r}: {value!r} is not a whole number; give {valid}")
        if not lo_ok <= value <= hi_ok:
            raise CxError(f"widths={widths!r}: {value} px is out of range; give {valid}")
    if lo >= hi:
        raise CxError(f"widths={widths!r}: the narrowest must come first; give {valid}")
    return lo, hi


def _grid(anchors: list[int], step: int) -> list[int]:
    """Evenly spaced widths leaving no gap wider than ``step`` between sorted ``anchors``,
    coarse first (so that a load budget cut short still covers the whole range)."""
    points: list[int] = []
    for p, q in pairwise(anchors):
        gap = q - p
        parts = -(-gap // step)  # the fewest parts no longer than step
        points.extend(p + (i * gap + parts // 2) // parts for i in range(1, parts))
    ordered: list[int] = []
    pending = deque([(0, len(points))])
    while pending:
        left, right = pending.popleft()
        if left < right:
            middle = (left + right) // 2
            ordered.append(points[middle])
            pending.extend([(left, middle), (middle + 1, right)])
    return ordered


def _choose_seed(seed: int | None) -> int | None:
    """The seed for the random widths: the one given, else none when the loaded Hypothesis
    profile derandomizes, else ``--hypothesis-seed``, else a fresh one."""
    if seed is not None:
        return seed
    from hypothesis import core, settings

    if settings().derandomize:
        return None
    forced = getattr(core, "global_force_seed", None)
    if isinstance(forced, int) and not isinstance(forced, bool):
        return forced
    return random.getrandbits(32)


def _random_widths(prober: _Prober, lo: int, hi: int, budget: int, seed: int | None) -> None:
    """Spend up to ``budget`` page loads on widths Hypothesis draws (already probed ones are
    free, so it draws a few times the budget). Inside a running Hypothesis test, where a nested
    ``@given`` is refused, the widths come from ``random.Random(seed)``."""
    from hypothesis import HealthCheck, Phase, Verbosity, currently_in_test_context, given, settings
    from hypothesis import seed as seeded
    from hypothesis import strategies as st

    left = [budget]
    stopped: list[BaseException] = []

    def attempt(width: int) -> None:
        # Never raise into Hypothesis: it would replay and shrink the "failure", costing loads.
        if stopped or left[0] <= 0 or width in prober.results:
            return
        left[0] -= 1
        try:
            prober.fails(width)
        except Exception as exc:  # the probe's own error, or _BudgetSpent
            stopped.append(exc)

    draws = 4 * budget + 10
    if currently_in_test_context():
        # Inside a user's @given test a nested @given fails Hypothesis' health check (the
        # outer test's settings decide); draw the same kind of widths from the seed instead.
        rng = random.Random(seed or 0)
        for _ in range(draws):
            attempt(rng.randint(lo, hi))
    else:
        test = given(st.integers(lo, hi))(attempt)
        test = settings(
            max_examples=draws,
            database=None,
            deadline=None,
            derandomize=seed is None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            print_blob=False,
            report_multiple_bugs=False,
        )(test)
        if seed is not None:
            test = seeded(seed)(test)
        test()
    if stopped:
        raise stopped[0]


def _bisect_edges(prober: _Prober) -> None:
    """Bisect every gap between a passing and a failing width down to adjacent widths."""
    results = prober.results
    while True:
        edge = next(
            (
                (a, b)
                for a, b in pairwise(sorted(results))
                if b - a > 1 and bool(results[a]) != bool(results[b])
            ),
            None,
        )
        if edge is None:
            return
        a, b = edge
        a_fails = bool(results[a])
        while b - a > 1:
            middle = (a + b) // 2
            if prober.fails(middle) == a_fails:
                a = middle
            else:
                b = middle


def _bands(results: dict[int, list[Any]], lo: int, hi: int) -> list[Band]:
    """Runs of failing widths among the probed ones, with whether their edges are exact."""
    tried = sorted(results)
    bands: list[Band] = []
    i = 0
    while i < len(tried):
        if not results[tried[i]]:
            i += 1
            continue
        j = i
        while j + 1 < len(tried) and results[tried[j + 1]]:
            j += 1
        start, end = tried[i], tried[j]
        exact_start = start == lo or (i > 0 and tried[i - 1] == start - 1)
        exact_end = end == hi or (j + 1 < len(tried) and tried[j + 1] == end + 1)
        bands.append(Band(start, end, list(results[start]), exact_start and exact_end))
        i = j + 1
    return bands


# The page-side half: which widths the page's own media queries switch layout at.
BREAKPOINTS_JS = r"""
() => {
  const PX_PER_EM = 16;  // media queries resolve em/rem against the initial font size
  const NUM = String.raw`(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(px|rem|em)?`;
  const OP = String.raw`(<=|>=|<|>|=)`;
  const PREFIXED = new RegExp(String.raw`(?<![\w-])(min|max)-width\s*:\s*` + NUM, "gi");
  const WIDTH_FIRST = new RegExp(String.raw`(?<![\w-])width\s*` + OP + String.raw`\s*` + NUM, "gi");
  const VALUE_FIRST = new RegExp(NUM + String.raw`\s*` + OP + String.raw`\s*width(?![\w-])`, "gi");
  const MIRROR = { "<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=" };
  const found = new Set();

  const px = (number, unit) => {
    const n = parseFloat(number);
    const u = (unit || "").toLowerCase();
    if (!Number.isFinite(n)) return null;
    if (u === "px" || (u === "" && n === 0)) return n;
    if (u === "em" || u === "rem") return n * PX_PER_EM;
    return null;
  };
  // The first width of the layout on the other side of "width <op> x".
  const flip = (op, x) => {
    if (x === null) return;
    const widths = op === ">=" || op === "<" ? [Math.ceil(x)]
      : op === ">" || op === "<=" ? [Math.floor(x) + 1]
      : [Math.ceil(x), Math.floor(x) + 1];
    for (const w of widths) if (w >= 1) found.add(w);
  };
  const parse = (mediaText) => {
    for (const query of String(mediaText || "").split(",")) {
      if (/^\s*(only\s+)?print\b/i.test(query)) continue;  // never a screen layout
      for (const m of query.matchAll(PREFIXED)) {
        flip(m[1].toLowerCase() === "min" ? ">=" : "<=", px(m[2], m[3]));
      }
      for (const m of query.matchAll(WIDTH_FIRST)) flip(m[1], px(m[2], m[3]));
      for (const m of query.matchAll(VALUE_FIRST)) flip(MIRROR[m[3]], px(m[1], m[2]));
    }
  };

  const seen = new Set();
  const walkRules = (rules) => {
    for (const rule of Array.from(rules || [])) {
      if (typeof CSSImportRule !== "undefined" && rule instanceof CSSImportRule) {
        if (rule.media) parse(rule.media.mediaText);
        walkSheet(rule.styleSheet, true);
        continue;
      }
      if (typeof CSSMediaRule !== "undefined" && rule instanceof CSSMediaRule) {
        parse(rule.media.mediaText);
      }
      let children = null;  // @media, @supports, @layer, nesting: anything holding rules
      try { children = rule.cssRules; } catch (e) { children = null; }
      if (children) walkRules(children);
    }
  };
  const walkSheet = (sheet, imported) => {
    if (!sheet || seen.has(sheet) || sheet.disabled) return;
    seen.add(sheet);
    if (!imported && sheet.media) parse(sheet.media.mediaText);  // <link media="...">
    let rules = null;
    try { rules = sheet.cssRules; } catch (e) { return; }  // cross-origin: unreadable
    walkRules(rules);
  };
  for (const sheet of Array.from(document.styleSheets)) walkSheet(sheet, false);
  for (const sheet of Array.from(document.adoptedStyleSheets || [])) walkSheet(sheet, false);
  return Array.from(found).sort((a, b) => a - b);
}
"""
"""A function for ``page.evaluate``: the sorted, unique widths (ints) at which the page's
``min-width`` / ``max-width`` / ``width <op> x`` media conditions flip (px; em and rem at
16 px), each as the first width of the new layout. Cross-origin style sheets are skipped."""
