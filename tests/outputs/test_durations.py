"""An earlier run's measurements, read back for the next run's schedule: a cxcheck results JSON
(time and CPU time per cell), pytest-split's durations file (time only, in both of its forms),
and pytest's cache entry; anything else is a clear error naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxcheck.model.errors import CxError
from cxcheck.model.results import ItemResult, RunResults
from cxcheck.outputs.durations import (
    measured_from_json,
    measured_from_runs,
    measured_to_json,
    read_measured,
)


def run_of(*results: ItemResult) -> RunResults:
    return RunResults(results=list(results), cxcheck_version="0")


def result(nodeid: str, seconds: float, cpu: float | None, outcome: str = "passed") -> ItemResult:
    return ItemResult(nodeid=nodeid, file="t.py", test="t", outcome=outcome,
                      duration_s=seconds, cpu_s=cpu)  # fmt: skip


def test_a_results_json_gives_time_and_cpu_per_cell(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    run_of(result("t.py::a[x]", 12.5, 3.0), result("t.py::b[x]", 2.0, None),
           result("t.py::c[x]", 0.0, None, "not-run")).write_json(path)  # fmt: skip
    got = read_measured(path, "--cx-durations")
    assert got.seconds == {"t.py::a[x]": 12.5, "t.py::b[x]": 2.0}  # not-run: nothing measured
    assert got.cpu_s == {"t.py::a[x]": 3.0}
    assert got.source == str(path)


def test_pytest_splits_file_gives_time_only_in_either_form(tmp_path: Path) -> None:
    new = tmp_path / ".test_durations"
    new.write_text(json.dumps({"t.py::a": 3, "t.py::b": 1.5}))
    assert read_measured(new, "--cx-durations").seconds == {"t.py::a": 3.0, "t.py::b": 1.5}
    old = tmp_path / "old"
    old.write_text(json.dumps([["t.py::a", 3], ["t.py::b", 1.5]]))
    got = read_measured(old, "ini cx_durations")
    assert got.seconds == {"t.py::a": 3.0, "t.py::b": 1.5} and got.cpu_s == {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (None, "no such file"),
        ("{not json", "cannot be read"),
        ('{"t.py::a": "slow"}', "neither a cxcheck results file nor a durations file"),
        ('"seconds"', "neither a cxcheck results file nor a durations file"),
    ],
)
def test_a_file_that_is_not_measurements_is_an_error_naming_it(
    tmp_path: Path, text: str | None, words: str
) -> None:
    path = tmp_path / "durations.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(CxError) as caught:
        read_measured(path, "--cx-durations")
    message = str(caught.value)
    assert message.startswith(f"--cx-durations {path}: ") and words in message
    assert "cxcheck durations RESULTS.json -o FILE" in message  # the fix


def test_a_later_runs_measurement_replaces_an_earlier_one_and_the_cache_round_trips() -> None:
    earlier = run_of(result("a", 10.0, 2.0), result("b", 4.0, 1.0))
    later = run_of(result("a", 12.0, None))
    got = measured_from_runs([earlier, later], "two runs")
    assert got.seconds == {"a": 12.0, "b": 4.0} and got.cpu_s == {"b": 1.0}
    back = measured_from_json(json.loads(json.dumps(measured_to_json(got))), "the last run")
    assert back is not None and back.seconds == got.seconds and back.cpu_s == got.cpu_s
    assert measured_from_json({"seconds": [1]}, "x") is None  # another tool's, or a hand edit
