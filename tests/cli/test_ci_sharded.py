"""The sharded CI recipes parse, and say what a sharded run needs: N shards that install a
browser, run their pytest-split group and upload their results with their evidence, and a merge
job that needs them all, runs ``cxcheck merge`` (whose exit gates) and keeps one report."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxcheck.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def merge_options(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(["merge", "--help"])
    return capsys.readouterr().out


def command(text: str, program: str) -> list[str]:
    """The words of the line of ``text`` that runs ``program``."""
    words = shlex.split(" ".join(text.split()))
    return words[words.index(program) :]


def test_github_actions_runs_a_matrix_of_shards_then_a_gating_merge(
    capsys: pytest.CaptureFixture[str],
) -> None:
    recipe: dict[str, Any] = yaml.safe_load(
        (ROOT / "examples/ci/github-actions-sharded.yml").read_text()
    )
    shards, merge = recipe["jobs"]["journeys"], recipe["jobs"]["merge"]
    groups = shards["strategy"]["matrix"]["group"]
    assert groups == [1, 2, 3] and shards["strategy"]["fail-fast"] is False
    runs = " ".join(str(s.get("run", "")) for s in shards["steps"])
    assert "playwright install --with-deps chromium" in runs
    pytest_line = command(
        next(s["run"] for s in shards["steps"] if "--splits" in str(s.get("run"))), "pytest"
    )
    assert pytest_line[pytest_line.index("--splits") + 1] == str(len(groups))
    assert "--group ${{ matrix.group }}" in " ".join(pytest_line)
    assert "least_duration" in pytest_line and "--cx-json" in pytest_line
    upload = next(s for s in shards["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()" and upload["with"]["path"] == "shard/"
    assert "${{ matrix.group }}" in upload["with"]["name"]

    assert merge["needs"] == "journeys" and merge["if"] == "always()"
    download = next(s for s in merge["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["pattern"] == "cxcheck-shard-*"
    step = next(s for s in merge["steps"] if "cxcheck merge" in str(s.get("run")))
    assert "if" not in step  # its exit status is the job's: the gate
    line = command(step["run"], "cxcheck")
    assert line[:2] == ["cxcheck", "merge"] and line[2] == "shards/*/results.json"
    options = merge_options(capsys)
    for flag in (w for w in line if w.startswith("--")):
        assert flag in options
    assert {"--json", "--report", "--junit"} <= set(line)
    assert any("cxcheck durations" in str(s.get("run")) for s in merge["steps"])
    assert any("upload-artifact" in s.get("uses", "") and s["if"] == "always()"
               for s in merge["steps"])  # fmt: skip


def test_gitlab_runs_parallel_shards_then_a_gating_merge(
    capsys: pytest.CaptureFixture[str],
) -> None:
    recipe: dict[str, Any] = yaml.safe_load(
        (ROOT / "examples/ci/gitlab-ci-sharded.yml").read_text()
    )
    shards, merge = recipe["cxcheck"], recipe["cxcheck-merge"]
    assert shards["parallel"] == 3
    script = " ".join(shards["script"])
    assert "apt-get install -y -qq chromium" in script
    line = command(script, "pytest")
    assert line[line.index("--splits") + 1] == "$CI_NODE_TOTAL"
    assert line[line.index("--group") + 1] == "$CI_NODE_INDEX"
    assert shards["artifacts"]["when"] == "always" and shards["artifacts"]["paths"] == ["shard-*/"]
    assert recipe["stages"].index(shards["stage"]) < recipe["stages"].index(merge["stage"])
    assert merge["needs"] == [{"job": "cxcheck", "artifacts": True}] and merge["when"] == "always"
    merge_line = command(" ".join(merge["script"]), "cxcheck")
    assert merge_line[:3] == ["cxcheck", "merge", "shard-*/results.json"]
    options = merge_options(capsys)
    assert all(flag in options for flag in merge_line if flag.startswith("--"))
    assert merge["artifacts"]["reports"]["junit"] == "cx-report/junit.xml"
