"""`cxcheck record`: converting Playwright recorder transcripts (JSONL) into journey YAML.

The transcripts in tests/data/recordings are real recordings: Playwright 1.65's recorder on a
headless Chromium, driven with real mouse and keyboard input (its toolbar clicked for the
checks). storefront-checkout and contact-form were recorded through `cxcheck.cli.record.record`
itself (so they carry the navigation signals its page watcher adds); storefront-codegen and
wish-list are the recorder's output as `playwright codegen --target jsonl` writes it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcheck.cli import record as recorder
from cxcheck.cli.main import main
from cxcheck.journeyfiles import recording
from cxcheck.journeyfiles.codegen import convert
from cxcheck.journeyfiles.recording import (
    NavigationWatcher,
    add_navigation_signals,
    mark_password_fills,
    require_display,
    watch_password_fields,
)
from cxcheck.journeyfiles.transcript import (
    RecorderError,
    first_url,
    label_text,
    read_transcript,
)
from cxcheck.journeyfiles.typedsecrets import is_secret, secret_name
from cxcheck.model.errors import CxError

RECORDINGS = Path(__file__).parents[1] / "data" / "recordings"
TRANSCRIPTS = sorted(p.stem for p in RECORDINGS.glob("*.jsonl"))
HEADER = re.compile(
    r"^# Recorded with `cxcheck record` on \d{4}-\d{2}-\d{2}; review the locators before "
    r"committing\.$"
)


def lines_of(stem: str) -> list[str]:
    return (RECORDINGS / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()


def origin_of(stem: str) -> str:
    """The origin the transcript was recorded on (its server's port was a free one)."""
    url = first_url(read_transcript(lines_of(stem)))
    assert url
    match = re.match(r"^https?://[^/]+", url)
    assert match
    return match.group(0)


def converted(stem: str, name: str = "journey") -> str:
    return convert(lines_of(stem), name=name, base_url=origin_of(stem))


def actions(text: str) -> list[str]:
    """The action lines and review comments of converted YAML, stripped."""
    return [line.strip() for line in text.splitlines() if line.startswith(("      - ", "      # "))]


def test_the_transcripts_are_the_recorders_jsonl() -> None:
    for stem in TRANSCRIPTS:
        lines = lines_of(stem)
        options = json.loads(lines[0])
        assert options["browserName"] == "chromium"  # the recorder's options line
        entries = read_transcript(lines)
        assert entries[0]["name"] == "openPage"
        assert all("pageGuid" in e and isinstance(e["signals"], list) for e in entries)


def test_storefront_checkout_has_accessible_locators_and_a_step_per_page() -> None:
    text = converted("storefront-checkout", name="storefront checkout")
    lines = text.splitlines()
    assert HEADER.match(lines[0])
    assert lines[1:4] == ["name: storefront checkout", "start: /", "steps:"]
    assert actions(text)[:3] == [
        "- click: {role: button, name: Accept}",
        "- fill: {role: searchbox, name: Search products, value: jacket}",
        "- press: {selector: {role: searchbox, name: Search products}, key: Enter}",
    ]
    for expected in (
        '- expect_text: {selector: "#result-count", text: 1 product}',
        "- click: {role: link, name: Alpine Shell Jacket}",
        "- select: {label: Size, value: M}",
        "- click: {role: button, name: Add to basket}",
        "- expect_visible: {role: heading, name: Your basket}",
        "- fill: {role: textbox, name: Email, value: ada@example.com}",
        '- fill: {role: textbox, name: Address, value: "12 Analytical Row, London"}',
        "- click: {role: button, name: Place order}",
        "- expect_visible: {role: heading, name: Thank you for your order}",
    ):
        assert expected in actions(text)
    # The recorder's click into each field before typing is left out: fill focuses it.
    assert not [a for a in actions(text) if a.startswith("- click: {role: textbox")]

    journey = yaml.safe_load(text)
    names = [step["name"] for step in journey["steps"]]
    assert names[:5] == [
        "open /",
        "on /search?q=jacket",
        "on /product/alpine-shell-jacket",
        "on /basket",
        "on /checkout",
    ]
    assert names[5].startswith("on /confirmation/")
    checkout = journey["steps"][4]["actions"]
    assert checkout[2] == {
        "fill": {"role": "textbox", "name": "Address", "value": "12 Analytical Row, London"}
    }
    assert checkout[4]["fill"]["value"] == "4242 4242 4242 4242"
    assert journey["steps"][0]["actions"][2] == {
        "press": {"selector": {"role": "searchbox", "name": "Search products"}, "key": "Enter"}
    }


def test_a_codegen_transcript_without_navigation_signals_is_one_step() -> None:
    # Playwright 1.65's recorder writes a click that loads a page as a plain click, so only
    # `cxcheck record` (which watches the page) can say where pages change.
    text = converted("storefront-codegen")
    journey = yaml.safe_load(text)
    assert [step["name"] for step in journey["steps"]] == ["open /"]
    assert journey["start"] == "/"
    assert '- expect_visible: {text: "Unit price: £"}' in actions(text)
    assert "- expect_visible: {text: CX-}" in actions(text)
    assert "- expect_text: {selector: {role: heading}, text: Thank you for your order}" in actions(
        text
    )
    assert {"expect_visible": {"text": "Unit price: £"}} in journey["steps"][0]["actions"]


def test_contact_form_fill_check_select_upload_and_checks() -> None:
    text = converted("contact-form", name="contact form")
    assert actions(text) == [
        "- fill: {role: textbox, name: Search help, value: refund}",
        "- press: {selector: {role: textbox, name: Search help}, key: Enter}",
        "- expect_text: {selector: {test_id: result-count}, text: 1 article}",
        "- click: {role: link, name: Contact us}",
        "- fill: {role: textbox, name: Email, value: ada@example.com}",
        "- select: {label: Topic, value: returns}",
        "- check: {role: checkbox, name: I accept the terms}",
        "- uncheck: {role: checkbox, name: Send me news}",
        "# review: the browser tells the recorder only file names; put photo.png next to the "
        "journey file (upload paths are relative to it)",
        "- upload: {role: button, name: Choose File, files: [photo.png]}",
        "- expect_value: {role: textbox, name: Email, value: ada@example.com}",
        "- expect_checked: {role: checkbox, name: I accept the terms}",
        "# review: the recorder checked that {role: checkbox, name: Send me news} is not ticked; "
        "the journey language has no action for that, add one by hand",
        "- expect_text: {selector: {test_id: status}, text: within 2 days}",
        "- click: {role: button, name: Send message}",
        "- expect_visible: {role: heading, name: Thank you}",
    ]
    journey = yaml.safe_load(text)
    assert journey["start"] == "/form.html"
    # A submitted form's long query string is left out of the step's name.
    assert [s["name"] for s in journey["steps"]] == [
        "open /form.html",
        "on /search.html?q=refund",
        "on /form.html",
        "on /thanks.html",
    ]
    assert journey["steps"][2]["actions"][4] == {
        "upload": {"role": "button", "name": "Choose File", "files": ["photo.png"]}
    }


def test_chained_frame_popup_and_special_clicks_fall_back_with_review_notes() -> None:
    text = converted("wish-list")
    got = actions(text)
    assert got[0].startswith('# review: the recorder\'s locator getByRole("listitem").filter(')
    assert got[1] == (
        '- click: internal:role=listitem >> internal:has-text="Trail Runner Shoes Add"i >> '
        "internal:role=button"
    )
    assert "- click: {text: ↺}" in got
    assert "- click: div" in got  # the recorder's own CSS choice: nothing better was there
    assert "- dblclick: {text: Double-click to edit}" in got
    shift = got.index("- click: {role: button, name: Add, exact: true}")
    assert got[shift - 1].startswith("# review: recorded with Shift held")
    frame = [a for a in got if "internal:control=enter-frame" in a]
    assert len(frame) == 2
    assert any('contentFrame().getByRole("textbox", { name: "Your email" })' in a for a in got)
    popup = got.index("- click: {role: link, name: Open the help centre}")
    assert got[popup + 1] == (
        "# review: this opened a popup; its 1 recorded action(s) were left out (a journey "
        "follows one page)"
    )
    assert "Back to the form" not in text  # the popup's own click
    journey = yaml.safe_load(text)
    fill = journey["steps"][0]["actions"][5]["fill"]
    assert fill["selector"] == (
        'iframe[title="Newsletter"] >> internal:control=enter-frame >> '
        'internal:role=textbox[name="Your email"i]'
    )


@pytest.mark.parametrize("stem", TRANSCRIPTS)
def test_every_transcript_round_trips_through_safe_load(stem: str) -> None:
    text = converted(stem, name="a: tricky #name")
    journey = yaml.safe_load(text)
    assert journey["name"] == "a: tricky #name"
    assert journey["steps"] and all(step["actions"] for step in journey["steps"])
    for step in journey["steps"]:
        for action in step["actions"]:
            assert isinstance(action, dict) and len(action) == 1


def test_base_url_none_keeps_whole_addresses_and_other_origins_stay_whole() -> None:
    origin = origin_of("contact-form")
    whole = yaml.safe_load(convert(lines_of("contact-form"), name="j"))
    assert whole["start"] == f"{origin}/form.html"
    other = yaml.safe_load(convert(lines_of("contact-form"), name="j", base_url="http://x.test"))
    assert other["start"] == f"{origin}/form.html"
    assert other["steps"][1]["name"] == f"on {origin}/search.html?q=refund"


def entry(name: str, **fields: Any) -> str:
    return json.dumps({"name": name, "signals": [], "pageGuid": "page@1", **fields})


START = [
    '{"browserName":"chromium"}',
    entry("openPage", url="about:blank"),
    entry("navigate", url="http://shop.test/"),
]


@pytest.mark.parametrize(
    ("locator", "selector", "expected"),
    [
        ({"kind": "label", "body": "Email", "options": {"exact": False}}, "x", "{label: Email}"),
        (
            {"kind": "placeholder", "body": "Search", "options": {"exact": True}},
            "x",
            "{placeholder: Search, exact: true}",
        ),
        ({"kind": "test-id", "body": "basket", "options": {}}, "x", "{test_id: basket}"),
        ({"kind": "alt", "body": "Logo", "options": {"exact": False}}, "x", "{alt: Logo}"),
        ({"kind": "title", "body": "Close", "options": {"exact": False}}, "x", "{title: Close}"),
        # A regular expression serialises as {}: the recorder's selector says it instead.
        (
            {"kind": "text", "body": {}, "options": {"exact": False}},
            "internal:text=/Total: \\d+/",
            '"internal:text=/Total: \\\\d+/"',
        ),
        # Role attributes (checked, level…) have no mapping form.
        (
            {
                "kind": "role",
                "body": "heading",
                "options": {"attrs": [{"name": "level", "value": 2}]},
            },
            "internal:role=heading[level=2]",
            '"internal:role=heading[level=2]"',
        ),
        # A test id recorded with another attribute: the equivalent CSS.
        (
            {"kind": "test-id", "body": "go", "options": {}},
            'internal:testid=[data-test="go"s]',
            '"[data-test=\\"go\\"]"',
        ),
    ],
)
def test_locator_kinds(locator: dict[str, Any], selector: str, expected: str) -> None:
    line = entry("click", selector=selector, locator=locator, button="left", clickCount=1)
    got = actions(convert([*START, line], name="j"))
    assert got[-1] == f"- click: {expected}"


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ('internal:role=button[name="Add to basket"i]', "{role: button, name: Add to basket}"),
        ('internal:role=button[name="Add"s]', "{role: button, name: Add, exact: true}"),
        ('internal:label="Email"i', "{label: Email}"),
        ('internal:attr=[placeholder="Search"i]', "{placeholder: Search}"),
        ('internal:testid=[data-testid="basket"s]', "{test_id: basket}"),
        ('internal:text="Continue"i', "{text: Continue}"),
        ('internal:attr=[alt="Logo"i]', "{alt: Logo}"),
        ('internal:attr=[title="Close"i]', "{title: Close}"),
        ("#email", '"#email"'),
        ("#form >> nth=1", '"#form >> nth=1"'),
    ],
)
def test_transcripts_without_locator_objects_use_the_selector(selector: str, expected: str) -> None:
    line = entry("check", selector=selector)
    got = actions(convert([*START, line], name="j"))
    assert got[-1] == f"- check: {expected}"
    if ">>" in selector:
        assert got[-2].startswith("# review:")


def test_keys_with_modifiers_and_a_goto_starts_a_step() -> None:
    lines = [
        *START,
        entry("press", selector='internal:label="Notes"i', key="a", modifiers=2),
        entry("navigate", url="http://shop.test/basket?x=1"),
        entry("navigate", url="http://shop.test/basket?x=1"),  # the same load twice
        entry("click", selector="#go", button="right", clickCount=1, modifiers=0),
    ]
    text = convert(lines, name="j", base_url="http://shop.test")
    journey = yaml.safe_load(text)
    assert journey["steps"][0]["actions"] == [
        {"press": {"selector": {"label": "Notes"}, "key": "ControlOrMeta+a"}}
    ]
    assert journey["steps"][1]["name"] == "open /basket?x=1"
    assert journey["steps"][1]["actions"][0] == {"goto": "/basket?x=1"}
    assert len(journey["steps"]) == 2
    assert "# review: recorded a right click;" in text


awkward_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(deadline=None)  # each example parses YAML a few times; a slow CI machine is no failure
@given(value=awkward_text, label=awkward_text.filter(bool))
def test_any_text_reads_back_exactly(value: str, label: str) -> None:
    locator = {"kind": "label", "body": label, "options": {"exact": False}}
    lines = [*START, entry("fill", selector="x", locator=locator, text=value)]
    journey = yaml.safe_load(convert(lines, name=value or "j"))
    assert journey["name"] == (value or "j")
    if value and is_secret({}, {"label": label}):  # a password field's value is a secret
        value = "${" + secret_name({"label": label_text(label)}) + "}"
    expected = {"label": label_text(label), "value": value}
    assert journey["steps"][0]["actions"] == [{"fill": expected}]


def test_a_broken_line_names_its_number() -> None:
    with pytest.raises(CxError, match="line 2 of the transcript is not JSON"):
        convert(['{"browserName": "chromium"}', "{not json"], name="j")


def test_a_transcript_without_actions_is_an_error() -> None:
    with pytest.raises(CxError, match="no actions to make a journey of"):
        convert(START, name="j")


def test_add_navigation_signals_marks_actions_only() -> None:
    lines = lines_of("storefront-codegen")
    press = next(i for i, line in enumerate(lines) if '"name":"press"' in line)
    navigate = next(i for i, line in enumerate(lines) if '"name":"navigate"' in line)
    out = add_navigation_signals(lines, {press: "http://x.test/search", navigate: "http://x/"})
    assert json.loads(out[press])["signals"] == [
        {"name": "navigation", "url": "http://x.test/search"}
    ]
    assert out[navigate] == lines[navigate]
    assert [line for i, line in enumerate(out) if i != press] == [
        line for i, line in enumerate(lines) if i != press
    ]


class FakePage:
    def __init__(self) -> None:
        self.url = "http://shop.test/"
        self.handlers: list[Any] = []

    def on(self, event: str, handler: Any) -> None:
        assert event == "framenavigated"
        self.handlers.append(handler)

    def load(self, url: str) -> None:
        frame = type("Frame", (), {"url": url, "parent_frame": None})()
        for handler in self.handlers:
            handler(frame)


def test_the_watcher_puts_a_load_after_the_last_action_a_second_on(tmp_path: Path) -> None:
    clock = [100.0]
    transcript = tmp_path / "t.jsonl"
    page = FakePage()
    watcher = NavigationWatcher(cast(Any, page), transcript, clock=lambda: clock[0])

    def lines(count: int, seconds: float) -> None:
        transcript.write_text("x\n" * count)
        clock[0] += seconds
        watcher.poll()

    lines(3, 0.1)  # options, openPage, navigate
    lines(4, 0.1)  # a click…
    page.load("http://shop.test/basket")  # …that loads a page
    lines(4, 0.3)
    lines(5, 0.5)  # the click was held back: now the fill
    lines(5, 0.5)  # a second after the load
    lines(6, 2.0)  # a later click, on the new page
    page.load("http://shop.test/basket#top")  # a fragment is no new page
    page.load("http://shop.test/checkout")
    assert watcher.finish() == {4: "http://shop.test/basket", 5: "http://shop.test/checkout"}


# --- the command ---


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything would start the recorder."""

    def refuse(*args: object) -> list[str]:
        raise AssertionError("the recorder was started")

    monkeypatch.setattr(recording, "record_lines", refuse)


@pytest.fixture
def headless_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def test_no_display_is_a_clear_error_before_anything_starts(
    headless_linux: None, no_browser: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "checkout.journey.yaml"
    assert main(["record", "http://127.0.0.1:9/", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cxcheck: error: the recorder needs a display")
    for hint in (
        "neither DISPLAY nor WAYLAND_DISPLAY",
        "Run it on a desktop",
        "`xvfb-run cxcheck record ...`",
        "VNC viewer",
        "record on a laptop and commit the YAML",
        "`playwright codegen --target jsonl -o FILE URL`",
        "`cxcheck record --from-jsonl FILE -o JOURNEY.journey.yaml`",
    ):
        assert hint in err
    assert not out.exists()
    with pytest.raises(RecorderError, match="needs a display"):
        recorder.record("http://127.0.0.1:9/", device=None, output=out)


def test_a_display_of_either_kind_or_another_system_passes() -> None:
    require_display({"DISPLAY": ":0"}, "linux")
    require_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    require_display({}, "darwin")
    require_display({}, "win32")
    with pytest.raises(RecorderError):
        require_display({"DISPLAY": ""}, "linux")


def test_from_jsonl_writes_the_journey_file(
    headless_linux: None, no_browser: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "checkout.journey.yaml"
    transcript = str(RECORDINGS / "storefront-checkout.jsonl")
    assert main(["record", "--from-jsonl", transcript, "-o", str(out)]) == 0
    assert f"wrote {out} (6 steps)" in capsys.readouterr().err
    journey = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert journey["name"] == "checkout"  # from the file name
    assert journey["start"] == "/"  # relative to the transcript's own origin by default


def test_from_jsonl_to_standard_output_with_a_base_url(
    no_browser: None, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = str(RECORDINGS / "contact-form.jsonl")
    args = ["record", "--from-jsonl", transcript, "-o", "-", "--name", "contact us"]
    assert main([*args, "--base-url", "http://elsewhere.test"]) == 0
    journey = yaml.safe_load(capsys.readouterr().out)
    assert journey["name"] == "contact us"
    assert journey["start"].endswith("/form.html") and journey["start"].startswith("http://")


def test_from_jsonl_problems_are_errors(
    no_browser: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"browserName":"chromium"}\nnot json\n', encoding="utf-8")
    out = str(tmp_path / "x.journey.yaml")
    assert main(["record", "--from-jsonl", str(broken), "-o", out]) == 2
    assert f"cxcheck: error: {broken}: line 2 of the transcript" in capsys.readouterr().err
    assert main(["record", "--from-jsonl", str(tmp_path / "missing.jsonl"), "-o", out]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["record", "-o", out]) == 2
    assert "give the URL to record" in capsys.readouterr().err


def test_an_unknown_device_gets_a_did_you_mean(
    no_browser: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("DISPLAY", ":99")
    out = tmp_path / "x.journey.yaml"
    args = ["record", "http://127.0.0.1:9/", "--device", "iphon-13", "-o", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cxcheck: error: unknown device 'iphon-13' (in --device)." in err
    assert "Did you mean `iphone-13`" in err


def test_record_converts_what_the_recorder_wrote(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[object] = []

    def fake(url: str, profile: Any, env: object) -> list[str]:
        seen.append(profile.name)
        return lines_of("storefront-checkout")

    monkeypatch.setattr(recording, "record_lines", fake)
    out, keep = tmp_path / "shop.journey.yaml", tmp_path / "shop.jsonl"
    start = origin_of("storefront-checkout") + "/"
    env = {"DISPLAY": ":99"}
    assert recorder.record(start, device="iphone-13", output=out, save_jsonl=keep, env=env) == 0
    assert seen == ["iphone-13"]
    assert keep.read_text(encoding="utf-8").splitlines() == lines_of("storefront-checkout")
    journey = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert journey["name"] == "shop"
    assert journey["start"] == "/"


@pytest.mark.parametrize("stem", TRANSCRIPTS)
def test_the_converted_journeys_load(
    stem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxcheck.journeyfiles import loader as declarative

    monkeypatch.setenv("CX_PASSWORD", "a recorded secret")

    path = tmp_path / f"{stem}.journey.yaml"
    path.write_text(converted(stem, name=stem), encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # the recorded upload
    spec = declarative.load(path)
    assert spec.name == stem
    kinds = {action.kind for step in spec.steps for action in step.actions}
    assert "click" in kinds and any(kind.startswith("expect_") for kind in kinds)


def test_a_recorded_storefront_journey_replays_green_on_a_phone(pytester: pytest.Pytester) -> None:
    """The recording, converted, runs against the storefront it was recorded on."""
    path = pytester.path / "recorded.journey.yaml"
    path.write_text(converted("storefront-checkout", name="recorded"), encoding="utf-8")
    pytester.makeini(
        "[pytest]\ncx_server_command = {python} -m cxshop --port {port}\n"
        "cx_server_ready_path = /healthz\ncx_devices = iphone-13\ncx_networks = no-throttle\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    result.assert_outcomes(passed=1)


# --- a sign-in: the password, the address bar, labels with colons ---


def test_a_typed_password_becomes_a_secret_read_from_the_environment() -> None:
    text = converted("account-login", name="sign in")
    assert "correct-horse-battery" not in text  # the typed password is nowhere in the file
    lines = text.splitlines()
    assert lines[2].startswith("# Set CX_PASSWORD in the environment before running")
    journey = yaml.safe_load(text)
    assert journey["secrets"] == {"password": "${env.CX_PASSWORD}"}
    assert '- fill: {label: Password, value: "${password}"}' in actions(text)
    assert "- fill: {label: Email, value: ada@example.com}" in actions(text)  # no secret


def test_an_address_bar_navigation_is_a_goto_not_a_key_press() -> None:
    text = converted("account-login", name="sign in")
    assert "ControlOrMeta" not in text and "press" not in text
    journey = yaml.safe_load(text)
    login = journey["steps"][1]
    assert login["name"] == "open /account/login"
    assert login["actions"][0] == {"goto": "/account/login"}


def press(key: str, modifiers: int, **more: Any) -> str:
    return entry("press", selector="body", key=key, modifiers=modifiers, **more)


def test_an_address_bar_shortcut_without_a_navigation_becomes_the_recorders_goto_or_a_note() -> (
    None
):
    base = "http://shop.test"
    # Typed slowly (over 5 s): the recorder writes its own navigate after the press.
    slow = [*START, press("l", 2), entry("navigate", url=f"{base}/account/login")]
    journey = yaml.safe_load(convert(slow, name="j", base_url=base))
    assert journey["steps"][0]["actions"] == [{"goto": "/account/login"}]
    # Quickly, in `playwright codegen`: the load was counted as the press's; nothing says where.
    quick = [*START, press("l", 4), entry("click", selector="#go", button="left", clickCount=1)]
    got = actions(convert(quick, name="j", base_url=base))
    assert got[0] == (
        "# review: ControlOrMeta+l went to the address bar here, and the recorder did not see "
        "where to; add `goto: <the address>` by hand"
    )
    assert got[1] == '- click: "#go"'
    # Alt+D and F6 too; a Ctrl+L inside an editor the page handles is still a press elsewhere.
    for key, bits in (("d", 1), ("F6", 0)):
        lines = [*START, press(key, bits, signals=[{"name": "navigation", "url": f"{base}/x"}])]
        assert yaml.safe_load(convert(lines, name="j", base_url=base))["steps"][0]["actions"] == [
            {"goto": "/x"}
        ]


@pytest.mark.parametrize(
    ("locator", "selector", "expected"),
    [
        ({"kind": "label", "body": "Email:", "options": {"exact": False}}, "x", "{label: Email}"),
        (
            {"kind": "label", "body": "Email:", "options": {"exact": True}},
            "x",
            '{label: "Email:", exact: true}',
        ),
        (None, 'internal:label="Password :"i', "{label: Password}"),
        (None, 'internal:label="Email:"s', '{label: "Email:", exact: true}'),
        ({"kind": "label", "body": ":", "options": {"exact": False}}, "x", '{label: ":"}'),
    ],
)
def test_a_labels_trailing_colon_is_dropped_unless_exact(
    locator: dict[str, Any] | None, selector: str, expected: str
) -> None:
    fields: dict[str, Any] = {"selector": selector, "button": "left", "clickCount": 1}
    if locator is not None:
        fields["locator"] = locator
    got = actions(convert([*START, entry("click", **fields)], name="j"))
    assert got[-1] == f"- click: {expected}"


def fill(label: str, text: str, **more: Any) -> str:
    locator = {"kind": "label", "body": label, "options": {"exact": False}}
    return entry("fill", selector=f'internal:label="{label}"i', locator=locator, text=text, **more)


def test_which_fields_hold_secrets_and_their_names() -> None:
    lines = [
        *START,
        fill("Card PIN", "1234"),
        fill("New password", "s3cret"),
        fill("Confirm password", "s3cret"),  # the same value: the same secret
        fill("Shipping address", "12 Analytical Row"),  # "pin" inside a word is no PIN
        fill("Memorable word", "otter", inputType="password"),  # seen as type=password
        entry("fill", selector="#pwd", text="hunter2"),
    ]
    text = convert(lines, name="j")
    journey = yaml.safe_load(text)
    assert journey["secrets"] == {
        "card_pin": "${env.CX_CARD_PIN}",
        "new_password": "${env.CX_NEW_PASSWORD}",
        "memorable_word": "${env.CX_MEMORABLE_WORD}",
        "password": "${env.CX_PASSWORD}",
    }
    values = [next(iter(a.values()))["value"] for a in journey["steps"][0]["actions"]]
    assert values == [
        "${card_pin}",
        "${new_password}",
        "${new_password}",
        "12 Analytical Row",
        "${memorable_word}",
        "${password}",
    ]
    for typed in ("1234", "s3cret", "otter", "hunter2"):
        assert typed not in text


def test_a_recorded_sign_in_replays_green_against_the_shop(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Labels without their colons still find the fields; the password comes from the env."""
    monkeypatch.setenv("CX_PASSWORD", "correct-horse-battery")
    path = pytester.path / "signin.journey.yaml"
    path.write_text(converted("account-login", name="sign in"), encoding="utf-8")
    pytester.makeini(
        "[pytest]\ncx_server_command = {python} -m cxshop --port {port}\n"
        "cx_server_ready_path = /healthz\ncx_devices = desktop-1080p\ncx_networks = no-throttle\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    result.assert_outcomes(passed=1)


def test_what_is_typed_into_a_password_field_is_recognised_whatever_its_label(
    cx_context: Any,
) -> None:
    # A field labelled "Memorable word" says nothing of a password, but hides what is typed.
    typed: set[str] = set()
    watch_password_fields(cx_context, typed)
    page = cx_context.new_page()
    page.goto("/index.html")
    page.evaluate("""() => document.body.insertAdjacentHTML('beforeend',
        '<label>Memorable word <input id="w" type="password"></label>' +
        '<label>Nickname <input id="n"></label>')""")
    page.fill("#w", "tulip-42")
    page.fill("#n", "ada")
    page.wait_for_function("() => true")  # the binding's call arrives before this answer
    assert "tulip-42" in typed and "ada" not in typed

    def fill(text: str, label: str) -> str:
        locator = {"kind": "label", "body": label}
        return json.dumps({"name": "fill", "text": text, "locator": locator})

    lines = [fill("tulip-42", "Memorable word"), fill("ada", "Nickname"), "not json"]
    marked = [json.loads(line) for line in mark_password_fills(lines, typed)[:2]]
    assert marked[0]["inputType"] == "password" and "inputType" not in marked[1]
    assert is_secret(marked[0], {"label": "Memorable word"})
