"""Declarative journeys: ``*.journey.yaml`` files, for QA engineers who don't write Python.

A file is parsed and validated as a whole before anything runs; every mistake is reported with
the file, the line and the expected form (and a did-you-mean for unknown actions). Running a
journey turns each action into the Playwright call a Python test would make, inside named steps
of a :class:`cxcheck.journey.Journey`, so budgets and evidence work the same way.

Reuse: ``- include: add-items.steps.yaml`` pulls in a list of steps (nested, never in a cycle);
``session: sign-in.steps.yaml`` names steps that log in once per device per worker
(:mod:`cxcheck.journey.session`);
``vars:`` and ``secrets:`` fill ``${name}`` in any text (``${env.NAME}`` reads the environment;
secret values are masked as ``***`` in everything cxcheck writes); ``examples:`` rows make one
journey per row; ``tags:`` become pytest markers. The actions themselves live in
:mod:`cxcheck.journeyfiles.actions`, the node reader in :mod:`cxcheck.journeyfiles.reader`;
:mod:`cxcheck.journeyfiles.player` plays what is loaded here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cxcheck.config.hosts import HostEntry, check_pattern, host_rules
from cxcheck.journeyfiles.actions import Action
from cxcheck.journeyfiles.reader import Reader, option_problem, shown
from cxcheck.journeyfiles.spec import JourneyFileError, JourneySpec, LoadSpec, SessionSpec, Step
from cxcheck.journeyfiles.yamlfile import parse, read_text
from cxcheck.model import masking
from cxcheck.model.errors import CxError
from cxcheck.model.names import SESSION_PREFIX
from cxcheck.model.text import did_you_mean

if TYPE_CHECKING:
    from cxcheck.config.profiles import Catalogue


__all__ = ["JourneyFileError", "JourneySpec", "check_profiles", "load", "load_all"]

PATTERN_FORM = "a glob pattern or a list of them, like ['*/learn.json']"
TOP_KEYS = (
    "name",
    "start",
    "devices",
    "networks",
    "hosts",
    "timeout",
    "expect_timeout",
    "tags",
    "vars",
    "secrets",
    "examples",
    "ignore_requests",
    "ignore_console",
    "load",
    "session",
    "steps",
)

LOAD_KEYS = ("scenario", "users", "spawn_rate", "run_time", "workers", "max_slowdown",
             "thresholds")  # fmt: skip
LOAD_METRICS = ("p50", "p90", "p95", "p99", "max", "avg", "failure_ratio", "min_rps")

START_KEYS = ("url", "budget", "timeout")
START_STEP = "start"

_TAG = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def load(path: Path) -> JourneySpec:
    """Parse and validate one journey file; every problem is a :class:`JourneyFileError`.

    A file with ``examples:`` gives its first row here; :func:`load_all` gives every row.
    """
    return load_all(path)[0]


def load_all(
    path: Path, unset_env: list[str] | None = None, warnings: list[str] | None = None
) -> list[JourneySpec]:
    """One validated journey per ``examples:`` row (one in all for a file without rows).

    With ``unset_env`` (a list), environment variables that are not set are appended to it
    instead of failing: ``cxcheck check`` runs where secrets are not. With ``warnings`` (a
    list), what is valid but likely not meant is appended to it (``cxcheck check`` prints it).
    """
    text = read_text(path)
    root = parse(path, text)
    if root is None:
        raise JourneyFileError(f"{path}: the file is empty; a journey needs name and steps")
    reader = Reader(path, text)
    reader.unset_env = unset_env
    reader.warnings = warnings
    top = reader.mapping(root, "a journey", TOP_KEYS)
    for key in ("name", "steps"):
        if key not in top:
            raise reader.fail(root, f"a journey needs `{key}`")
    if "vars" in top:
        reader.vars.update(reader.variables(top["vars"], "vars"))
    if "secrets" in top:
        secrets = reader.variables(top["secrets"], "secrets")
        masking.register(secrets.values())
        reader.vars.update(secrets)
    rows: list[tuple[str | None, dict[str, str], int]] = [(None, {}, 1)]
    if "examples" in top:
        rows = list(_examples(reader, top["examples"]))
    specs = []
    for row, values, line in rows:
        row_reader = Reader(path, text, {**reader.vars, **values})
        row_reader.unset_env = unset_env
        row_reader.warnings = warnings
        specs.append(_spec(row_reader, top, row, line))
    return specs


def _spec(reader: Reader, top: dict[str, yaml.Node], row: str | None, line: int) -> JourneySpec:
    devices = reader.names(top["devices"], "devices") if "devices" in top else None
    networks = reader.names(top["networks"], "networks") if "networks" in top else None
    reader.networks = networks
    timeout = reader.duration(top["timeout"], "timeout") if "timeout" in top else None
    expect_timeout = (
        reader.duration(top["expect_timeout"], "expect_timeout")
        if "expect_timeout" in top
        else None
    )
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
        expect_timeout=expect_timeout,
        tags=_tags(reader, top["tags"]) if "tags" in top else (),
        example=row,
        line=line,
        load=_load(reader, top["load"]) if "load" in top else None,
        session=_session(reader, top["session"]) if "session" in top else None,
        hosts=_hosts(reader, top["hosts"]) if "hosts" in top else None,
    )


def _hosts(reader: Reader, node: yaml.Node) -> tuple[HostEntry, ...]:
    """``hosts:``: host pattern → network, each entry naming its line (networks are looked up
    in the catalogue by :func:`check_profiles`)."""
    form = "a mapping of host pattern to network, like\n  hosts:\n    cdn.example.test: 3g"
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise reader.fail(node, f"hosts must be {form}")
    out = []
    for key, value in node.value:
        where = f"{reader.path}:{reader.line(key)}: hosts"
        pattern = reader.text(key, "a host pattern under hosts", form)
        try:
            check_pattern(pattern, where)
        except CxError as exc:
            raise JourneyFileError(str(exc)) from None
        out.append(HostEntry(pattern, reader.text(value, f"hosts: {pattern}", form), where))
    return tuple(out)


def _session(reader: Reader, node: yaml.Node) -> SessionSpec:
    """``session:``: a steps file read as an include is, its steps named ``session · …``."""
    steps = reader.include(node, (reader.path.resolve(),), "session")
    named = tuple(replace(step, name=SESSION_PREFIX + step.name) for step in steps)
    file = reader.text(node, "session")
    # Filled-in steps (a row's user, a secret) tell logins apart; a digest keeps secrets out.
    digest = hashlib.sha256(repr(named).encode()).hexdigest()[:12]
    key = f"{(reader.path.parent / file).resolve()}#{digest}"
    return SessionSpec(file, named, key)


def _load(reader: Reader, node: yaml.Node) -> LoadSpec:
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


def _thresholds(reader: Reader, node: yaml.Node) -> dict[str, str]:
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
            ok = option_problem("timeout", text) is None
        if not ok:
            what = _METRIC_FORMS.get(key, "a duration like 500ms")
            raise reader.fail(value, f"load thresholds {key}: {text!r} is not {what}; {form}")
        out[key] = text
    return out


_METRIC_FORMS = {
    "failure_ratio": "a ratio like 1% or 0.01",
    "min_rps": "a number of requests per second",
}


def _start(reader: Reader, node: yaml.Node, networks: tuple[str, ...] | None) -> Step:
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


def _examples(reader: Reader, node: yaml.Node) -> list[tuple[str, dict[str, str], int]]:
    """``examples:`` rows: (their id, their values, their line)."""
    form = "like examples: [{id: two-items, first: milk, second: eggs}, …]"
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, f"examples must be a list of rows (mappings), {form}")
    rows: list[tuple[str, dict[str, str], int]] = []
    for number, row_node in enumerate(node.value, 1):
        values = reader.variables(row_node, "an examples row")
        # `id` names the row and, like every column, is a variable: ${id} works anywhere.
        row_id = values.get("id") or "-".join(v for k, v in values.items() if k != "id")
        row_id = re.sub(r"[^A-Za-z0-9_.-]+", "-", row_id).strip("-")[:40] or f"row{number}"
        if any(row_id == r for r, _, _ in rows):
            row_id = f"{row_id}-{number}"
        rows.append((row_id, values, reader.line(row_node)))
    return rows


_RESERVED_TAGS = ("skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings", "cx")


def _tags(reader: Reader, node: yaml.Node) -> tuple[str, ...]:
    tags = reader.names(node, "tags", "a tag or a list of tags, like [smoke, checkout]")
    for tag, item in zip(tags, getattr(node, "value", [node]) or [node], strict=False):
        where = item if isinstance(item, yaml.Node) else node
        if not _TAG.fullmatch(tag):
            raise reader.fail(where, f"tag {shown(tag)} is not a marker name: use letters, "
                              "digits and _ (it becomes a pytest marker: -m smoke)")  # fmt: skip
        if tag in _RESERVED_TAGS:
            raise reader.fail(where, f"tag {tag!r} is one of pytest's own markers; choose "
                              "another name")  # fmt: skip
    return tags


def check_profiles(spec: JourneySpec, catalogue: Catalogue) -> None:
    """Mid-journey ``network:`` actions name networks of the catalogue (or ``default``), and so
    do the ``hosts:``."""
    if spec.hosts:
        try:
            host_rules(spec.hosts, catalogue)
        except CxError as exc:
            raise JourneyFileError(str(exc)) from None
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
