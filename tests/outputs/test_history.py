"""The history folder and the compared file on disk: which runs are read (the newest keep - 1,
then the file named), how the folder is capped, what is left alone, and the terminal lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxcheck.model.compare import compare
from cxcheck.model.errors import CxError
from cxcheck.model.results import ItemResult, RunResults
from cxcheck.outputs.comparelines import STILL_LINES, comparison_lines
from cxcheck.outputs.history import PATTERN, add_to_history, read_baseline, read_results


def a_run(started: float, outcome: str = "passed", message: str | None = None) -> RunResults:
    item = ItemResult(nodeid="t.py::test_a[c]", file="t.py", test="test_a", cell="c",
                      outcome=outcome, message=message)  # fmt: skip
    return RunResults(results=[item], started_at=started)


def test_the_folder_keeps_the_newest_n_runs_and_leaves_other_files_alone(tmp_path: Path) -> None:
    folder = tmp_path / "cx-history"
    (tmp_path / "cx-history").mkdir()
    (folder / "README.txt").write_text("kept by CI")
    written = [add_to_history(a_run(1_700_000_000.0 + i), folder, keep=3) for i in range(5)]
    kept = sorted(folder.glob(PATTERN))
    assert kept == written[-3:]  # names sort oldest first: the newest three stay
    assert kept[0].name.startswith("results-20231114T221322Z-")
    assert (folder / "README.txt").exists()
    assert read_results(kept[-1], "--cx-history").started_at == 1_700_000_004.0


def test_a_run_reads_the_newest_keep_minus_one_then_the_file_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "hist"
    for i in range(4):
        add_to_history(a_run(1_000.0 + i), folder, keep=10)
    base = read_baseline(None, folder, keep=3)
    assert [r.started_at for r in base.runs] == [1_002.0, 1_003.0]
    assert all(label.startswith("hist/results-") for label in base.labels)  # relative to cwd
    assert base.trends
    prev = a_run(5.0).write_json(tmp_path / "prev.json")
    both = read_baseline(prev, folder, keep=3)
    # In time order (an older file first), and the baseline is the file named.
    assert [r.started_at for r in both.runs] == [5.0, 1_002.0, 1_003.0]
    assert both.labels[both.baseline] == "prev.json" and both.baseline == 0
    assert both.compare(a_run(9_999.0)).baseline == "prev.json"  # type: ignore[union-attr]
    # A file of the folder named again is not read twice; it becomes the baseline.
    again = read_baseline(sorted(folder.glob(PATTERN))[-2], folder, keep=3)
    assert [r.started_at for r in again.runs] == [1_002.0, 1_003.0] and again.baseline == 0
    only = read_baseline(prev, None, keep=10)
    assert [r.started_at for r in only.runs] == [5.0] and not only.trends


def test_a_baseline_compares_only_when_it_has_a_run(tmp_path: Path) -> None:
    empty = read_baseline(None, tmp_path / "missing", keep=10)
    assert empty.runs == [] and empty.compare(a_run(1.0)) is None
    assert not (tmp_path / "missing").exists()  # made when the run is added, not when read


def test_an_older_cxcheck_file_without_a_comparison_reads(tmp_path: Path) -> None:
    data = a_run(1.0).to_dict()
    assert "comparison" not in data
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    assert read_results(path, "--cx-compare").comparison is None


def test_a_result_file_that_breaks_the_model_is_named_with_the_fix(tmp_path: Path) -> None:
    data = a_run(1.0).to_dict()
    data["results"] = [{"file": "no nodeid"}]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        CxError, match=r"x\.json: not a results file this cxcheck reads .*--cx-json"
    ):
        read_results(path, "--cx-compare")


def test_the_terminal_lines_count_the_lists_and_name_each_newly_failing_item() -> None:
    failing = a_run(2.0, "failed", "AssertionError: total is NaN\n  at line 3\n" + "x" * 300)
    c = compare(failing, [a_run(1.0)], ["cx-results.prev.json"])
    lines = comparison_lines(c)
    assert lines == [
        "compared with cx-results.prev.json: 1 newly failing, 0 fixed, 0 still failing, 0 flaky, "
        "0 slower, 0 new findings",
        "  newly failing: t.py::test_a[c] — AssertionError: total is NaN",
    ]
    over = compare(failing, [a_run(0.5), a_run(1.0)], trends=True)
    assert comparison_lines(over)[0].endswith("(over the last 3 runs)")


def test_the_terminal_names_what_still_fails_and_since_when_the_longest_first() -> None:
    def many(started: float, failing: range) -> RunResults:
        return RunResults(started_at=started, results=[
            ItemResult(nodeid=f"t.py::test_{i}", file="t.py", test=f"test_{i}",
                       outcome="failed" if i in failing else "passed", message=f"broke {i}")
            for i in range(14)
        ])  # fmt: skip

    runs = [many(1.0, range(0, 3)), many(2.0, range(0, 13)), many(3.0, range(0, 13))]
    c = compare(many(4.0, range(0, 13)), runs, ["h/1.json", "h/2.json", "h/3.json"])
    lines = comparison_lines(c)
    assert lines[1] == "  still failing (failing in all 4 compared runs): t.py::test_0 — broke 0"
    assert lines[4].startswith("  still failing (failing in 3 runs in a row, since h/2.json (")
    assert len([x for x in lines if x.startswith("  still failing")]) == STILL_LINES
    assert lines[-1] == ("  … and 3 more still failing (the report and the results JSON list "
                         "them all)")  # fmt: skip
