"""Results name no absolute folder of the machine that ran them: texts relative to where pytest
ran, evidence folders relative to the JSON file that holds them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cxcheck.model.paths import Portable, relative_to, resolved_from, shown_path
from cxcheck.model.results import ItemResult, RunResults


def test_texts_name_the_runs_folders_relative_to_where_it_ran(tmp_path: Path) -> None:
    base = tmp_path / "project"
    artifacts = tmp_path / "elsewhere" / "cx-artifacts"
    python = tmp_path / "python"
    portable = Portable(base, [base / "tests", artifacts], {python: "<python>"})
    assert portable.text(f"evidence for step 1 in {base}/cx-artifacts/t-x") == (
        "evidence for step 1 in cx-artifacts/t-x"
    )
    assert portable.text(f"rootdir: {base}") == "rootdir: ."
    assert (
        portable.text(f"open {artifacts}/t/trace.zip")
        == "open ../elsewhere/cx-artifacts/t/trace.zip"
    )
    assert portable.text(f'File "{python}/lib/contextlib.py", line 144') == (
        'File "<python>/lib/contextlib.py", line 144'
    )
    # Only the folders themselves: a longer name, a URL's path or a file URL stay as they are.
    for kept in (f"{base}-old/x", f"http://127.0.0.1:8000{base}/x", f"file://{base}/x"):
        assert portable.text(kept) == kept
    data = {"message": f"in {base}/a", "evidence_dir": f"{base}/a", "list": [f"{base}/b", 3]}
    assert portable.data(data, keep=frozenset({"evidence_dir"})) == {
        "message": "in a", "evidence_dir": f"{base}/a", "list": ["b", 3],
    }  # fmt: skip


def test_a_path_is_shown_relative_to_where_pytest_runs_when_it_is_inside(tmp_path: Path) -> None:
    assert shown_path(tmp_path / "cx-artifacts" / "t", tmp_path) == os.path.join(
        "cx-artifacts", "t"
    )
    assert shown_path(Path("/elsewhere/t"), tmp_path) == str(Path("/elsewhere/t"))


def test_evidence_folders_are_relative_to_the_json_file_and_read_back_whole(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cx-artifacts" / "t-x"
    earlier = ItemResult("t.py::x", "t.py", "x", evidence_dir=str(folder) + "~attempt1")
    result = ItemResult("t.py::x", "t.py", "x", evidence_dir=str(folder), attempts=[earlier])
    path = RunResults(results=[result]).write_json(tmp_path / "out" / "results.json")
    text = path.read_text()
    assert str(tmp_path) not in text
    (saved,) = json.loads(text)["results"]
    assert saved["evidence_dir"] == "../cx-artifacts/t-x"
    assert saved["attempts"][0]["evidence_dir"] == "../cx-artifacts/t-x~attempt1"
    (back,) = RunResults.read_json(path).results
    assert back.evidence_dir == str(folder)
    assert back.attempts[0].evidence_dir == str(folder) + "~attempt1"
    assert relative_to("already/relative", tmp_path) == "already/relative"
    assert resolved_from(str(folder), tmp_path / "out") == str(folder)
