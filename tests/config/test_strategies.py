"""The public Hypothesis strategies: pure logic, no browser."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from cxcheck import strategies as cx
from cxcheck.config.profiles import DeviceProfile, NetworkProfile, Size, load_catalogue_text
from cxcheck.model.errors import CxError, UnknownProfileError

# The WHATWG rule for <input type=email>, and the simple pattern most back ends use.
WHATWG_EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")

# First example that matches, no shrinking: quick, and proves the case can be generated at all.
SEARCH = settings(
    database=None,
    max_examples=2000,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def first(strategy: st.SearchStrategy[str], condition: Callable[[str], bool]) -> str:
    return find(strategy, condition, settings=SEARCH)


def shrunk(strategy: st.SearchStrategy[object]) -> object:
    return find(strategy, lambda _: True, settings=settings(database=None))


def typeable(text: str) -> bool:
    """No control characters and no lone surrogates: what a browser field can take."""
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def in_range(lo: int, hi: int) -> Callable[[str], bool]:
    return lambda s: any(lo <= ord(c) <= hi for c in s)


SCRIPTS: dict[str, Callable[[str], bool]] = {
    "Cyrillic": in_range(0x400, 0x4FF),
    "Greek": in_range(0x370, 0x3FF),
    "Arabic": in_range(0x600, 0x6FF),
    "Hebrew": in_range(0x590, 0x5FF),
    "CJK": in_range(0x4E00, 0x9FFF),
    "Devanagari": in_range(0x900, 0x97F),
    "combining mark": lambda s: any(unicodedata.category(c) == "Mn" for c in s),
    "apostrophe": lambda s: "'" in s or "’" in s,
    "hyphen": lambda s: "-" in s,
    "over 100 characters": lambda s: len(s) > 100,
}


# --- viewports ---


@settings(max_examples=100, deadline=None)
@given(cx.viewports(min_width=360, max_width=800, min_height=500, max_height=900))
def test_viewports_stay_in_bounds(viewport: Size) -> None:
    assert isinstance(viewport, cx.Viewport)
    assert 360 <= viewport.width <= 800
    assert 500 <= viewport.height <= 900


def test_viewports_shrink_to_the_smallest() -> None:
    assert shrunk(cx.viewports()) == Size(320, 480)
    assert shrunk(cx.viewports(min_width=1024, max_width=1024)) == Size(1024, 480)


def test_viewport_is_the_profiles_size() -> None:
    assert cx.Viewport is Size


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_width": 50}, r"min_width=50 is out of range: use 100 to 8000 px"),
        ({"max_width": 9000}, r"max_width=9000 is out of range: use 100 to 8000 px"),
        ({"max_height": 99}, r"max_height=99 is out of range: use 100 to 8000 px"),
        ({"min_width": 800, "max_width": 400}, r"min_width=800 is greater than max_width=400"),
        ({"min_width": 320.5}, r"min_width=320\.5 must be a whole number of px between 100 and"),
        ({"min_height": True}, r"min_height=True must be a whole number"),
        ({"max_width": "1024"}, r"max_width='1024' must be a whole number"),
    ],
)
def test_viewports_reject_bad_bounds(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CxError, match=message):
        cx.viewports(**kwargs)  # type: ignore[arg-type]


# --- devices and networks ---


@settings(max_examples=50, deadline=None)
@given(cx.devices())
def test_devices_come_from_the_catalogue(device: DeviceProfile) -> None:
    assert isinstance(device, DeviceProfile)
    assert device.name


def test_devices_shrink_to_the_narrowest() -> None:
    device = shrunk(cx.devices())
    assert isinstance(device, DeviceProfile)
    assert device.viewport.width == 320
    tablet = shrunk(cx.devices("tablets"))
    assert isinstance(tablet, DeviceProfile)
    assert tablet.name == "galaxy-tab-s9"  # 640 px, the narrowest tablet


@settings(max_examples=50, deadline=None)
@given(cx.devices("smoke"))
def test_devices_expand_sets(device: DeviceProfile) -> None:
    assert device.name in ("iphone-13", "ipad-mini", "laptop-1366")


@settings(max_examples=30, deadline=None)
@given(cx.devices(["iphone-13", "pixel-7,laptop-1366"]))
def test_devices_take_lists_and_commas(device: DeviceProfile) -> None:
    assert device.name in ("iphone-13", "pixel-7", "laptop-1366")


def test_devices_use_a_given_catalogue() -> None:
    catalogue = load_catalogue_text(
        "[devices.watch]\n"
        'extends = "iphone-13"\n'
        "viewport = { width = 198, height = 242 }\n"
        "screen = { width = 198, height = 242 }\n"
        "[device-sets]\n"
        'mine = ["watch", "ipad-mini"]\n',
        "mine.toml",
    )
    device = shrunk(cx.devices("mine", catalogue=catalogue))
    assert isinstance(device, DeviceProfile)
    assert device.name == "watch"


def test_unknown_device_gets_the_catalogues_did_you_mean() -> None:
    with pytest.raises(UnknownProfileError, match=r"unknown device 'phonez'.*Did you mean.*phones"):
        cx.devices("phonez")
    with pytest.raises(UnknownProfileError, match=r"unknown network 'slow-4gg'.*`slow-4g`"):
        cx.networks("slow-4gg")


@settings(max_examples=50, deadline=None)
@given(cx.networks("mobile-networks"))
def test_networks_expand_sets(network: NetworkProfile) -> None:
    assert network.name in ("3g", "slow-4g", "fast-4g")


def test_networks_shrink_to_the_fastest() -> None:
    fastest = shrunk(cx.networks())
    assert isinstance(fastest, NetworkProfile)
    assert not fastest.throttled
    assert shrunk(cx.networks("mobile-networks")) == shrunk(cx.networks("fast-4g"))
    slowest_first = find(cx.networks(), lambda n: n.offline, settings=settings(database=None))
    assert slowest_first.name == "offline"


# --- form input ---


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cx.names())
def test_names_are_typeable(name: str) -> None:
    assert name
    assert name == name.strip()
    assert typeable(name)
    assert not unicodedata.category(name[0]).startswith("M")  # no mark without a letter


@pytest.mark.parametrize("feature", list(SCRIPTS))
def test_names_cover(feature: str) -> None:
    assert SCRIPTS[feature](first(cx.names(), SCRIPTS[feature]))


def test_names_shrink_to_a_plain_latin_name() -> None:
    assert shrunk(cx.names()) == "Ann Lee"


@pytest.mark.parametrize("famous", ["O'Brien", "Jean-Luc"])
def test_names_include_the_classics(famous: str) -> None:
    assert famous in first(cx.names(), lambda s: famous in s)


@settings(max_examples=200, deadline=None)
@given(cx.emails())
def test_emails_are_valid_ascii_and_short(email: str) -> None:
    assert email.isascii()
    assert len(email) <= 60
    assert WHATWG_EMAIL.match(email), email
    assert SIMPLE_EMAIL.match(email), email
    local = email.split("@")[0]
    assert ".." not in local
    assert not local.startswith(".")
    assert not local.endswith(".")


def test_emails_include_plus_addressing() -> None:
    assert "+" in first(cx.emails(), lambda s: "+" in s)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cx.addresses())
def test_addresses_are_typeable(address: str) -> None:
    assert address
    assert typeable(address)


@pytest.mark.parametrize("feature", ["Cyrillic", "Arabic", "Hebrew", "CJK", "over 100 characters"])
def test_addresses_cover(feature: str) -> None:
    assert SCRIPTS[feature](first(cx.addresses(), SCRIPTS[feature]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cx.long_text())
def test_long_text_default_bounds(text: str) -> None:
    assert 256 <= len(text) <= 5000
    assert typeable(text)
    assert not unicodedata.category(text[0]).startswith("M")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_long_text_custom_bounds(data: st.DataObject) -> None:
    lo = data.draw(st.integers(0, 300), label="min_size")
    hi = data.draw(st.integers(lo, 400), label="max_size")
    text = data.draw(cx.long_text(lo, hi), label="text")
    assert lo <= len(text) <= hi
    assert typeable(text)


def test_long_text_includes_one_unbroken_word() -> None:
    word = first(cx.long_text(), lambda s: " " not in s)
    assert len(word) >= 256


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_size": -1}, r"min_size=-1 is out of range: use 0 to 100000 characters"),
        ({"max_size": 200_000}, r"max_size=200000 is out of range"),
        ({"min_size": 10, "max_size": 5}, r"min_size=10 is greater than max_size=5"),
        ({"min_size": 1.5}, r"min_size=1\.5 must be a whole number of characters"),
    ],
)
def test_long_text_rejects_bad_bounds(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CxError, match=message):
        cx.long_text(**kwargs)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cx.form_text())
def test_form_text_is_typeable(text: str) -> None:
    assert typeable(text)


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param(lambda s: "@" in s and " " not in s, id="email"),
        pytest.param(lambda s: len(s) >= 256, id="long"),
        pytest.param(lambda s: "<script>" in s, id="markup"),
        pytest.param(in_range(0x900, 0x97F), id="devanagari"),
    ],
)
def test_form_text_combines_them(condition: Callable[[str], bool]) -> None:
    assert condition(first(cx.form_text(), condition))
