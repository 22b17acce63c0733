"""The comparison of a run with earlier runs, as pure logic: which items are newly failing, fixed,
still failing, flaky, new or gone; which steps are slower beyond the noise; which findings are
new by identity; the per-item trend; and the JSON round trip (schema version 1, additive)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from cxcheck.model.compare import (
    SLOWER,
    Comparison,
    Threshold,
    compare,
    identity,
    parse_threshold,
)
from cxcheck.model.errors import CxError
from cxcheck.model.results import (
    SCHEMA_FILE,
    Finding,
    ItemResult,
    MachineLoad,
    RunResults,
    StepRecord,
)


def item(
    name: str,
    outcome: str = "passed",
    *,
    cell: str = "iphone-13-no-throttle",
    steps: dict[str, float] | None = None,
    findings: list[Finding] | None = None,
    message: str | None = None,
    duration: float = 1.0,
) -> ItemResult:
    records = [
        StepRecord(i, step, None, duration_s=seconds, status="passed")
        for i, (step, seconds) in enumerate((steps or {}).items(), start=1)
    ]
    return ItemResult(
        nodeid=f"test_shop.py::{name}[{cell}]",
        file="test_shop.py",
        test=name,
        cell=cell,
        outcome=outcome,
        message=message,
        duration_s=duration,
        steps=records,
        findings=findings or [],
    )


def run(*items: ItemResult, started: float = 1000.0) -> RunResults:
    return RunResults(results=list(items), started_at=started)


def nodeids(changes: list[Any]) -> list[str]:
    return [c.nodeid.split("::")[1] for c in changes]


def test_outcomes_sort_into_newly_failing_fixed_still_failing_new_and_gone() -> None:
    before = run(
        item("test_a"), item("test_b", "failed", message="was broken\nmore"),
        item("test_c", "failed"), item("test_d", "skipped"), item("test_gone"),
        item("test_e", "failed"),
    )  # fmt: skip
    now = run(
        item("test_a", "failed", message="AssertionError: total is NaN\ntraceback..."),
        item("test_b"), item("test_c", "error", message="setup broke"),
        item("test_d", "failed", message="now fails"), item("test_new", "failed"),
        item("test_e", "skipped"),
    )  # fmt: skip
    c = compare(now, [before], ["prev.json"])
    assert c.baseline == "prev.json"
    assert nodeids(c.newly_failing) == ["test_a[iphone-13-no-throttle]",
                                        "test_d[iphone-13-no-throttle]"]  # fmt: skip
    assert c.newly_failing[0].message == "AssertionError: total is NaN"  # the first line
    assert (c.newly_failing[0].before, c.newly_failing[0].after) == ("passed", "failed")
    assert nodeids(c.fixed) == ["test_b[iphone-13-no-throttle]"]
    assert c.fixed[0].message == "was broken"  # what was fixed
    assert nodeids(c.still_failing) == ["test_c[iphone-13-no-throttle]"]
    assert nodeids(c.new) == ["test_new[iphone-13-no-throttle]"]
    assert c.new[0].after == "failed" and c.new[0].before is None
    assert nodeids(c.gone) == ["test_gone[iphone-13-no-throttle]"]
    # failed, then skipped: not run now, so neither fixed nor failing
    assert "test_e" not in json.dumps([c.newly_failing, c.fixed, c.still_failing], default=str)
    assert c.summary() == ("2 newly failing, 1 fixed, 1 still failing, 0 flaky, 0 slower, "
                           "0 new findings, 1 new, 1 gone")  # fmt: skip


def test_items_match_by_node_id_so_each_cell_is_its_own_item() -> None:
    phone, laptop = "iphone-13-slow-4g", "laptop-1366-slow-4g"
    before = run(item("test_a", cell=phone), item("test_a", cell=laptop))
    now = run(item("test_a", "failed", cell=phone), item("test_a", cell=laptop))
    c = compare(now, [before])
    assert [x.cell for x in c.newly_failing] == ["iphone-13-slow-4g"]
    assert c.new == [] and c.gone == []


def test_flaky_is_a_rerun_that_passed_or_two_flips_across_the_history() -> None:
    def four(flips: str, broke: str, old_rerun: str) -> RunResults:
        return run(item("test_flips", flips), item("test_broke", broke), item("test_rerun"),
                   item("test_old_rerun", old_rerun))  # fmt: skip

    history = [
        four("passed", "passed", "flaky"),
        four("failed", "passed", "passed"),
        four("passed", "failed", "passed"),
    ]
    now = run(item("test_flips", "failed"), item("test_broke", "failed"),
              item("test_rerun", "flaky"), item("test_old_rerun"))  # fmt: skip
    c = compare(now, history)
    why = {x.nodeid.split("::")[1].split("[")[0]: x.why for x in c.flaky}
    assert set(why) == {"test_flips", "test_rerun", "test_old_rerun"}
    assert why["test_flips"] == "flipped between passing and failing 3 times in 4 runs"
    assert why["test_rerun"] == "passed on a rerun in this run"
    assert why["test_old_rerun"] == "passed on a rerun in 1 of 4 runs"
    # one flip is a change, not flakiness; and it is still failing against the baseline
    assert nodeids(c.still_failing) == ["test_broke[iphone-13-no-throttle]"]
    assert nodeids(c.newly_failing) == ["test_flips[iphone-13-no-throttle]"]


@pytest.mark.parametrize(
    ("before_s", "after_s", "slower"),
    [
        (1.0, 1.2, False),  # 20 %: within the noise
        (1.0, 1.4, False),  # 40 %, but 400 ms: within the spread of a clean rerun
        (1.0, 1.6, True),  # 60 % and 600 ms
        (0.2, 0.6, False),  # three times as long, but 400 ms
        (0.2, 0.8, True),  # 600 ms and 300 %
        (4.0, 4.9, False),  # 900 ms, but 22 %
        (4.0, 5.1, True),
    ],
)
def test_a_step_is_slower_past_both_the_relative_and_the_absolute_threshold(
    before_s: float, after_s: float, slower: bool
) -> None:
    c = compare(run(item("test_a", steps={"pay": after_s})),
                [run(item("test_a", steps={"pay": before_s}))])  # fmt: skip
    assert bool(c.slower) is slower
    if slower:
        s = c.slower[0]
        assert (s.step, s.before_s, s.after_s, s.runs, s.busy) == ("pay", before_s, after_s, 1,
                                                                   False)  # fmt: skip
        assert ", 1 slower, " in c.summary()


def test_slower_steps_of_a_test_on_a_busy_machine_are_marked_and_counted_apart() -> None:
    now = item("test_a", steps={"pay": 2.0})
    now.load = MachineLoad(before=5.2, after=6.0, cpus=2)
    before = run(item("test_a", steps={"pay": 1.0}), item("test_b", steps={"x": 1.0}))
    c = compare(run(now, item("test_b", steps={"x": 3.0})), [before])
    assert [(s.step, s.busy) for s in c.slower] == [("x", False), ("pay", True)]
    assert ", 2 slower (1 on a busy machine), " in c.summary()


def test_slower_is_against_the_median_of_the_earlier_runs_and_only_passed_steps() -> None:
    history = [run(item("test_a", steps={"open": t, "pay": 1.0})) for t in (1.0, 3.0, 1.1)]
    failed = item("test_a", steps={"open": 9.0, "pay": 1.0})
    failed.steps[1].status = "failed"  # a timeout's time is not the app's
    failed.steps[1].duration_s = 30.0
    history.append(run(failed))
    c = compare(run(item("test_a", steps={"open": 1.5, "pay": 1.65})), history)
    # open: median of 1.0, 3.0, 1.1, 9.0 is 2.05 → 1.5 is faster; pay: median of three 1.0 → slower
    assert [(s.step, s.before_s, s.after_s, s.runs) for s in c.slower] == [("pay", 1.0, 1.65, 3)]


def test_steps_match_by_name_and_occurrence_so_a_skipped_step_does_not_shift_the_rest() -> None:
    before = run(item("test_a", steps={"open": 1.0, "cookies": 0.5, "pay": 1.0}))
    now = run(item("test_a", steps={"open": 1.0, "pay": 1.05}))
    assert compare(now, [before]).slower == []


def test_new_findings_by_identity_not_by_message_numbers() -> None:
    def budget(took: float) -> Finding:
        return Finding("budget", f"step 'pay' took {took:.2f} s on iphone-13; its budget is 2 s",
                       check="step-budget")  # fmt: skip

    old = [
        budget(2.31),
        Finding("a11y", "3 elements lack contrast", check="color-contrast", target="#buy"),
        Finding("console", "console error: x", "info", check="console-error"),
    ]
    new = [
        budget(2.47),  # same finding, other numbers
        Finding("a11y", "5 elements lack contrast", check="color-contrast", target="#buy"),
        Finding("a11y", "no label", check="label", target="#email"),  # new
        Finding("a11y", "no label", check="label", target="#email"),  # twice: once
        Finding(
            "failed-request",
            "GET /api failed (HTTP 500)",
            "warning",
            check="same-origin",
            target="http://127.0.0.1/api",
        ),  # new
        Finding("screenshot", "saved basket.png", "info", check="screenshot"),  # evidence
        Finding("assertion", "AssertionError: x"),  # the failure itself: newly failing says it
        Finding("console", "console error: y", "ignored", check="console-error"),
    ]
    before = run(item("test_a", findings=old))
    now = run(item("test_a", findings=new[:2], steps={"pay": 1.0}))
    now.results[0].steps[0].findings = new[2:]
    c = compare(now, [before])
    assert [(f.kind, f.check, f.target, f.step) for f in c.new_findings] == [
        ("a11y", "label", "#email", "pay"),
        ("failed-request", "same-origin", "http://127.0.0.1/api", "pay"),
    ]
    assert identity(budget(1.0)) == identity(budget(12.75))
    # a new item's findings are not "new findings": the item itself is new
    assert compare(run(item("test_b", findings=new)), [before]).new_findings == []


def test_trends_hold_each_item_outcome_and_duration_per_run_oldest_first() -> None:
    history = [
        run(item("test_a", duration=1.0), started=1.0),
        run(item("test_a", "failed", duration=2.0), item("test_b"), started=2.0),
    ]
    now = run(item("test_a", duration=1.5), item("test_b", "failed", duration=0.5), started=3.0)
    assert compare(now, history).trends == []  # only when asked (a history folder)
    c = compare(now, history, ["h/1.json", "h/2.json"], trends=True)
    assert [(r.label, r.started_at) for r in c.runs] == [("h/1.json", 1.0), ("h/2.json", 2.0),
                                                         ("this run", 3.0)]  # fmt: skip
    trends = {t.test: t for t in c.trends}
    assert trends["test_a"].outcomes == ["passed", "failed", "passed"]
    assert trends["test_a"].durations == [1.0, 2.0, 1.5]
    assert trends["test_b"].outcomes == [None, "passed", "failed"]


def test_the_comparison_round_trips_through_the_results_json_and_validates() -> None:
    history = [run(item("test_a", steps={"pay": 1.0}), item("test_gone"))]
    now = run(
        item("test_a", "failed", steps={"pay": 2.0}, message="boom",
             findings=[Finding("a11y", "no label", check="label", target="#e")]),
        item("test_new"),
    )  # fmt: skip
    now.comparison = compare(now, history, ["prev.json"], trends=True)
    data = json.loads(json.dumps(now.to_dict()))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert data["version"] == 1
    back = RunResults.from_dict(data)
    assert back.comparison == now.comparison
    assert isinstance(back.comparison, Comparison)
    assert back.comparison.threshold == SLOWER
    # a run compared with nothing writes no "comparison" at all: readers of version 1 see no change
    assert "comparison" not in run(item("test_a")).to_dict()


def test_compare_needs_an_earlier_run_and_a_label_each() -> None:
    with pytest.raises(ValueError, match="at least one"):
        compare(run(), [])
    with pytest.raises(ValueError, match="one label"):
        compare(run(), [run(), run()], ["only one"])


def test_the_threshold_is_both_relative_and_absolute() -> None:
    t = Threshold(relative=0.5, absolute_s=0.1)
    assert t.exceeded(0.1, 0.25) and not t.exceeded(0.1, 0.15) and not t.exceeded(1.0, 1.4)


def test_a_comparison_from_a_later_cxcheck_with_more_fields_still_reads() -> None:
    now = run(item("test_a", "failed", steps={"pay": 2.0}))
    data = compare(now, [run(item("test_a", steps={"pay": 1.0}))]).to_dict()
    data["something_new"] = 1
    data["newly_failing"][0]["owner"] = "team-a"
    data["slower"][0]["p95_s"] = 2.1
    del data["slower"][0]["busy"]  # and one written before a field existed takes its default
    back = Comparison.from_dict(data)
    assert back.newly_failing[0].nodeid.endswith("test_a[iphone-13-no-throttle]")
    assert back.slower[0].after_s == 2.0 and back.slower[0].busy is False


def test_the_baseline_can_be_an_earlier_run_than_the_newest() -> None:
    history = [run(item("test_a", "failed"), started=1.0), run(item("test_a"), started=2.0)]
    now = run(item("test_a", "failed"), started=3.0)
    assert [x.before for x in compare(now, history).newly_failing] == ["passed"]
    named = compare(now, history, ["old.json", "h/2.json"], baseline=0, trends=True)
    assert named.baseline == "old.json" and named.newly_failing == []
    assert [x.before for x in named.still_failing] == ["failed"]
    assert named.trends[0].outcomes == ["failed", "passed", "failed"]  # still in time order


def test_with_a_history_a_step_is_slower_only_past_its_slowest_earlier_time() -> None:
    def times(*seconds: float) -> list[RunResults]:
        return [run(item("test_a", steps={"pay": t})) for t in seconds]

    now = run(item("test_a", steps={"pay": 1.7}))
    assert compare(now, times(1.0, 1.2)).slower  # two earlier runs: the median alone decides
    assert not compare(now, times(1.0, 1.0, 2.0)).slower  # it took 2.0 s once: its own noise
    assert compare(now, times(1.0, 1.0, 1.5)).slower


@pytest.mark.parametrize(
    ("text", "threshold"),
    [
        ("25%,500ms", SLOWER),
        ("50%", Threshold(0.5, 0.5)),
        ("1s", Threshold(0.25, 1.0)),
        ("2s 40%", Threshold(0.4, 2.0)),
        ("10%, 0ms", Threshold(0.1, 0.0)),
        ("0%,0", Threshold(0.0, 0.0)),
    ],
)
def test_the_slower_threshold_is_written_as_a_share_and_a_floor(
    text: str, threshold: Threshold
) -> None:
    assert parse_threshold(text) == threshold


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", 'write a share of a step\'s earlier time and a floor, e.g. "25%,500ms"'),
        ("fast", "'fast' is neither a share (25%) nor a duration (500ms, 1s) of at most 1 hour"),
        ("25%,1s,2s", "write a share"),
        ("2000%", "2000% is out of range: 0% to 1000%"),
        ("90m", "'90m' is neither a share"),
    ],
)
def test_a_bad_slower_threshold_names_the_value_and_the_fix(text: str, said: str) -> None:
    with pytest.raises(CxError) as caught:
        parse_threshold(text, "ini cx_slower")
    assert str(caught.value).startswith(f"ini cx_slower {text!r}")
    assert said in str(caught.value)


def test_each_failing_item_says_since_when_it_fails() -> None:
    day = 86400.0
    history = [
        run(item("test_a", "failed"), item("test_b"), item("test_c", "failed"), started=1 * day),
        run(item("test_a"), item("test_b", "failed"), item("test_c", "failed"), started=2 * day),
        run(item("test_a"), item("test_b", "failed"), item("test_c", "error"), started=3 * day),
    ]
    now = run(item("test_a", "failed"), item("test_b", "failed"), item("test_c", "failed"),
              item("test_d", "failed"), started=4 * day)  # fmt: skip
    c = compare(now, history, ["h/1.json", "h/2.json", "h/3.json"])
    (a,) = c.newly_failing
    assert (a.test, a.failing_runs, a.failing_since, a.streak) == ("test_a", 1, "this run", "new")
    assert a.since_text() == "newly failing"
    still = {x.test: x for x in c.still_failing}
    b, cc = still["test_b"], still["test_c"]
    assert (b.failing_runs, b.failing_since, b.failing_all, b.streak) == (3, "h/2.json", False,
                                                                         "3 runs")  # fmt: skip
    assert b.since_text() == ("failing in 3 runs in a row, since h/2.json (1970-01-03 00:00 UTC)")
    # failing (or in error) in every run compared: it may be older still
    assert (cc.failing_runs, cc.failing_all, cc.streak) == (4, True, "≥ 4 runs")
    assert cc.since_text() == "failing in all 4 compared runs"
    # an item new in this run (not in the baseline) fails since this run too; fixed: no streak
    assert [x.test for x in c.new] == ["test_d"]
    assert all(x.failing_runs is None for x in [*c.new, *c.fixed])
    # the JSON keeps it and gives it back
    back = Comparison.from_dict(json.loads(json.dumps(c.to_dict())))
    assert back.still_failing[0].failing_since == c.still_failing[0].failing_since
