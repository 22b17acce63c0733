"""One machine: ``-n auto`` sized for the matrix and the longest cells started first, in real
pytest-xdist runs (plugin/scheduling.py; the arithmetic is tested in tests/model)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

DEVICES = ["iphone-13", "pixel-7", "ipad-mini", "desktop-1080p"]
SUITE = f"""
import pytest

pytestmark = pytest.mark.cx(devices={DEVICES!r}, networks=["no-throttle"])

def test_home(cx_page):
    cx_page.goto("/index.html")
"""


def ids() -> list[str]:
    return [f"test_home.py::test_home[{d}-no-throttle]" for d in DEVICES]


def started_order(path: Path) -> list[str]:
    results = json.loads(path.read_text())["results"]
    return [r["nodeid"] for r in sorted(results, key=lambda r: r["started_at"])]


def test_the_cell_measured_longest_starts_first_under_xdist(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_home=SUITE)
    last = ids()[-1]  # collected last: xdist's own order starts it third or fourth of four
    pytester.path.joinpath("durations.json").write_text(
        json.dumps({**dict.fromkeys(ids(), 1.0), last: 100.0})
    )
    result = run_pytest("-n", "2", "--cx-durations", "durations.json", "--cx-order",
                        "longest-first", "--cx-json", "r.json")  # fmt: skip
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["cxcheck: the longest cells start first (4 measured in *)"])
    assert last in started_order(pytester.path / "r.json")[:2]

    # Collection order (the default): the long cell is not among the first two.
    result = run_pytest("-n", "2", "--cx-durations", "durations.json", "--cx-json", "c.json")
    assert result.ret == 0, result.stdout.str()
    assert "longest cells start first" not in result.stdout.str()
    assert last not in started_order(pytester.path / "c.json")[:2]


def test_each_run_leaves_its_cells_times_for_the_next_runs_schedule(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_home=SUITE)
    first = run_pytest()
    assert first.ret == 0, first.stdout.str()
    cached = json.loads((pytester.path / ".pytest_cache/v/cxcheck/durations").read_text())
    assert sorted(cached["seconds"]) == sorted(ids())
    assert all(cached["seconds"][i] > 0 for i in ids())
    second = run_pytest("-n", "2", "-o", "cx_order=longest-first")
    assert second.ret == 0, second.stdout.str()
    second.stdout.fnmatch_lines(["cxcheck: the longest cells start first (4 measured in the "
                                 "last run)"])  # fmt: skip


def test_n_auto_runs_more_workers_than_cores_for_a_throttled_matrix(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    # No browser needed: the number of workers is decided before anything is collected.
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = run_pytest("-n", "auto", "--cx-networks", "slow-4g,no-throttle", "-p",
                        "no:cacheprovider")  # fmt: skip
    assert result.ret == 0, result.stdout.str()
    out = result.stdout.str()
    said = re.search(r"cxcheck: -n auto is (\d+) workers \((.*)\)", out)
    assert said, out
    workers = int(said.group(1))
    assert re.search(rf"\b{workers} workers \[1 item\]", out) or f"created: {workers}/" in out
    cores = len(os.sched_getaffinity(0))
    assert "throttled networks wait" in said.group(2)
    if "GiB free" not in said.group(2):  # memory is not what bounds it on this machine
        assert workers == 2 * cores


def test_a_run_that_is_not_cxchecks_keeps_xdists_auto(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest_subprocess("-n", "auto")
    assert result.ret == 0, result.stdout.str()
    assert "-n auto is" not in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cx-durations", "missing.json"], "missing.json: no such file; give a results JSON of "
         "an earlier run"),
        (["-o", "cx_order=fastest"], "ini cx_order = fastest: not an order; write collection "
         "or longest-first"),
        (["--cx-order", "fastest"], "argument --cx-order: invalid choice: 'fastest'"),
    ],
)  # fmt: skip
def test_bad_schedule_settings_stop_the_run_with_a_usage_error(
    pytester: pytest.Pytester, run_pytest: Any, args: list[str], words: str
) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = run_pytest(*args, inprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    said = result.stderr.str() + result.stdout.str()
    assert words in said
    assert "cx-durations" in said or "cx_order" in said or "cx-order" in said


def test_the_newest_run_of_the_history_folder_orders_the_next_run(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    from cxcheck.model.results import ItemResult, RunResults

    pytester.makepyfile(test_home=SUITE)
    folder = pytester.path / "cx-history"
    folder.mkdir()
    for stamp, seconds in (("20261201T000000Z", 1.0), ("20261202T000000Z", 9.0)):
        cells = [ItemResult(nodeid=n, file="test_home.py", test="test_home", outcome="passed",
                            duration_s=seconds) for n in ids()]  # fmt: skip
        RunResults(results=cells, cxcheck_version="0").write_json(
            folder / f"results-{stamp}-abcdef.json"
        )
    # Collecting only: the workers start and collect, no browser; the header says the source.
    result = run_pytest("-n", "2", "--cx-history", "cx-history", "--cx-order=longest-first",
                        "--collect-only")  # fmt: skip
    result.stdout.fnmatch_lines(["cxcheck: the longest cells start first (4 measured in "
                                 "*results-20261202T000000Z-abcdef.json)"])  # fmt: skip
