"""The journey file's JSON Schema and its action reference, both made from the action table.

``journey.schema.json`` (shipped in the package, printed by ``cxcheck schema``) and
``docs/actions.md`` are written by ``python -m cxcheck.reference --write``; the test suite checks
that both match what this module makes, so the docs, the schema and the loader cannot drift.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cxcheck.journeyfiles.actions import (
    ACTION_TIMEOUT_S,
    EXPECT_TIMEOUT_S,
    GROUPS,
    LOCATOR_FIELDS,
    TABLE,
    WAIT_STATES,
    ActionDef,
    common,
)
from cxcheck.journeyfiles.locators import KINDS, MODIFIERS, WITHIN

SCHEMA_FILE = Path(__file__).with_name("journey.schema.json")
DOCS_FILE = Path(__file__).resolve().parents[3] / "docs" / "actions.md"
SCHEMA_ID = "https://cxcheck.dev/schemas/journey.schema.json"
_DURATION_PATTERN = r"^\s*\d+(\.\d+)?\s*(ms|s|m)?\s*$"
_TEXT = {"type": ["string", "number", "boolean"]}  # YAML reads `2` and `yes`; cxcheck takes text
# A value may also come from a variable, known only once ${…} is filled in.
_VARIABLE = {"type": "string", "pattern": r"\$\{[^}]+\}"}
_BOOL = {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}, _VARIABLE]}
_FIELD_DOCS = {
    "url": "a path relative to the base URL, or a full URL",
    "selector": "where: a selector or an accessible locator (see Locators)",
    "from": "what to drag: a locator",
    "to": "where to drop it: a locator",
    "value": "the text or option",
    "text": "the text",
    "key": "a key name: Enter, Escape, Tab, ArrowDown, Control+A…",
    "files": "a file or a list of files, relative to the journey file",
    "count": "exactly how many elements (0 or more)",
    "min": "at least this many elements",
    "max": "at most this many elements",
    "matches": "a regular expression, searched in the text (`^…$` for the whole; `(?i)` first: "
    "any case); the browser runs it, so JavaScript's common syntax",
    "attribute": "the attribute's name",
    "title": "the text the title contains",
    "pattern": "text the URL contains",
    "name": "a name for the evidence",
    "profile": "offline, default, or a network profile's name",
    "state": f"one of {', '.join(WAIT_STATES)} (default visible)",
    "exact": "true: the whole text must match",
    "timeout": "how long it may wait (10s, 500ms)",
}


def _duration() -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
            {"type": "string", "pattern": _DURATION_PATTERN},
            _VARIABLE,
        ]
    }


def _locator() -> dict[str, Any]:
    scope = {"$ref": "#/$defs/locator"}  # `within:` holds any locator, so containers nest
    forms: list[dict[str, Any]] = [
        {"type": "string", "minLength": 1, "description": "a Playwright selector: CSS, text=…"},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["selector", WITHIN],
            "properties": {"selector": {"type": "string", "minLength": 1}, WITHIN: scope},
        },
    ]
    for kind in KINDS:
        properties: dict[str, Any] = {kind: _TEXT, "exact": _BOOL, WITHIN: scope}
        if kind == "role":
            properties["name"] = _TEXT
        forms.append({
            "type": "object",
            "additionalProperties": False,
            "required": [kind],
            "properties": properties,
        })  # fmt: skip
    return {"oneOf": forms}


def _field(name: str, d: ActionDef) -> dict[str, Any]:
    if name in LOCATOR_FIELDS:
        return {"$ref": "#/$defs/locator"}
    if name in ("timeout", "expect_timeout"):
        return {"$ref": "#/$defs/duration"}
    if name in d.lists:
        return {"oneOf": [_TEXT, {"type": "array", "minItems": 1, "items": _TEXT}]}
    if name in ("exact", "full_page"):
        return _BOOL
    if name == "state":
        return {"anyOf": [{"enum": list(WAIT_STATES)}, _VARIABLE]}
    if name in ("count", "min", "max", "max_diff_pixels", "min_target"):
        number = {"type": "string", "pattern": r"^\d+$"}
        return {"anyOf": [{"type": "integer", "minimum": 0}, number, _VARIABLE]}
    if name in ("threshold", "max_diff_ratio"):
        return {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, _VARIABLE]}
    return _TEXT


def _action(d: ActionDef) -> dict[str, Any]:
    properties = {f: _field(f, d) for f in (*d.fields, *d.optional, *common(d.kind))}
    mapping: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    required = list(d.fields)
    if "selector" in d.fields:
        # The accessible keys may stand in the action's own mapping instead of `selector`.
        for key in (*KINDS, *MODIFIERS):
            properties.setdefault(key, _BOOL if key == "exact" else _TEXT)
        properties.setdefault(WITHIN, {"$ref": "#/$defs/locator"})
        required.remove("selector")
        mapping["anyOf"] = [{"required": ["selector"]}, *({"required": [k]} for k in KINDS)]
    if required:
        mapping["required"] = required
    mapping.update(_combinations(d))
    forms: list[dict[str, Any]] = [mapping]
    if d.shorthand:
        forms.insert(0, _field(d.shorthand, d))
    if d.bare:
        forms.insert(0, {"type": "null"})
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [d.kind],
        "properties": {d.kind: {"description": d.summary, "anyOf": forms}},
    }


def _combinations(d: ActionDef) -> dict[str, Any]:
    """The schema's form of :func:`~cxcheck.journeyfiles.actions.args_problem`."""
    rules: list[dict[str, Any]] = []
    if d.one_of:
        rules.append({"oneOf": [{"required": [k]} for k in d.one_of]})
    if d.any_of:
        rules.append({"anyOf": [{"required": [k]} for k in d.any_of]})
    rules += [{"not": {"required": list(pair)}} for pair in d.apart]
    return {"allOf": rules} if rules else {}


def journey_schema() -> dict[str, Any]:
    """The JSON Schema of ``*.journey.yaml`` files."""
    names = {"oneOf": [_TEXT, {"type": "array", "minItems": 1, "items": _TEXT}]}
    bare = [d.kind for d in TABLE if d.bare]
    variables = {"type": "object", "additionalProperties": _TEXT, "minProperties": 1}
    step = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "actions"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "budget": {"$ref": "#/$defs/budget"},
            "actions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/action"}},
        },
    }
    include = {
        "type": "object",
        "additionalProperties": False,
        "required": ["include"],
        "properties": {
            "include": {
                "type": "string",
                "minLength": 1,
                "description": "a file of steps (a YAML list, or {vars, secrets, steps}), "
                "relative to this file",
            }
        },
    }
    steps = {
        "type": "array",
        "minItems": 1,
        "items": {"oneOf": [{"$ref": "#/$defs/step"}, {"$ref": "#/$defs/include"}]},
    }
    # What an included *.steps.yaml holds (an editor may point at #/$defs/steps_file).
    steps_file = {
        "description": "a file of steps for `- include:`: a list of steps, or a mapping whose "
        "vars and secrets are defaults the including journey may override",
        "oneOf": [
            {"$ref": "#/$defs/steps"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["steps"],
                "properties": {
                    "vars": {**variables, "description": "values for ${name} in this file"},
                    "secrets": {**variables, "description": "like vars, masked as ***"},
                    "steps": {"$ref": "#/$defs/steps"},
                },
            },
        ],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cxcheck journey",
        "description": "A customer journey for cxcheck (*.journey.yaml): named steps of browser "
        "actions, run on every device x network cell. Generated from cxcheck's action table.",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "steps"],
        "properties": {
            "name": {
                "type": "string",
                "minLength": 1,
                "description": "the journey's name; test ids are <name>[<device>-<network>]",
            },
            "start": {
                "description": "the first step, named start: a path opened and timed",
                "oneOf": [
                    {"type": "string", "minLength": 1},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["url"],
                        "properties": {
                            "url": {"type": "string", "minLength": 1},
                            "budget": {"$ref": "#/$defs/budget"},
                            "timeout": {"$ref": "#/$defs/duration"},
                        },
                    },
                ],
            },
            "devices": {**names, "description": "device profiles or sets (cxcheck profiles)"},
            "networks": {**names, "description": "network profiles or sets"},
            "hosts": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": _TEXT,
                "propertyNames": {"type": "string", "minLength": 1},
                "description": "per-host networks: host pattern → network name (cdn.example."
                "test: 3g, '*.tracker.test': blackhole, '127.0.0.1:8123': offline); the first "
                "that matches a request wins, every other request gets the cell's network",
            },
            "timeout": {
                "$ref": "#/$defs/duration",
                "description": "how long every action may wait unless it sets its own "
                "(× the network's timeout_factor, unless ini cx_scale_timeouts = false)",
            },
            "expect_timeout": {
                "$ref": "#/$defs/duration",
                "description": "how long every expect_* check may wait unless it sets its own "
                "(never scaled for the network); default: as timeout",
            },
            "tags": {**names, "description": "pytest markers for -m, like [smoke]"},
            "vars": {**variables, "description": "values for ${name} in any text"},
            "secrets": {**variables, "description": "like vars, masked as *** in all output"},
            "examples": {
                "type": "array",
                "minItems": 1,
                "items": variables,
                "description": "rows of vars: one journey per row (id: names the row)",
            },
            "ignore_requests": {
                **names,
                "description": "URL glob patterns of failed requests to record as ignored",
            },
            "ignore_console": {
                **names,
                "description": "glob patterns of console error messages to record as ignored",
            },
            "load": {
                "description": "run the journey without load, then under this Locust load, "
                "and compare (the customer's view under load)",
                "type": "object",
                "additionalProperties": False,
                "required": ["scenario"],
                "properties": {
                    "scenario": {
                        "type": "string",
                        "minLength": 1,
                        "description": "a locustfile, relative to this file",
                    },
                    "users": {"anyOf": [{"type": "integer", "minimum": 1}, _VARIABLE]},
                    "spawn_rate": {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, _VARIABLE]},
                    "run_time": {"$ref": "#/$defs/duration"},
                    "workers": {"anyOf": [{"type": "integer", "minimum": 0}, _VARIABLE]},
                    "max_slowdown": {"anyOf": [{"type": "number", "minimum": 1}, _VARIABLE]},
                    "thresholds": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            **{
                                m: {"$ref": "#/$defs/duration"}
                                for m in ("p50", "p90", "p95", "p99", "max", "avg")
                            },
                            "failure_ratio": {"type": ["string", "number"]},
                            "min_rps": {"type": ["string", "number"]},
                        },
                    },
                },
            },
            "session": {
                "type": "string",
                "minLength": 1,
                "description": "a steps file (like an include: a list of steps, or {vars, secrets, "
                "steps}), relative to this file, that logs "
                "in once per device per worker; later cells of the device start from its "
                "cookies and local storage",
            },
            "steps": {
                "$ref": "#/$defs/steps",
                "description": "the journey's steps, each {name, actions, budget?}, or "
                "- include: FILE",
            },
        },
        "$defs": {
            "duration": _duration(),
            "budget": {
                "description": "a duration (3s, 250ms, 1.5m) or one per network, '*' the rest",
                "oneOf": [
                    {"$ref": "#/$defs/duration"},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"$ref": "#/$defs/duration"},
                    },
                ],
            },
            "locator": _locator(),
            "step": step,
            "include": include,
            "steps": steps,
            "steps_file": steps_file,
            "action": {"oneOf": [{"enum": bare}, *(_action(d) for d in TABLE)]},
        },
    }


def action_reference() -> str:
    """``docs/actions.md``: every action, its forms and an example, by group."""
    out = [
        "# Journey file actions",
        "",
        "<!-- Generated by `python -m cxcheck.reference --write` from cxcheck's action table; "
        "the test suite fails when it is out of date. -->",
        "",
        "Each action is one line of a step's `actions:` list. Most have a short form (one value) "
        "and a mapping form with settings. Actions without arguments may be written bare "
        "(`- reload`).",
        "",
        "**Every action accepts `timeout:`** (a duration, as budgets are written: `10s`, "
        "`500ms`). Without one, the file's `timeout:` applies, then the ini option "
        f"`cx_action_timeout`, then Playwright's default, **{ACTION_TIMEOUT_S:g} s**.",
        "",
        "**`expect_*` checks have a timeout of their own**: the check's `timeout:` (or "
        "`expect_timeout:`, the same there), else the file's `expect_timeout:`, else the ini "
        "option `cx_expect_timeout`, else as other actions (the file's `timeout:`, "
        f"`cx_action_timeout`), else **{EXPECT_TIMEOUT_S:g} s**. So a file can give slow "
        "clicks and page loads time without making a wrong expectation wait as long.",
        "",
        "**On slow networks actions get longer, checks do not.** An action's limit (any but "
        "`expect_*`) is multiplied by the cell's network `timeout_factor` (fast-4g 1.3, "
        "slow-4g 2.4, 3g 6.2): a healthy page on 3g has time to arrive. An `expect_*` limit is "
        "never scaled, so a wrong expectation fails as soon on 3g as on fibre. A failure says "
        "the scaled limit and why (`36 s, 15 s × 2.4 for slow-4g`); `cx_scale_timeouts = "
        "false` in the ini file turns the scaling off.",
        "",
        "**A wait ends early when the page broke**, since the step fails for it anyway: when "
        "the page throws an uncaught error, or when the app answers the page itself (a "
        "navigation or a form post of its own origin) with a 5xx, or never answers "
        "(`net::ERR_…`): `cxcheck stopped waiting after 0.4 s of 15 s because the form post "
        "POST /account/profile answered HTTP 500 Internal Server Error`. A `goto` that opens "
        "such a page fails at once, in the same words. A failing image, XHR or third-party "
        "page does not stop a wait (it is a finding of the step), nor does a request "
        "`ignore_requests` names, or any with ini `cx_fail_on_failed_requests = false`.",
        "",
        *_file_keys(),
        "## Locators",
        "",
        "Wherever an action takes a `selector` (and `drag`'s `from` and `to`), write either a "
        'Playwright selector (`"#email"`, `.todo-list li`, `text=Continue`) or an accessible '
        "locator, which finds elements the way a person does:",
        "",
        "| form | finds |",
        "| --- | --- |",
        "| `{role: button, name: Add to basket}` | an element by ARIA role and accessible name |",
        "| `{label: Email}` | a form field by its label |",
        "| `{placeholder: Search}` | an input by its placeholder |",
        "| `{test_id: basket-count}` | an element by `data-testid` |",
        "| `{text: Continue}` | an element by its text |",
        "| `{alt: Logo}` | an image by its alt text |",
        "| `{title: Close}` | an element by its title attribute |",
        "",
        "**`within:`** looks for any locator inside a container, itself any locator: "
        '`click: {within: "#calendarbox0", text: "29"}` clicks the 29 of that calendar, not '
        "another 29 on the page; `click: {within: {role: dialog}, role: button, name: OK}`. "
        'A plain selector in a container is `{selector: td.day, within: "#calendar"}`. '
        "Containers nest (`within: {within: main, role: dialog}`). When nothing matches and a "
        "container is itself missing, the failure says which one.",
        "",
        "Names and texts match case-insensitively as substrings; add `exact: true` for a whole, "
        "case-sensitive match. In an action's own mapping the locator keys may stand in place "
        "of `selector`: `fill: {label: Email, value: ada@example.com}`. (In `expect_text` and "
        "`expect_title`, `exact:` is about the text; write `selector: {…, exact: true}` there.)",
        "",
        "**When an accessible locator matches nothing**, the failure names the closest elements "
        "on the page by role and name (from Playwright's ARIA snapshot), each with the locator "
        "to write: `{role: link, name: Sign in} matched 0 elements after 10 s; on the page: "
        'button "Sign in" — try `{role: button, name: Sign in}``. A `<label>` that holds only '
        'an image (`<label for="q"><img alt="Search"></label>`, as Django\'s admin writes its '
        "search bar) is said as such: `{label: Search}` reads the label's text, which is empty, "
        "while the field's accessible name is the image's alt text, so `{role: textbox, name: "
        "Search}` finds it.",
        "",
        "Inside `{ }`, a value holding `${…}` needs quotes: `fill: {label: Name, value: "
        "'${name}'}`.",
        "",
        *_REUSE,
    ]
    for group in GROUPS:
        out += [f"## {group}", ""]
        for d in (d for d in TABLE if d.group == group):
            out += [f"### `{d.kind}`", "", d.summary, ""]
            forms = []
            if d.bare:
                forms.append(f"`- {d.kind}`")
            if d.shorthand:
                what = "LOCATOR" if d.shorthand in LOCATOR_FIELDS else d.shorthand.upper()
                forms.append(f"`{d.kind}: {what}`")
            choices = [" \\| ".join(d.one_of)] if d.one_of else []
            rest = (o for o in d.optional if o not in d.one_of)
            keys = [
                *d.fields,
                *choices,
                *(f"{o}?" for o in rest),
                *(f"{c}?" for c in common(d.kind)),
            ]
            forms.append(f"`{d.kind}: {{{', '.join(keys)}}}`")
            out += [f"Forms: {', '.join(forms)}", ""]
            fields = [*d.fields, *d.optional]
            if fields:
                out += [
                    f"- `{f}`{_marker(f, d)}: {_FIELD_DOCS.get(f, _option_doc(f))}" for f in fields
                ]
                out.append("")
            out += ["```yaml", f"- {d.example.removeprefix('- ')}", "```", ""]
    return "\n".join(out).rstrip() + "\n"


def _file_keys() -> list[str]:
    """The keys at the top of a journey file, described as the schema describes them."""
    from cxcheck.journeyfiles.loader import TOP_KEYS

    schema = journey_schema()
    properties, defs = schema["properties"], schema["$defs"]

    def described(key: str) -> str:
        prop = properties[key]
        if "description" not in prop and "$ref" in prop:  # described where it is defined
            prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
        return str(prop.get("description", ""))

    out = ["## File-level keys", "", "| key | what it is |", "| --- | --- |"]
    out += [f"| `{key}:` | {described(key)} |" for key in TOP_KEYS]
    return [
        *out,
        "",
        "**`session:`** names a steps file read like an `include:` (with the journey's `vars:` "
        "and `secrets:`). Its steps run once per device per worker, in the first cell of that "
        "device, as steps named `session · …` (timed, budgeted and kept as evidence: the "
        "login's cost shows once); the browser's storage state (cookies, local storage) is "
        "kept, and every later cell of the device starts from it with an info finding naming "
        "the cell that logged in, before `start:`. When the session's steps fail, that cell "
        "fails as usual and every later cell of the device fails at once with that one reason "
        "(a `session` finding), instead of waiting out the same timeouts. Python tests do the "
        "same with the `cx_session` fixture: `cx_session.use(log_in)`.",
        "",
        "**`hosts:`** gives hosts a network of their own; every other request keeps the "
        "cell's. A pattern is a host (`cdn.example.test`), `'*.example.test'` for its "
        "subdomains (quoted: a bare `*` starts a YAML alias) or `'127.0.0.1:8123'` for one "
        "port; it matches any scheme and path. `blackhole` never answers (a third party that "
        "hangs: a single point of failure), `offline` fails as disconnected. A pattern that "
        "matched no request is an info finding (`host-conditions`). The file's `hosts:` "
        "replace ini `cx_hosts`.",
        "",
    ]


_REUSE = [
    "## Includes, vars, secrets and examples",
    "",
    "`- include: steps/sign-in.steps.yaml` (in `steps:`) pulls in a file of steps, relative "
    "to the including file; includes nest, a cycle is an error. A steps file is a list of "
    "steps, or a mapping that declares the names its steps use, so that eight journeys need "
    "not repeat them:",
    "",
    "```yaml",
    "# steps/sign-in.steps.yaml",
    "vars:",
    "  email: ada@example.com",
    "secrets:",
    "  password: ${env.SHOP_PASSWORD}",
    "steps:",
    "  - name: sign in as ${email}",
    "    actions:",
    '      - fill: {label: "Email:", value: "${email}"}',
    '      - fill: {label: "Password:", value: "${password}"}',
    "```",
    "",
    "- `${name}` fills any text: the journey's `vars:`, `secrets:` and `examples:` columns, "
    "and in a steps file also its own `vars:` and `secrets:` (seen in that file and the files "
    "it includes, not in the journey).",
    "- A steps file's values are **defaults**: when the including journey (or including steps "
    "file) defines the same name, in `vars:`, `secrets:` or an `examples:` row, its value wins "
    "and the default is not read (so a default `${env.X}` need not be set). A name declared "
    "under `secrets:` is masked as `***` whichever value it ends up with.",
    "- `examples:` rows make one journey per row; every column is a variable, `id` too: "
    "`name: search ${id}`, `start: /search?q=${query}`, and the steps of included files. A "
    "row's values may use the journey's `vars:`; `vars:` are read before the rows and cannot "
    "use a column (write `${column}` where the text is used instead).",
    "- Quote texts that YAML 1.1 reads as true or false (`'No'`, `'off'`, `'yes'`, `'on'`): "
    "cxcheck keeps the text as written, and `cxcheck check` warns where one has no quotes, "
    "because other YAML tools read a boolean there.",
    "",
]


def _marker(name: str, d: ActionDef) -> str:
    if name in d.one_of:
        return f" (exactly one of {', '.join(d.one_of)})"
    return " (optional)" if name in d.optional else ""


def _option_doc(name: str) -> str:
    docs = {
        "tags": "axe tags to run (wcag2a, wcag2aa, …)",
        "rules": "only these axe rules",
        "disabled": "axe rules to skip",
        "impact": "the lowest impact that fails: minor, moderate, serious, critical",
        "include": "selectors to scan only",
        "exclude": "selectors to leave out",
        "checks": "reflow, target-size, zoom",
        "min_target": "the smallest touch target in CSS px (24 or 44)",
        "full_page": "true: the whole page, not only the viewport",
        "mask": "selectors painted over before comparing",
        "threshold": "per-pixel colour tolerance, 0–1",
        "max_diff_pixels": "how many pixels may differ",
        "max_diff_ratio": "what share of pixels may differ, 0–1",
    }
    return docs.get(name, name)


def rendered_schema() -> str:
    return json.dumps(journey_schema(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the schema and the docs")
    args = parser.parse_args(argv)
    if args.write:
        SCHEMA_FILE.write_text(rendered_schema(), encoding="utf-8")
        DOCS_FILE.parent.mkdir(exist_ok=True)
        DOCS_FILE.write_text(action_reference(), encoding="utf-8")
        print(f"wrote {SCHEMA_FILE} and {DOCS_FILE}")
    else:
        print(action_reference(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
