"""Declarative journeys: ``*.journey.yaml`` files, for QA engineers who don't write Python.

A file is parsed and validated as a whole before anything runs; every mistake is reported with
the file, the line and the expected form (and a did-you-mean for unknown actions). Running a
journey turns each action into the Playwright call a Python test would make, inside named steps
of a :class:`cxcheck.journey.Journey`, so budgets and evidence work the same way.

Reuse: ``- include: add-items.steps.yaml`` pulls in a list of steps (nested, never in a cycle);
``vars:`` and ``secrets:`` fill ``${name}`` in any text (``${env.NAME}`` reads the environment;
secret values are masked as ``***`` in everything cxcheck writes); ``examples:`` rows make one
journey per row; ``tags:`` become pytest markers. The actions themselves live in
:mod:`cxcheck.journeyfiles.actions`.
"""

from __future__ import annotations

import codecs
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cxcheck.journeyfiles.actions import (
    ACTS,
    BY_KIND,
    COMMON,
    LOCATOR_FIELDS,
    RETRYABLE,
    Action,
    Runner,
    expected,
    first_line,
    perform,
    seen,
    value_problem,
    wait_attached,
    wait_seconds,
)
from cxcheck.journeyfiles.locators import KINDS as LOCATOR_KINDS
from cxcheck.journeyfiles.locators import MODIFIERS, ROLES, Locator
from cxcheck.model import masking
from cxcheck.model.durations import Budget, budget_for, parse_duration
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError
from cxcheck.model.results import Finding
from cxcheck.model.text import did_you_mean

if TYPE_CHECKING:
    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.layout.check import Layout
    from cxcheck.checks.visual.check import Visual
    from cxcheck.config.profiles import Catalogue
    from cxcheck.journey.journey import Journey
    from cxcheck.load.tester import LoadTest

__all__ = ["ACTIONS", "Action", "JourneyFileError", "JourneySpec", "Step", "load", "load_all"]

SUFFIX = ".journey.yaml"
SCHEMA_FILE = Path(__file__).with_name("journey.schema.json")
PATTERN_FORM = "a glob pattern or a list of them, like ['*/learn.json']"
TOP_KEYS = (
    "name",
    "start",
    "devices",
    "networks",
    "timeout",
    "tags",
    "vars",
    "secrets",
    "examples",
    "ignore_requests",
    "ignore_console",
    "load",
    "steps",
)
LOAD_KEYS = ("scenario", "users", "spawn_rate", "run_time", "workers", "max_slowdown",
             "thresholds")  # fmt: skip
LOAD_METRICS = ("p50", "p90", "p95", "p99", "max", "avg", "failure_ratio", "min_rps")
STEP_KEYS = ("name", "budget", "actions")
START_KEYS = ("url", "budget", "timeout")
START_STEP = "start"
# action → (the fields of its mapping form, the field a plain value stands for)
ACTIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    a.kind: (a.fields, a.shorthand) for a in BY_KIND.values()
}
# Fields an action may leave out (a11y and layout run with the run's defaults when bare).
OPTIONAL: dict[str, tuple[str, ...]] = {a.kind: a.optional for a in BY_KIND.values() if a.optional}
EXAMPLES = {a.kind: a.example for a in BY_KIND.values()}
_VAR = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TAG = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class JourneyFileError(CxError):
    """A journey file that is not valid; the message names the file, line and expected form."""


@dataclass(frozen=True)
class Step:
    name: str
    budget: Budget
    actions: tuple[Action, ...]
    line: int
    path: Path | None = field(default=None, compare=False)  # an included file's, else None


@dataclass(frozen=True)
class LoadSpec:
    """A journey file's ``load:``: the journey runs without load, then under this load."""

    scenario: Path
    users: int = 10
    spawn_rate: float = 10.0
    run_time: float = 10.0
    workers: int = 0
    max_slowdown: float | None = 2.0
    thresholds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JourneySpec:
    """A validated journey file (one of its ``examples:`` rows, when it has them)."""

    path: Path
    name: str
    start: str | None
    devices: tuple[str, ...] | None
    networks: tuple[str, ...] | None
    steps: tuple[Step, ...] = field(default_factory=tuple)
    ignore_requests: tuple[str, ...] = ()
    ignore_console: tuple[str, ...] = ()
    timeout: float | None = None  # seconds, for every action without its own
    tags: tuple[str, ...] = ()
    example: str | None = None  # the examples row's id
    line: int = 1  # where the journey (or its examples row) is written
    load: LoadSpec | None = None


_NULL_TAG = "tag:yaml.org,2002:null"
_SURROGATE = re.compile("[\ud800-\udfff]")
_BUDGET_FORM = "like budget: 3s, or budget: {3g: 8s, '*': 2s}"
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


def _position(text: str, index: int) -> tuple[int, int]:
    """The line and column (both from 1) of character ``index`` of ``text``."""
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short so that a pasted paragraph does not drown the message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a text"


def _construct(node: yaml.Node) -> Any:
    """The Python value of ``node``, built the way ``yaml.safe_load`` would."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> str:
    fix = "save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return f"{path}: the file is saved as UTF-16, not UTF-8; {fix}"
    before = _normalised(data[: exc.start].decode("utf-8"))
    line, column = _position(before, len(before))
    return (
        f"{path}:{line}: the file is not UTF-8 text: byte 0x{data[exc.start]:02X} at column "
        f"{column} is not valid UTF-8 (perhaps it was saved as Latin-1 or Windows-1252); "
        f"{fix}"
    )


def _yaml_problem(path: Path, text: str, exc: yaml.YAMLError) -> str:
    """What is wrong with a file PyYAML cannot read, with the file, line and a fix."""
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _position(text, int(exc.position))
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
    line, column = _position(text, mark.index)
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


class _Reader:
    def __init__(self, path: Path, text: str, variables: dict[str, str] | None = None) -> None:
        self.path = path
        self.source = text
        self.vars = variables if variables is not None else {}

    def line(self, node: yaml.Node) -> int:
        """The line of ``node`` as an editor counts it (YAML also breaks lines at U+2028)."""
        return _position(self.source, node.start_mark.index)[0]

    def fail(self, node: yaml.Node | None, message: str) -> JourneyFileError:
        where = f"{self.path}:{self.line(node)}" if node is not None else str(self.path)
        return JourneyFileError(f"{where}: {message}")

    def mapping(
        self, node: yaml.Node, what: str, keys: tuple[str, ...], form: str = ""
    ) -> dict[str, yaml.Node]:
        expected = f"; {form}" if form else ""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping with {', '.join(keys)}{expected}")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(
                    key_node,
                    f"a key in {what} must be a plain name, not {_kind(key_node)}. "
                    f"Expected: {', '.join(keys)}",
                )
            key = str(key_node.value)
            if key not in keys:
                did = did_you_mean(key, keys)
                raise self.fail(
                    key_node,
                    f"unknown key {_shown(key)} in {what}.{did} Expected: {', '.join(keys)}",
                )
            if key in out:
                raise self.fail(key_node, f"{key!r} appears twice in {what}; keep only one")
            out[key] = value_node
        return out

    def raw(self, node: yaml.Node, what: str, form: str = "") -> str:
        """A non-empty text as written, ``${…}`` not yet filled in."""
        expected = f"; {form}" if form else ""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a text, not {_kind(node)}{expected}")
        value = str(node.value)
        if not value.strip():
            raise self.fail(node, f"{what} must be a non-empty text{expected}")
        if surrogate := _SURROGATE.search(value):
            raise self.fail(
                node,
                f"{what} holds an escape of a lone surrogate ({_shown(surrogate[0])}), which is "
                f"not a character; write the character itself{expected}",
            )
        if node.tag == _NULL_TAG:
            raise self.fail(
                node,
                f"{what} must be a non-empty text, and a bare {value} means 'nothing' in YAML; "
                f"put it in quotes if you mean the word{expected}",
            )
        return value

    def text(self, node: yaml.Node, what: str, form: str = "") -> str:
        """A non-empty text with its ``${name}`` and ``${env.NAME}`` filled in."""
        value = self.fill(node, self.raw(node, what, form), what)
        if not value.strip():
            raise self.fail(node, f"{what} is empty once ${{…}} is filled in")
        return value

    def fill(self, node: yaml.Node, value: str, what: str) -> str:
        if "$" not in value:
            return value

        def one(match: re.Match[str]) -> str:
            if match.group(1) is None:  # `$${` writes a literal `${`
                return "${"
            name = match.group(1).strip()
            if name.startswith("env."):
                variable = name[4:]
                found = os.environ.get(variable)
                if found is None and self.unset_env is not None:
                    self.unset_env.append(variable)  # `cxcheck check` on a machine without it
                    return "1"
                if found is None:
                    raise self.fail(
                        node,
                        f"{what} uses ${{{name}}}, but the environment variable {variable} is "
                        f"not set; set it (export {variable}=…, or a CI secret) before running",
                    )
                return found
            if name in self.vars:
                return self.vars[name]
            did = did_you_mean(name, self.vars, quote="`${{{}}}`")
            known = ", ".join(self.vars) or "none yet"
            raise self.fail(
                node,
                f"{what} uses ${{{name}}}, which is not defined.{did} Define it under `vars:` "
                f"(defined: {known}), use ${{env.NAME}} for an environment variable, or "
                "write $${ for a literal ${",
            )

        return _VAR.sub(one, value)

    def names(
        self, node: yaml.Node, what: str, form: str = "a name or a list of names, like [iphone-13]"
    ) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            return (self.text(node, what),)
        if isinstance(node, yaml.SequenceNode) and node.value:
            return tuple(self.text(item, f"each of {what}") for item in node.value)
        raise self.fail(node, f"{what} must be {form}")

    def duration(self, node: yaml.Node, what: str) -> float:
        text = self.text(node, what)
        problem = _option_problem("timeout", text)
        if problem:
            raise self.fail(node, f"{what}: {problem}")
        return parse_duration(text)

    def budget(self, node: yaml.Node, network_names: tuple[str, ...]) -> Budget:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, _ in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    raise self.fail(
                        key_node, f"budget: {key!r} appears twice; keep only one ({_BUDGET_FORM})"
                    )
                seen.add(str(key))
        if isinstance(node, yaml.ScalarNode) and "${" in str(node.value):
            node = yaml.ScalarNode("tag:yaml.org,2002:str", self.text(node, "budget"),
                                   node.start_mark, node.end_mark)  # fmt: skip
        try:
            data = _construct(node)
        except (yaml.YAMLError, ValueError, TypeError, LookupError, AttributeError, RecursionError):
            # PyYAML's constructors fail many ways on odd input (`!!int x`, `2001-13-45`, ...).
            shown = _shown(node.value) if isinstance(node, yaml.ScalarNode) else "this"
            raise self.fail(node, f"budget: {shown} is not a duration ({_BUDGET_FORM})") from None
        budget: Budget = data
        try:
            for network in (*network_names, "*"):
                budget_for(budget, network)
            if not isinstance(data, dict | str | int | float) or isinstance(data, bool):
                raise CxError(f"budget: {_shown(data)} is not a duration")
        except CxError as exc:
            raise self.fail(node, f"{exc} ({_BUDGET_FORM})") from None
        except (OverflowError, ValueError):  # a number too large for a float
            raise self.fail(
                node,
                f"budget: {_shown(data)} is out of range: more than 0 and at "
                f"most 1 hour ({_BUDGET_FORM})",
            ) from None
        return budget

    def locator(self, node: yaml.Node, what: str, form: str) -> str | Locator:
        """A locator: a selector text, or an accessible mapping like {role: button, name: Add}."""
        if not isinstance(node, yaml.MappingNode):
            return self.text(node, what, form)
        parts = self.mapping(node, what, (*LOCATOR_KINDS, *MODIFIERS), _LOCATOR_FORM)
        return self.locator_parts(node, parts, what)

    def locator_parts(self, node: yaml.Node, parts: dict[str, yaml.Node], what: str) -> Locator:
        kinds = [k for k in LOCATOR_KINDS if k in parts]
        if len(kinds) != 1:
            which = " and ".join(kinds) if kinds else "none"
            raise self.fail(
                node, f"{what} needs exactly one of {', '.join(LOCATOR_KINDS)} (found {which}); "
                f"{_LOCATOR_FORM}",
            )  # fmt: skip
        kind = kinds[0]
        value = self.text(parts[kind], f"{what} {kind}", _LOCATOR_FORM)
        if kind == "role" and value not in ROLES:
            did = did_you_mean(value, ROLES)
            raise self.fail(
                parts[kind], f"{_shown(value)} is not an ARIA role.{did} Common roles: button, "
                "link, textbox, checkbox, heading, listitem, combobox, dialog (all: "
                "https://www.w3.org/TR/wai-aria-1.2/#role_definitions)",
            )  # fmt: skip
        name = None
        if "name" in parts:
            if kind != "role":
                raise self.fail(
                    parts["name"], f"`name` goes with `role` only (the accessible name, like "
                    f"{{role: button, name: Add}}); {kind} already says what to look for",
                )  # fmt: skip
            name = self.text(parts["name"], f"{what} name", _LOCATOR_FORM)
        exact = False
        if "exact" in parts:
            flag = self.text(parts["exact"], f"{what} exact")
            if flag.lower() not in ("true", "false"):
                raise self.fail(parts["exact"], f"exact: {_shown(flag)} is not true or false")
            exact = flag.lower() == "true"
        return Locator(kind, value, name, exact)

    def action(self, node: yaml.Node) -> Action:
        if isinstance(node, yaml.ScalarNode) and str(node.value) in BY_KIND:
            kind = str(node.value)
            if BY_KIND[kind].fields:
                raise self.fail(node, f"{kind} needs {', '.join(BY_KIND[kind].fields)}; "
                                f"expected form: {BY_KIND[kind].example}")  # fmt: skip
            return Action(kind, {}, self.line(node), path=self.path)  # bare: `- reload`
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            if isinstance(node, yaml.ScalarNode):
                did = did_you_mean(str(node.value), BY_KIND)
                if did:
                    raise self.fail(node, f"unknown action {_shown(node.value)}.{did}")
            raise self.fail(
                node,
                'each action is one mapping like `click: "#add-to-basket"` (or a bare '
                "`- reload`, `- back`, `- forward`, `- rotate`)",
            )
        key_node, value_node = node.value[0]
        if not isinstance(key_node, yaml.ScalarNode):
            raise self.fail(
                key_node,
                f"an action's name must be a plain word like `click`, not {_kind(key_node)}. "
                f"Actions: {', '.join(BY_KIND)}",
            )
        kind = str(key_node.value)
        if kind not in BY_KIND:
            did = did_you_mean(kind, BY_KIND)
            raise self.fail(
                key_node, f"unknown action {_shown(kind)}.{did} Actions: {', '.join(BY_KIND)}"
            )
        d = BY_KIND[kind]
        form = f"expected form: {d.example}"
        bare = isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null")
        if isinstance(value_node, yaml.ScalarNode) and not bare:
            if d.shorthand is None:
                raise self.fail(value_node, f"{kind} needs {', '.join(d.fields)}; {form}")
            args: dict[str, Any] = {d.shorthand: self.text(value_node, kind, form)}
        elif (
            isinstance(value_node, yaml.MappingNode)
            and d.shorthand in LOCATOR_FIELDS
            and _only_locator(value_node, d.fields + d.optional)
        ):  # `click: {role: button, name: Add}`
            args = {d.shorthand: self.locator(value_node, kind, form)}
        else:
            args = self.options(kind, value_node, form)
            missing = [f for f in d.fields if f not in args]
            if missing:
                verb = "needs" if bare else "is missing"
                raise self.fail(value_node, f"{kind} {verb} {', '.join(missing)}; {form}")
        for key, value in args.items():
            if isinstance(value, str):
                problem = _option_problem(key, value, kind)
                if problem:
                    raise self.fail(value_node, f"{kind} {key}: {problem}; {form}")
        if kind == "upload":
            self.check_files(value_node, args["files"])
        timeout = args.pop("timeout", None)
        seconds = parse_duration(timeout) if timeout is not None else None
        return Action(kind, args, self.line(node), seconds, path=self.path)

    def options(self, kind: str, node: yaml.Node, form: str) -> dict[str, Any]:
        """An action's mapping form: its fields, its optional settings, ``timeout``, and for
        actions on an element the accessible locator keys in place of ``selector``."""
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return {}
        d = BY_KIND[kind]
        own = (*d.fields, *d.optional, *COMMON)
        inline: tuple[str, ...] = ()
        if "selector" in d.fields:
            inline = tuple(k for k in (*LOCATOR_KINDS, *MODIFIERS) if k not in own)
        values = self.mapping(node, kind, (*own, *inline), form)
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key in inline:
                continue
            if key in LOCATOR_FIELDS:
                out[key] = self.locator(value, f"{kind} {key}", form)
            elif isinstance(value, yaml.SequenceNode) and key in d.lists and value.value:
                items = (self.text(v, f"each of {kind} {key}", form) for v in value.value)
                out[key] = "\n".join(items)  # selectors may hold spaces
            else:
                out[key] = self.text(value, f"{kind} {key}", form)
        found = {k: v for k, v in values.items() if k in inline}
        if found:
            if "selector" in values:
                raise self.fail(
                    node, f"{kind} has both `selector` and {', '.join(found)}; use one way to "
                    f"say where: {_LOCATOR_FORM}",
                )  # fmt: skip
            out["selector"] = self.locator_parts(node, found, kind)
        return out

    def check_files(self, node: yaml.Node, files: str) -> None:
        for name in files.split("\n"):
            path = self.path.parent / name
            if not path.is_file():
                raise self.fail(
                    node, f"upload: {name!r} is not a file (paths are relative to "
                    f"{self.path.name}'s folder, {self.path.parent})",
                )  # fmt: skip

    def steps(self, node: yaml.Node, chain: tuple[Path, ...]) -> list[Step]:
        """A list of steps; ``- include: FILE`` items pull in another file's steps."""
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(node, "steps must be a list of steps, each with name and actions")
        out: list[Step] = []
        for step_node in node.value:
            if (
                isinstance(step_node, yaml.MappingNode)
                and len(step_node.value) == 1
                and getattr(step_node.value[0][0], "value", None) == "include"
            ):
                out.extend(self.include(step_node.value[0][1], chain))
                continue
            form = "a step is {name, actions, budget?} or `- include: FILE`"
            parts = self.mapping(step_node, "a step", STEP_KEYS, form)
            if "name" not in parts or "actions" not in parts:
                raise self.fail(step_node, "each step needs `name` and `actions`")
            actions_node = parts["actions"]
            if not isinstance(actions_node, yaml.SequenceNode) or not actions_node.value:
                raise self.fail(actions_node, 'actions must be a list, like - click: "#go"')
            networks = self.networks or ()
            budget = self.budget(parts["budget"], networks) if "budget" in parts else None
            out.append(
                Step(
                    self.text(parts["name"], "a step's name"),
                    budget,
                    tuple(self.action(a) for a in actions_node.value),
                    self.line(step_node),
                    self.path,
                )
            )
        return out

    networks: tuple[str, ...] | None = None
    # None: an unset ${env.NAME} is an error; a list: it is noted here and stands as "1".
    unset_env: list[str] | None = None

    def include(self, node: yaml.Node, chain: tuple[Path, ...]) -> list[Step]:
        name = self.text(node, "include", "like - include: add-items.steps.yaml")
        path = (self.path.parent / name).resolve()
        if path in chain:
            names = " → ".join(p.name for p in (*chain, path))
            raise self.fail(node, f"include makes a cycle: {names}; a file cannot include "
                            "itself, directly or through another")  # fmt: skip
        if not path.is_file():
            raise self.fail(node, f"include: {name!r} is not a file (paths are relative to "
                            f"{self.path.name}'s folder, {self.path.parent})")  # fmt: skip
        if path.name.endswith(SUFFIX):
            raise self.fail(node, f"include: {name!r} is a journey (it would also run on its "
                            "own); name a file of steps like add-items.steps.yaml")  # fmt: skip
        text = _read(path)
        root = _fast_compose(text) or _compose(path, text)
        reader = _Reader(path, text, self.vars)
        reader.networks = self.networks
        reader.unset_env = self.unset_env
        if root is None:
            raise reader.fail(None, "the file is empty; an included file holds a list of steps")
        if not isinstance(root, yaml.SequenceNode):
            raise reader.fail(root, "an included file holds a list of steps (- name: …), "
                              "not a whole journey")  # fmt: skip
        return reader.steps(root, (*chain, path))


_LOCATOR_FORM = (
    'a selector like "#email", or {role: button, name: Add}, {label: Email}, '
    "{placeholder: Search}, {test_id: basket}, {text: Continue}, {alt: Logo} or {title: Close}"
)


def _only_locator(node: yaml.MappingNode, own: tuple[str, ...]) -> bool:
    """Whether a mapping holds only locator keys (and timeout), none of the action's own."""
    keys = {getattr(k, "value", None) for k, _ in node.value}
    return bool(keys & set(LOCATOR_KINDS)) and not keys & {*own, *COMMON}


_CHECKED = frozenset(
    {"timeout", "state", "count", "exact", "tags", "rules", "disabled", "impact", "checks",
     "min_target", "name", "full_page", "max_diff_pixels", "threshold", "max_diff_ratio"}
)  # fmt: skip


def _option_problem(key: str, value: str, kind: str = "") -> str | None:
    """What is wrong with one action setting, checked before anything runs."""
    if key not in _CHECKED:
        return None  # free text: selectors, values, keys
    if key == "timeout":
        try:
            parse_duration(value)
        except CxError as exc:
            return str(exc).removeprefix("budget: ") + " (like timeout: 10s or 500ms)"
        return None
    problem = value_problem(kind, key, value)
    if problem:
        return problem
    from cxcheck.checks.a11y.axe import IMPACTS, check_rules, check_tags
    from cxcheck.checks.layout.check import CHECKS

    names = tuple(value.replace(",", " ").split())
    try:
        if key == "tags":
            check_tags(names, "tags")
        elif key in ("rules", "disabled"):
            check_rules(names, key)
    except CxError as exc:
        return str(exc).removeprefix(f"{key}: ")
    if key == "impact" and value not in IMPACTS:
        return f"{value!r} is not an impact level; use one of {', '.join(IMPACTS)}"
    if key == "checks":
        unknown = [n for n in names if n not in CHECKS]
        if unknown:
            did = did_you_mean(unknown[0], CHECKS, quote="{!r}", sentence=" (did you mean {}?)")
            return f"unknown check {unknown[0]!r}{did}; checks: {', '.join(CHECKS)}"
    if key == "min_target" and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 200):
        return f"{value!r} is not a size in CSS px (24 or 44)"
    if key == "name" and kind in ("snapshot", ""):
        from cxcheck.checks.visual.check import check_name

        try:
            check_name(value)
        except CxError as exc:
            return str(exc)
    if key == "full_page" and value.lower() not in ("true", "false"):
        return f"{value!r} is not true or false"
    if key == "max_diff_pixels" and not (value.isascii() and value.isdigit()):
        return f"{value!r} is not a number of pixels, e.g. 100"
    if key in ("threshold", "max_diff_ratio"):
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not 0 <= number <= 1:
            return f"{value!r} must be a number between 0 and 1"
    return None


def _read(path: Path) -> str:
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
        line, column = _position(text, loader.get_mark().index)
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


def load(path: Path) -> JourneySpec:
    """Parse and validate one journey file; every problem is a :class:`JourneyFileError`.

    A file with ``examples:`` gives its first row here; :func:`load_all` gives every row.
    """
    return load_all(path)[0]


def load_all(path: Path, unset_env: list[str] | None = None) -> list[JourneySpec]:
    """One validated journey per ``examples:`` row (one in all for a file without rows).

    With ``unset_env`` (a list), environment variables that are not set are appended to it
    instead of failing: ``cxcheck check`` runs where secrets are not.
    """
    text = _read(path)
    root = _fast_compose(text) or _compose(path, text)
    if root is None:
        raise JourneyFileError(f"{path}: the file is empty; a journey needs name and steps")
    reader = _Reader(path, text)
    reader.unset_env = unset_env
    top = reader.mapping(root, "a journey", TOP_KEYS)
    for key in ("name", "steps"):
        if key not in top:
            raise reader.fail(root, f"a journey needs `{key}`")
    if "vars" in top:
        reader.vars.update(_variables(reader, top["vars"], "vars"))
    if "secrets" in top:
        secrets = _variables(reader, top["secrets"], "secrets")
        masking.register(secrets.values())
        reader.vars.update(secrets)
    rows: list[tuple[str | None, dict[str, str], int]] = [(None, {}, 1)]
    if "examples" in top:
        rows = list(_examples(reader, top["examples"]))
    specs = []
    for row, values, line in rows:
        row_reader = _Reader(path, text, {**reader.vars, **values})
        row_reader.unset_env = unset_env
        specs.append(_spec(row_reader, top, row, line))
    return specs


def _spec(reader: _Reader, top: dict[str, yaml.Node], row: str | None, line: int) -> JourneySpec:
    devices = reader.names(top["devices"], "devices") if "devices" in top else None
    networks = reader.names(top["networks"], "networks") if "networks" in top else None
    reader.networks = networks
    timeout = reader.duration(top["timeout"], "timeout") if "timeout" in top else None
    steps = reader.steps(top["steps"], (reader.path.resolve(),))
    start = None
    if "start" in top:
        start_step = _start(reader, top["start"], networks)
        start = start_step.actions[0].text("url")
        steps.insert(0, start_step)
    ignore = {
        key: reader.names(top[key], key, PATTERN_FORM) if key in top else ()
        for key in ("ignore_requests", "ignore_console")
    }
    return JourneySpec(
        reader.path,
        reader.text(top["name"], "name"),
        start,
        devices,
        networks,
        tuple(steps),
        ignore_requests=ignore["ignore_requests"],
        ignore_console=ignore["ignore_console"],
        timeout=timeout,
        tags=_tags(reader, top["tags"]) if "tags" in top else (),
        example=row,
        line=line,
        load=_load(reader, top["load"]) if "load" in top else None,
    )


def _load(reader: _Reader, node: yaml.Node) -> LoadSpec:
    """``load:``: a locustfile beside the journey, its users and time, and what must hold."""
    form = "like load: {scenario: load/shop.py, users: 20, run_time: 10s, max_slowdown: 2}"
    parts = reader.mapping(node, "load", LOAD_KEYS, form)
    if "scenario" not in parts:
        raise reader.fail(node, f"load needs `scenario` (a locustfile); {form}")
    name = reader.text(parts["scenario"], "load scenario", form)
    scenario = (reader.path.parent / name).resolve()
    if not scenario.is_file():
        where = f"{reader.path.name}'s folder, {reader.path.parent}"
        raise reader.fail(
            parts["scenario"],
            f"load scenario {name!r} is not a file (paths are relative to {where})",
        )

    def number(key: str, kind: type[int] | type[float], low: float) -> Any:
        text = reader.text(parts[key], f"load {key}", form)
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise reader.fail(parts[key], f"load {key}: {text!r} is not a number ≥ {low:g}; {form}")
        return value

    values: dict[str, Any] = {}
    for key, kind, low in (("users", int, 1), ("spawn_rate", float, 0.01), ("workers", int, 0),
                           ("max_slowdown", float, 1)):  # fmt: skip
        if key in parts:
            values[key] = number(key, kind, low)
    if "run_time" in parts:
        values["run_time"] = reader.duration(parts["run_time"], "load run_time")
    if "thresholds" in parts:
        values["thresholds"] = _thresholds(reader, parts["thresholds"])
    return LoadSpec(scenario, **values)


def _thresholds(reader: _Reader, node: yaml.Node) -> dict[str, str]:
    form = "like thresholds: {p95: 500ms, failure_ratio: 1%, min_rps: 50}"
    parts = reader.mapping(node, "load thresholds", LOAD_METRICS, form)
    out = {}
    for key, value in parts.items():
        text = reader.text(value, f"load thresholds {key}", form)
        if key == "failure_ratio":
            ok = bool(re.fullmatch(r"\d+(\.\d+)?%|0?\.\d+|[01]", text.strip()))
        elif key == "min_rps":
            ok = bool(re.fullmatch(r"\d+(\.\d+)?", text.strip()))
        else:
            ok = _option_problem("timeout", text) is None
        if not ok:
            what = _METRIC_FORMS.get(key, "a duration like 500ms")
            raise reader.fail(value, f"load thresholds {key}: {text!r} is not {what}; {form}")
        out[key] = text
    return out


_METRIC_FORMS = {
    "failure_ratio": "a ratio like 1% or 0.01",
    "min_rps": "a number of requests per second",
}


def _start(reader: _Reader, node: yaml.Node, networks: tuple[str, ...] | None) -> Step:
    """``start:`` is the journey's first step, timed and budgeted like the others."""
    form = "like start: /, or start: {url: /, budget: 3s}"
    line = reader.line(node)
    if not isinstance(node, yaml.MappingNode):
        url = reader.text(node, "start", form)
        return Step(START_STEP, None, (Action("goto", {"url": url}, line, path=reader.path),),
                    line, reader.path)  # fmt: skip
    parts = reader.mapping(node, "start", START_KEYS, form)
    if "url" not in parts:
        raise reader.fail(node, f"start needs `url`; {form}")
    url = reader.text(parts["url"], "start url", form)
    budget = reader.budget(parts["budget"], networks or ()) if "budget" in parts else None
    timeout = reader.duration(parts["timeout"], "start timeout") if "timeout" in parts else None
    goto = Action("goto", {"url": url}, line, timeout, path=reader.path)
    return Step(START_STEP, budget, (goto,), line, reader.path)


def _variables(reader: _Reader, node: yaml.Node, what: str) -> dict[str, str]:
    form = f"like {what}: {{user: ada, password: '${{env.SHOP_PASSWORD}}'}}"
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise reader.fail(node, f"{what} must be a mapping of names to texts, {form}")
    out: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = str(getattr(key_node, "value", ""))
        if not isinstance(key_node, yaml.ScalarNode) or not _NAME.fullmatch(key):
            raise reader.fail(key_node, f"{_shown(key)} is not a name for {what}: use letters, "
                              f"digits and _, starting with a letter, {form}")  # fmt: skip
        if key in out or key in reader.vars:
            raise reader.fail(key_node, f"{key!r} is defined twice (in vars or secrets); keep one")
        if key == "env":
            raise reader.fail(key_node, "`env` is taken: ${env.NAME} reads the environment")
        out[key] = reader.text(value_node, f"{what} {key}", form)
        reader.vars[key] = out[key]  # later values may use earlier ones
    for key in out:
        del reader.vars[key]
    return out


def _examples(reader: _Reader, node: yaml.Node) -> list[tuple[str, dict[str, str], int]]:
    """``examples:`` rows: (their id, their values, their line)."""
    form = "like examples: [{id: two-items, first: milk, second: eggs}, …]"
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, f"examples must be a list of rows (mappings), {form}")
    rows: list[tuple[str, dict[str, str], int]] = []
    for number, row_node in enumerate(node.value, 1):
        values = _variables(reader, row_node, "an examples row")
        row_id = values.pop("id", None) or "-".join(values.values())
        row_id = re.sub(r"[^A-Za-z0-9_.-]+", "-", row_id).strip("-")[:40] or f"row{number}"
        if any(row_id == r for r, _, _ in rows):
            row_id = f"{row_id}-{number}"
        rows.append((row_id, values, reader.line(row_node)))
    return rows


_RESERVED_TAGS = ("skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings", "cx")


def _tags(reader: _Reader, node: yaml.Node) -> tuple[str, ...]:
    tags = reader.names(node, "tags", "a tag or a list of tags, like [smoke, checkout]")
    for tag, item in zip(tags, getattr(node, "value", [node]) or [node], strict=False):
        where = item if isinstance(item, yaml.Node) else node
        if not _TAG.fullmatch(tag):
            raise reader.fail(where, f"tag {_shown(tag)} is not a marker name: use letters, "
                              "digits and _ (it becomes a pytest marker: -m smoke)")  # fmt: skip
        if tag in _RESERVED_TAGS:
            raise reader.fail(where, f"tag {tag!r} is one of pytest's own markers; choose "
                              "another name")  # fmt: skip
    return tags


def check_profiles(spec: JourneySpec, catalogue: Catalogue) -> None:
    """Mid-journey ``network:`` actions name networks of the catalogue (or ``default``)."""
    for step in spec.steps:
        for action in step.actions:
            if action.kind != "network":
                continue
            name = action.text("profile")
            if name != "default" and name not in catalogue.networks:
                did = did_you_mean(name, [*catalogue.networks, "default"])
                raise JourneyFileError(
                    f"{action.path or spec.path}:{action.line}: network: {name!r} is not a "
                    f"network profile.{did} Use default (the cell's own), offline, or one of: "
                    f"{', '.join(catalogue.networks)}"
                )


def run(
    spec: JourneySpec,
    journey: Journey,
    a11y: A11y,
    layout: Layout,
    visual: Visual,
    catalogue: Catalogue | None = None,
) -> None:
    """Play the journey's steps on the journey's page (``a11y``/``layout``/``visual`` for their
    actions); a failed action is an :class:`ActionFailed` in plain words."""
    from cxcheck.journeyfiles.actions import Runner

    runner = Runner(journey, a11y, layout, visual, catalogue)
    for step in spec.steps:
        with journey.step(step.name, budget=step.budget):
            for action in step.actions:
                play(runner, step, action, spec.timeout)


def as_test(spec: JourneySpec, catalogue: Catalogue | None = None) -> Any:
    """A test function playing ``spec``, for pytest to collect with cxcheck's fixtures."""
    if spec.load is not None:
        return _under_load_test(spec, spec.load, catalogue)

    def journey_test(
        cx_journey: Journey, cx_a11y: A11y, cx_layout: Layout, cx_visual: Visual
    ) -> None:
        run(spec, cx_journey, cx_a11y, cx_layout, cx_visual, catalogue)

    return journey_test


def _under_load_test(spec: JourneySpec, load: LoadSpec, catalogue: Catalogue | None) -> Any:
    """The journey once without load, then again under ``load:`` (the customer's view)."""

    def journey_under_load_test(
        cx_journey: Journey,
        cx_a11y: A11y,
        cx_layout: Layout,
        cx_visual: Visual,
        cx_load: LoadTest,
    ) -> None:
        passes = iter(("", " (under load)"))

        def steps() -> None:
            label = next(passes)
            named = replace(spec, steps=tuple(replace(s, name=s.name + label) for s in spec.steps))
            run(named, cx_journey, cx_a11y, cx_layout, cx_visual, catalogue)

        cx_load.under_load(
            cx_journey,
            steps,
            load.scenario,
            max_slowdown=load.max_slowdown,
            thresholds={k: float(v) if k == "min_rps" else v for k, v in load.thresholds.items()}
            or None,
            users=load.users,
            spawn_rate=load.spawn_rate,
            run_time=load.run_time,
            workers=load.workers,
        )

    return journey_under_load_test


def with_timeout(spec: JourneySpec, seconds: float | None) -> JourneySpec:
    """``spec`` with the run's default action timeout, unless the file sets its own."""
    return spec if spec.timeout is not None or not seconds else replace(spec, timeout=seconds)


class ActionFailed(JourneyStepError):
    """An action of a journey file could not be done, said in plain words (``finding``)."""


# How long one slice of a wait lasts: between slices a page error ends the wait early, since the
# step fails for that error anyway (no more waiting out 30 s timeouts after the page broke).
_SLICE_S = 2.0


def play(runner: Runner, step: Step, action: Action, default_timeout: float | None) -> None:
    """Play one action; a Playwright failure becomes an :class:`ActionFailed` naming the file,
    line, step and action, what was expected and what the page showed."""
    __tracebackhide__ = True
    seconds = wait_seconds(action, default_timeout)
    record = runner.journey.steps[-1] if runner.journey.steps else None
    started = time.monotonic()
    gave_up = ""
    try:
        if action.kind in RETRYABLE:
            _sliced(runner, lambda ms: perform(runner, action, ms), started + seconds, record)
        elif action.kind in ACTS:
            _sliced(runner, lambda ms: wait_attached(runner, action, ms), started + seconds,
                    record)  # fmt: skip
            perform(runner, action, max(0.05, started + seconds - time.monotonic()))
        else:
            perform(runner, action, seconds)
    except _Broken as broken:
        waited = round(time.monotonic() - started, 1)
        raise _failed(runner, step, action, broken.cause, waited, seconds, broken.first) from (
            broken.cause
        )
    except Exception as exc:
        if isinstance(exc, CxError):  # cxcheck's own words already (tap on a desktop, …)
            message = f"{_where(action)}: step {step.name!r}, {action.describe()}: {exc}"
            finding = Finding("action", masking.mask(message), check=action.kind,
                              data={"file": str(action.path), "line": action.line})  # fmt: skip
            raise ActionFailed(finding.message, [finding]) from None
        if not isinstance(exc, AssertionError | _playwright_error()):
            raise
        if isinstance(exc, JourneyStepError):
            exc.add_note(f"cxcheck: in {_where(action)}: {masking.mask(action.describe())}")
            raise
        waited = round(time.monotonic() - started, 1)
        raise _failed(runner, step, action, exc, waited, seconds, gave_up) from exc


class _Broken(Exception):
    """A sliced wait ended early: the page threw an uncaught error (``first``)."""

    def __init__(self, first: str, cause: BaseException) -> None:
        super().__init__(first)
        self.first = first
        self.cause = cause


def _sliced(
    runner: Runner, attempt: Callable[[float], object], deadline: float, record: Any
) -> None:
    """``attempt(seconds)`` in slices until it passes or the deadline comes; stops at once when
    the step has an uncaught page error (the step fails for it anyway)."""
    while True:
        left = deadline - time.monotonic()
        try:
            attempt(max(0.05, min(_SLICE_S, left)))
            return
        except Exception as exc:
            if isinstance(exc, JourneyStepError) or not _timed_out(exc):
                raise
            if record is not None and record.page_errors and runner.journey.fail_on_page_errors:
                raise _Broken(record.page_errors[0], exc) from exc
            if deadline - time.monotonic() <= 0.01:
                raise


def _playwright_error() -> type[Exception]:
    # Imported here: `cxcheck check` validates files without loading Playwright at all.
    from playwright.sync_api import Error

    return Error


def _timed_out(exc: BaseException) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if not isinstance(exc, AssertionError | PlaywrightTimeout):
        return False
    return isinstance(exc, PlaywrightTimeout) or (
        isinstance(exc, AssertionError) and "timeout" in str(exc).lower()
    )


def _where(action: Action) -> str:
    return f"{action.path.name if action.path else '?'}:{action.line}"


def _failed(
    runner: Runner,
    step: Step,
    action: Action,
    exc: BaseException,
    waited: float,
    limit: float,
    gave_up: str,
) -> ActionFailed:
    saw = seen(runner, action, waited)
    if gave_up:
        saw += (
            f"; cxcheck stopped waiting after {waited:g} s of {limit:g} s because the page threw "
            f"an uncaught error: {gave_up}"
        )
    if action.kind in ("goto", "reload", "back", "forward"):
        saw = f"{first_line(exc)} ({saw})"
    elif _timed_out(exc) and not gave_up:
        saw += f" (its time limit: {limit:g} s; `timeout:` on the action or the file changes it)"
    first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    lines = [
        f"{_where(action)}: step {step.name!r}, {action.describe()}",
        f"  expected: {expected(action)}",
        f"  seen:     {saw}",
    ]
    message = masking.mask("\n".join(lines))
    finding = Finding(
        "action",
        message,
        check=action.kind,
        target=str(action.locator()) if "selector" in action.args else None,
        data=masking.mask_data({
            "file": str(action.path),
            "line": action.line,
            "step": step.name,
            "action": action.describe(),
            "expected": expected(action),
            "seen": saw,
            "waited_s": waited,
            "timeout_s": limit,
            "playwright": first,
        }),
    )  # fmt: skip
    return ActionFailed(message, [finding])
