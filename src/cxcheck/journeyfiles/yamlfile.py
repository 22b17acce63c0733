"""Reading a journey file (or a file of steps) into YAML nodes, every failure in plain words.

libyaml parses valid files fast; a file it does not accept is parsed again by PyYAML's
pure-Python parser, whose complaints (and the file's indentation) are turned into what is wrong,
on which line, and how to fix it: a tab, a colon that needs quotes, a line indented unlike its
neighbours, a file saved as UTF-16 or Latin-1, a control character pasted from a word processor.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import yaml

from cxcheck.journeyfiles.spec import JourneyFileError

# Plain-word hints for PyYAML's complaints, matched against its context and problem.
_YAML_HINTS = (
    ("'\\t'", "YAML indents with spaces only: replace the tab with spaces"),
    (
        "mapping values are not allowed",
        "put quotes around a text that contains `: `, or check "
        "that this line is indented like the lines above it",
    ),
    (
        "could not find expected ':'",
        "a line is not `key: value` or is indented wrongly; check this line and the one above",
    ),
    (
        "expected <block end>",
        "this line is not indented like the lines above it; line it up with its neighbours",
    ),
    (
        "undefined alias",
        'a value starting with `*` refers to an `&anchor`; put it in quotes, like "*"',
    ),
    ("end of stream", "a quote or bracket is never closed; close it"),
    ("escape", "a backslash inside double quotes starts an escape; use single quotes instead"),
    ("expected ',' or", "a bracket is not closed or a comma is missing; check the brackets"),
    ("single document", "a journey file holds one journey; remove the second `---`"),
    ("cannot start any token", "put the value in quotes"),
    ("expected the node content", "put the value in quotes"),
    ("tag", "a value starting with `!` is a YAML tag; put it in quotes"),
)


def position(text: str, index: int) -> tuple[int, int]:
    """The line and column (both from 1) of character ``index`` of ``text``."""
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> str:
    fix = "save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return f"{path}: the file is saved as UTF-16, not UTF-8; {fix}"
    before = _normalised(data[: exc.start].decode("utf-8"))
    line, column = position(before, len(before))
    return (
        f"{path}:{line}: the file is not UTF-8 text: byte 0x{data[exc.start]:02X} at column "
        f"{column} is not valid UTF-8 (perhaps it was saved as Latin-1 or Windows-1252); "
        f"{fix}"
    )


def _yaml_problem(path: Path, text: str, exc: yaml.YAMLError) -> str:
    """What is wrong with a file PyYAML cannot read, with the file, line and a fix."""
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = position(text, int(exc.position))
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[0])
        if code < 0x20 or 0x7F <= code < 0xA0:
            what = f"a control character (U+{code:04X})"
            origin = "it often comes from copying text out of a word processor"
            if code == 0:
                origin += "; if there are many, the file was saved as UTF-16: save it as UTF-8"
        else:
            what, origin = f"the character U+{code:04X}", "it often comes from copying text"
        return (
            f"{path}:{line}: the file contains {what} at column {column}, which YAML does not "
            f"allow; delete it or retype the line ({origin})"
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return f"{path}: not valid YAML: {exc}"
    context, problem = exc.context or "", exc.problem or ""
    said = f"{context}, {problem}" if context and not context.startswith("while") else problem
    said = said or context or "this is not YAML"
    hint = next(
        (h for key, h in _YAML_HINTS if key in f"{context} {problem}"),
        "check the indentation, colons and quotes on this line and the one above",
    )
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return f"{path}: not valid YAML: {said}; {hint}"
    line, column = position(text, mark.index)
    indent = re.match(r"[ \t]*", text.split("\n")[line - 1])
    if indent and "\t" in indent[0]:
        hint = _YAML_HINTS[0][1]
    elif "${" in text.split("\n")[line - 1] and "{" in text.split("\n")[line - 1].split("${")[0]:
        hint = "inside { } a value holding ${…} needs quotes, like value: '${name}'"
    elif any(key in f"{context} {problem}" for key in _INDENT_PROBLEMS):
        plain = _indent_hint(text, line)
        if plain:  # the parser's jargon (<block end>) says less than this
            return f"{path}:{line}: not valid YAML: {plain}"
    where = f"{path}:{line}: not valid YAML at column {column}"
    return f"{where}: {said}; {hint}"


_INDENT_PROBLEMS = ("expected <block end>", "mapping values are not allowed", "expected ':'")


def _indent_hint(text: str, number: int) -> str | None:
    """Which line is indented unlike its neighbours, in words, or None when indentation looks
    consistent (then the parser's own complaint stands)."""
    lines = text.split("\n")
    if number > len(lines):
        return None

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def columns(line: str) -> set[int]:
        # A list item's text starts after its dash: siblings of that text line up with it.
        at = indent(line)
        rest = line[at:]
        if rest.startswith("- "):
            return {at, at + 2 + indent(rest[2:])}
        return {at}

    previous = [n for n in range(number - 1, 0, -1)
                if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")]  # fmt: skip
    if not previous:
        return None
    current, above = lines[number - 1], lines[previous[0] - 1]
    width = indent(current)
    spaces = f"{width} space{'s' * (width != 1)}"
    used = set().union(*(columns(lines[n - 1]) for n in previous))
    neighbour = f"line {previous[0]} is indented by {indent(above)}"
    if len(columns(above)) > 1:
        neighbour += f" (its text after `- ` by {max(columns(above))})"
    if width not in used:
        return (
            f"line {number} is indented by {spaces}, like no line above it ({neighbour}); "
            "YAML reads the structure from the indentation: line it up with the line it "
            "belongs with"
        )
    if width > indent(above) and not above.rstrip().endswith(":"):
        return (
            f"line {number} is indented further than line {previous[0]} ({width} spaces, not "
            f"{indent(above)}), as if it belonged inside it, but line {previous[0]} already has "
            "its value; give both the same indentation"
        )
    return None


def _normalised(text: str) -> str:
    """``text`` with Windows and old-Mac line endings turned into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """A journey (or steps) file's text: UTF-8, a byte-order mark dropped, line endings made
    ``\n``; a file that cannot be read or is not UTF-8 is a :class:`JourneyFileError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JourneyFileError(f"{path}: cannot read the journey file: {exc}") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return _normalised(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise JourneyFileError(_not_utf8(path, data, exc)) from None


def _fast_compose(text: str) -> yaml.Node | None:
    """libyaml's parser, when PyYAML has it: about ten times faster on valid files. Anything
    it does not accept is parsed again by the pure-Python one, whose errors say more."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        return None
    try:
        loader = loader_class(text)
        try:
            node: yaml.Node | None = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:
        return None
    return node


def _compose(path: Path, text: str) -> yaml.Node | None:
    """The pure-Python parser: the file's root node, or a JourneyFileError saying what is wrong."""
    try:  # what yaml.compose does, keeping the loader for the mark of a crash
        loader = yaml.SafeLoader(text)  # reads the whole text: a ReaderError comes from here
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise JourneyFileError(_yaml_problem(path, text, exc)) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # PyYAML crashes on these
        line, column = position(text, loader.get_mark().index)
        what = (
            "lists or mappings are nested too deeply (a journey needs only a few levels); "
            "look for brackets that are opened but never closed"
            if isinstance(exc, RecursionError)
            else "an escape like \\U00110000 inside double quotes names no character; fix "
            "the escape or use single quotes"
        )
        raise JourneyFileError(
            f"{path}:{line}: not valid YAML at column {column}: {what}"
        ) from None
    return root


def parse(path: Path, text: str) -> yaml.Node | None:
    """The root node of a file's text (None when it is empty), or a :class:`JourneyFileError`
    saying in plain words what is wrong."""
    return _fast_compose(text) or _compose(path, text)
