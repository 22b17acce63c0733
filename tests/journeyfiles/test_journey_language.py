"""The journey language a QA team writes alone: every action on a real page in a phone and a
desktop cell, accessible locators, includes, vars, env and masked secrets, examples rows, tags,
`start:` as a timed step, and failures in plain words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cxcheck.journeyfiles.loader import JourneyFileError, load, load_all
from tests.helpers import outcomes_of, shared_session

ADD_ITEMS = """\
- name: add the first
  actions:
    - fill: {placeholder: "What needs to be done?", value: "${first}"}
    - press: {selector: "#new-todo", key: Enter}
- include: more/second.steps.yaml
"""
SECOND = """\
- name: add the second
  actions:
    - fill: {label: New todo, value: walk the dog}
    - press: {selector: {label: New todo}, key: Enter}
"""
EVERY_ACTION = """\
name: todos
devices: [iphone-13, desktop-1080p]
networks: no-throttle
tags: [smoke]
vars:
  first: buy milk
start: {url: /todos.html, budget: 20s}
steps:
  - include: add-items.steps.yaml
  - name: edit and tick
    actions:
      - expect_count: {selector: {test_id: todo-item}, count: 2}
      - expect_title: 2 left
      - expect_title: {title: Todos (2 left), exact: true}
      - dblclick: {text: "${first}", exact: true}
      - fill: {label: Edit todo, value: buy oat milk}
      - press: {label: Edit todo, key: Enter}
      - expect_text: {selector: .todo-list, text: buy oat milk}
      - expect_text: {selector: {test_id: todo-count}, text: 2 items left, exact: true}
      - check: {label: Toggle buy oat milk}
      - expect_checked: {label: Toggle buy oat milk}
      - uncheck: {label: Toggle buy oat milk}
      - check: {label: Toggle buy oat milk}
      - expect_enabled: {role: button, name: Clear completed}
      - click: {role: button, name: Clear completed}
      - expect_disabled: "#clear-completed"
      - hover: {test_id: todo-item}
      - click: {role: button, name: Delete walk the dog}
      - expect_count: {selector: .todo, count: 0}
  - name: form
    actions:
      - type: {selector: {placeholder: Filter todos}, text: dog}
      - expect_text: {selector: "#keys-typed", text: "3", exact: true}
      - fill: {selector: "#nickname", value: grace}
      - expect_value: {selector: "#nickname", value: grace}
      - expect_attribute: {selector: "#nickname", attribute: data-state, value: dirty}
      - clear: "#nickname"
      - expect_attribute: {selector: "#nickname", attribute: data-state, value: dirty}
      - select: {label: Priority, value: high}
      - expect_value: {selector: "#priority", value: high}
      - check: {label: I accept the terms}
      - expect_enabled: "#submit"
      - upload: {label: Attachment, files: [notes.txt, photo.png]}
      - expect_text: {selector: "#attachment-names", text: "notes.txt, photo.png"}
      - drag: {from: "#drag-source", to: {text: Drop here}}
      - expect_text: {selector: "#drop-zone", text: Dropped!}
      - hover: "#menu"
      - expect_visible: {role: menuitem}
      - scroll_to: "#far-footer"
      - expect_attribute: {selector: "#far-footer", attribute: data-seen, value: "yes"}
      - wait_for: {selector: "#far-footer", state: attached}
      - wait_for: {selector: "#page-two", state: detached}
  - name: tunnel
    actions:
      - rotate
      - rotate
      - network: offline
      - network: default
      - screenshot: after the tunnel
      - click: "#next-page"
      - expect_visible: "#page-two"
      - back
      - wait_for: {selector: "#page-two", state: hidden}
      - forward
      - expect_url: page=2
      - reload
      - wait_for: "#page-two"
"""


def _write_every_action(root: Path) -> None:
    root.joinpath("todos.journey.yaml").write_text(EVERY_ACTION)
    root.joinpath("add-items.steps.yaml").write_text(ADD_ITEMS)
    root.joinpath("more").mkdir()
    root.joinpath("more/second.steps.yaml").write_text(SECOND)
    root.joinpath("notes.txt").write_text("notes")
    root.joinpath("photo.png").write_bytes(b"\x89PNG\r\n")


def _results(root: Path, name: str = "r.json") -> dict[str, Any]:
    return {r["nodeid"]: r for r in json.loads((root / name).read_text())["results"]}


def test_every_action_runs_on_a_phone_and_a_desktop(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    _write_every_action(pytester.path)
    result = run_pytest("--cx-json", "r.json", "--strict-markers", "-m", "smoke", "-v")
    result.assert_outcomes(passed=2)
    results = _results(pytester.path)
    for nodeid, item in results.items():
        names = [s["name"] for s in item["steps"]]
        assert names == ["start", "add the first", "add the second", "edit and tick", "form",
                         "tunnel"], nodeid  # fmt: skip
        for step in item["steps"]:
            # Bytes always come with the requests that carried them.
            assert step["requests"] > 0 or step["bytes"] == 0, step
        tunnel = item["steps"][-1]["findings"]
        conditions = [f["message"] for f in tunnel if f["kind"] == "condition"]
        assert conditions[2].startswith("network switched to offline")
        assert conditions[3].startswith("network switched to no-throttle (the cell's own)")
        (shot,) = [f for f in tunnel if f["kind"] == "screenshot"]
        assert shot["data"]["file"] in item["evidence"]
        assert (Path(item["evidence_dir"]) / shot["data"]["file"]).is_file()
    phone = next(r for n, r in results.items() if "iphone-13" in n)
    turned = [f["data"] for f in phone["steps"][-1]["findings"] if f["check"] == "rotate"]
    assert turned == [
        {"orientation": "landscape", "width": 664, "height": 390},
        {"orientation": "portrait", "width": 390, "height": 664},
    ]


TAP = (
    "name: tap\ndevices: [iphone-13, desktop-1080p]\nnetworks: no-throttle\n"
    "start: /todos.html\nsteps:\n  - name: tap it\n    actions:\n"
    "      - tap: {role: button, name: Tap me}\n"
    "      - expect_text: {selector: '#tap-result', text: tapped}\n"
)
TUNNEL = (
    "name: tunnel\ndevices: desktop-1080p\nnetworks: 3g\nstart: /todos.html\nsteps:\n"
    "  - name: in the tunnel\n    actions:\n      - network: offline\n"
    "      - goto: {url: /todos.html?page=2, timeout: 5s}\n"
)
BROKEN = (
    "name: broken\ndevices: desktop-1080p\nnetworks: no-throttle\nsteps:\n"
    "  - name: add a todo\n    actions:\n      - goto: /todos.html?broken=error,api\n"
    "      - fill: {label: New todo, value: milk}\n"
    "      - press: {label: New todo, key: Enter}\n"
    "      - click: {selector: .new-todos, timeout: 30s}\n"
)


@pytest.fixture(scope="module")
def journey_files(tmp_path_factory: pytest.TempPathFactory, pages_url: str) -> tuple[Path, Any]:
    """The tap, tunnel and broken journey files: one real session (``-v --cx-json r.json``)
    that three tests assert on, each on its own file's items."""
    files = {"tap.journey.yaml": TAP, "tunnel.journey.yaml": TUNNEL,
             "broken.journey.yaml": BROKEN}  # fmt: skip
    return shared_session(tmp_path_factory, "journey-files", files,
                          "--cx-base-url", pages_url, "-v", "--cx-json", "r.json")  # fmt: skip


def test_tap_needs_a_touch_device(journey_files: tuple[Path, Any]) -> None:
    result = journey_files[1]
    assert outcomes_of(result, "tap.journey.yaml") == {"passed": 1, "failed": 1}
    # The header no longer claims only a cx marker may choose other devices.
    result.stdout.fnmatch_lines(
        [
            "cxcheck: engine chromium, * (the default: a test's cx marker "
            "or a journey file's devices:/networks: may choose others)"
        ]
    )
    result.stdout.fnmatch_lines([
        "tap.journey.yaml::tap[[]iphone-13-no-throttle[]] PASSED*",
        "tap.journey.yaml:8: step 'tap it', tap: {role: button, name: Tap me}: tap needs a touch "
        "device, and desktop-1080p has no touch screen; use click*",
    ])  # fmt: skip


def test_going_offline_mid_journey_is_real(journey_files: tuple[Path, Any]) -> None:
    result = journey_files[1]
    assert outcomes_of(result, "tunnel.journey.yaml") == {"failed": 1}
    result.stdout.fnmatch_lines([
        "tunnel.journey.yaml:9: step 'in the tunnel', goto: /todos.html?page=2",
        "  expected: to open /todos.html?page=2",
        "  seen:     *net::ERR_INTERNET_DISCONNECTED* (the page is at http*/todos.html)",
    ])  # fmt: skip


def test_a_failure_reads_in_plain_words_and_stops_waiting_when_the_page_broke(
    journey_files: tuple[Path, Any], pytester: pytest.Pytester, run_pytest: Any
) -> None:
    folder, result = journey_files
    assert outcomes_of(result, "broken.journey.yaml") == {"failed": 1}
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "broken.journey.yaml:10: step 'add a todo', click: .new-todos",
        "  expected: one element .new-todos to click",
        "  seen:     .new-todos matched 0 elements after * s; cxcheck stopped waiting after * s of "
        "30 s because the page threw an uncaught error: *module todos-store failed to load",
        "page errors in step 1 ('add a todo'):",
        "  - *module todos-store failed to load",
        "failed requests in step 1 ('add a todo'):",
        "  - GET http://127.0.0.1:*/status?code=500 (HTTP 500)",
        "evidence: cx-artifacts*broken*desktop-1080p-no-throttle* (step-01-add-a-todo.jpg, "
        "steps.json)",
        "(the Python traceback: --tb=long)",
    ])  # fmt: skip
    assert "Traceback" not in out and "playwright/_impl" not in out and "Call log" not in out
    (item,) = [r for n, r in _results(folder).items() if n.startswith("broken.journey.yaml")]
    assert item["steps"][0]["duration_s"] < 20  # not the 30 s it was allowed
    # --tb=long is the way back to the Python traceback.
    pytester.path.joinpath("broken.journey.yaml").write_text(BROKEN)
    result = run_pytest("--tb=long")
    assert "playwright" in result.stdout.str() and "Call log" in result.stdout.str()


def test_secrets_are_masked_everywhere_cxcheck_writes(
    pytester: pytest.Pytester, run_pytest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CX_TEST_NICKNAME", "hunter2-secret")
    pytester.path.joinpath("login.journey.yaml").write_text(
        "name: login\ndevices: desktop-1080p\nnetworks: no-throttle\n"
        "secrets:\n  password: ${env.CX_TEST_NICKNAME}\nstart: /todos.html\nsteps:\n"
        "  - name: sign in\n    actions:\n"
        "      - fill: {selector: '#nickname', value: '${password}'}\n"
        "      - expect_value: {selector: '#nickname', value: ada, timeout: 1s}\n"
    )
    result = run_pytest("--cx-json", "r.json", "--cx-report", "report", "--junitxml", "j.xml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ['*seen:     "#nickname" was found after * s, but its value is ***']
    )
    written = [result.stdout.str(), (pytester.path / "r.json").read_text(),
               (pytester.path / "j.xml").read_text()]  # fmt: skip
    written += [p.read_text() for p in pytester.path.rglob("steps.json")]
    written += [p.read_text() for p in (pytester.path / "report").rglob("*.html")]
    assert all("hunter2-secret" not in text for text in written)
    assert "its value is ***" in written[1]


def test_examples_rows_make_one_item_per_row_and_cell(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.path.joinpath("add.journey.yaml").write_text(
        "name: add\ndevices: [iphone-13, desktop-1080p]\nnetworks: no-throttle\n"
        "tags: [smoke, todos]\nstart: /todos.html\n"
        "examples:\n  - {id: one, item: milk, left: 1 item left}\n"
        "  - {item: eggs and ham, left: 1 item left}\n"
        "steps:\n  - name: add ${item}\n    actions:\n"
        "      - fill: {label: New todo, value: '${item}'}\n"
        "      - press: {label: New todo, key: Enter}\n"
        "      - expect_text: {selector: {test_id: todo-count}, text: '${left}'}\n"
        "      - expect_count: {selector: {text: '${item}'}, count: 1}\n"
    )
    result = run_pytest("--collect-only", "-q", "--strict-markers", "-m", "todos", inprocess=True)
    result.stdout.fnmatch_lines([
        "add.journey.yaml::add[[]one-iphone-13-no-throttle[]]",
        "add.journey.yaml::add[[]one-desktop-1080p-no-throttle[]]",
        "add.journey.yaml::add[[]eggs-and-ham-1-item-left-iphone-13-no-throttle[]]",
        "add.journey.yaml::add[[]eggs-and-ham-1-item-left-desktop-1080p-no-throttle[]]",
    ])  # fmt: skip
    result = run_pytest("--cx-json", "r.json", "-m", "smoke")
    result.assert_outcomes(passed=4)
    steps = {r["nodeid"]: r["steps"][1]["name"] for r in _results(pytester.path).values()}
    assert sorted(set(steps.values())) == ["add eggs and ham", "add milk"]
    assert run_pytest("-m", "not smoke", inprocess=True).ret == pytest.ExitCode.NO_TESTS_COLLECTED


# --- loading: forms and error paths, no browser ---


def _load(tmp_path: Path, text: str, name: str = "j.journey.yaml") -> Any:
    path = tmp_path / name
    path.write_text(text)
    return load(path)


HEAD = "name: j\nsteps:\n  - name: s\n    actions:\n"


@pytest.mark.parametrize(
    ("action", "kind", "args"),
    [
        ("- click: {role: button, name: Add}", "click", "{role: button, name: Add}"),
        ("- click: {role: button, name: Add, exact: true, timeout: 2s}", "click",
         "{role: button, name: Add, exact: true}"),
        ("- fill: {label: Email, value: ada}", "fill", "{label: Email}"),
        ("- press: {selector: {placeholder: Search}, key: Enter}", "press",
         "{placeholder: Search}"),
        ("- expect_text: {selector: {test_id: count}, text: '2', exact: true}", "expect_text",
         "{test_id: count}"),
        ("- drag: {from: {text: Card}, to: '#done'}", "drag", "{text: Card}"),
        ("- hover: {alt: Logo}", "hover", "{alt: Logo}"),
        ("- expect_visible: {title: Close}", "expect_visible", "{title: Close}"),
    ],
)  # fmt: skip
def test_accessible_locators_are_read_as_written(
    tmp_path: Path, action: str, kind: str, args: str
) -> None:
    spec = _load(tmp_path, HEAD + f"      {action}\n")
    (parsed,) = spec.steps[0].actions
    assert parsed.kind == kind
    assert str(parsed.locator("from" if kind == "drag" else "selector")) == args


BAD = [
    ("- click: {role: buton, name: Add}", "3: 'buton' is not an ARIA role. Did you mean `button`?"),
    ("- click: {label: Email, name: x}", "`name` goes with `role` only"),
    ("- click: {label: Email, text: x}", "needs exactly one of role, label, placeholder, test_id, "
     "text, alt, title (found label and text)"),
    ("- click: {selector: '#a', role: button}", "click has both `selector` and role"),
    ("- fill: {lable: Email, value: x}", "unknown key 'lable' in fill. Did you mean `label`?"),
    ("- expect_count: {selector: li, count: two}", "expect_count count: 'two' is not a number"),
    ("- wait_for: {selector: li, state: gone}", "'gone' is not a state; use one of visible, "
     "hidden, attached, detached"),
    ("- expect_text: {selector: li, text: x, exact: maybe}", "'maybe' is not true or false"),
    ("- upload: {selector: '#f', files: [nope.png]}", "upload: 'nope.png' is not a file (paths "
     "are relative to j.journey.yaml's folder"),
    ("- dblclik: li", "unknown action 'dblclik'. Did you mean `dblclick`?"),
    ("- rotat", "unknown action 'rotat'. Did you mean `rotate`?"),
    ("- network", "network needs profile; expected form: network: offline"),
    ("- fill: {selector: '#q', value: '${nmae}'}", "uses ${nmae}, which is not defined. Did you "
     "mean `${name}`?"),
    ("- fill: {selector: '#q', value: '${env.CX_SURELY_UNSET}'}", "the environment variable "
     "CX_SURELY_UNSET is not set"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "message"), BAD, ids=[b[0] for b in BAD])
def test_mistakes_in_actions_say_where_and_how_to_fix(
    tmp_path: Path, action: str, message: str
) -> None:
    text = "name: j\nvars: {name: ada}\nsteps:\n  - name: s\n    actions:\n" + f"      {action}\n"
    with pytest.raises(JourneyFileError) as info:
        _load(tmp_path, text)
    assert str(info.value).startswith(f"{tmp_path / 'j.journey.yaml'}:"), info.value
    assert message.removeprefix("3: ") in str(info.value)


def test_includes_nest_and_a_cycle_is_named(tmp_path: Path) -> None:
    _write_every_action(tmp_path)
    spec = load(tmp_path / "todos.journey.yaml")
    included = [(s.name, s.path.name if s.path else None) for s in spec.steps[1:3]]
    assert included == [("add the first", "add-items.steps.yaml"),
                        ("add the second", "second.steps.yaml")]  # fmt: skip
    assert spec.steps[1].actions[0].args["value"] == "buy milk"  # vars reach included files
    (tmp_path / "more/second.steps.yaml").write_text("- include: ../add-items.steps.yaml\n")
    with pytest.raises(JourneyFileError) as info:
        load(tmp_path / "todos.journey.yaml")
    assert str(info.value) == (
        f"{tmp_path / 'more/second.steps.yaml'}:1: include makes a cycle: todos.journey.yaml → "
        "add-items.steps.yaml → second.steps.yaml → add-items.steps.yaml; a file cannot include "
        "itself, directly or through another"
    )
    (tmp_path / "more/second.steps.yaml").write_text("- name: x\n  actions:\n    - clik: a\n")
    with pytest.raises(JourneyFileError, match=r"second.steps.yaml:3: unknown action 'clik'"):
        load(tmp_path / "todos.journey.yaml")
    (tmp_path / "more/second.steps.yaml").write_text("- include: gone.steps.yaml\n")
    with pytest.raises(JourneyFileError, match=r"second.steps.yaml:1: include: 'gone.steps.yaml' "
                       r"is not a file"):  # fmt: skip
        load(tmp_path / "todos.journey.yaml")


def test_vars_env_examples_and_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CX_SHOP_USER", "ada")
    specs = load_all(_write(tmp_path, (
        "name: j\nvars:\n  user: ${env.CX_SHOP_USER}\n  greeting: hello ${user}, $${literal}\n"
        "start: {url: '/login?u=${user}', budget: 3s, timeout: 10s}\n"
        "examples:\n  - {id: a, size: M}\n  - {size: L}\n"
        "steps:\n  - name: pick ${size}\n    actions:\n      - fill: {selector: '#g', value: "
        "'${greeting}'}\n"
    )))  # fmt: skip
    assert [(s.example, s.steps[1].name) for s in specs] == [("a", "pick M"), ("L", "pick L")]
    start = specs[0].steps[0]
    assert (start.name, start.budget, start.actions[0].args, start.actions[0].timeout) == (
        "start", "3s", {"url": "/login?u=ada"}, 10.0)  # fmt: skip
    assert specs[0].steps[1].actions[0].args["value"] == "hello ada, ${literal}"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "j.journey.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tags: [smoke test]", "tag 'smoke test' is not a marker name"),
        ("tags: skip", "tag 'skip' is one of pytest's own markers"),
        ("vars: {1st: x}", "'1st' is not a name for vars"),
        ("vars: {env: x}", "`env` is taken"),
        ("examples: {a: 1}", "examples must be a list of rows"),
        ("start: {budget: 2s}", "start needs `url`"),
    ],
)
def test_mistakes_in_the_file_settings(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(JourneyFileError, match=rf"j.journey.yaml:1: .*{_re(message)}"):
        load(_write(tmp_path, text + "\n" + "name: j\nsteps:\n  - name: s\n    actions:\n"
                    "      - reload\n"))  # fmt: skip


def _re(text: str) -> str:
    import re

    return re.escape(text)


def test_an_unknown_network_mid_journey_is_caught_before_running(tmp_path: Path) -> None:
    from cxcheck.journeyfiles.validate import check_paths

    _write(tmp_path, HEAD + "      - network: 3gg\n")
    count, problems = check_paths([tmp_path])
    assert count == 1
    assert problems == [
        f"{tmp_path / 'j.journey.yaml'}:5: network: '3gg' is not a network profile. Did you "
        "mean `3g`? Use default (the cell's own), offline, or one of: " + problems[0].split(
            "one of: ")[1]
    ]  # fmt: skip


# --- one table: the loader, the schema and the action reference agree ---


def test_the_schema_and_the_action_reference_are_made_from_the_action_table() -> None:
    from cxcheck.journeyfiles.reference import (
        DOCS_FILE,
        SCHEMA_FILE,
        action_reference,
        rendered_schema,
    )

    fix = "run `python -m cxcheck.reference --write` and commit the result"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == rendered_schema(), fix
    assert DOCS_FILE.read_text(encoding="utf-8") == action_reference(), fix


def test_every_documented_example_loads_and_matches_the_schema(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    from cxcheck.journeyfiles.actions import TABLE
    from cxcheck.journeyfiles.reference import journey_schema

    (tmp_path / "receipt.png").write_bytes(b"")
    schema = journey_schema()
    # jsonschema.validate(), with the schema checked once rather than once per example.
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    check = validator(schema)
    for d in TABLE:
        line = d.example.removeprefix("- ")
        text = f"{HEAD}      - {line}\n"
        spec = _load(tmp_path, text)
        assert spec.steps[0].actions[0].kind == d.kind
        check.validate(yaml.safe_load(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("    actions:\n      - click: a\n     - click: b\n",
         "j.journey.yaml:6: not valid YAML: line 6 is indented by 5 spaces, like no line above it "
         "(line 5 is indented by 6 (its text after `- ` by 8)); YAML reads the structure from the "
         "indentation: line it up with the line it belongs with"),
        ("    actions:\n      - click: a\n        - click: b\n",
         "j.journey.yaml:6: not valid YAML: line 6 is indented further than line 5 (8 spaces, "
         "not 6), as if it belonged inside it, but line 5 already has its value; give both the "
         "same indentation"),
        ("   actions:\n      - click: a\n",
         "j.journey.yaml:4: not valid YAML: line 4 is indented by 3 spaces, like no line above it "
         "(line 3 is indented by 2 (its text after `- ` by 4))"),
    ],
)  # fmt: skip
def test_indentation_mistakes_are_said_in_plain_words(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(JourneyFileError) as info:
        _load(tmp_path, "name: x\nsteps:\n  - name: a\n" + text)
    assert str(info.value).removeprefix(f"{tmp_path}/").startswith(message), info.value


def test_an_include_must_be_a_steps_file_not_a_journey(tmp_path: Path) -> None:
    (tmp_path / "other.journey.yaml").write_text("name: o\nsteps:\n  - include: j.journey.yaml\n")
    with pytest.raises(JourneyFileError) as info:
        _load(tmp_path, "name: j\nsteps:\n  - include: other.journey.yaml\n")
    assert str(info.value) == (
        f"{tmp_path / 'j.journey.yaml'}:3: include: 'other.journey.yaml' is a journey (it would "
        "also run on its own); name a file of steps like add-items.steps.yaml"
    )
    (tmp_path / "whole.steps.yaml").write_text("name: not a list\nsteps: []\n")
    with pytest.raises(JourneyFileError, match=r"whole.steps.yaml:1: an included file holds a "
                       r"list of steps"):  # fmt: skip
        _load(tmp_path, "name: j\nsteps:\n  - include: whole.steps.yaml\n")


def test_a_row_that_misses_a_value_says_which_variable(tmp_path: Path) -> None:
    with pytest.raises(JourneyFileError) as info:
        _load(tmp_path, "name: j\nexamples:\n  - {id: a, item: milk}\n  - {id: b, itme: eggs}\n"
              "steps:\n  - name: add ${item}\n    actions:\n      - reload\n")  # fmt: skip
    assert str(info.value).startswith(
        f"{tmp_path / 'j.journey.yaml'}:6: a step's name uses ${{item}}, which is not defined."
    )


def test_cxcheck_check_notes_unset_environment_variables_without_failing(tmp_path: Path) -> None:
    from cxcheck.journeyfiles.validate import check_paths

    text = "name: j\nsecrets: {password: '${env.CX_SURELY_UNSET}'}\nsteps:\n  - name: s\n"
    _write(tmp_path, text + "    actions:\n      - fill: {label: Password, value: '${password}'}\n")
    notes: list[str] = []
    assert check_paths([tmp_path], notes=notes) == (1, [])
    assert notes == [f"{tmp_path / 'j.journey.yaml'}: reads CX_SURELY_UNSET from the environment, "
                     "not set here; set it where pytest runs the journeys"]  # fmt: skip
    with pytest.raises(JourneyFileError, match="CX_SURELY_UNSET is not set"):
        load(tmp_path / "j.journey.yaml")  # pytest itself needs it


def test_a_load_block_is_read_and_its_mistakes_are_named(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text("")
    head = "name: j\nsteps:\n  - name: s\n    actions:\n      - reload\n"
    spec = _load(tmp_path, head + "load:\n  scenario: shop.py\n  users: 5\n  run_time: 4s\n"
                 "  thresholds: {p95: 500ms, failure_ratio: 1%, min_rps: 20}\n")  # fmt: skip
    assert spec.load is not None
    assert (spec.load.scenario, spec.load.users, spec.load.run_time, spec.load.max_slowdown) == (
        (tmp_path / "shop.py").resolve(), 5, 4.0, 2.0)  # fmt: skip
    assert spec.load.thresholds == {"p95": "500ms", "failure_ratio": "1%", "min_rps": "20"}
    for text, message in [
        ("load: {users: 5}", "6: load needs `scenario` (a locustfile)"),
        ("load: {scenario: nope.py}", "6: load scenario 'nope.py' is not a file"),
        ("load: {scenario: shop.py, users: 0}", "6: load users: '0' is not a number ≥ 1"),
        ("load: {scenario: shop.py, thresholds: {p95: soon}}",
         "6: load thresholds p95: 'soon' is not a duration like 500ms"),
        ("load: {scenario: shop.py, thresholds: {p96: 1s}}",
         "6: unknown key 'p96' in load thresholds. Did you mean `p99`?"),
    ]:  # fmt: skip
        with pytest.raises(JourneyFileError) as info:
            _load(tmp_path, head + text + "\n")
        assert message in str(info.value), info.value
