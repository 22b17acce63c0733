"""The pure rules of adoption: which context options a cell wins, the timeout factor of a
network, what cxcheck adds to a suite's launch arguments (the real runs are in
tests/plugin/test_adopt.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxcheck.browser.adoption import merge_options
from cxcheck.browser.launch import CHROMIUM_ARGS, BrowserSettings, launch_extras
from cxcheck.config.matrix import Selection
from cxcheck.config.profiles import load_catalogue, load_catalogue_text
from cxcheck.model.calllog import timeout_ms
from cxcheck.model.errors import ProfileError

CATALOGUE = load_catalogue([])
PHONE = CATALOGUE.devices["iphone-13"]
FAST = CATALOGUE.networks["no-throttle"]


def test_the_device_wins_what_it_defines_and_the_suite_keeps_the_rest() -> None:
    suite = {"viewport": {"width": 800, "height": 600}, "locale": "de-DE", "base_url": "http://a",
             "storage_state": "state.json", "default_browser_type": "webkit",
             "user_agent": PHONE.user_agent}  # fmt: skip
    merged = merge_options(suite, PHONE, FAST, base_url="http://b")
    assert merged.options["viewport"] == {"width": 390, "height": 664}
    assert merged.options["is_mobile"] is True and merged.options["has_touch"] is True
    # kept: what the device does not set, and the suite's own base URL over cxcheck's
    assert merged.options["locale"] == "de-DE" and merged.options["base_url"] == "http://a"
    assert merged.options["storage_state"] == "state.json"
    assert "default_browser_type" not in merged.options  # from a Playwright device descriptor
    # Only a real clash is reported: the same user agent is no clash.
    assert merged.overridden == ("viewport",)


def test_cxchecks_base_url_fills_in_and_no_viewport_gives_way() -> None:
    merged = merge_options({"no_viewport": True}, PHONE, CATALOGUE.networks["offline"], "http://b")
    assert merged.options["base_url"] == "http://b" and "no_viewport" not in merged.options
    assert merged.options["offline"] is True and merged.overridden == ("no_viewport",)


FACTORS = [("no-throttle", 1.0), ("offline", 1.0), ("fast-4g", 1.3), ("slow-4g", 2.4),
           ("3g", 6.2), ("wpt-dial", 10.0)]  # fmt: skip


@pytest.mark.parametrize(("network", "factor"), FACTORS)
def test_the_timeout_factor_of_each_network(network: str, factor: float) -> None:
    assert CATALOGUE.networks[network].timeout_factor == factor


def test_a_profile_sets_its_own_timeout_factor_within_bounds() -> None:
    text = '[networks.tunnel]\nextends = "3g"\ntimeout_factor = 2\n'
    assert load_catalogue_text(text).networks["tunnel"].timeout_factor == 2.0
    with pytest.raises(ProfileError, match=r"timeout_factor.*between 1 and 20"):
        load_catalogue_text('[networks.bad]\nextends = "3g"\ntimeout_factor = 0.5\n')


def test_a_timeout_is_read_from_actions_and_assertions() -> None:
    assert timeout_ms("Locator.click: Timeout 5000ms exceeded.") == 5000.0
    assert timeout_ms('Expect "to_be_visible" locator("#x") with timeout 6500ms') == 6500.0
    assert timeout_ms("AssertionError: assert 1 == 2") is None


def test_the_device_option_alone_configures_no_matrix() -> None:
    assert not Selection(cli_devices=("iPhone 13",), device_option="iPhone 13").configured
    assert Selection(cli_devices=("iphone-13",)).configured
    assert Selection(ini_networks=("3g",)).configured and not Selection().configured


class _BrowserType:
    executable_path = "/nowhere/chrome"


def test_launch_extras_keep_the_suites_own_choice() -> None:
    settings = BrowserSettings(headed=True, slowmo_ms=50)
    own, how = launch_extras(settings, {"channel": "chrome"}, _BrowserType(), remote=False)
    assert own == {"headless": False, "slow_mo": 50, "handle_sigint": False}
    assert how == "the suite's own (chrome)"
    remote, _ = launch_extras(BrowserSettings(), {}, _BrowserType(), remote=True)
    assert remote == {}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs a system Chromium on PATH")
def test_launch_extras_find_a_browser_and_add_the_container_arguments() -> None:
    extras, how = launch_extras(BrowserSettings(), {"args": ["--foo"]}, _BrowserType(), False)
    assert Path(extras["executable_path"]).name == "chromium" and "system browser" in how
    assert extras["args"] == ["--foo", *CHROMIUM_ARGS]


def test_the_catalogue_listing_shows_each_networks_timeout_factor() -> None:
    from cxcheck.config.listing import render_catalogue

    listing = render_catalogue(CATALOGUE)
    assert "timeouts" in listing
    (row,) = [line for line in listing.splitlines() if line.startswith("slow-4g ")]
    assert "2.4×" in row
