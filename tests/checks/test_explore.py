"""The breakpoint search behind find_breaks: pure logic with fake probes, and the page-side
JavaScript in a real browser."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hypothesis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcheck.checks.layout.breaks import (
    BREAKPOINTS_JS,
    Band,
    Exploration,
    find_breaks,
    normalise_breakpoints,
)
from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")


class FakePage:
    """A probe whose layout fails inside the given bands; it records every load."""

    def __init__(self, *bands: tuple[int, int]) -> None:
        self.bands = bands
        self.loads: list[int] = []

    def __call__(self, width: int) -> list[str]:
        self.loads.append(width)
        return [f"overflow at {width}"] if any(a <= width <= b for a, b in self.bands) else []


def spans(result: Exploration) -> list[tuple[int, int]]:
    return [(band.start, band.end) for band in result.bands]


def check_invariants(result: Exploration, page: FakePage) -> None:
    assert result.loads == len(page.loads) == len(result.widths_tried)
    assert result.widths_tried == page.loads
    assert len(set(page.loads)) == len(page.loads), "a width was loaded twice"
    assert all(band.exact for band in result.bands)


@pytest.fixture
def derandomized() -> Iterator[None]:
    previous = settings.get_current_profile_name()
    settings.register_profile("cx-test-derandomized", derandomize=True, database=None)
    settings.load_profile("cx-test-derandomized")
    try:
        yield
    finally:
        settings.load_profile(previous)


# --- the target: a 40 px band over 320-1920 in at most 60 loads, on every run ---

LOADS_SEEN: list[int] = []


@pytest.mark.parametrize("seed", range(40))
def test_40px_band_found_with_given_seed(seed: int) -> None:
    page = FakePage((700, 739))
    result = find_breaks(page, seed=seed)
    check_invariants(result, page)
    assert spans(result) == [(700, 739)]
    assert result.bands[0].findings == ["overflow at 700"]
    assert result.loads <= 60
    assert result.seed == seed
    LOADS_SEEN.append(result.loads)


def test_40px_band_found_with_fresh_random_seeds() -> None:
    seeds = set()
    for _ in range(40):
        page = FakePage((700, 739))
        result = find_breaks(page)
        check_invariants(result, page)
        assert spans(result) == [(700, 739)]
        assert result.loads <= 60
        # Under CI=true Hypothesis loads its derandomized "ci" profile: no seed to report.
        assert isinstance(result.seed, int) or hypothesis.settings().derandomize
        seeds.add(result.seed)
        LOADS_SEEN.append(result.loads)
    assert len(seeds) > 1 or hypothesis.settings().derandomize


@pytest.mark.usefixtures("derandomized")
def test_40px_band_found_when_derandomized() -> None:
    runs = []
    for _ in range(3):
        page = FakePage((700, 739))
        result = find_breaks(page)
        check_invariants(result, page)
        assert spans(result) == [(700, 739)]
        assert result.loads <= 60
        assert result.seed is None
        runs.append(result.widths_tried)
        LOADS_SEEN.append(result.loads)
    assert runs[0] == runs[1] == runs[2]


def test_40px_band_anywhere_in_the_range() -> None:
    for start in range(320, 1881, 11):
        page = FakePage((start, start + 39))
        result = find_breaks(page, seed=start)
        check_invariants(result, page)
        assert spans(result) == [(start, start + 39)]
        assert result.loads <= 60, start


def test_seed_replays_the_same_widths() -> None:
    first = find_breaks(FakePage((700, 739)))
    again = find_breaks(FakePage((700, 739)), seed=first.seed)
    assert again.widths_tried == first.widths_tried


def test_report_loads_seen() -> None:
    # Runs after the tests above (file order): the min and max load counts, for the record.
    if LOADS_SEEN:
        print(f"40 px band: {min(LOADS_SEEN)}-{max(LOADS_SEEN)} loads over {len(LOADS_SEEN)} runs")
        assert max(LOADS_SEEN) <= 60


# --- shapes of failure ---


def test_no_band_gives_nothing() -> None:
    page = FakePage()
    result = find_breaks(page, seed=1)
    check_invariants(result, page)
    assert result.bands == []
    assert result.narrowest is None
    assert result.loads <= 41 + 4  # the grid plus the random budget
    assert not result.exhausted


def test_everything_below_500_fails() -> None:
    page = FakePage((0, 499))
    result = find_breaks(page, seed=2)
    check_invariants(result, page)
    assert spans(result) == [(320, 499)]
    assert 499 in page.loads
    assert 500 in page.loads


def test_everything_above_1500_fails() -> None:
    page = FakePage((1500, 9000))
    result = find_breaks(page, seed=3)
    check_invariants(result, page)
    assert spans(result) == [(1500, 1920)]


def test_two_bands() -> None:
    page = FakePage((400, 459), (1200, 1300))
    result = find_breaks(page, seed=4)
    check_invariants(result, page)
    assert spans(result) == [(400, 459), (1200, 1300)]
    narrowest = result.narrowest
    assert narrowest is not None
    assert narrowest.start == 400


def test_narrow_band_starting_at_a_breakpoint() -> None:
    # max-width: 599px → the new layout starts at 600 and is broken for 12 px only.
    page = FakePage((600, 611))
    result = find_breaks(page, breakpoints=[600], seed=5)
    check_invariants(result, page)
    assert spans(result) == [(600, 611)]
    assert result.breakpoints == [600]
    assert {599, 600} <= set(page.loads)


def test_narrow_band_ending_at_a_breakpoint() -> None:
    page = FakePage((590, 599))
    result = find_breaks(page, breakpoints=[600], seed=6)
    check_invariants(result, page)
    assert spans(result) == [(590, 599)]


def test_one_pixel_band_at_a_breakpoint() -> None:
    page = FakePage((768, 768))
    result = find_breaks(page, breakpoints=[768], seed=7)
    check_invariants(result, page)
    assert spans(result) == [(768, 768)]


def test_band_between_two_breakpoints() -> None:
    page = FakePage((650, 700))
    result = find_breaks(page, breakpoints=[600, 768, 1024], seed=8)
    check_invariants(result, page)
    assert spans(result) == [(650, 700)]
    assert result.breakpoints == [600, 768, 1024]


def test_whole_layout_between_two_breakpoints() -> None:
    page = FakePage((600, 767))
    result = find_breaks(page, breakpoints=[600, 768], seed=9)
    check_invariants(result, page)
    assert spans(result) == [(600, 767)]


def test_breakpoints_outside_the_range_are_ignored() -> None:
    result = find_breaks(FakePage(), widths=(400, 800), breakpoints=[100, 400, 801, 5000], seed=1)
    assert result.breakpoints == []
    assert all(400 <= w <= 800 for w in result.widths_tried)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    resolution=st.integers(8, 200),
    breakpoints=st.lists(st.integers(200, 2200), max_size=6),
)
def test_any_band_of_resolution_width_is_found(
    data: st.DataObject, resolution: int, breakpoints: list[int]
) -> None:
    lo = data.draw(st.integers(100, 1500), label="lo")
    hi = data.draw(st.integers(lo + resolution, 3000), label="hi")
    start = data.draw(st.integers(lo, hi - resolution + 1), label="start")
    end = data.draw(st.integers(start + resolution - 1, hi), label="end")
    page = FakePage((start, end))
    # No random widths: the guarantee must hold from the deterministic grid alone.
    result = find_breaks(
        page, widths=(lo, hi), breakpoints=breakpoints, resolution=resolution, extra_examples=0
    )
    check_invariants(result, page)
    assert spans(result) == [(start, end)]
    assert result.seed is None


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 3))
def test_works_inside_a_hypothesis_test(seed: int) -> None:
    # A nested @given would fail Hypothesis' nested_given health check of the outer test.
    page = FakePage((700, 739))
    result = find_breaks(page, seed=seed)
    check_invariants(result, page)
    assert spans(result) == [(700, 739)]
    assert result.loads <= 60


def test_max_loads_stops_early() -> None:
    page = FakePage((700, 739))
    result = find_breaks(page, max_loads=20, seed=1)
    assert result.loads == len(page.loads) == 20
    assert result.exhausted


def test_max_loads_can_cut_the_bisection() -> None:
    page = FakePage((700, 739))
    result = find_breaks(page, max_loads=45, extra_examples=0)
    assert result.exhausted
    assert result.loads == 45
    assert len(result.bands) == 1
    assert not result.bands[0].exact
    assert "not exact" in str(result.bands[0])


def test_probe_errors_propagate() -> None:
    def broken(width: int) -> Sequence[Any]:
        raise RuntimeError(f"page crashed at {width}")

    with pytest.raises(RuntimeError, match="page crashed at 320"):
        find_breaks(broken)


def test_probe_errors_in_the_random_phase_propagate() -> None:
    deterministic = set(find_breaks(FakePage(), extra_examples=0).widths_tried)
    calls: list[int] = []

    def probe(width: int) -> Sequence[Any]:
        calls.append(width)
        if width not in deterministic:
            raise RuntimeError(f"page crashed at {width}")
        return []

    with pytest.raises(RuntimeError, match="page crashed at"):
        find_breaks(probe, seed=11)
    assert len(calls) == len(deterministic) + 1  # Hypothesis did not replay the error


def test_band_str_and_width() -> None:
    assert str(Band(700, 739, ["x"])) == "700–739 px"
    assert str(Band(768, 768, [])) == "768 px"
    assert Band(700, 739).width == 40


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"widths": (320,)}, r"widths=\(320,\) must be two whole numbers of px with 100 <= "),
        ({"widths": (1920, 320)}, r"widths=\(1920, 320\): the narrowest must come first"),
        ({"widths": (320, 320)}, r"the narrowest must come first"),
        ({"widths": (50, 1920)}, r"widths=\(50, 1920\): 50 px is out of range.*100 <= .* 8000"),
        ({"widths": (320, 9000)}, r"9000 px is out of range"),
        ({"widths": (320.0, 1920)}, r"320\.0 is not a whole number"),
        ({"widths": "320-1920"}, r"widths='320-1920' must be"),
        ({"resolution": 0}, r"resolution=0 must be a whole number of px, at least 1"),
        ({"max_loads": 0}, r"max_loads=0 must be a whole number of page loads, at least 1"),
        ({"extra_examples": -1}, r"extra_examples=-1 must be"),
        ({"seed": "abc"}, r"seed='abc' must be a whole number"),
        ({"breakpoints": ["600px"]}, r"breakpoint '600px' is not a width"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    page = FakePage()
    with pytest.raises(CxError, match=message):
        find_breaks(page, **kwargs)
    assert page.loads == []


def test_normalise_breakpoints() -> None:
    assert normalise_breakpoints([1024, 600, 600.0, 599.98, 0, -5, 48 * 16]) == [600, 768, 1024]
    assert normalise_breakpoints([]) == []
    with pytest.raises(CxError, match="is not a width"):
        normalise_breakpoints([float("nan")])
    with pytest.raises(CxError, match="is not a width"):
        normalise_breakpoints([True])
    with pytest.raises(CxError, match="must be a list of widths"):
        normalise_breakpoints("600")


# --- the page side, in a real browser ---

PAGE = """<!doctype html>
<html><head>
<link rel="stylesheet" href="https://cross-origin.example/site.css">
<link rel="stylesheet" media="(max-width: 359.98px)" href="data:text/css,p{color:red}">
<style>
@import url("data:text/css,@media (min-width: 1100px){p{color:blue}}") (min-width: 1000px);
@media (max-width: 600px) { p { color: red } }
@media screen and (min-width: 48em) and (max-width: 1279.98px) { p { color: green } }
@supports (display: grid) { @media (min-width: 30rem) { p { color: blue } } }
@media (width >= 900px) { p { color: gray } }
@media (400px < width <= 500px) { p { color: olive } }
@media (MIN-WIDTH: 70EM) { p { color: teal } }
@media (min-height: 700px) { p { color: pink } }
@media (min-device-width: 777px) { p { color: pink } }
@media print and (max-width: 333px) { p { color: pink } }
</style></head>
<body><p>hello</p></body></html>
"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium")
def test_breakpoints_js_in_a_real_browser(cx_browser: Browser) -> None:
    context = cx_browser.new_context()
    try:
        page = context.new_page()
        css = "@media (max-width: 222px) { p { color: red } }"
        page.route(
            "https://cross-origin.example/**",
            lambda route: route.fulfill(content_type="text/css", body=css),
        )
        page.set_content(PAGE)
        # The cross-origin sheet did load, and its rules are unreadable: it must be skipped.
        assert page.evaluate("document.styleSheets.length") == 3
        raw = page.evaluate(BREAKPOINTS_JS)
    finally:
        context.close()
    assert raw == [360, 401, 480, 501, 601, 768, 900, 1000, 1100, 1120, 1280]
    assert normalise_breakpoints(raw) == raw
