"""``cxcheck merge`` and ``cxcheck durations`` on results made here (no browser): what a bad
input says (not results, another cxcheck version, a test in two shards, evidence left behind,
a file given twice), the merged exit status a CI merge job gates on, the shard label, the merged
JUnit file, and pytest-split's durations file."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from cxcheck.cli.main import main
from cxcheck.model.results import ItemResult, RunResults
from cxcheck.outputs.merge import merged_exit_status
from cxcheck.plugin.settings import shard_label
from tests.model.test_results import schema


def shard(folder: Path, name: str, *results: ItemResult, version: str = "0.1.0",
          status: int = 0) -> Path:  # fmt: skip
    run = RunResults(results=list(results), cxcheck_version=version, exit_status=status)
    return run.write_json(folder / name / "results.json")


def item(nodeid: str, outcome: str = "passed", evidence: Path | None = None) -> ItemResult:
    if evidence is not None:
        evidence.mkdir(parents=True, exist_ok=True)
        (evidence / "step-01-open.jpg").write_bytes(b"\xff\xd8\xff")
    return ItemResult(
        nodeid=nodeid, file="test_x.py", test=nodeid.split("::")[-1].split("[")[0],
        cell="iphone-13-slow-4g", device="iphone-13", network="slow-4g", outcome=outcome,
        duration_s=1.5, message="boom" if outcome == "failed" else None,
        evidence_dir=str(evidence) if evidence else None,
        evidence=["step-01-open.jpg"] if evidence else [],
    )  # fmt: skip


def merge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main(["merge", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def two_shards(tmp_path: Path) -> tuple[Path, Path]:
    a = shard(tmp_path, "a", item("test_x.py::test_a[iphone-13-slow-4g]",
                                  evidence=tmp_path / "a/cx-artifacts/a"))  # fmt: skip
    b = shard(tmp_path, "b", item("test_x.py::test_b[iphone-13-slow-4g]", "failed",
                                  evidence=tmp_path / "b/cx-artifacts/b"), status=1)  # fmt: skip
    return a, b


def test_merged_results_are_valid_labelled_and_gate_on_the_failure(
    tmp_path: Path, two_shards: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out_json, junit = tmp_path / "m/results.json", tmp_path / "m/junit.xml"
    status, out, _ = merge(capsys, *two_shards, "--json", out_json, "--junit", junit)
    assert status == 1
    assert "2 results of 2 shards (1 failed, 1 passed), exit status 1" in out
    data = json.loads(out_json.read_text())
    jsonschema.validate(data, schema())
    # Shards run without pytest-split or --cx-shard are named by their file.
    assert [r["shard"] for r in data["results"]] == [str(p) for p in two_shards]
    # Evidence stays reachable from the merged file (relative to its folder).
    assert (out_json.parent / data["results"][1]["evidence_dir"]).is_dir()
    (suite,) = ET.parse(junit).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    names = [(c.get("classname"), c.get("name")) for c in suite]
    assert names == [
        ("test_x", "test_a[iphone-13-slow-4g]"),
        ("test_x", "test_b[iphone-13-slow-4g]"),
    ]
    failure = suite[1].find("failure")
    assert failure is not None and failure.get("message") == "boom"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("<testsuites/>", "not JSON"),
        ('{"results": []}', 'not a cxcheck results file (no "schema": "cxcheck-results")'),
        ('{"schema": "cxcheck-results", "version": 7, "results": []}', "of version 7"),
    ],
)
def test_a_file_that_is_not_cxcheck_results_is_named_with_the_fix(
    tmp_path: Path, two_shards: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
    content: str, said: str,
) -> None:  # fmt: skip
    bad = tmp_path / "junit.xml"
    bad.write_text(content)
    status, _, err = merge(capsys, two_shards[0], bad, "--json", tmp_path / "m.json")
    assert status == 2
    assert f"cxcheck: error: {bad}: " in err and said in err
    assert "--cx-json" in err or "same cxcheck" in err
    assert not (tmp_path / "m.json").exists()


def test_a_missing_file_says_to_download_every_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_shards: tuple[Path, Path]
) -> None:
    status, _, err = merge(capsys, two_shards[0], tmp_path / "c/results.json", "--junit", "j.xml")
    assert status == 2 and "c/results.json: no such file" in err and "every shard" in err


def test_different_cxcheck_versions_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = shard(tmp_path, "a", item("t.py::test_a[c]"), version="0.1.0")
    b = shard(tmp_path, "b", item("t.py::test_b[c]"), version="0.2.0")
    status, _, err = merge(capsys, a, b, "--json", tmp_path / "m.json")
    assert status == 2
    assert f"different cxcheck versions (0.1.0 in {a}; 0.2.0 in {b})" in err
    assert "pin one cxcheck version" in err


def test_a_test_in_two_shards_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = shard(tmp_path, "a", item("t.py::test_a[c]"))
    b = shard(tmp_path, "b", item("t.py::test_b[c]"), item("t.py::test_a[c]"))
    status, _, err = merge(capsys, a, b, "--json", tmp_path / "m.json")
    assert status == 2
    assert f"{b}: t.py::test_a[c] is also in {a}" in err and "its own --group" in err
    status, _, err = merge(capsys, a, tmp_path / "a/../a/results.json", "--json", "m.json")
    assert status == 2 and "given twice" in err


def test_missing_evidence_is_refused_and_nothing_is_written(
    tmp_path: Path, two_shards: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for picture in (tmp_path / "b/cx-artifacts/b").iterdir():
        picture.unlink()
    (tmp_path / "b/cx-artifacts/b").rmdir()
    status, _, err = merge(capsys, *two_shards, "--report", tmp_path / "r")
    assert status == 2
    assert (
        f"{two_shards[1]}: the evidence of test_x.py::test_b[iphone-13-slow-4g] is missing" in err
    )
    assert not (tmp_path / "r").exists()


def test_nothing_to_write_is_a_usage_error(
    two_shards: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = merge(capsys, *two_shards)
    assert status == 2 and "--json OUT.json, --report DIR and/or --junit OUT.xml" in err


@pytest.mark.parametrize(
    ("statuses", "outcomes", "expected"),
    [
        ((0, 0), ["passed", "passed"], 0),
        ((0, 0), ["passed", "flaky"], 0),  # passed on its rerun: reported, not failing
        ((0, 1), ["passed", "failed"], 1),
        ((1, 0), ["passed", "passed"], 1),  # a shard's non-cxcheck test failed
        ((0, 2), ["passed", "not-run"], 2),  # a shard was interrupted
        ((1, 4), ["failed"], 4),
        ((5, 5), [], 5),
        ((0, 5), ["passed"], 0),  # more shards than tests: one ran nothing
    ],
)
def test_the_merged_exit_status_is_the_whole_runs(
    statuses: tuple[int, int], outcomes: list[str], expected: int
) -> None:
    runs = [RunResults(exit_status=s) for s in statuses]
    results = [ItemResult(nodeid=f"t{i}", file="t", test="t", outcome=o)
               for i, o in enumerate(outcomes)]  # fmt: skip
    assert merged_exit_status(runs, results) == expected


def test_the_shard_label_is_cx_shard_else_pytest_splits_group() -> None:
    def lookup(values: dict[str, object]) -> Callable[[str], object]:
        def option(dest: str) -> object:
            if dest not in values:
                raise ValueError(f"no option named {dest!r}")  # as pytest's getoption says
            return values[dest]

        return option

    assert shard_label(lookup({"cx_shard": None, "splits": 3, "group": 2})) == "2/3"
    assert shard_label(lookup({"cx_shard": " nightly-a ", "splits": 3, "group": 2})) == "nightly-a"
    assert shard_label(lookup({"cx_shard": None})) is None  # pytest-split not installed
    assert shard_label(lookup({"cx_shard": None, "splits": None, "group": None})) is None


def test_durations_file_keeps_other_tests_and_refuses_a_foreign_file(
    tmp_path: Path, two_shards: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / ".test_durations"
    out.write_text(json.dumps({"test_unit.py::test_fast": 0.01}))
    assert main(["durations", *map(str, two_shards), "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == {
        "test_unit.py::test_fast": 0.01,
        "test_x.py::test_a[iphone-13-slow-4g]": 1.5,
        "test_x.py::test_b[iphone-13-slow-4g]": 1.5,
    }
    assert "2 measured tests" in capsys.readouterr().out
    out.write_text("[1, 2")
    assert main(["durations", str(two_shards[0]), "-o", str(out)]) == 2
    assert f"{out}: not a pytest-split durations file" in capsys.readouterr().err
