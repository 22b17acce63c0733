"""The node reader: a journey file's YAML nodes into validated values, each problem said with its
file, line and the expected form (texts, ``${name}`` variables, durations, budgets, locators,
actions and their settings, steps and ``- include:``).
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from cxcheck.journeyfiles.actions import (
    BY_KIND,
    LOCATOR_FIELDS,
    Action,
    args_problem,
    common,
    value_problem,
)
from cxcheck.journeyfiles.locators import KINDS as LOCATOR_KINDS
from cxcheck.journeyfiles.locators import MODIFIERS, ROLES, WITHIN, Locator
from cxcheck.journeyfiles.spec import SUFFIX, JourneyFileError, Step
from cxcheck.journeyfiles.yamlfile import parse, read_text
from cxcheck.model import masking
from cxcheck.model.durations import Budget, budget_for, parse_duration
from cxcheck.model.errors import CxError
from cxcheck.model.text import did_you_mean

STEP_KEYS = ("name", "budget", "actions")
INCLUDE_KEYS = ("vars", "secrets", "steps")
INCLUDE_FORM = (
    "an included file holds a list of steps (- name: …), or a mapping {vars: {…}, "
    "secrets: {…}, steps: [- name: …]}"
)
# Settings that are true or false: an unquoted `true` there is meant, not a YAML surprise.
FLAGS = frozenset({"exact", "full_page"})
_VAR = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"

_SURROGATE = re.compile("[\ud800-\udfff]")
_BUDGET_FORM = "like budget: 3s, or budget: {3g: 8s, '*': 2s}"


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short so that a pasted paragraph does not drown the message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a text"


@functools.lru_cache(maxsize=64)
def _newlines(text: str) -> list[int]:
    """Where ``text``'s line breaks are: a node's line is a bisection, not a count from the
    start (a file's every node asks; `cxcheck check` reads thousands)."""
    return [m.start() for m in re.finditer("\n", text)]


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"


def _plain(node: yaml.Node) -> Any:
    """What :func:`_construct` gives for the usual budgets (``5s``, ``3``, ``{3g: 8s}``), without
    a loader per budget; None for anything else, which :func:`_construct` builds."""
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        if node.tag == _STR_TAG:
            return value
        decimal = value.isascii() and value.isdigit() and (value == "0" or value[0] != "0")
        return int(value) if node.tag == _INT_TAG and decimal else None  # not 0x1f, 012, 1_0
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key, value = _plain(key_node), _plain(value_node)
            if not isinstance(key, str) or value is None:
                return None
            out[key] = value
        return out
    return None


def _construct(node: yaml.Node) -> Any:
    """The Python value of ``node``, built the way ``yaml.safe_load`` would."""
    plain = _plain(node)
    if plain is not None:
        return plain
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


class Reader:
    def __init__(self, path: Path, text: str, variables: dict[str, str] | None = None) -> None:
        self.path = path
        self.source = text
        self.vars = variables if variables is not None else {}

    def line(self, node: yaml.Node) -> int:
        """The line of ``node`` as an editor counts it (YAML also breaks lines at U+2028)."""
        index = max(0, min(node.start_mark.index, len(self.source)))
        return bisect.bisect_left(_newlines(self.source), index) + 1

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
                    f"unknown key {shown(key)} in {what}.{did} Expected: {', '.join(keys)}",
                )
            if key in out:
                raise self.fail(key_node, f"{key!r} appears twice in {what}; keep only one")
            out[key] = value_node
        return out

    def raw(self, node: yaml.Node, what: str, form: str = "", flag: bool = False) -> str:
        """A non-empty text as written, ``${…}`` not yet filled in.

        An unquoted ``No``/``off``/``yes`` stays the text written (the node's own characters,
        never PyYAML's boolean) and ``cxcheck check`` warns, since other YAML 1.1 tools read it
        as a boolean; in a ``flag`` (``exact: yes``) a boolean is meant: it reads as true/false.
        """
        expected = f"; {form}" if form else ""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a text, not {_kind(node)}{expected}")
        value = str(node.value)
        if not value.strip():
            raise self.fail(node, f"{what} must be a non-empty text{expected}")
        if surrogate := _SURROGATE.search(value):
            raise self.fail(
                node,
                f"{what} holds an escape of a lone surrogate ({shown(surrogate[0])}), which is "
                f"not a character; write the character itself{expected}",
            )
        if node.tag == _NULL_TAG:
            raise self.fail(
                node,
                f"{what} must be a non-empty text, and a bare {value} means 'nothing' in YAML; "
                f"put it in quotes if you mean the word{expected}",
            )
        if node.tag == _BOOL_TAG and flag:  # `exact: yes` means what YAML 1.1 says: true
            return "true" if value.lower() in ("yes", "on", "true") else "false"
        if node.tag == _BOOL_TAG and self.warnings is not None:
            self.warnings.append(self.boolean_warning(node, what, value))
        return value

    def boolean_warning(self, node: yaml.Node, what: str, value: str) -> str:
        meaning = "true" if value.lower() in ("yes", "on", "true") else "false"
        which = "YAML" if value.lower() in ("true", "false") else "YAML 1.1"
        return (
            f"{self.path}:{self.line(node)}: warning: {value} ({what}) has no quotes: "
            f"cxcheck reads the text {value!r}, but {which} reads it as {meaning} (PyYAML, "
            f"yaml.safe_load, schema checks); write '{value}' in quotes"
        )

    def text(self, node: yaml.Node, what: str, form: str = "", flag: bool = False) -> str:
        """A non-empty text with its ``${name}`` and ``${env.NAME}`` filled in."""
        value = self.fill(node, self.raw(node, what, form, flag), what)
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
        problem = option_problem("timeout", text)
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
            what = shown(node.value) if isinstance(node, yaml.ScalarNode) else "this"
            raise self.fail(node, f"budget: {what} is not a duration ({_BUDGET_FORM})") from None
        budget: Budget = data
        try:
            for network in (*network_names, "*"):
                budget_for(budget, network)
            if not isinstance(data, dict | str | int | float) or isinstance(data, bool):
                raise CxError(f"budget: {shown(data)} is not a duration")
        except CxError as exc:
            raise self.fail(node, f"{exc} ({_BUDGET_FORM})") from None
        except (OverflowError, ValueError):  # a number too large for a float
            raise self.fail(
                node,
                f"budget: {shown(data)} is out of range: more than 0 and at "
                f"most 1 hour ({_BUDGET_FORM})",
            ) from None
        return budget

    def locator(self, node: yaml.Node, what: str, form: str) -> str | Locator:
        """A locator: a selector text, or an accessible mapping like {role: button, name: Add}."""
        if not isinstance(node, yaml.MappingNode):
            return self.text(node, what, form)
        keys = ("selector", *LOCATOR_KINDS, *MODIFIERS, WITHIN)
        parts = self.mapping(node, what, keys, _LOCATOR_FORM)
        return self.locator_parts(node, parts, what)

    def scope(self, node: yaml.Node, what: str) -> Locator:
        """A ``within:`` container: any locator, itself possibly ``within:`` another."""
        found = self.locator(node, f"{what} within", _LOCATOR_FORM)
        return found if isinstance(found, Locator) else Locator("selector", found)

    def locator_parts(self, node: yaml.Node, parts: dict[str, yaml.Node], what: str) -> Locator:
        # `selector:` stands in a locator mapping only to sit beside `within:`.
        kinds = [k for k in ("selector", *LOCATOR_KINDS) if k in parts]
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
                parts[kind], f"{shown(value)} is not an ARIA role.{did} Common roles: button, "
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
            flag = self.text(parts["exact"], f"{what} exact", flag=True)
            if flag.lower() not in ("true", "false"):
                raise self.fail(parts["exact"], f"exact: {shown(flag)} is not true or false")
            exact = flag.lower() == "true"
        within = self.scope(parts[WITHIN], what) if WITHIN in parts else None
        return Locator(kind, value, name, exact, within)

    def action(self, node: yaml.Node) -> Action:
        if isinstance(node, yaml.ScalarNode) and str(node.value) in BY_KIND:
            kind = str(node.value)
            if not BY_KIND[kind].bare:
                raise self.fail(node, f"{kind} needs {BY_KIND[kind].needs()}; "
                                f"expected form: {BY_KIND[kind].example}")  # fmt: skip
            return Action(kind, {}, self.line(node), path=self.path)  # bare: `- reload`
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            if isinstance(node, yaml.ScalarNode):
                did = did_you_mean(str(node.value), BY_KIND)
                if did:
                    raise self.fail(node, f"unknown action {shown(node.value)}.{did}")
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
                key_node, f"unknown action {shown(kind)}.{did} Actions: {', '.join(BY_KIND)}"
            )
        d = BY_KIND[kind]
        form = f"expected form: {d.example}"
        bare = isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null")
        if isinstance(value_node, yaml.ScalarNode) and not bare:
            if d.shorthand is None:
                raise self.fail(value_node, f"{kind} needs {d.needs()}; {form}")
            args: dict[str, Any] = {d.shorthand: self.text(value_node, kind, form)}
        elif (
            isinstance(value_node, yaml.MappingNode)
            and d.shorthand in LOCATOR_FIELDS
            and _only_locator(value_node, d.fields + d.optional + common(kind))
        ):  # `click: {role: button, name: Add}`
            args = {d.shorthand: self.locator(value_node, kind, form)}
        else:
            args = self.options(kind, value_node, form)
            missing = [f for f in d.fields if f not in args]
            if missing:
                verb = "needs" if bare else "is missing"
                raise self.fail(value_node, f"{kind} {verb} {', '.join(missing)}; {form}")
            combination = args_problem(d, args)
            if combination:
                raise self.fail(value_node, f"{kind} {combination}; {form}")
        for key, value in args.items():
            if isinstance(value, str):
                problem = option_problem(key, value, kind)
                if problem:
                    raise self.fail(value_node, f"{kind} {key}: {problem}; {form}")
        if kind == "upload":
            self.check_files(value_node, args["files"])
        if "timeout" in args and "expect_timeout" in args:
            raise self.fail(value_node, f"{kind} has both timeout and expect_timeout; on a "
                            "check they say the same, keep one")  # fmt: skip
        timeout = args.pop("timeout", None) or args.pop("expect_timeout", None)
        seconds = parse_duration(timeout) if timeout is not None else None
        return Action(kind, args, self.line(node), seconds, path=self.path)

    def options(self, kind: str, node: yaml.Node, form: str) -> dict[str, Any]:
        """An action's mapping form: its fields, its optional settings, ``timeout``, and for
        actions on an element the accessible locator keys in place of ``selector``."""
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return {}
        d = BY_KIND[kind]
        own = (*d.fields, *d.optional, *common(kind))
        inline: tuple[str, ...] = ()
        if "selector" in d.fields:
            inline = tuple(k for k in (*LOCATOR_KINDS, *MODIFIERS, WITHIN) if k not in own)
        values = self.mapping(node, kind, (*own, *inline), form)
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key in inline:
                continue
            if key in LOCATOR_FIELDS:
                out[key] = self.locator(value, f"{kind} {key}", form)
            elif key in d.may_be_empty and _empty_text(value):
                out[key] = ""  # `value: ""`: an emptied field is worth checking
            elif isinstance(value, yaml.SequenceNode) and key in d.lists and value.value:
                items = (self.text(v, f"each of {kind} {key}", form) for v in value.value)
                out[key] = "\n".join(items)  # selectors may hold spaces
            else:
                out[key] = self.text(value, f"{kind} {key}", form, flag=key in FLAGS)
        found = {k: v for k, v in values.items() if k in inline}
        if set(found) == {WITHIN} and "selector" in values:
            out["selector"] = self.scoped(values, out["selector"], kind)
        elif found:
            if "selector" in values:
                raise self.fail(
                    node, f"{kind} has both `selector` and {', '.join(found)}; use one way to "
                    f"say where: {_LOCATOR_FORM}",
                )  # fmt: skip
            out["selector"] = self.locator_parts(node, found, kind)
        return out

    def scoped(self, values: dict[str, yaml.Node], where: str | Locator, kind: str) -> Locator:
        """`{selector: …, within: …}` in an action's own mapping: a selector in its container."""
        located = where if isinstance(where, Locator) else Locator("selector", where)
        if located.within is not None:
            raise self.fail(
                values[WITHIN], f"{kind} has `within:` twice (beside `selector` and inside it); "
                "nest them instead: {within: {within: OUTER, …}, text: …}",
            )  # fmt: skip
        return replace(located, within=self.scope(values[WITHIN], kind))

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

    def include(
        self, node: yaml.Node, chain: tuple[Path, ...], what: str = "include"
    ) -> list[Step]:
        """The steps of the file ``node`` names (``- include:``, and ``session:`` as ``what``)."""
        example = "add-items.steps.yaml" if what == "include" else "sign-in.steps.yaml"
        form = f"like - include: {example}" if what == "include" else f"like {what}: {example}"
        name = self.text(node, what, form)
        path = _resolved(self.path.parent, name)
        if path in chain:
            names = " → ".join(p.name for p in (*chain, path))
            raise self.fail(node, f"{what} makes a cycle: {names}; a file cannot include "
                            "itself, directly or through another")  # fmt: skip
        if not path.is_file():
            raise self.fail(node, f"{what}: {name!r} is not a file (paths are relative to "
                            f"{self.path.name}'s folder, {self.path.parent})")  # fmt: skip
        if path.name.endswith(SUFFIX):
            raise self.fail(node, f"{what}: {name!r} is a journey (it would also run on its "
                            f"own); name a file of steps like {example}")  # fmt: skip
        text, root = _parsed(path)
        # A copy: what the included file declares is seen there (and in what it includes) only.
        reader = Reader(path, text, dict(self.vars))
        reader.networks = self.networks
        reader.unset_env = self.unset_env
        reader.warnings = self.warnings
        if root is None:
            raise reader.fail(None, f"the file is empty; {INCLUDE_FORM}")
        if isinstance(root, yaml.MappingNode):
            root = reader.declarations(root, frozenset(self.vars))
        elif not isinstance(root, yaml.SequenceNode):
            raise reader.fail(root, f"{INCLUDE_FORM}, not {_kind(root)}")
        return reader.steps(root, (*chain, path))

    def declarations(self, root: yaml.MappingNode, given: frozenset[str]) -> yaml.Node:
        """An included file's ``{vars, secrets, steps}``: its names join this reader's; it
        gives back the ``steps`` node.

        The file's values are defaults: a name the including side already has (``given``: the
        journey's vars, secrets and examples row, or an including steps file's) keeps that
        value, so a journey may override what the file declares. A name declared under
        ``secrets:`` is masked whichever value it ends up with.
        """
        for key_node, _ in root.value:
            key = getattr(key_node, "value", None)
            if not isinstance(key_node, yaml.ScalarNode) or key not in INCLUDE_KEYS:
                did = did_you_mean(str(key), INCLUDE_KEYS) if isinstance(key, str) else ""
                raise self.fail(
                    key_node, f"{INCLUDE_FORM}; {shown(key)} is not one of vars, secrets, steps"
                    f" (a whole journey cannot be included).{did}",
                )  # fmt: skip
        parts = self.mapping(root, "an included file", INCLUDE_KEYS, INCLUDE_FORM)
        if "steps" not in parts:
            raise self.fail(root, f"an included file with vars or secrets needs `steps`; "
                            f"{INCLUDE_FORM}")  # fmt: skip
        for what in ("vars", "secrets"):
            if what not in parts:
                continue
            self.vars.update(self.variables(parts[what], what, given))
            if what == "secrets":
                names = [str(k.value) for k, _ in parts[what].value]
                masking.register(self.vars[n] for n in names)
        return parts["steps"]

    def variables(
        self, node: yaml.Node, what: str, given: frozenset[str] = frozenset()
    ) -> dict[str, str]:
        """``vars:``, ``secrets:`` or an examples row: names and their texts, each value
        filled in with the names known so far (and the ones before it in the same mapping).

        Names in ``given`` are set by an including file: they are checked but not read (a
        default ``${env.X}`` need not be set when the journey overrides it), and not returned.
        """
        form = f"like {what}: {{user: ada, password: '${{env.SHOP_PASSWORD}}'}}"
        if not isinstance(node, yaml.MappingNode) or not node.value:
            raise self.fail(node, f"{what} must be a mapping of names to texts, {form}")
        out: dict[str, str] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(getattr(key_node, "value", ""))
            if not isinstance(key_node, yaml.ScalarNode) or not _NAME.fullmatch(key):
                raise self.fail(key_node, f"{shown(key)} is not a name for {what}: use letters, "
                                f"digits and _, starting with a letter, {form}")  # fmt: skip
            if key in seen or (key in self.vars and key not in given):
                raise self.fail(key_node, f"{key!r} is defined twice (in vars or secrets); "
                                "keep one")  # fmt: skip
            if key == "env":
                raise self.fail(key_node, "`env` is taken: ${env.NAME} reads the environment")
            seen.add(key)
            if key in given:
                continue  # the including side's value wins
            out[key] = self.text(value_node, f"{what} {key}", form)
            self.vars[key] = out[key]  # later values may use earlier ones
        for key in out:
            del self.vars[key]
        return out

    networks: tuple[str, ...] | None = None
    # None: an unset ${env.NAME} is an error; a list: it is noted here and stands as "1".
    unset_env: list[str] | None = None
    # None: a run; a list (`cxcheck check`): what is valid but worth a second look.
    warnings: list[str] | None = None


# Included files, read once per process: `cxcheck check` on a thousand journeys that include
# the same steps file parses it once. Keyed by the file's size and time so an edit is seen.
_PARSED: dict[tuple[Path, int, int], tuple[str, yaml.Node | None]] = {}


@functools.lru_cache(maxsize=1024)
def _resolved(folder: Path, name: str) -> Path:
    """An include's absolute path; a thousand journeys including one file resolve it once."""
    return (folder / name).resolve()


def _parsed(path: Path) -> tuple[str, yaml.Node | None]:
    try:
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
    except OSError:
        return (text := read_text(path)), parse(path, text)  # read_text says what is wrong
    if key not in _PARSED:
        text = read_text(path)
        _PARSED[key] = (text, parse(path, text))
    return _PARSED[key]


_LOCATOR_FORM = (
    'a selector like "#email", or {role: button, name: Add}, {label: Email}, '
    "{placeholder: Search}, {test_id: basket}, {text: Continue}, {alt: Logo} or {title: Close}; "
    'add within: to look inside a container, like {within: "#calendar", text: "29"}'
)


def _empty_text(node: yaml.Node) -> bool:
    """A quoted empty text (``""``), not a bare ``value:``, which YAML reads as nothing."""
    return isinstance(node, yaml.ScalarNode) and node.value == "" and node.tag != _NULL_TAG


def _only_locator(node: yaml.MappingNode, own: tuple[str, ...]) -> bool:
    """Whether a mapping holds only locator keys (and timeout), none of the action's own."""
    keys = {getattr(k, "value", None) for k, _ in node.value}
    return bool(keys & set(LOCATOR_KINDS)) and not keys & set(own)


_CHECKED = frozenset(
    {"timeout", "expect_timeout", "state", "count", "exact", "tags", "rules", "disabled",
     "impact", "checks", "min_target", "name", "full_page", "max_diff_pixels", "threshold",
     "max_diff_ratio", "min", "max", "matches"}
)  # fmt: skip


def option_problem(key: str, value: str, kind: str = "") -> str | None:
    """What is wrong with one action setting, checked before anything runs."""
    if key not in _CHECKED:
        return None  # free text: selectors, values, keys
    if key in ("timeout", "expect_timeout"):
        try:
            parse_duration(value)
        except CxError as exc:
            return str(exc).removeprefix("budget: ") + f" (like {key}: 10s or 500ms)"
        return None
    problem = value_problem(kind, key, value)
    if problem:
        return problem
    names = tuple(value.replace(",", " ").split())
    if key in ("tags", "rules", "disabled", "impact"):  # imported only when asked: check's speed
        from cxcheck.checks.a11y.axe import IMPACTS, check_rules, check_tags

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
        from cxcheck.checks.layout.check import CHECKS

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
