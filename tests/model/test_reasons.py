"""Why a result failed, in a few words, and failures grouped by cause (pure logic)."""

from __future__ import annotations

from cxcheck.model.reasons import causes, reason, shape
from cxcheck.model.results import Finding, ItemResult, RunResults, StepRecord
from cxcheck.outputs.grid import failure_lines, grid
from cxcheck.outputs.report.matrix_view import OUTSIDE, place


def result(
    test: str = "test_checkout",
    device: str = "iphone-13",
    network: str = "slow-4g",
    outcome: str = "failed",
    steps: list[StepRecord] | None = None,
    findings: list[Finding] | None = None,
    message: str | None = None,
) -> ItemResult:
    cell = f"{device}-{network}" if device else None
    return ItemResult(
        nodeid=f"tests/test_x.py::{test}[{cell}]", file="tests/test_x.py", test=test, cell=cell,
        device=device or None, network=network or None, outcome=outcome, message=message,
        steps=steps or [], findings=findings or [],
    )  # fmt: skip


def covered(device: str, x: int) -> StepRecord:
    finding = Finding(
        "layout",
        f"layout: #add-to-basket (173×44 at ({x}, 612)) is covered at its centre by "
        f"#cookie-banner (390×146 at (0, 518)) on 390×664 ({device}): a customer cannot tap it",
        check="reachable",
        target="#add-to-basket",
    )
    return StepRecord(2, "add to basket", None, status="failed", findings=[finding])


def test_a_failed_cell_names_its_kind_and_where() -> None:
    budget = StepRecord(
        1, "open home", 4.0, duration_s=20.6, status="failed",
        findings=[Finding("budget", "step 'open home' took 20.60 s on iphone-13 / slow-4g; its "
                          "budget is 4 s", check="step-budget",
                          data={"duration_s": 20.6, "budget_s": 4.0})],
    )  # fmt: skip
    slowest = StepRecord(1, "open home", None, duration_s=0.9)
    assert reason(result(steps=[budget])).text == "budget · open home 20.6 s > 4 s"  # type: ignore[union-attr]
    # the failed step, not the slowest one
    why = reason(result(steps=[slowest, covered("iphone-13", 201)]))
    assert why is not None and why.text == "layout · add to basket" and why.step == "add to basket"
    axe = Finding("a11y", "accessibility: image-alt (critical) on /", check="image-alt")
    assert reason(result(findings=[axe])).text == "a11y · image-alt"  # type: ignore[union-attr]
    numbers = {"metric": "p95", "limit": 300, "measured": 460.4, "unit": "ms"}
    load = Finding("load", "load threshold p(95) ≤ 300 ms broken", check="load-threshold",
                   data=numbers)  # fmt: skip
    assert reason(result(findings=[load])).text == "load · p95 460 ms > 300 ms"  # type: ignore[union-attr]
    vitals = StepRecord(
        1, "open home", None, status="failed",
        findings=[Finding("vitals", "Web Vitals of / on iphone-13 / slow-4g: LCP 5200 ms is "
                          "over 4000 ms", check="web-vitals", data={"broken": ["lcp"]})],
    )  # fmt: skip
    assert reason(result(steps=[vitals])).text == "vitals · open home LCP"  # type: ignore[union-attr]
    plain = result(message="AssertionError: home page took 20.8 s; the budget is 8 s")
    assert reason(plain).text == "assertion · home page took 20.8 s; the budget is 8 s"  # type: ignore[union-attr]
    assert reason(result(outcome="passed", steps=[slowest])) is None
    assert reason(result(outcome="not-run")) is None
    flaky = result(outcome="flaky")
    flaky.attempts = [result(findings=[axe])]
    assert reason(flaky).text == "a11y · image-alt"  # type: ignore[union-attr]


def test_failures_that_share_a_cause_are_one_group_whatever_their_cell_and_numbers() -> None:
    run = [
        result("test_checkout", "iphone-13", "no-throttle", steps=[covered("iphone-13", 201)]),
        result("test_checkout", "iphone-13", "slow-4g", steps=[covered("iphone-13", 201)]),
        result("test_checkout", "pixel-7", "slow-4g", steps=[covered("pixel-7", 188)]),
        result("test_form", "pixel-7", "slow-4g", steps=[covered("pixel-7", 12)]),
        result("test_form", "iphone-13", "slow-4g", message="AssertionError: no total"),
        result("test_ok", outcome="passed"),
    ]
    (banner, other) = causes(run)
    assert len(banner.results) == 4 and banner.kind == "layout"
    assert banner.label.startswith("#add-to-basket (173×44 at (201, 612)) is covered")
    assert "iphone-13" in banner.label  # the first result's own words, numbers and all
    assert other.label == "no total" and len(other.results) == 1
    assert shape("took 2.5 s on iphone-13 / slow-4g at 127.0.0.1:8123") == (
        "took # s on ‹cell› at #.#:#"
    )
    lines = failure_lines(RunResults(results=run))
    assert lines[0].startswith("FAIL ×4 layout · #add-to-basket")
    assert lines[1:3] == [
        "    test_checkout on iphone-13-no-throttle, iphone-13-slow-4g, pixel-7-slow-4g",
        "    test_form on pixel-7-slow-4g",
    ]
    assert lines[3] == "FAIL assertion · no total"


def test_every_device_shows_its_networks_in_one_order_declared_first() -> None:
    # iphone-13 ran no-throttle first, pixel-7 slow-4g first: the columns still agree
    run = [
        result("a", "iphone-13", "no-throttle", outcome="passed"),
        result("a", "iphone-13", "slow-4g", outcome="passed"),
        result("b", "pixel-7", "slow-4g", outcome="passed"),
        result("b", "pixel-7", "no-throttle", outcome="passed"),
        result("load", "", "", outcome="passed"),
    ]
    columns, placed = place(run, run, ["pixel-7", "iphone-13"], ["slow-4g", "no-throttle"])
    assert [(c.device, c.network) for c in columns] == [
        ("pixel-7", "slow-4g"), ("pixel-7", "no-throttle"),
        ("iphone-13", "slow-4g"), ("iphone-13", "no-throttle"),
    ]  # fmt: skip
    assert placed[-1].column == OUTSIDE  # a test without a cell has no column of its own
    columns, _ = place(run, run)  # an older results file: the run's own order, one for all
    assert [c.network for c in columns] == ["no-throttle", "slow-4g"] * 2
    text = grid(RunResults(results=run, devices=["pixel-7", "iphone-13"],
                           networks=["slow-4g", "no-throttle"]))  # fmt: skip
    header = text.splitlines()[1].split()
    assert header == ["test", "slow-4g", "no-throttle", "slow-4g", "no-throttle"]
