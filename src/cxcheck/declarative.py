"""Declarative journeys: ``*.journey.yaml`` files, for QA engineers who don't write Python.

A file is parsed and validated as a whole before anything runs; every mistake is reported with
the file, the line and the expected form (and a did-you-mean for unknown actions). Running a
journey turns each action into the Playwright call a Python test would make, inside named steps
of a :class:`cxcheck.journey.Journey`, so budgets and evidence work the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cxcheck.durations import Budget, budget_for
from cxcheck.errors import CxError, suggest

if TYPE_CHECKING:
    from cxcheck.journey import Journey

SUFFIX = ".journey.yaml"
SCHEMA_FILE = Path(__file__).with_name("journey.schema.json")
PATTERN_FORM = "a glob pattern or a list of them, like ['*/learn.json']"
TOP_KEYS = ("name", "start", "devices", "networks", "ignore_requests", "ignore_console", "steps")
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
}


class JourneyFileError(CxError):
    """A journey file that is not valid; the message names the file, line and expected form."""


@dataclass(frozen=True)
class Action:
    kind: str
    args: dict[str, str]
    line: int


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


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, message: str) -> JourneyFileError:
        where = f"{self.path}:{_line(node)}" if node is not None else str(self.path)
        return JourneyFileError(f"{where}: {message}")

    def mapping(self, node: yaml.Node, what: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping with {', '.join(keys)}")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in keys:
                hint = suggest(str(key), keys)
                did = f" Did you mean `{hint[0]}`?" if hint else ""
                raise self.fail(key_node, f"unknown key {key!r} in {what}.{did} "
                                          f"Expected: {', '.join(keys)}")  # fmt: skip
            out[str(key)] = value_node
        return out

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.fail(node, f"{what} must be a non-empty text")
        return str(node.value)

    def names(
        self, node: yaml.Node, what: str, form: str = "a name or a list of names, like [iphone-13]"
    ) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            return (self.text(node, what),)
        if isinstance(node, yaml.SequenceNode) and node.value:
            return tuple(self.text(item, f"each of {what}") for item in node.value)
        raise self.fail(node, f"{what} must be {form}")

    def budget(self, node: yaml.Node, network_names: tuple[str, ...]) -> Budget:
        data = yaml.safe_load(yaml.serialize(node))
        budget: Budget = data
        try:
            for network in (*network_names, "*"):
                budget_for(budget, network)
            if not isinstance(data, dict | str | int | float) or isinstance(data, bool):
                raise CxError(f"budget: {data!r} is not a duration")
        except CxError as exc:
            raise self.fail(
                node, f"{exc} (like budget: 3s, or budget: {{3g: 8s, '*': 2s}})"
            ) from None
        return budget

    def action(self, node: yaml.Node) -> Action:
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            raise self.fail(node, 'each action is one mapping like `click: "#add-to-basket"`')
        key_node, value_node = node.value[0]
        kind = str(key_node.value)
        if kind not in ACTIONS:
            hint = suggest(kind, ACTIONS)
            did = f" Did you mean `{hint[0]}`?" if hint else ""
            raise self.fail(key_node, f"unknown action {kind!r}.{did} "
                                      f"Actions: {', '.join(ACTIONS)}")  # fmt: skip
        fields, shorthand = ACTIONS[kind]
        form = f"expected form: {EXAMPLES[kind]}"
        if isinstance(value_node, yaml.ScalarNode):
            if shorthand is None:
                raise self.fail(value_node, f"{kind} needs {', '.join(fields)}; {form}")
            return Action(kind, {shorthand: self.text(value_node, kind)}, _line(node))
        values = self.mapping(value_node, kind, fields)
        missing = [f for f in fields if f not in values]
        if missing:
            raise self.fail(value_node, f"{kind} is missing {', '.join(missing)}; {form}")
        args = {k: self.text(v, f"{kind} {k}") for k, v in values.items()}
        return Action(kind, args, _line(node))


def load(path: Path) -> JourneySpec:
    """Parse and validate one journey file."""
    reader = _Reader(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise JourneyFileError(f"{path}{line}: not valid YAML: {exc.problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JourneyFileError(f"{path}: cannot read the journey file: {exc}") from None
    if root is None:
        raise JourneyFileError(f"{path}: the file is empty; a journey needs name and steps")
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
        steps.append(Step(reader.text(parts["name"], "a step's name"), budget,
                          tuple(reader.action(a) for a in actions_node.value),
                          _line(step_node)))  # fmt: skip
    start = reader.text(top["start"], "start") if "start" in top else None
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
    )


def run(spec: JourneySpec, journey: Journey) -> None:
    """Play the journey's steps on the journey's page."""
    from playwright.sync_api import expect

    page = journey.page
    if spec.start:
        page.goto(spec.start)
    for step in spec.steps:
        with journey.step(step.name, budget=step.budget):
            for action in step.actions:
                a = action.args
                try:
                    if action.kind == "goto":
                        page.goto(a["url"])
                    elif action.kind == "click":
                        page.locator(a["selector"]).click()
                    elif action.kind == "fill":
                        page.locator(a["selector"]).fill(a["value"])
                    elif action.kind == "select":
                        page.locator(a["selector"]).select_option(a["value"])
                    elif action.kind == "check":
                        page.locator(a["selector"]).check()
                    elif action.kind == "press":
                        page.locator(a["selector"]).press(a["key"])
                    elif action.kind == "wait_for":
                        page.locator(a["selector"]).wait_for()
                    elif action.kind == "expect_visible":
                        expect(page.locator(a["selector"])).to_be_visible()
                    elif action.kind == "expect_hidden":
                        expect(page.locator(a["selector"])).to_be_hidden()
                    elif action.kind == "expect_text":
                        expect(page.locator(a["selector"])).to_contain_text(a["text"])
                    elif action.kind == "expect_url":
                        expect(page).to_have_url(re.compile(re.escape(a["pattern"])))
                except Exception as exc:
                    exc.add_note(f"cxcheck: in {spec.path.name}:{action.line}: {action.kind} {a}")
                    raise


def as_test(spec: JourneySpec) -> Any:
    """A test function playing ``spec``, for pytest to collect with cxcheck's fixtures."""

    def journey_test(cx_journey: Journey) -> None:
        run(spec, cx_journey)

    return journey_test
