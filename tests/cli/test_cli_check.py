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
    # The storefront's 4 and the SPOF example's 2 (examples/spof, run on its own by pytest).
    assert "cxcheck check: 6 journey files valid" in done.stdout


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


def test_unquoted_yaml_1_1_booleans_where_a_text_goes_are_warned_about(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps/answer.steps.yaml").write_text(
        "- name: answer\n  actions:\n    - click: {role: button, name: No}\n"
        "    - expect_text: {selector: '#state', text: off}\n"
    )
    (tmp_path / "a.journey.yaml").write_text(
        "name: No\nexamples:\n  - {id: one}\n  - {id: two}\nsteps:\n"
        "  - include: steps/answer.steps.yaml\n  - name: quoted and flags\n    actions:\n"
        "      - fill: {label: Subscribe, value: yes}\n"
        "      - expect_text: {selector: '#x', text: 'No', exact: true}\n"
        "      - screenshot: {name: shot, full_page: true}\n"
        "      - click: {role: button, name: 'off', exact: yes}\n"
    )
    done = cxcheck("check", str(tmp_path))
    assert done.returncode == 0, done.stderr  # valid: a warning, not a problem
    assert done.stdout.strip() == "cxcheck check: 1 journey file valid (4 warning(s) above)"
    fix = "(PyYAML, yaml.safe_load, schema checks); write '{0}' in quotes"
    # Each once, though both examples rows read the same lines; quoted texts and flags: none.
    assert sorted(done.stderr.splitlines()) == sorted([
        f"{tmp_path / 'a.journey.yaml'}:1: warning: No (name) has no quotes: cxcheck reads the "
        f"text 'No', but YAML 1.1 reads it as false {fix.format('No')}",
        f"{tmp_path / 'steps/answer.steps.yaml'}:3: warning: No (click name) has no quotes: "
        f"cxcheck reads the text 'No', but YAML 1.1 reads it as false {fix.format('No')}",
        f"{tmp_path / 'steps/answer.steps.yaml'}:4: warning: off (expect_text text) has no "
        f"quotes: cxcheck reads the text 'off', but YAML 1.1 reads it as false "
        f"{fix.format('off')}",
        f"{tmp_path / 'a.journey.yaml'}:9: warning: yes (fill value) has no quotes: cxcheck "
        f"reads the text 'yes', but YAML 1.1 reads it as true {fix.format('yes')}",
    ])  # fmt: skip


def test_a_run_keeps_the_text_as_written_and_a_flag_reads_yes_as_true(tmp_path: Path) -> None:
    from cxcheck.journeyfiles.loader import load

    path = tmp_path / "a.journey.yaml"
    path.write_text("name: No\nsteps:\n  - name: off\n    actions:\n"
                    "      - click: {role: button, name: No, exact: yes}\n"
                    "      - expect_text: {selector: '#x', text: on, exact: off}\n")  # fmt: skip
    spec = load(path)  # no warning channel in a run: the text is simply the text
    click, expect = spec.steps[0].actions
    assert (spec.name, spec.steps[0].name, expect.args["text"]) == ("No", "off", "on")
    assert (click.args["selector"].name, click.args["selector"].exact) == ("No", True)
    assert expect.args["exact"] == "false"


def test_check_loads_no_browser_report_or_load_tooling() -> None:
    # benchmarks/check_many.py: 1,000 files in under 2 s needs a start-up without these.
    code = (
        "import sys\nfrom cxcheck.cli.main import main\n"
        f"assert main(['check', {str(ROOT / 'examples')!r}]) == 0\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('playwright', 'locust', 'PIL', "
        "'numpy') or m.startswith(('cxcheck.outputs', 'cxcheck.browser', 'cxcheck.journey.', "
        "'cxcheck.load', 'cxcheck.checks.layout', 'cxcheck.plugin'))]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
