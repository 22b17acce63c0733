"""What makes ``cxcheck check`` fast on a thousand files (benchmarks/check_many.py) keeps the
meaning: budgets built without a YAML loader equal ``yaml.safe_load``'s, lines counted by
bisection equal an editor's, and an include file edited between two loads is read again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from cxcheck.journeyfiles.loader import JourneyFileError, load
from cxcheck.journeyfiles.reader import Reader, _construct


@pytest.mark.parametrize(
    "text",
    ["5s", "3", "0", "012", "0x1f", "1_000", "2.5", "'7'", "!!str 5", "yes", "~",
     "{3g: 8s, '*': 2s}", "{a: 1, b: 012}", "{1: 2s}", "[1, 2]", "2001-12-14"],
)  # fmt: skip
def test_budgets_are_built_as_yaml_safe_load_builds_them(text: str) -> None:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    built, expected = _construct(node), yaml.safe_load(text)
    assert (built, type(built)) == (expected, type(expected))


def test_lines_are_counted_as_an_editor_counts_them(tmp_path: Path) -> None:
    text = "a: 1\n\n# note\nb:\n  - c\n  - d: 'x\n\n    y'\ne: 2"
    reader = Reader(tmp_path / "f.yaml", text)
    root = yaml.compose(text)
    assert isinstance(root, yaml.MappingNode)
    lines = [reader.line(k) for k, _ in root.value]
    assert lines == [1, 4, 9]
    assert [reader.line(v) for v in root.value[1][1].value] == [5, 6]


def test_an_include_edited_between_loads_is_read_again(tmp_path: Path) -> None:
    steps = tmp_path / "s.steps.yaml"
    steps.write_text("- name: first\n  actions: [reload]\n")
    path = tmp_path / "j.journey.yaml"
    path.write_text("name: j\nsteps:\n  - include: s.steps.yaml\n")
    assert load(path).steps[0].name == "first"
    steps.write_text("- name: second\n  actions: [clik]\n")
    os.utime(steps, ns=(1, 1))  # a file's time (or size) changes with an edit: a new read
    with pytest.raises(JourneyFileError, match=r"s\.steps\.yaml:2: unknown action 'clik'"):
        load(path)
