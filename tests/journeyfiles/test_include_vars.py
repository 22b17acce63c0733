"""Include files that declare their own ``vars:`` and ``secrets:`` (defaults the journey may
override), and ``examples:`` columns (``id`` too) as variables in every text: loaded without a
browser, and once for real in Chromium to see a steps file's secret masked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cxcheck.journeyfiles.loader import JourneyFileError, load, load_all
from cxcheck.journeyfiles.reference import journey_schema
from cxcheck.model import masking

SIGN_IN = """\
vars:
  email: ada@example.com
  greeting: hello ${email}
secrets:
  password: ${env.CX_INCLUDE_PASSWORD_UNSET}
steps:
  - name: sign in as ${email}
    actions:
      - fill: {label: "Email:", value: "${greeting}"}
      - fill: {label: "Password:", value: "${password}"}
  - include: more/inner.steps.yaml
"""
INNER = """\
vars:
  email: inner@example.com
  shown: ${email}/${greeting}
steps:
  - name: inner ${shown}
    actions:
      - reload
"""


def _files(root: Path, journey: str, sign_in: str = SIGN_IN) -> Path:
    (root / "more").mkdir(exist_ok=True)
    (root / "sign-in.steps.yaml").write_text(sign_in)
    (root / "more/inner.steps.yaml").write_text(INNER)
    path = root / "j.journey.yaml"
    path.write_text(journey)
    return path


def _values(spec: Any) -> list[tuple[str, list[Any]]]:
    return [(s.name, [a.args.get("value") for a in s.actions]) for s in spec.steps]


def test_a_steps_file_declares_defaults_the_journey_overrides(tmp_path: Path) -> None:
    path = _files(tmp_path, "name: j\nsecrets: {password: pw-from-journey}\nsteps:\n"
                  "  - include: sign-in.steps.yaml\n")  # fmt: skip
    # The default ${env.…} of an overridden secret is not read: it need not be set.
    assert _values(load(path)) == [
        ("sign in as ada@example.com", ["hello ada@example.com", "pw-from-journey"]),
        # an including steps file overrides the included one's default, as a journey does
        ("inner ada@example.com/hello ada@example.com", [None]),
    ]
    path.write_text("name: j\nvars: {email: grace@example.com}\nsecrets: {password: pw}\n"
                    "steps:\n  - include: sign-in.steps.yaml\n")  # fmt: skip
    assert _values(load(path))[0] == ("sign in as grace@example.com",
                                      ["hello grace@example.com", "pw"])  # fmt: skip


def test_a_steps_file_secret_is_masked_whichever_value_it_gets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CX_INCLUDE_PASSWORD_UNSET", "s3cret-from-env-41")
    path = _files(tmp_path, "name: j\nsteps:\n  - include: sign-in.steps.yaml\n")
    assert _values(load(path))[0][1] == ["hello ada@example.com", "s3cret-from-env-41"]
    assert masking.mask("typed s3cret-from-env-41") == "typed ***"
    path.write_text("name: j\nvars: {password: overridden-pw-41}\nsteps:\n"
                    "  - include: sign-in.steps.yaml\n")  # fmt: skip
    load(path)
    assert masking.mask("overridden-pw-41") == "***"  # the steps file says it is a secret


def test_a_steps_file_names_stay_in_that_file(tmp_path: Path) -> None:
    path = _files(tmp_path, "name: j\nsecrets: {password: pw}\nsteps:\n"
                  "  - include: sign-in.steps.yaml\n  - name: after ${greeting}\n"
                  "    actions:\n      - reload\n")  # fmt: skip
    with pytest.raises(JourneyFileError) as info:
        load(path)
    assert str(info.value).startswith(
        f"{path}:5: a step's name uses ${{greeting}}, which is not defined."
    )


def test_examples_columns_and_id_fill_every_text(tmp_path: Path) -> None:
    path = _files(tmp_path, (
        "name: sign in ${id}\nstart: /account/login?row=${id}&who=${who}\n"
        "secrets: {password: pw}\n"
        "examples:\n  - {id: ada, who: ada@example.com}\n"
        "  - {who: bob@example.com, id: 'b-${who}'}\n"
        "steps:\n  - include: sign-in.steps.yaml\n"
    ), sign_in=SIGN_IN.replace("sign in as ${email}", "sign in ${id} as ${who}"))  # fmt: skip
    specs = load_all(path)
    assert [(s.example, s.name, s.start, s.steps[1].name) for s in specs] == [
        ("ada", "sign in ada", "/account/login?row=ada&who=ada@example.com",
         "sign in ada as ada@example.com"),
        ("b-bob-example.com", "sign in b-bob@example.com",
         "/account/login?row=b-bob@example.com&who=bob@example.com",
         "sign in b-bob@example.com as bob@example.com"),
    ]  # fmt: skip


def test_an_examples_column_overrides_a_steps_file_default(tmp_path: Path) -> None:
    path = _files(tmp_path, "name: j\nsecrets: {password: pw}\nexamples:\n"
                  "  - {id: a, email: a@example.com}\n  - {id: b}\nsteps:\n"
                  "  - include: sign-in.steps.yaml\n")  # fmt: skip
    assert [s.steps[0].name for s in load_all(path)] == [
        "sign in as a@example.com", "sign in as ada@example.com"]  # fmt: skip


@pytest.mark.parametrize(
    ("steps_file", "message"),
    [
        ("vars: [email]\nsteps:\n  - include: x\n",
         "s.steps.yaml:1: vars must be a mapping of names to texts, like vars: {user: ada, "),
        ("name: whole journey\nsteps: []\n",
         "s.steps.yaml:1: an included file holds a list of steps (- name: …), or a mapping "
         "{vars: {…}, secrets: {…}, steps: [- name: …]}; 'name' is not one of vars, secrets, "
         "steps (a whole journey cannot be included)."),
        ("vars: {a: 1}\nstep:\n  - name: s\n",
         "s.steps.yaml:2: an included file holds a list of steps (- name: …), or a mapping "
         "{vars: {…}, secrets: {…}, steps: [- name: …]}; 'step' is not one of vars, secrets, "
         "steps (a whole journey cannot be included). Did you mean `steps`?"),
        ("vars: {a: x}\n", "s.steps.yaml:1: an included file with vars or secrets needs `steps`"),
        ("vars: {a: x}\nsecrets: {a: y}\nsteps:\n  - name: s\n    actions: [reload]\n",
         "s.steps.yaml:2: 'a' is defined twice (in vars or secrets); keep one"),
        ("just text\n", "s.steps.yaml:1: an included file holds a list of steps (- name: …), "
         "or a mapping {vars: {…}, secrets: {…}, steps: [- name: …]}, not a text"),
        ("vars: {a: '${nope}'}\nsteps:\n  - name: s\n    actions: [reload]\n",
         "s.steps.yaml:1: vars a uses ${nope}, which is not defined."),
    ],
)  # fmt: skip
def test_mistakes_in_a_steps_file_say_file_line_and_form(
    tmp_path: Path, steps_file: str, message: str
) -> None:
    (tmp_path / "s.steps.yaml").write_text(steps_file)
    path = tmp_path / "j.journey.yaml"
    path.write_text("name: j\nsteps:\n  - include: s.steps.yaml\n")
    with pytest.raises(JourneyFileError) as info:
        load(path)
    assert str(info.value).startswith(f"{tmp_path / message}"), info.value


def test_the_schema_describes_both_forms_of_a_steps_file() -> None:
    schema = journey_schema()
    steps_file = {**schema, "$ref": "#/$defs/steps_file"}
    for key in ("title", "description", "type", "additionalProperties", "required", "properties"):
        steps_file.pop(key)
    check = jsonschema.validators.validator_for(schema)(steps_file)
    check.validate(yaml.safe_load(SIGN_IN))
    check.validate(yaml.safe_load(SIGN_IN.split("steps:\n", 1)[1]))  # the plain list
    assert not check.is_valid(yaml.safe_load("name: j\nsteps:\n  - include: x\n"))
    assert not check.is_valid(yaml.safe_load("vars: {a: b}\n"))
    assert "vars, secrets, steps" in schema["$defs"]["include"]["properties"]["include"][
        "description"].replace("{", "").replace("}", "")  # fmt: skip


def test_a_steps_file_secret_is_masked_in_a_real_run(
    pytester: pytest.Pytester, run_pytest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CX_TEST_STEPS_SECRET", "steps-file-secret-77")
    pytester.path.joinpath("type-it.steps.yaml").write_text(
        "vars:\n  expected: ada\nsecrets:\n  nickname: ${env.CX_TEST_STEPS_SECRET}\nsteps:\n"
        "  - name: type ${id}\n    actions:\n"
        "      - fill: {selector: '#nickname', value: '${nickname}'}\n"
        "      - expect_value: {selector: '#nickname', value: '${expected}', timeout: 1s}\n"
    )
    pytester.path.joinpath("nick.journey.yaml").write_text(
        "name: nick ${id}\ndevices: desktop-1080p\nnetworks: no-throttle\nstart: /todos.html\n"
        "examples:\n  - {id: first}\nsteps:\n  - include: type-it.steps.yaml\n"
    )
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*type-it.steps.yaml:9: step 'type first'*",
            '*"#nickname" was found after * s, but its value is ***',
        ]
    )
    written = [result.stdout.str(), (pytester.path / "r.json").read_text()]
    written += [p.read_text() for p in pytester.path.rglob("steps.json")]
    assert all("steps-file-secret-77" not in text for text in written)
    (item,) = json.loads(written[1])["results"]
    assert item["nodeid"].endswith("nick.journey.yaml::nick-first[first-desktop-1080p-no-throttle]")
