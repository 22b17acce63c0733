"""The arithmetic of one machine's schedule: how many workers ``-n auto`` means and which cells
start first (model/schedule.py)."""

from __future__ import annotations

from cxcheck.model.schedule import (
    MAX_PER_CORE,
    WORKER_MEMORY,
    Measured,
    cpu_shares,
    longest_first,
    pick,
    plan_workers,
)

GIB = 2**30


def measured(cells: int, seconds: float, cpu: float) -> Measured:
    ids = [f"t.py::test[{i}]" for i in range(cells)]
    return Measured(dict.fromkeys(ids, seconds), dict.fromkeys(ids, cpu), "results.json")


def test_waiting_cells_get_more_workers_than_cores_as_their_cpu_share_allows() -> None:
    plan = plan_workers(2, 16 * GIB, measured(40, 10.0, 2.5), throttled=True)
    assert plan.workers == 8  # 2 cores ÷ 0.25 CPU per running cell
    assert "0.25 CPU per running cell" in plan.reason and "results.json" in plan.reason


def test_cells_that_keep_a_core_busy_get_one_worker_per_core() -> None:
    # A CPU-throttled device spins a core for the whole cell (Chromium's throttler busy-waits).
    plan = plan_workers(2, 16 * GIB, measured(40, 10.0, 11.0), throttled=True)
    assert plan.workers == 2


def test_the_workers_are_bounded_by_cores_memory_and_cells() -> None:
    tiny = measured(400, 10.0, 0.1)
    assert plan_workers(2, 64 * GIB, tiny, True).workers == 2 * MAX_PER_CORE
    low_memory = plan_workers(2, 3 * WORKER_MEMORY, tiny, True)
    assert low_memory.workers == 3 and "GiB free" in low_memory.reason
    few = plan_workers(2, 64 * GIB, measured(6, 10.0, 0.1), True)
    assert few.workers == 3 and "2 cells a worker" in few.reason
    assert plan_workers(4, None, tiny, True).workers == 4 * MAX_PER_CORE  # no /proc/meminfo


def test_without_measurements_throttled_networks_double_the_cores() -> None:
    assert plan_workers(2, 16 * GIB, None, throttled=True).workers == 4
    plain = plan_workers(2, 16 * GIB, None, throttled=False)
    assert plain.workers == 2 and "no throttled network" in plain.reason
    # Durations alone (a pytest-split file) say nothing of the CPU: the same guess.
    split_file = Measured({f"t{i}": 30.0 for i in range(20)})
    assert split_file.cpu_share() is None
    assert plan_workers(2, 16 * GIB, split_file, throttled=True).workers == 4


def test_too_little_measured_time_says_nothing_of_the_cpu_share() -> None:
    assert measured(3, 1.0, 0.5).cpu_share() is None
    assert measured(20, 1.0, 0.5).cpu_share() == 0.5


def test_longest_first_puts_unmeasured_tests_at_the_median_and_keeps_ties_in_order() -> None:
    ids = ["a", "b", "c", "d", "new", "e"]
    seconds = {"a": 1.0, "b": 30.0, "c": 5.0, "d": 5.0, "e": 2.0}
    order = [ids[i] for i in longest_first(ids, seconds)]
    assert order == ["b", "c", "d", "new", "e", "a"]
    assert longest_first(["x", "y"], {}) == [0, 1]  # nothing measured: collection order


def test_the_next_cell_is_the_longest_that_fits_beside_the_running_ones() -> None:
    # Indices 0-3 longest first; 0 and 1 keep a core busy each (a throttled phone), 2 and 3 wait.
    shares = [1.0, 1.0, 0.2, 0.2]
    assert pick([0, 1, 2, 3], [], shares, cores=2) == 0
    assert pick([1, 2, 3], [0], shares, cores=2) == 0  # 1.0 + 1.0 fits in 2 cores
    # Two heavy cells run: the longest light one goes next, not the next heavy one.
    assert pick([1, 2, 3], [0, 4], [*shares, 1.0], cores=2) == 1
    # Nothing fits: the one needing the least CPU.
    assert pick([0, 1], [2, 3], [1.5, 1.2, 1.0, 1.0], cores=2) == 1


def test_cpu_shares_fill_unmeasured_tests_with_the_median() -> None:
    found = Measured({"a": 10.0, "b": 10.0, "c": 10.0}, {"a": 10.0, "b": 2.0, "c": 5.0})
    assert cpu_shares(["a", "b", "new"], found) == [1.0, 0.2, 0.5]
    assert cpu_shares(["x"], Measured({"x": 3.0})) == [0.0]
