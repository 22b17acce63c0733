"""Declarative journeys: ``*.journey.yaml`` files, for QA engineers who don't write Python.

A file is parsed and validated as a whole before anything runs; every mistake is reported with
the file, the line and the expected form (and a did-you-mean for unknown actions). Running a
journey turns each action into the Playwright call a Python test would make, inside named steps
of a :class:`cxcheck.journey.Journey`, so budgets and evidence work the same way.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cxcheck.durations import Budget, budget_for, parse_duration
from cxcheck.errors import CxError, suggest

if TYPE_CHECKING:
    from cxcheck.a11y import A11y
    from cxcheck.journey import Journey
    from cxcheck.layout import Layout
    from cxcheck.visual import Visual

SUFFIX = ".journey.yaml"
SCHEMA_FILE = Path(__file__).with_name("journey.schema.json")
PATTERN_FORM = "a glob pattern or a list of them, like ['*/learn.json']"
TOP_KEYS = (
    "name",
    "start",
    "devices",
    "networks",
    "timeout",
    "ignore_requests",
    "ignore_console",
    "steps",
)
STEP_KEYS = ("name", "budget", "actions")

# action → (the fields of its mapping form, the field a plain string stands for)
ACTIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "goto": (("url",), "url"),
    "click": (("selector",), "selector"),
    "fill": (("selector", "value"), None),
    "select": (("selector", "value"), None),
    "check": (("selector",), "selector"),
    "press": (("selector", "key"), None),
    "wait_for": (("selector",), "selector"),
    "expect_visible": (("selector",), "selector"),
    "expect_hidden": (("selector",), "selector"),
    "expect_text": (("selector", "text"), None),
    "expect_url": (("pattern",), "pattern"),
    "a11y": ((), None),
    "layout": ((), None),
    "reachable": (("selector",), "selector"),
    "snapshot": (("name",), "name"),
    "reload": ((), None),
    "back": ((), None),
    "forward": ((), None),
}
# Fields an action may leave out: a11y and layout run with the run's defaults when bare.
OPTIONAL: dict[str, tuple[str, ...]] = {
    "a11y": ("tags", "rules", "disabled", "impact", "include", "exclude"),
    "layout": ("checks", "min_target"),
    "snapshot": ("selector", "full_page", "mask", "threshold", "max_diff_pixels", "max_diff_ratio"),
}
EXAMPLES = {
    "goto": "goto: /basket",
    "click": 'click: "#add-to-basket"',
    "fill": 'fill: {selector: "#email", value: ada@example.com}',
    "select": 'select: {selector: "#size", value: M}',
    "check": 'check: "#terms"',
    "press": 'press: {selector: "#search-q", key: Enter}',
    "wait_for": 'wait_for: "#basket-count"',
    "expect_visible": 'expect_visible: "#checkout"',
    "expect_hidden": 'expect_hidden: "#cookie-banner"',
    "expect_text": 'expect_text: {selector: "#result-count", text: 1 product}',
    "expect_url": "expect_url: /confirmation/",
    "a11y": "a11y: {impact: serious, exclude: '#chat-widget'}  (or a bare `a11y:`)",
    "layout": "layout: {checks: [reflow, target-size, zoom], min_target: 44}  (or `layout:`)",
    "reachable": 'reachable: "#checkout"',
    "snapshot": 'snapshot: home  (or snapshot: {name: header, selector: header, mask: ["#clock"]})',
    "reload": "- reload  (or reload: {timeout: 10s})",
    "back": "- back",
    "forward": "- forward",
}


class JourneyFileError(CxError):
    """A journey file that is not valid; the message names the file, line and expected form."""


@dataclass(frozen=True)
class Action:
    kind: str
    args: dict[str, str]
    line: int
    timeout: float | None = None  # seconds; None: the file's, the run's or Playwright's default


@dataclass(frozen=True)
class Step:
    name: str
    budget: Budget
    actions: tuple[Action, ...]
    line: int


@dataclass(frozen=True)
class JourneySpec:
    """A validated journey file."""

    path: Path
    name: str
    start: str | None
    devices: tuple[str, ...] | None
    networks: tuple[str, ...] | None
    steps: tuple[Step, ...] = field(default_factory=tuple)
    ignore_requests: tuple[str, ...] = ()
    ignore_console: tuple[str, ...] = ()
    timeout: float | None = None  # seconds, for every action without its own


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
    where = f"{path}:{line}: not valid YAML at column {column}"
    return f"{where}: {said}; {hint}"


def _normalised(text: str) -> str:
    """``text`` with Windows and old-Mac line endings turned into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.source = text

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
                hint = suggest(key, keys)
                did = f" Did you mean `{hint[0]}`?" if hint else ""
                raise self.fail(
                    key_node,
                    f"unknown key {_shown(key)} in {what}.{did} Expected: {', '.join(keys)}",
                )
            if key in out:
                raise self.fail(key_node, f"{key!r} appears twice in {what}; keep only one")
            out[key] = value_node
        return out

    def text(self, node: yaml.Node, what: str, form: str = "") -> str:
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

    def names(
        self, node: yaml.Node, what: str, form: str = "a name or a list of names, like [iphone-13]"
    ) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            return (self.text(node, what),)
        if isinstance(node, yaml.SequenceNode) and node.value:
            return tuple(self.text(item, f"each of {what}") for item in node.value)
        raise self.fail(node, f"{what} must be {form}")

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

    def action(self, node: yaml.Node) -> Action:
        if isinstance(node, yaml.ScalarNode) and not ACTIONS.get(str(node.value), ("x",))[0]:
            return Action(str(node.value), {}, self.line(node))  # bare: `- reload`
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            raise self.fail(
                node,
                'each action is one mapping like `click: "#add-to-basket"` (or a bare '
                "`- reload`, `- back`, `- forward`)",
            )
        key_node, value_node = node.value[0]
        if not isinstance(key_node, yaml.ScalarNode):
            raise self.fail(
                key_node,
                f"an action's name must be a plain word like `click`, not {_kind(key_node)}. "
                f"Actions: {', '.join(ACTIONS)}",
            )
        kind = str(key_node.value)
        if kind not in ACTIONS:
            hint = suggest(kind, ACTIONS)
            did = f" Did you mean `{hint[0]}`?" if hint else ""
            raise self.fail(
                key_node, f"unknown action {_shown(kind)}.{did} Actions: {', '.join(ACTIONS)}"
            )
        fields, shorthand = ACTIONS[kind]
        example = EXAMPLES.get(kind) or f"{kind}: {{{', '.join(f'{f}: ...' for f in fields)}}}"
        form = f"expected form: {example}"
        bare = isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null")
        if isinstance(value_node, yaml.ScalarNode) and not bare:
            if shorthand is None:
                raise self.fail(value_node, f"{kind} needs {', '.join(fields)}; {form}")
            args = {shorthand: self.text(value_node, kind, form)}
        else:
            args = self.options(kind, value_node, form)
            missing = [f for f in fields if f not in args]
            if missing:
                verb = "needs" if bare else "is missing"
                raise self.fail(value_node, f"{kind} {verb} {', '.join(missing)}; {form}")
        if shorthand:
            problem = _option_problem(shorthand, args[shorthand])
            if problem:
                raise self.fail(value_node, f"{kind} {shorthand}: {problem}; {form}")
        timeout = args.pop("timeout", None)
        seconds = parse_duration(timeout) if timeout is not None else None
        return Action(kind, args, self.line(node), seconds)

    def options(self, kind: str, node: yaml.Node, form: str) -> dict[str, str]:
        """An action's mapping form: its fields, its optional settings, and ``timeout``."""
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return {}
        optional = OPTIONAL.get(kind, ())
        values = self.mapping(node, kind, (*ACTIONS[kind][0], *optional, "timeout"), form)
        out = {}
        for key, value in values.items():
            if isinstance(value, yaml.SequenceNode) and key in optional:
                items = (self.text(v, f"each of {kind} {key}", form) for v in value.value)
                out[key] = "\n".join(items)  # selectors may hold spaces
            else:
                out[key] = self.text(value, f"{kind} {key}", form)
            problem = _option_problem(key, out[key])
            if problem:
                raise self.fail(value, f"{kind} {key}: {problem}; {form}")
        return out


def _option_problem(key: str, value: str) -> str | None:
    """What is wrong with one action setting, checked before anything runs."""
    if key == "timeout":
        try:
            parse_duration(value)
        except CxError as exc:
            return str(exc).removeprefix("budget: ") + " (like timeout: 10s or 500ms)"
        return None
    from cxcheck.axe import IMPACTS, check_rules, check_tags
    from cxcheck.layout import CHECKS

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
            hint = suggest(unknown[0], CHECKS)
            did = f" (did you mean {hint[0]!r}?)" if hint else ""
            return f"unknown check {unknown[0]!r}{did}; checks: {', '.join(CHECKS)}"
    if key == "min_target" and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 200):
        return f"{value!r} is not a size in CSS px (24 or 44)"
    if key == "name":
        from cxcheck.visual import check_name

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


def _a11y_options(args: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in args.items():
        if key == "impact":
            out[key] = value
        elif key in ("include", "exclude"):  # selectors may hold spaces and commas
            out[key] = [s for s in value.split("\n") if s.strip()]
        else:
            out[key] = value.replace(",", " ").split()
    return out


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
    """Parse and validate one journey file; every problem is a :class:`JourneyFileError`."""
    text = _read(path)
    root = _fast_compose(text) or _compose(path, text)
    if root is None:
        raise JourneyFileError(f"{path}: the file is empty; a journey needs name and steps")
    reader = _Reader(path, text)
    top = reader.mapping(root, "a journey", TOP_KEYS)
    for key in ("name", "steps"):
        if key not in top:
            raise reader.fail(root, f"a journey needs `{key}`")
    devices = reader.names(top["devices"], "devices") if "devices" in top else None
    networks = reader.names(top["networks"], "networks") if "networks" in top else None
    steps_node = top["steps"]
    if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
        raise reader.fail(steps_node, "steps must be a list of steps, each with name and actions")
    steps = []
    for step_node in steps_node.value:
        parts = reader.mapping(step_node, "a step", STEP_KEYS)
        if "name" not in parts or "actions" not in parts:
            raise reader.fail(step_node, "each step needs `name` and `actions`")
        actions_node = parts["actions"]
        if not isinstance(actions_node, yaml.SequenceNode) or not actions_node.value:
            raise reader.fail(actions_node, 'actions must be a list, like - click: "#go"')
        budget = reader.budget(parts["budget"], networks or ()) if "budget" in parts else None
        steps.append(
            Step(
                reader.text(parts["name"], "a step's name"),
                budget,
                tuple(reader.action(a) for a in actions_node.value),
                reader.line(step_node),
            )
        )
    start = reader.text(top["start"], "start") if "start" in top else None
    timeout = None
    if "timeout" in top:
        text = reader.text(top["timeout"], "timeout")
        problem = _option_problem("timeout", text)
        if problem:
            raise reader.fail(top["timeout"], f"timeout: {problem}")
        timeout = parse_duration(text)
    ignore = {
        key: reader.names(top[key], key, PATTERN_FORM) if key in top else ()
        for key in ("ignore_requests", "ignore_console")
    }
    return JourneySpec(
        path,
        reader.text(top["name"], "name"),
        start,
        devices,
        networks,
        tuple(steps),
        ignore_requests=ignore["ignore_requests"],
        ignore_console=ignore["ignore_console"],
        timeout=timeout,
    )


def run(spec: JourneySpec, journey: Journey, a11y: A11y, layout: Layout, visual: Visual) -> None:
    """Play the journey's steps on the journey's page (``a11y``/``layout`` for their actions)."""
    from playwright.sync_api import expect

    page = journey.page
    if spec.start:
        page.goto(spec.start, timeout=spec.timeout * 1000 if spec.timeout else None)
    for step in spec.steps:
        with journey.step(step.name, budget=step.budget):
            for action in step.actions:
                a = action.args
                seconds = action.timeout or spec.timeout
                # Playwright's own defaults (30 s for actions, 5 s for expect) unless set.
                ms = seconds * 1000 if seconds else None
                try:
                    if action.kind == "goto":
                        page.goto(a["url"], timeout=ms)
                    elif action.kind == "click":
                        page.locator(a["selector"]).click(timeout=ms)
                    elif action.kind == "fill":
                        page.locator(a["selector"]).fill(a["value"], timeout=ms)
                    elif action.kind == "select":
                        page.locator(a["selector"]).select_option(a["value"], timeout=ms)
                    elif action.kind == "check":
                        page.locator(a["selector"]).check(timeout=ms)
                    elif action.kind == "press":
                        page.locator(a["selector"]).press(a["key"], timeout=ms)
                    elif action.kind == "wait_for":
                        page.locator(a["selector"]).wait_for(timeout=ms)
                    elif action.kind == "expect_visible":
                        expect(page.locator(a["selector"])).to_be_visible(timeout=ms)
                    elif action.kind == "expect_hidden":
                        expect(page.locator(a["selector"])).to_be_hidden(timeout=ms)
                    elif action.kind == "expect_text":
                        expect(page.locator(a["selector"])).to_contain_text(a["text"], timeout=ms)
                    elif action.kind == "a11y":
                        a11y.check(**_a11y_options(a))
                    elif action.kind == "layout":
                        checks = a["checks"].split() if "checks" in a else None
                        size = int(a["min_target"]) if "min_target" in a else None
                        layout.check(checks=checks, min_target=size)
                    elif action.kind == "reachable":
                        layout.assert_reachable(a["selector"], timeout=ms or 5_000)
                    elif action.kind == "snapshot":
                        visual.assert_matches(
                            a["name"],
                            selector=a.get("selector"),
                            full_page=a.get("full_page", "true").lower() == "true",
                            mask=[m for m in a.get("mask", "").split("\n") if m],
                            threshold=float(a["threshold"]) if "threshold" in a else None,
                            max_diff_pixels=int(a["max_diff_pixels"])
                            if "max_diff_pixels" in a
                            else None,
                            max_diff_ratio=float(a["max_diff_ratio"])
                            if "max_diff_ratio" in a
                            else None,
                        )
                    elif action.kind == "expect_url":
                        expect(page).to_have_url(re.compile(re.escape(a["pattern"])), timeout=ms)
                    elif action.kind == "reload":
                        page.reload(timeout=ms)
                    elif action.kind == "back":
                        page.go_back(timeout=ms)
                    elif action.kind == "forward":
                        page.go_forward(timeout=ms)
                    else:  # a new action in ACTIONS needs its branch here
                        raise NotImplementedError(f"cxcheck cannot run {action.kind!r} yet")
                except Exception as exc:
                    exc.add_note(f"cxcheck: in {spec.path.name}:{action.line}: {action.kind} {a}")
                    raise


def as_test(spec: JourneySpec) -> Any:
    """A test function playing ``spec``, for pytest to collect with cxcheck's fixtures."""

    def journey_test(
        cx_journey: Journey, cx_a11y: A11y, cx_layout: Layout, cx_visual: Visual
    ) -> None:
        run(spec, cx_journey, cx_a11y, cx_layout, cx_visual)

    return journey_test
