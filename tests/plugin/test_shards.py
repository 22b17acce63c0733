"""A run split across machines, on one machine: a real 12-cell matrix (2 devices × 2 networks ×
3 tests, one of them a journey file) run whole, then as 3 pytest-split shards balanced by the
durations ``cxcheck durations`` wrote from the whole run, then ``cxcheck merge``d: every cell
has the verdict it had in the whole run, one report shows every cell with its shard and its
evidence, the JUnit file has every cell; a shard's evidence left behind stops the merge."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxcheck.cli.main import main
from tests.model.test_results import schema

MATRIX = 'pytestmark = pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], ' \
    'networks=["slow-4g", "no-throttle"])'  # fmt: skip
SUITE = f"""
import pytest

{MATRIX}

def test_home(cx_journey):
    with cx_journey.step("open"):
        cx_journey.page.goto("/index.html")

def test_pay(cx_journey, cx_device):
    page = cx_journey.page
    with cx_journey.step("pay"):
        page.goto("/journey.html")
        if cx_device.name == "iphone-13":  # a page error: fails on the phone only
            page.click("#throw")
            page.wait_for_timeout(300)
"""
JOURNEY = """
name: browse
devices: [iphone-13, desktop-1080p]
networks: [slow-4g, no-throttle]
steps:
  - name: open the journey page
    actions:
      - goto: /journey.html
"""
SHARDS = 3


def verdicts(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text())
    jsonschema.validate(data, schema())
    return {r["nodeid"]: r["outcome"] for r in data["results"]}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_three_shards_merged_give_the_whole_runs_verdicts_in_one_report(
    pytester: pytest.Pytester, run_pytest: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(test_shop=SUITE)
    pytester.path.joinpath("browse.journey.yaml").write_text(JOURNEY)
    whole = run_pytest("--cx-json", "whole/results.json", "--cx-artifacts", "whole/cx-artifacts")
    assert whole.ret == 1, whole.stdout.str()
    expected = verdicts(pytester.path / "whole/results.json")
    assert len(expected) == 12
    assert sorted(set(expected.values())) == ["failed", "passed"]
    # pytest-split's keys are the cell ids cxcheck reports: journey files' too.
    assert "test_shop.py::test_pay[iphone-13-slow-4g]" in expected
    assert "browse.journey.yaml::browse[desktop-1080p-no-throttle]" in expected

    status, out, _ = cli(capsys, "durations", "whole/results.json", "-o", ".test_durations")
    assert status == 0 and "12 measured tests" in out
    durations = json.loads((pytester.path / ".test_durations").read_text())
    assert set(durations) == set(expected) and all(v > 0 for v in durations.values())

    ran: dict[int, set[str]] = {}
    for group in range(1, SHARDS + 1):
        shard = run_pytest(
            "--splits", str(SHARDS), "--group", str(group),
            "--splitting-algorithm", "least_duration", "--durations-path", ".test_durations",
            "--cx-json", f"shard{group}/results.json",
            "--cx-artifacts", f"shard{group}/cx-artifacts",
        )  # fmt: skip
        assert shard.ret in (0, 1), shard.stdout.str()
        shard.stdout.fnmatch_lines([f"*Running group {group}/{SHARDS}*"])
        ran[group] = set(verdicts(pytester.path / f"shard{group}/results.json"))
        assert ran[group], f"shard {group} ran nothing"
    # The shards split the matrix after cxcheck expanded it: each cell in exactly one shard.
    assert sum(len(cells) for cells in ran.values()) == 12
    assert set().union(*ran.values()) == set(expected)

    shard_files = [f"shard{g}/results.json" for g in range(1, SHARDS + 1)]
    status, out, _ = cli(capsys, "merge", *shard_files, "--json", "merged/results.json",
                         "--report", "merged/report", "--junit", "merged/junit.xml")  # fmt: skip
    assert status == 1, out  # a failed cell: the merge job fails, as the whole run did
    assert "12 results of 3 shards" in out
    assert verdicts(pytester.path / "merged/results.json") == expected
    merged = json.loads((pytester.path / "merged/results.json").read_text())
    assert merged["exit_status"] == 1
    for r in merged["results"]:
        group = next(g for g, cells in ran.items() if r["nodeid"] in cells)
        assert r["shard"] == f"{group}/{SHARDS}"

    page = (pytester.path / "merged/report/index.html").read_text()
    for nodeid in expected:
        assert nodeid.split("::")[-1].split("[")[0] in page
    # Each cell's panel says which shard ran it.
    assert sorted(re.findall(r"<span>shard (\d)/3</span>", page)) == sorted(
        str(g) for g, cells in ran.items() for _ in cells
    )
    # The evidence came along: every picture the page links to is in the report's folder.
    links = set(re.findall(r'(?:src|href)="(files/[^"]+)"', page))
    assert links, "the report shows no evidence"
    for link in links:
        assert (pytester.path / "merged/report" / link).is_file(), link

    cases = ET.parse(pytester.path / "merged/junit.xml").getroot().iter("testcase")
    by_name = {f"{c.get('classname')}::{c.get('name')}": c for c in cases}
    assert len(by_name) == 12
    failed = {n for n, c in by_name.items() if c.find("failure") is not None}
    assert {n.split("::")[-1] for n in failed} == {
        n.split("::")[-1] for n, o in expected.items() if o == "failed"
    }
    shards = {p.get("value") for c in by_name.values() for p in c.iter("property")
              if p.get("name") == "cx_shard"}  # fmt: skip
    assert shards == {f"{g}/{SHARDS}" for g in range(1, SHARDS + 1)}

    # A shard's evidence not downloaded beside its JSON: the merge says so and writes nothing.
    failing = next(r for r in merged["results"] if r["outcome"] == "failed")
    group = int(failing["shard"].split("/")[0])
    shard_json = json.loads((pytester.path / f"shard{group}/results.json").read_text())
    folder = next(r["evidence_dir"] for r in shard_json["results"]
                  if r["nodeid"] == failing["nodeid"])  # fmt: skip
    shutil.rmtree(pytester.path / f"shard{group}" / folder)
    status, _, err = cli(capsys, "merge", *shard_files, "--json", "again.json")
    assert status == 2
    assert f"shard{group}/results.json: the evidence of {failing['nodeid']} is missing" in err
    assert "download each shard's cx-artifacts/" in err
    assert not (pytester.path / "again.json").exists()
