"""The waterfall of a failed test's heaviest and slowest requests, as the report draws it."""

from __future__ import annotations

from cxcheck.model.results import ItemResult, RequestTiming, StepRecord, Traffic
from cxcheck.outputs.report.requests_view import size, waterfall, waterfalls

ORIGIN = "http://127.0.0.1:8000"


def req(path: str, kind: str, n: int | None, start: float, ms: float | None,
        status: int | None = 200, failure: str | None = None) -> RequestTiming:  # fmt: skip
    url = path if "://" in path else f"{ORIGIN}{path}"
    return RequestTiming(url, "GET", kind, status, n, start, ms, failure)


PAGE = req("/", "document", 9_000, 0, 500)
HERO = req("/img/hero.png", "image", 2_862_942, 600, 20_100)
API = req("/api/price", "fetch", 400, 700, None, status=None)  # still loading
FONT = req("https://fonts.example.com/a.woff2", "font", None, 650, 300, None, "net::ERR_FAILED")
TRAFFIC = Traffic(requests=14, bytes=3_454_037, pending=1, span_ms=21_000.0,
                  heaviest=[HERO, PAGE, API], slowest=[HERO, API, PAGE, FONT])  # fmt: skip


def test_each_request_once_in_the_order_they_started() -> None:
    w = waterfall(TRAFFIC, "Requests when it failed")
    names = [b.name for b in w.bars]
    assert names == ["/", "/img/hero.png", "fonts.example.com/a.woff2", "/api/price"]
    assert w.summary == "14 requests, 3.5 MB in 21.0 s; 1 still loading; the 4 heaviest and " \
        "slowest shown"  # fmt: skip
    hero = w.bars[1]
    assert (hero.size, hero.time, hero.heavy, hero.slow, hero.bad) == (
        "2.9 MB", "20.1 s", True, True, False)  # fmt: skip
    assert (hero.x, hero.width) == ("2.9", "95.7")
    # Still loading when the test failed: its bar runs to the end, its time is a lower bound.
    api = w.bars[-1]
    assert (api.status, api.time, api.bad) == ("loading", "> 20.3 s", True)
    assert float(api.x) + float(api.width) == 100.0
    font = w.bars[2]
    assert (font.status, font.size, font.bad) == ("failed", "–", True)


def test_a_step_keeps_its_own_waterfall_and_the_test_its_own() -> None:
    step = StepRecord(2, "open home", 5.0, traffic=TRAFFIC)
    result = ItemResult("t.py::x", "t.py", "x", steps=[StepRecord(1, "start", None), step])
    assert [w.title for w in waterfalls(result)] == ["Requests of step 2 · open home"]
    result.traffic = TRAFFIC
    assert [w.title for w in waterfalls(result)][-1] == "Requests when it failed"


def test_sizes_as_people_read_them() -> None:
    assert [size(n) for n in (None, 870, 12_400, 3_100_000)] == ["–", "870 B", "12.4 KB", "3.1 MB"]
