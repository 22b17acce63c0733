"""``cxcheck check`` validates journey files without a browser; ``cxcheck schema`` prints their
schema; a journey file's item is reported as itself, not as the function that runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cxcheck.journeyfiles.reference import SCHEMA_FILE

ROOT = Path(__file__).resolve().parents[2]


def cxcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cxcheck.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)  # fmt: skip


def test_valid_journey_files_pass() -> None:
    done = cxcheck("check", str(ROOT / "examples"))
    assert done.returncode == 0, done.stderr
    assert "cxcheck check: 3 journey files valid" in done.stdout


def test_problems_are_listed_with_file_and_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "a.journey.yaml").write_text(
        "name: a\nsteps:\n  - name: s\n    actions:\n      - clik: '#go'\n"
    )
    (tmp_path / "b.journey.yaml").write_text(
        "name: b\ndevices: iphone-31\nsteps:\n  - name: s\n    actions:\n      - click: '#go'\n"
    )
    (tmp_path / "c.journey.yaml").write_text(
        "name: c\nsteps:\n  - name: s\n    actions:\n      - click\n"
    )
    done = cxcheck("check", str(tmp_path), str(tmp_path / "missing.journey.yaml"))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(f"{tmp_path / 'a.journey.yaml'}:5: unknown action 'clik'" in x for x in lines)
    assert any("b.journey.yaml" in x and "did you mean" in x.lower() for x in lines), lines
    assert any(f"{tmp_path / 'c.journey.yaml'}:5:" in x for x in lines), lines
    assert any("missing.journey.yaml: no such file or folder" in x for x in lines)
    assert lines[-1] == "cxcheck check: 4 problem(s) in 3 journey files"


def test_the_schema_command_prints_the_published_schema() -> None:
    done = cxcheck("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(SCHEMA_FILE.read_text())
    assert Path(cxcheck("schema", "--path").stdout.strip()) == SCHEMA_FILE


def test_a_journey_file_item_is_reported_as_itself(
    pytester: pytest.Pytester, run_pytest: object
) -> None:
    folder = pytester.path / "journeys"
    folder.mkdir()
    (folder / "todo.journey.yaml").write_text(
        "name: todos\ndevices: desktop-1080p\nnetworks: no-throttle\nsteps:\n  - name: s\n"
        "    actions:\n      - goto: /index.html\n      - expect_visible: {selector: '#nope'}\n"
    )
    result = pytester.runpytest_inprocess(
        "--cx-base-url", "http://127.0.0.1:9", "--collect-only", "-q"
    )
    assert "journeys/todo.journey.yaml::todos[desktop-1080p-no-throttle]" in result.stdout.str()
    items = pytester.getitems(folder / "todo.journey.yaml")
    path, _, title = items[0].reportinfo()
    assert (Path(path).name, title) == ("todo.journey.yaml", "todos[desktop-1080p-no-throttle]")
