"""Fuzzing the journey file loader: whatever a ``*.journey.yaml`` file holds, ``load`` returns a
``JourneySpec`` or raises a ``JourneyFileError`` that names the file (and the line, when the content
is at fault); never a bare traceback that stops pytest collection.

The structured journeys are built from the action table (``BY_KIND``), so a new action is fuzzed
as soon as it is in the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcheck.journeyfiles.actions import BY_KIND
from cxcheck.journeyfiles.loader import TOP_KEYS, JourneyFileError, JourneySpec, load
from cxcheck.journeyfiles.reader import STEP_KEYS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "examples" / "checkout.journey.yaml").read_text(encoding="utf-8")
# About 2,000 files in all, in a few seconds: PyYAML and Hypothesis are pure Python.
FUZZ = settings(max_examples=200, deadline=None, database=None)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when present, is faster
# action → (the fields a valid form writes, the field a plain value stands for): its required
# fields and the first of its alternatives (`text` of text/matches, `count` of count/min/max).
ACTIONS = {
    a.kind: ((*a.fields, *a.one_of[:1], *a.any_of[:1]), a.shorthand) for a in BY_KIND.values()
}
Draw = Callable[[st.SearchStrategy[Any]], Any]  # a composite's draw, or st.data()'s
# Errors about the whole file rather than one place in it: they name the file but no line.
WHOLE_FILE = ("the file is empty", "the file is saved as UTF-16")

SAMPLE = """\
name: checkout
start: /
devices: [iphone-13, desktop-1080p]
networks: [3g, no-throttle]
ignore_requests: "*/learn.json"
steps:
  - name: search
    budget: {3g: 8s, "*": 2s}
    actions:
      - fill: {selector: "#search-q", value: jacket}
      - press: {selector: "#search-q", key: Enter}
      - expect_text: {selector: "#result-count", text: 1 product}
  - name: add to basket
    budget: 1.5s
    actions:
      - click: "#add-to-basket"
      - expect_url: /basket
"""


@pytest.fixture(scope="module")
def journey_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file every example overwrites (a function-scoped tmp_path would trip Hypothesis)."""
    return tmp_path_factory.mktemp("fuzz") / "fuzz.journey.yaml"


def _lines(data: bytes) -> int:
    """How many lines an editor shows for ``data``."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    return len(re.split(r"\r\n|\r|\n", text))


def _load(path: Path, data: bytes) -> JourneySpec | None:
    """``load`` of a file holding ``data``: the spec, or None after checking the error's form."""
    path.write_bytes(data)
    lines = _lines(data)
    try:
        spec = load(path)
    except JourneyFileError as exc:
        message = str(exc)
        assert message.startswith(f"{path}:"), message
        where = re.match(rf"{re.escape(str(path))}:(\d+): \S", message)
        if where is None:
            assert any(m in message for m in WHOLE_FILE), f"no line number in: {message}"
        else:
            assert 1 <= int(where.group(1)) <= lines, f"{lines} lines; {message}"
        return None
    assert isinstance(spec, JourneySpec)
    assert spec.path == path
    assert spec.name.strip()
    assert spec.steps
    for step in spec.steps:
        assert step.name.strip()
        assert 1 <= step.line <= lines
        assert step.actions
        for action in step.actions:
            fields, _ = ACTIONS[action.kind]
            assert set(action.args) <= set(fields)
            assert all(isinstance(v, str) and v.strip() for v in action.args.values())
            assert 1 <= action.line <= lines
    return spec


# (a) Journeys built from the action table, then broken in the ways people break them.

# Texts that look like YAML syntax, numbers or nothing, and random ones (drawn character by
# character, which is slow, so kept short). PyYAML's dumper writes U+0085 raw in a quoted text,
# where its own reader takes it for a line break: it is left out of the texts that must load back
# as written (the raw files carry it).
TEXT = st.one_of(
    st.sampled_from([
        "#go", "text=Add to basket", "/basket", "ada@example.com", "Enter", "1 product", "é",
        "😀", "null", "~", "yes", "3", "0x10", "1.5", "- item", "a: b", "#", "*star", "&amp",
        "!bang", "'", '"', "{x}", "[x]", "tab\there", "two\nlines", " lead", "trail ", "\x07",
        "\u2028", "\ufeff", "%", "@", "`", "?", "|", ">", "--- x", "...", "\\", "\ud7ff",
    ]),
    st.text(st.characters(codec="utf-8", exclude_characters="\x85"), min_size=1, max_size=6),
).filter(lambda t: t.strip() and "${" not in t)  # fmt: skip
# (`${name}` is a variable, with tests of its own in test_journey_language.py.)
WORD = st.text("abcdefghijklmnopqrstuvwxyz_-#./*: ", min_size=1, max_size=10).filter(str.strip)
DURATION = st.one_of(
    st.integers(1, 3600),
    st.floats(0.001, 3600),
    st.integers(1, 3600).map(lambda n: f"{n}s"),
    st.integers(1, 3_600_000).map(lambda n: f"{n}ms"),
    st.integers(1, 60).map(lambda n: f" {n} m "),
)
BUDGET = st.one_of(DURATION, st.dictionaries(st.sampled_from(["3g", "*", "wifi"]), DURATION))
NAMES = st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=3))
WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(10**30, 10**60),
    st.floats(allow_nan=True),
    st.just(""),
    st.just("   "),
    st.just("null"),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.one_of(WORD, st.integers(), st.none()), st.integers(), max_size=2),
    st.dates(),
    TEXT,
)


@st.composite
def actions(draw: st.DrawFn) -> dict[str, Any]:
    """One valid action of the current table, in its short or its mapping form."""
    kind = draw(st.sampled_from(sorted(ACTIONS)))
    fields, shorthand = ACTIONS[kind]
    if shorthand is not None and draw(st.booleans()):
        return {kind: draw(VALUES.get(shorthand, TEXT))}
    return {kind: {f: draw(VALUES.get(f, TEXT)) for f in fields}}


# Fields with a form of their own (a snapshot's name is a file name).
VALUES: dict[str, st.SearchStrategy[str]] = {
    "name": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True),
    "count": st.from_regex(r"[0-9]{1,3}", fullmatch=True),
    "files": st.just("fuzz.journey.yaml"),  # uploads must exist beside the journey
}


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey as Python data."""
    journey: dict[str, Any] = {"name": draw(TEXT)}
    for key, values in (("start", TEXT), ("devices", NAMES), ("networks", NAMES),
                        ("ignore_requests", NAMES), ("ignore_console", NAMES)):  # fmt: skip
        if draw(st.booleans()):
            journey[key] = draw(values)
    steps = []
    for _ in range(draw(st.integers(1, 2))):
        step: dict[str, Any] = {"name": draw(TEXT)}
        if draw(st.booleans()):
            step["budget"] = draw(BUDGET)
        step["actions"] = draw(st.lists(actions(), min_size=1, max_size=3))
        steps.append(step)
    journey["steps"] = steps
    return journey


def _places(tree: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key or index) in ``tree``."""
    if isinstance(tree, dict):
        for key in list(tree):
            yield tree, key
            yield from _places(tree[key])
    elif isinstance(tree, list):
        for index in range(len(tree)):
            yield tree, index
            yield from _places(tree[index])


def _misspell(draw: Draw, word: str) -> str:
    at: int = draw(st.integers(0, len(word)))
    how = draw(st.sampled_from(["drop", "add", "swap", "case"]))
    if how == "drop":
        return word[:at] + word[at + 1 :]
    if how == "add":
        letter: str = draw(st.sampled_from("aeiosx_-"))
        return word[:at] + letter + word[at:]
    if how == "swap" and at + 1 < len(word):
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word.upper()


def _mutate(draw: Draw, tree: dict[str, Any]) -> None:
    """Break ``tree`` once, somewhere."""
    places = list(_places(tree))
    if not places:
        return
    container, key = draw(st.sampled_from(places))
    how = draw(st.sampled_from(["wrong", "drop", "unknown", "misspell", "kind", "empty"]))
    if how == "wrong":
        container[key] = draw(WRONG)
    elif how == "drop" and isinstance(container, dict):
        del container[key]
    elif how == "drop":
        container.pop(key)
    elif how == "unknown" and isinstance(container, dict):
        known = [*TOP_KEYS, *STEP_KEYS, *ACTIONS, "selector"]
        new = draw(WORD) if draw(st.booleans()) else _misspell(draw, draw(st.sampled_from(known)))
        container[new] = draw(st.one_of(TEXT, WRONG))
    elif how == "misspell" and isinstance(container, dict) and isinstance(key, str):
        container[_misspell(draw, key)] = container.pop(key)
    elif how == "kind" and isinstance(container, dict) and key in ACTIONS:
        container[draw(st.sampled_from(sorted(ACTIONS)))] = container.pop(key)
    elif how == "empty":
        container[key] = draw(st.sampled_from([[], {}, "", None]))


def _dump(draw: Draw, tree: dict[str, Any]) -> str:
    return yaml.dump(
        tree,
        Dumper=DUMPER,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None, True])),
        sort_keys=False,
        width=draw(st.sampled_from([80, 20, 1000])),
    )


def _expected(tree: dict[str, Any]) -> list[tuple[str, list[tuple[str, dict[str, str]]]]]:
    out = []
    if "start" in tree:  # the journey's first step
        out.append(("start", [("goto", {"url": tree["start"]})]))
    for step in tree["steps"]:
        steps = []
        for action in step["actions"]:
            ((kind, value),) = action.items()
            _, shorthand = ACTIONS[kind]
            steps.append((kind, value if isinstance(value, dict) else {str(shorthand): value}))
        out.append((step["name"], steps))
    return out


@FUZZ
@given(st.data())
def test_valid_journeys_load_as_written(journey_file: Path, data: st.DataObject) -> None:
    tree = data.draw(journeys())
    spec = _load(journey_file, _dump(data.draw, tree).encode())
    assert spec is not None
    assert (spec.name, spec.start) == (tree["name"], tree.get("start"))
    for key in ("devices", "networks", "ignore_requests", "ignore_console"):
        names = tree.get(key, None if key in ("devices", "networks") else ())
        expected = tuple(names) if isinstance(names, list) else (names,) if names else names
        assert getattr(spec, key) == expected
    got = [(s.name, [(a.kind, a.args) for a in s.actions]) for s in spec.steps]
    assert got == _expected(tree)
    budgets = [None] * ("start" in tree) + [s.get("budget") for s in tree["steps"]]
    assert [s.budget for s in spec.steps] == budgets


@settings(FUZZ, max_examples=300)
@given(st.data())
def test_broken_journeys_are_reported_with_file_and_line(
    journey_file: Path, data: st.DataObject
) -> None:
    tree = data.draw(journeys())
    for _ in range(data.draw(st.integers(1, 3))):  # the file after each mistake
        _mutate(data.draw, tree)
        _load(journey_file, _dump(data.draw, tree).encode())


# (b) Plausible YAML text with junk pasted in, cut short or saved oddly.

JUNK = st.one_of(
    st.sampled_from([
        "\x07", "\x1b", "\x00", "\x0c", "\x7f", "\x85", "\x9b", "\u2028", "\ufffe", "\ufeff",
        "\t", "\r", "\r\n", "\n", " ", "  ", "'", '"', "\\", ":", ": ", "- ", "? ", "#", "[", "]",
        "{", "}", ",", "&a ", "*a", "&a [*a]", "!!python/object:os.system ", "!!int ", "!!str ",
        "!!binary ", "!!timestamp ", "!foo ", "!<tag:x> ", "<<: ", "---\n", "...\n", "%YAML 1.1\n",
        "%TAG ! tag:x,\n", "|\n", ">-\n", "null", "~", "9" * 5000, "1" * 400, "\ud800", "é", "😀",
        "click: ", "- fill: {selector: 1, value: 2}\n", "- goto:\n", "budget: !!float x\n",
        '"\\U80010000"', '"\\uDC00"', "\\U0011", "\\x",  # escapes, if inside double quotes
    ]),
    st.text(max_size=4),
)  # fmt: skip
RAW_BYTES = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xe9"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A journey's text: the sample, an example, or a valid or broken generated one."""
    base = draw(st.sampled_from(["sample", "example", "valid", "broken"]))
    if base == "sample":
        return SAMPLE
    if base == "example":
        return EXAMPLE
    tree = draw(journeys())
    if base == "broken":
        _mutate(draw, tree)
    return _dump(draw, tree)


@st.composite
def raw_files(draw: st.DrawFn) -> list[bytes]:
    """A journey's text damaged by 1 to 8 edits: the file after each of them."""
    text = draw(texts())
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    files = []
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "insert", "delete", "truncate", "tabs", "crlf"]))
        if how == "insert":
            text = text[:at] + draw(JUNK) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif how == "truncate":
            text = text[:at]
        elif how == "tabs":
            text = re.sub("(?m)^  ", "\t", text)
        else:
            text = text.replace("\n", "\r\n")
        files.append(bom + text.encode("utf-8", errors="surrogatepass"))
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(files[-1])))
        files.append(files[-1][:at] + draw(RAW_BYTES) + files[-1][at:])
    return files


@settings(FUZZ, max_examples=350)
@given(raw_files())
def test_any_text_loads_or_is_reported_with_file_and_line(
    journey_file: Path, files: list[bytes]
) -> None:
    for data in files:
        _load(journey_file, data)


# Regressions, with their exact messages where the wording matters.


def test_a_control_character_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "journey.yaml"
    path.write_text("name: checkout\nsteps:\n  - name: p\x07ay\n    actions:\n      - goto: /\n")
    with pytest.raises(JourneyFileError) as info:
        load(path)
    assert str(info.value) == (
        f"{path}:3: the file contains a control character (U+0007) at column 12, which YAML "
        "does not allow; delete it or retype the line (it often comes from copying text out of "
        "a word processor)"
    )


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("name: x\x1b[0m\nsteps: []\n", 1, "U+001B"),
        ("name: x\n\x00\x00\n", 2, "U+0000"),
        ("\ufeffname: x\r\nsteps:\r\n  - name: \x0c\r\n", 3, "U+000C"),
    ],
    ids=["escape", "nul", "form-feed-after-bom-and-crlf"],
)
def test_other_control_characters_are_named_too(
    tmp_path: Path, text: str, line: int, code: str
) -> None:
    path = tmp_path / "journey.yaml"
    path.write_bytes(text.encode())
    with pytest.raises(JourneyFileError, match=rf"^{re.escape(str(path))}:{line}: ") as info:
        load(path)
    assert "control character" in str(info.value)
    assert code in str(info.value)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"name: caf\xe9\nsteps: []\n", 1),
        (b"name: x\nstart: /\xed\xa0\x80\n", 2),  # a lone surrogate, as some tools encode it
        (b"\xef\xbb\xbfname: x\n\n  \xff\n", 3),
    ],
    ids=["latin-1", "lone-surrogate", "bom-then-bad-byte"],
)
def test_a_file_that_is_not_utf8_says_so(tmp_path: Path, data: bytes, line: int) -> None:
    path = tmp_path / "journey.yaml"
    path.write_bytes(data)
    with pytest.raises(JourneyFileError, match=rf"^{re.escape(str(path))}:{line}: ") as info:
        load(path)
    assert "not UTF-8" in str(info.value)
    assert "save it again as UTF-8" in str(info.value)


def test_a_utf16_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "journey.yaml"
    path.write_bytes(SAMPLE.encode("utf-16"))
    with pytest.raises(JourneyFileError, match=r"saved as UTF-16, not UTF-8"):
        load(path)


def test_a_tab_indented_file_names_the_tab(tmp_path: Path) -> None:
    path = tmp_path / "journey.yaml"
    path.write_text(SAMPLE.replace("\n    actions:", "\n\tactions:"))
    with pytest.raises(JourneyFileError, match=rf"^{re.escape(str(path))}:9: ") as info:
        load(path)
    assert "tab" in str(info.value)
    assert "spaces" in str(info.value)


STEP = "name: x\nsteps:\n  - name: a\n    actions:\n"


def _budget(budget: str) -> str:
    return f"name: x\nsteps:\n  - name: a\n    budget: {budget}\n    actions:\n      - goto: /\n"


ODD = [
    (STEP + "      - click: !!python/object:os.system '#go'\n", None),
    ("name: &n x\nstart: *n\nsteps:\n  - name: *n\n    actions:\n      - goto: *n\n", None),
    ("name: x\nsteps: &s [*s]\n", ":2: a step must be a mapping"),
    ("? [name]\n: x\n", ":1: a key in a journey must be a plain name, not a list"),
    (STEP + "      - {click: x}: '#go'\n", ":5: an action's name must be a plain word"),
    (STEP + "      - ? [click]\n        : '#go'\n", ":5: an action's name must be a plain word"),
    (STEP + "      - click: null\n", ":5: click needs selector; expected form: click:"),
    (STEP + "      - click: 5\n      - fill: {selector: 1, value: 2}\n", None),
    (STEP + "      - fill: {selector: '#q', selector: '#r', value: 2}\n", ":5: 'selector' appears"),
    (STEP + '      - click: "\\ud800"\n', ":5: click holds an escape of a lone surrogate"),
    (STEP + '      - click: "\\U00110000"\n', ":5: not valid YAML at column 19: an escape"),
    (STEP + '      - click: "\\UFFFFFFFF"\n', ":5: not valid YAML at column 19: an escape"),
    (STEP + "      - click: '#a\tb'\n", None),  # a tab inside a text is fine
    # A tab before a comment: libyaml (used when PyYAML has it) reads it; PyYAML's own parser
    # does not, and the error names the line.
    (STEP + "      - click: '#a'\t# a comment\n",
     None if hasattr(yaml, "CSafeLoader") else ":5: not valid YAML at column 20: found char"),
    ("name: x\nname: y\nsteps: []\n", ":2: 'name' appears twice in a journey"),
    (_budget("{3g: 1s, 3g: 2s}"), ":4: budget: '3g' appears twice"),
    (_budget("99999999999999999999999999"), ":4: budget: 99999999999999999999999999 is out of"),
    (_budget("{'*': 1" + "0" * 400 + "}"), ":4: budget: {'*': 1000"),
    (_budget("9" * 5000), ":4: budget: '9999"),
    (_budget("!!int soon"), ":4: budget: 'soon' is not a duration"),
    (_budget("2024-13-45"), ":4: budget: '2024-13-45' is not a duration"),
    ("\ufeff" + STEP.replace("\n", "\r\n") + "      - goto: /\r\n", None),
    ("name: x\n---\nname: y\n", ":2: not valid YAML at column 1: expected a single document"),
    ("name: *x\n", ":1: not valid YAML at column 7: found undefined alias"),
    ("name: 'a\u2028b'\n" + STEP[8:] + "      - clik: /\n", ":5: unknown action 'clik'"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), ODD, ids=[str(i) for i in range(len(ODD))])
def test_odd_shapes_load_or_name_the_line(tmp_path: Path, text: str, message: str | None) -> None:
    path = tmp_path / "odd.journey.yaml"
    path.write_bytes(text.encode())
    if message is None:
        assert isinstance(load(path), JourneySpec)
    else:
        with pytest.raises(JourneyFileError) as info:
            load(path)
        assert str(info.value).startswith(f"{path}{message}"), str(info.value)


def test_brackets_nested_too_deeply_for_pyyaml_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "deep.journey.yaml"
    path.write_text("name: x\nsteps: " + "[" * 1000 + "\n")  # PyYAML recurses once per level
    with pytest.raises(JourneyFileError, match=rf"^{re.escape(str(path))}:[23]: .* too deeply"):
        load(path)


def test_a_control_character_stops_collection_with_a_message_not_a_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.path.joinpath("bad.journey.yaml").write_text(SAMPLE.replace("jacket", "jac\x1bket"))
    result = pytester.runpytest_inprocess("--collect-only")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*bad.journey.yaml:10: the file contains a control character*"])
    assert "Traceback" not in result.stdout.str()
