"""The profile catalogue and loader: pure logic, no browser."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcheck.config import playwright_devices, profiles
from cxcheck.config.playwright_devices import slugify
from cxcheck.config.profilefiles import builtin_profiles_dir, parse_toml
from cxcheck.config.profiles import (
    DEVICE_FIELDS,
    NETWORK_FIELDS,
    load_catalogue,
    load_catalogue_text,
)
from cxcheck.model.errors import ProfileError, UnknownProfileError

REQUIRED_DEVICES = [
    "iphone-13",
    "iphone-se",
    "pixel-7",
    "galaxy-s9-plus",
    "low-end-android",
    "small-phone-320",
    "ipad-mini",
    "ipad-pro-11",
    "laptop-1366",
    "laptop-1440",
    "desktop-1080p",
    "desktop-4k",
]
REQUIRED_NETWORKS = [
    "offline",
    "no-throttle",
    "3g",
    "slow-4g",
    "fast-4g",
    "lighthouse-mobile",
    "lighthouse-3g",
    "lighthouse-desktop",
    "wpt-dial",
    "wpt-edge",
    "wpt-2g",
    "wpt-3g-slow",
    "wpt-3g",
    "wpt-3g-fast",
    "wpt-dsl",
    "wpt-cable",
    "wpt-4g",
    "wpt-4g-fast",
    "wpt-lte",
    "wpt-fiber",
]


def test_builtin_catalogue_has_the_required_profiles() -> None:
    cat = load_catalogue()
    assert len(cat.devices) >= 20
    assert set(REQUIRED_DEVICES) <= set(cat.devices)
    assert set(REQUIRED_NETWORKS) <= set(cat.networks)
    for name in ("phones", "tablets", "desktops", "smoke"):
        assert cat.device_sets[name]
    assert cat.network_sets["mobile-networks"]
    classes = {cat.devices[d].device_class for d in cat.device_sets["smoke"]}
    assert classes == {"phone", "tablet", "desktop"}
    for device in cat.devices.values():
        assert device.user_agent and device.source, device.name


def test_builtin_numbers_match_their_sources() -> None:
    cat = load_catalogue()
    slow = cat.networks["slow-4g"]
    assert (slow.latency_ms, slow.down_kbps, slow.up_kbps) == (562.5, 1440, 675)
    assert slow.down_bytes_per_s == 180_000
    assert cat.networks["3g"].latency_ms == 2000
    assert cat.networks["lighthouse-mobile"].down_kbps == 1474.56
    assert cat.networks["wpt-fiber"].down_kbps == 20000
    assert cat.networks["offline"].offline
    assert not cat.networks["no-throttle"].throttled
    small = cat.devices["small-phone-320"]
    assert small.viewport.width == 320 and small.mobile and small.touch
    assert cat.devices["low-end-android"].cpu_slowdown > cat.devices["iphone-13"].cpu_slowdown
    assert cat.devices["desktop-4k"].pixel_ratio == 2
    assert cat.devices["laptop-1366"].screen.width == 1366
    assert cat.devices["laptop-1440"].screen.width == 1440


def test_builtin_profiles_live_in_the_profiles_folder() -> None:
    assert (builtin_profiles_dir() / "devices.toml").is_file()


def test_sets_and_names_expand_in_order_without_repeats() -> None:
    cat = load_catalogue()
    devices = cat.resolve_devices(["iphone-13", "phones"])
    names = [d.name for d in devices]
    assert names[0] == "iphone-13" and len(names) == len(set(names))
    assert [n.name for n in cat.resolve_networks("slow-4g,3g")] == ["slow-4g", "3g"]
    assert len(cat.resolve_devices(["all"])) == len(cat.devices)


def test_unknown_names_suggest_the_closest() -> None:
    cat = load_catalogue()
    with pytest.raises(UnknownProfileError, match="Did you mean `iphone-13`") as info:
        cat.resolve_devices(["iphone13"])
    assert info.value.suggestions[0] == "iphone-13"
    with pytest.raises(UnknownProfileError, match="`slow-4g`"):
        cat.resolve_networks(["slow4g"])


def test_playwright_registry_devices_resolve_by_slug() -> None:
    assert slugify("Galaxy S9+") == "galaxy-s9-plus"
    assert slugify("iPhone 13 Pro Max landscape") == "iphone-13-pro-max-landscape"
    device = load_catalogue().resolve_devices(["pixel-4a-5g"])[0]
    assert device.label == "Pixel 4a (5G)"
    assert device.mobile and device.touch and device.origin == "playwright"


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No registry in memory or on disk, and any child process fails the test."""

    def no_child_process(*args: object, **kwargs: object) -> Any:
        raise AssertionError("a child process was started to read the device registry")

    monkeypatch.setattr(playwright_devices, "_REGISTRY", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("cxcheck.config.playwright_devices.subprocess.run", no_child_process)
    monkeypatch.setattr("cxcheck.config.playwright_devices.subprocess.Popen", no_child_process)
    return tmp_path / "cache"


def test_registry_is_read_from_the_package_without_a_child_process(fresh_registry: Path) -> None:
    device = load_catalogue().resolve_devices(["galaxy-s8"])[0]
    assert (device.label, device.origin) == ("Galaxy S8", "playwright")
    assert device.viewport.width == 360 and device.mobile and device.touch
    assert device.user_agent and "Android" in device.user_agent
    assert list(fresh_registry.glob("cxcheck/playwright-devices-*.json"))  # cached for next time


def test_unknown_device_suggests_quickly_without_a_child_process(fresh_registry: Path) -> None:
    cat = load_catalogue()
    started = time.monotonic()
    with pytest.raises(UnknownProfileError, match="Did you mean `iphone-13`"):
        cat.resolve_devices(["iphone13"])
    # Not close to a catalogue name, so the suggestion comes from Playwright's registry.
    with pytest.raises(UnknownProfileError, match="`blackberry-z30`"):
        cat.resolve_devices(["blackberry-z3"])
    assert time.monotonic() - started < 10  # starting the driver would not fail, only stall


def _fake_package(root: Path, relative: str, text: str) -> Path:
    path = root.joinpath("driver", "package", "lib", *relative.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return root


BUNDLE = """
// packages/isomorphic/deviceDescriptorsSource.json
var deviceDescriptorsSource_default;
    deviceDescriptorsSource_default = {
      "Phone {1}, \\"quoted\\"": {
        userAgent: "Mozilla/5.0 (x: y, z) }",
        viewport: {
          width: 360,
          height: 640,
        },
        deviceScaleFactor: 2.5,
        isMobile: true,
        hasTouch: true,
        defaultBrowserType: "chromium",
      },
    };
var other = { notDevices: 1 };
"""


def test_bundle_literal_becomes_python_named_descriptors(
    fresh_registry: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = _fake_package(tmp_path / "playwright", "coreBundle.js", BUNDLE)
    monkeypatch.setattr(playwright_devices, "_playwright_package_dir", lambda: package)
    assert playwright_devices._descriptors_from_package() == {
        'Phone {1}, "quoted"': {
            "user_agent": "Mozilla/5.0 (x: y, z) }",
            "viewport": {"width": 360, "height": 640},
            "device_scale_factor": 2.5,
            "is_mobile": True,
            "has_touch": True,
            "default_browser_type": "chromium",
        }
    }


def test_older_playwright_json_file_is_read_first(
    fresh_registry: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    descriptor = {"userAgent": "UA", "viewport": {"width": 400, "height": 800}, "isMobile": True}
    source = json.dumps({"Old Phone": descriptor})
    package = _fake_package(tmp_path / "pw", "server/deviceDescriptorsSource.json", source)
    _fake_package(package, "coreBundle.js", BUNDLE.replace("Phone", "Bundled"))
    monkeypatch.setattr(playwright_devices, "_playwright_package_dir", lambda: package)
    device = profiles.playwright_device("old-phone")
    assert device is not None and device.viewport.height == 800 and device.mobile
    assert profiles.playwright_device("bundled-1-quoted") is None


@pytest.mark.parametrize(
    "literal",
    [
        "{a: 'single-quoted'}",
        "{a: `template`}",
        "{a: {b: 1}",  # never closes
    ],
)
def test_js_literals_that_are_not_plain_data_are_refused(literal: str) -> None:
    assert playwright_devices._js_object_to_json(literal, 0) is None


def test_unreadable_package_falls_back_to_the_driver(
    fresh_registry: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = _fake_package(tmp_path / "pw", "coreBundle.js", "var x = {};")
    monkeypatch.setattr(playwright_devices, "_playwright_package_dir", lambda: package)
    python_names = {"user_agent": "UA", "viewport": {"width": 500, "height": 900}}
    calls: list[list[str]] = []

    def driver(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, json.dumps({"Driver Phone": python_names}))

    monkeypatch.setattr("cxcheck.config.playwright_devices.subprocess.run", driver)
    device = profiles.playwright_device("driver-phone")
    assert device is not None and device.viewport.width == 500
    assert len(calls) == 1


def test_user_file_adds_overrides_and_extends(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        textwrap.dedent("""
        [devices.kiosk]
        viewport = { width = 1080, height = 1920 }
        touch = true

        [devices.iphone-13-dark]
        extends = "iphone-13"
        color_scheme = "dark"
        locale = "de-DE"

        [networks.hotel-wifi]
        latency_ms = 300
        down_kbps = 2000
        up_kbps = 500

        [networks.slow-4g]
        latency_ms = 600
        down_kbps = 1000
        up_kbps = 500

        [device-sets]
        ours = ["kiosk", "iphone-13-dark", "smoke"]
    """)
    )
    cat = load_catalogue([extra])
    dark = cat.devices["iphone-13-dark"]
    assert dark.viewport == cat.devices["iphone-13"].viewport
    assert (dark.color_scheme, dark.locale) == ("dark", "de-DE")
    assert cat.devices["kiosk"].device_class == "desktop" and cat.devices["kiosk"].pixel_ratio == 1
    assert cat.networks["slow-4g"].latency_ms == 600  # overridden
    assert [d.name for d in cat.resolve_devices(["ours"])][:3] == [
        "kiosk",
        "iphone-13-dark",
        "iphone-13",
    ]


BAD_FILES = [
    # (file text, line expected, words the message must hold)
    ("[devices.x]\nviewport = { width = 390 height = 844 }\n", 2, ["not valid TOML"]),
    ("[devices.x]\nlabel = 'x'\n", 1, ["profile 'x'", "field 'viewport'", "missing"]),
    (
        "\n[devices.x]\nviewport = { width = 20000, height = 800 }\n",
        2,
        ["'viewport'", "out of range", "100 to 8000"],
    ),
    ("[devices.x]\nviewport = { width = 390.5, height = 800 }\n", 1, ["whole number"]),
    (
        "[devices.x]\nviewport = { width = 390, height = 800 }\npixelratio = 2\n",
        1,
        ["unknown field", "`pixel_ratio`"],
    ),
    ("[networks.n]\ndown_kbps = 0\n", 1, ["'down_kbps'", "out of range"]),
    ("[networks.n]\ndown_kbps = -5\n", 1, ["out of range", "between 0.001"]),
    ("[networks.n]\nlatency_ms = 'fast'\n", 1, ["must be a number"]),
    ("[networks.n]\noffline = 'yes'\n", 1, ["true or false"]),
    ("[devics.x]\nlabel = 'x'\n", 1, ["unknown table [devics]", "[devices]"]),
    ("[devices.x]\nextends = 'iphone13'\n", 1, ["extends unknown device", "`iphone-13`"]),
    ("[devices.a]\nextends = 'b'\n[devices.b]\nextends = 'a'\n", 1, ["circle"]),
    (
        "[device-sets]\nmine = ['iphone-13', 'pixle-7']\n",
        2,
        ["unknown device 'pixle-7'", "pixel-7"],
    ),
    ("[device-sets]\nall = ['iphone-13']\n", 2, ["built in"]),
    ("[device-sets]\niphone-13 = ['pixel-7']\n", 2, ["both a device and a device set"]),
    ("[devices.'Big Phone']\nviewport = { width = 390, height = 800 }\n", 1, ["not a valid name"]),
    (
        "[devices.x]\nviewport = { width = 390, height = 800 }\ncolor_scheme = 'blue'\n",
        1,
        ["light, dark, no-preference"],
    ),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD_FILES)
def test_bad_profile_files_name_file_line_profile_and_field(
    tmp_path: Path, text: str, line: int, words: list[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_catalogue([path])
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    for word in words:
        assert word.lower() in message.lower(), message


def test_missing_profile_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nope\.toml: no such profile file"):
        load_catalogue([tmp_path / "nope.toml"])


# --- fuzzing: any input gives a catalogue or a ProfileError, never another exception ---

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
field_names = st.sampled_from(sorted({*DEVICE_FIELDS, *NETWORK_FIELDS, "width"}))
sizes = st.fixed_dictionaries({"width": st.integers(-10, 9000), "height": st.integers(-10, 9000)})
profile_bodies = st.dictionaries(
    field_names, values | sizes | st.sampled_from(["iphone-13", "x"]), max_size=6
)
names = st.sampled_from(["x", "y", "iphone-13", "slow-4g", "Bad Name", "all", "phones"])
documents = st.fixed_dictionaries(
    {},
    optional={
        "devices": st.dictionaries(names, profile_bodies, max_size=3) | values,
        "networks": st.dictionaries(names, profile_bodies, max_size=3) | values,
        "device-sets": st.dictionaries(names, st.lists(names, max_size=3) | values, max_size=2),
        "network-sets": st.dictionaries(names, st.lists(names, max_size=3), max_size=2),
        "other": values,
    },
)


def _to_toml(doc: dict[str, object]) -> str | None:
    """A tiny TOML writer for fuzzed documents; None when a value has no TOML form."""
    import json
    import math

    def value(v: object) -> str:
        if v is None:
            raise ValueError
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
        raise ValueError

    try:
        return "\n".join(f"{json.dumps(k)} = {value(v)}" for k, v in doc.items()) + "\n"
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(documents)
def test_fuzz_structured_documents(doc: dict[str, object]) -> None:
    text = _to_toml(doc)
    if text is None:
        return
    try:
        load_catalogue_text(text, "fuzz.toml")
    except ProfileError as exc:
        assert str(exc).startswith("fuzz.toml")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_arbitrary_text(text: str) -> None:
    try:
        load_catalogue_text(text, "fuzz.toml", builtins=False)
    except ProfileError as exc:
        assert str(exc).startswith("fuzz.toml")


def test_parse_toml_reports_line() -> None:
    with pytest.raises(ProfileError, match=r"^f\.toml:3: not valid TOML"):
        parse_toml("a = 1\n\nb = = 2\n", "f.toml")
