"""Finding a browser: explicit path, Playwright's own install, then the system (pure logic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxcheck.browser.launch import BrowserSettings, check_base_url, context_options, find_browser
from cxcheck.config.profiles import load_catalogue
from cxcheck.model.errors import BaseUrlError, BrowserNotFoundError


def _exe(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_explicit_path_wins(tmp_path: Path) -> None:
    exe = _exe(tmp_path / "my-chrome")
    pw = _exe(tmp_path / "pw-chrome")
    choice = find_browser(BrowserSettings(executable=str(exe)), str(pw), path_env="")
    assert choice.executable == str(exe)


def test_explicit_path_that_is_missing_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="not an executable file"):
        find_browser(BrowserSettings(executable=str(tmp_path / "nope")), None, path_env="")


def test_playwright_install_before_system(tmp_path: Path) -> None:
    pw = _exe(tmp_path / "pw-chrome")
    _exe(tmp_path / "chromium")
    choice = find_browser(BrowserSettings(), str(pw), path_env=str(tmp_path))
    assert choice.executable is None and "Playwright's own" in choice.how


def test_system_chromium_found_on_path(tmp_path: Path) -> None:
    _exe(tmp_path / "google-chrome")
    choice = find_browser(BrowserSettings(), str(tmp_path / "missing"), path_env=str(tmp_path))
    assert choice.executable == str(tmp_path / "google-chrome")


def test_nothing_found_says_what_was_tried_and_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError) as info:
        find_browser(
            BrowserSettings(), str(tmp_path / "pw"), path_env=str(tmp_path), extra_paths=()
        )
    message = str(info.value)
    for words in (
        "Tried, in order",
        "CXCHECK_BROWSER",
        "Playwright's own chromium",
        "python -m playwright install chromium",
        "apt-get install -y chromium",
    ):
        assert words in message


def test_context_options_emulate_the_device() -> None:
    cat = load_catalogue()
    opts = context_options(cat.devices["iphone-13"], cat.networks["offline"], "http://x/")
    assert opts["viewport"] == {"width": 390, "height": 664}
    assert opts["is_mobile"] and opts["has_touch"] and opts["offline"]
    assert opts["device_scale_factor"] == 3 and opts["base_url"] == "http://x/"
    assert "iPhone" in opts["user_agent"]


def test_base_url_that_does_not_answer_is_named(pages_url: str) -> None:
    check_base_url(pages_url)  # answers
    check_base_url(pages_url + "no-such-page")  # a 404 still answers
    with pytest.raises(BaseUrlError, match=r"http://127\.0\.0\.1:9/ does not answer"):
        check_base_url("http://127.0.0.1:9/", timeout_s=5)
