"""Getting a browser onto this machine: ``cxcheck install-browser``.

Order: a browser cxcheck already finds is kept; else Playwright downloads its own Chromium; else,
on Debian/Ubuntu as root (or with password-less sudo), apt installs the system ``chromium``.
Each step prints what it does, so a CI log explains itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

from cxcheck.browser.launch import HOW_TO_GET_ONE, BrowserSettings, find_browser
from cxcheck.model.errors import BrowserNotFoundError

Runner = Callable[[Sequence[str], float], int]


def _run(command: Sequence[str], timeout: float) -> int:
    print(f"cxcheck: running {' '.join(command)}", flush=True)
    try:
        return subprocess.run(list(command), timeout=timeout, check=False).returncode
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"cxcheck: {exc}", flush=True)
        return 1


def playwright_executable() -> str | None:
    """Where Playwright's own Chromium is (or would be) installed, read in a child process."""
    script = (
        "from playwright.sync_api import sync_playwright\n"
        "with sync_playwright() as p: print(p.chromium.executable_path)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=60)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def find() -> str | None:
    """How cxcheck would find a browser now, or None."""
    settings = BrowserSettings(executable=os.environ.get("CXCHECK_BROWSER") or None)
    try:
        return find_browser(settings, playwright_executable()).how
    except BrowserNotFoundError:
        return None


def _apt_prefix() -> list[str] | None:
    if shutil.which("apt-get") is None:
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


def install_browser(run: Runner = _run, finder: Callable[[], str | None] = find) -> int:
    """Make sure a browser is available; 0 when one is, else 1 with instructions."""
    found = finder()
    if found:
        print(f"cxcheck: browser already available: {found}")
        return 0
    print("cxcheck: no browser found; asking Playwright to download its Chromium", flush=True)
    if run([sys.executable, "-m", "playwright", "install", "chromium"], 900) == 0 and finder():
        print(f"cxcheck: browser ready: {finder()}")
        return 0
    prefix = _apt_prefix()
    if prefix is not None:
        print(
            "cxcheck: Playwright could not download one; installing Debian's chromium", flush=True
        )
        env_prefix = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive"]
        if (run([*prefix, "apt-get", "update", "-q"], 900) == 0
                and run([*env_prefix, "apt-get", "install", "-y", "-q", "chromium"], 900) == 0
                and (found := finder())):  # fmt: skip
            print(f"cxcheck: browser ready: {found}")
            return 0
    print(f"cxcheck: could not install a browser by itself.\n{HOW_TO_GET_ONE}", file=sys.stderr)
    return 1
