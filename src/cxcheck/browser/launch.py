"""Finding, launching and connecting to a browser, and the context options of a device.

Playwright is imported by the callers (the plugin's fixtures), never at import of this module.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcheck.browser.remote import EXPOSED, connect_server, is_cdp, launch_options
from cxcheck.config.profiles import DeviceProfile, NetworkProfile
from cxcheck.model.errors import BaseUrlError, BrowserNotFoundError
from cxcheck.model.names import BROWSER_ENV, ENDPOINT_ENV

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright


# Headless Chromium on CI machines and containers: no sandbox (often running as root), no GPU, and
# none of the background traffic that a closed network answers with refused connections.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

SYSTEM_CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
)
SYSTEM_CHROMIUM_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)

HOW_TO_GET_ONE = """\
Get one in any of these ways:
  python -m playwright install chromium        # Playwright's own Chromium (needs internet access)
  sudo apt-get install -y chromium             # Debian/Ubuntu system Chromium (found by itself)
  --cx-browser-path /path/to/chrome            # or CXCHECK_BROWSER=/path/to/chrome: one you have
  --cx-browser-endpoint http://127.0.0.1:9222  # or a browser already running elsewhere (CDP)
  --cx-browser-endpoint ws://host:3000/        # or a Playwright server (playwright run-server)"""


@dataclass(frozen=True)
class BrowserSettings:
    """How the user asked for a browser."""

    engine: str = "chromium"
    executable: str | None = None
    endpoint: str | None = None
    headed: bool = False
    slowmo_ms: float = 0.0


@dataclass(frozen=True)
class BrowserChoice:
    """The browser found: an executable path (None: Playwright's own) and how it was found."""

    executable: str | None
    how: str


def find_browser(
    settings: BrowserSettings,
    playwright_executable: str | None,
    path_env: str | None = None,
    extra_paths: Sequence[str] = SYSTEM_CHROMIUM_PATHS,
) -> BrowserChoice:
    """Find a browser: explicit path, Playwright's own install, then a system Chromium/Chrome."""
    tried: list[str] = []
    if settings.executable:
        exe = Path(settings.executable).expanduser()
        if exe.is_file() and os.access(exe, os.X_OK):
            return BrowserChoice(str(exe), "--cx-browser-path / CXCHECK_BROWSER")
        raise BrowserNotFoundError(
            f"the browser given by --cx-browser-path / {BROWSER_ENV} is not an executable file: "
            f"{settings.executable}\n{HOW_TO_GET_ONE}"
        )
    tried.append(f"--cx-browser-path / {BROWSER_ENV}: not set")
    if playwright_executable and Path(playwright_executable).is_file():
        return BrowserChoice(None, f"Playwright's own {settings.engine} ({playwright_executable})")
    tried.append(
        f"Playwright's own {settings.engine}: not installed"
        + (f" (looked for {playwright_executable})" if playwright_executable else "")
    )
    if settings.engine == "chromium":
        search = os.environ.get("PATH", "") if path_env is None else path_env
        for name in SYSTEM_CHROMIUM_NAMES:
            found = shutil.which(name, path=search)
            if found:
                return BrowserChoice(found, f"system browser on PATH ({found})")
        for candidate in extra_paths:
            if Path(candidate).is_file():
                return BrowserChoice(candidate, f"system browser ({candidate})")
        tried.append(f"system Chromium/Chrome: none of {', '.join(SYSTEM_CHROMIUM_NAMES)} on PATH")
    raise BrowserNotFoundError(
        f"cxcheck found no {settings.engine} browser. Tried, in order:\n  - "
        + "\n  - ".join(tried)
        + "\n"
        + HOW_TO_GET_ONE
    )


def launch(pw: Playwright, settings: BrowserSettings) -> tuple[Browser, str]:
    """Launch or connect to the browser; returns it and a line saying which one it is."""
    browser_type = getattr(pw, settings.engine)
    if settings.endpoint:
        browser = connect(pw, settings)
        return browser, connected_line(settings, browser)
    choice = find_browser(settings, _playwright_executable(browser_type))
    args = list(CHROMIUM_ARGS) if settings.engine == "chromium" else []
    try:
        browser = browser_type.launch(
            executable_path=choice.executable,
            headless=not settings.headed,
            slow_mo=settings.slowmo_ms or None,
            args=args,
            # Ctrl-C reaches the whole process group. Left to itself, Playwright's driver would
            # close the browser on SIGINT while pytest is still unwinding, and every later
            # test (or teardown) would meet a dead browser. pytest closes it instead.
            handle_sigint=False,
        )
    except Exception as exc:
        raise BrowserNotFoundError(
            f"{settings.engine} found ({choice.how}) but it did not start: "
            f"{str(exc).strip().splitlines()[0]}\n{HOW_TO_GET_ONE}"
        ) from exc
    return browser, f"{settings.engine} {browser.version} — {choice.how}"


def launch_extras(
    settings: BrowserSettings, launch_args: Mapping[str, Any], browser_type: Any, remote: bool
) -> tuple[dict[str, Any], str]:
    """What cxcheck adds to a pytest-playwright suite's launch arguments, and a line saying
    which browser that is.

    The suite's own choice stands: a channel or an executable path of its own, or a remote
    browser (``connect_options``), gets nothing but cxcheck's ``--cx-headed``/``--cx-slowmo``.
    Otherwise cxcheck's finder picks the browser (Playwright's own, else a system Chromium, with
    the arguments a container needs), and Ctrl-C is left to pytest (``handle_sigint``).
    """
    extras: dict[str, Any] = {}
    if settings.headed:
        extras["headless"] = False
    if settings.slowmo_ms:
        extras["slow_mo"] = settings.slowmo_ms
    if remote:
        return extras, "a remote browser (connect_options)"
    extras["handle_sigint"] = False
    own = launch_args.get("executable_path") or launch_args.get("channel")
    if own:
        return extras, f"the suite's own ({own})"
    choice = find_browser(settings, _playwright_executable(browser_type))
    if choice.executable is not None:
        extras["executable_path"] = choice.executable
    if settings.engine == "chromium":  # as cxcheck launches it: see CHROMIUM_ARGS
        theirs = list(launch_args.get("args") or [])
        extras["args"] = [*theirs, *(a for a in CHROMIUM_ARGS if a not in theirs)]
    return extras, choice.how


def connect(pw: Playwright, settings: BrowserSettings) -> Browser:
    """Connect to a running browser: CDP for http(s):// and ws://…/devtools/…, else a Playwright
    server (``playwright run-server``), which launches one for this run (browser/remote.py)."""
    endpoint = settings.endpoint or ""
    browser_type = getattr(pw, settings.engine)
    try:
        if is_cdp(endpoint):
            if settings.engine != "chromium":
                raise BrowserNotFoundError(
                    f"--cx-browser-endpoint {endpoint} is a Chrome DevTools endpoint, which only "
                    "works with --cx-browser chromium"
                )
            return pw.chromium.connect_over_cdp(
                endpoint, timeout=15_000, slow_mo=settings.slowmo_ms or None
            )
        args = CHROMIUM_ARGS if settings.engine == "chromium" else ()
        options = launch_options(settings.headed, settings.executable, args)
        return connect_server(browser_type, endpoint, options, settings.slowmo_ms)  # type: ignore[no-any-return]
    except BrowserNotFoundError:
        raise
    except Exception as exc:
        raise BrowserNotFoundError(
            f"could not connect to the browser at --cx-browser-endpoint {endpoint}: "
            f"{str(exc).strip().splitlines()[0]}. Is it running and reachable? A Chromium started "
            "with --remote-debugging-port=9222 answers at http://127.0.0.1:9222; a Playwright "
            "server (`playwright run-server --port 3000`) at ws://host:3000/."
        ) from exc


def connected_line(settings: BrowserSettings, browser: Browser) -> str:
    """The line saying which browser a run connected to."""
    line = f"{settings.engine} at {settings.endpoint}"
    if is_cdp(settings.endpoint or ""):
        return line
    return f"{line} ({settings.engine} {browser.version} via a Playwright server; {EXPOSED})"


def _playwright_executable(browser_type: Any) -> str | None:
    try:
        return str(browser_type.executable_path)
    except Exception:
        return None


def context_options(
    device: DeviceProfile, network: NetworkProfile, base_url: str | None
) -> dict[str, Any]:
    """The ``Browser.new_context`` keyword arguments that emulate a device on a network."""
    options: dict[str, Any] = {
        "viewport": {"width": device.viewport.width, "height": device.viewport.height},
        "screen": {"width": device.screen.width, "height": device.screen.height},
        "device_scale_factor": device.pixel_ratio,
        "is_mobile": device.mobile,
        "has_touch": device.touch,
        "offline": network.offline,
    }
    if device.user_agent:
        options["user_agent"] = device.user_agent
    if device.color_scheme:
        options["color_scheme"] = device.color_scheme
    if device.reduced_motion:
        options["reduced_motion"] = device.reduced_motion
    if device.locale:
        options["locale"] = device.locale
    if base_url:
        options["base_url"] = base_url
    return options


def check_base_url(url: str, timeout_s: float = 10.0) -> None:
    """Fail fast, naming the URL, when nothing answers there (any HTTP status counts)."""
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "cxcheck"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s):
            return
    except urllib.error.HTTPError:
        return  # the server answered; a 404 at "/" is the app's business
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BaseUrlError(
            f"the base URL {url} does not answer ({reason}). Start the app first, or fix "
            "--cx-base-url / cx_base_url."
        ) from None


def env_settings(env: Mapping[str, str] = os.environ) -> dict[str, str | None]:
    """Browser settings that may come from the environment."""
    return {"executable": env.get(BROWSER_ENV) or None, "endpoint": env.get(ENDPOINT_ENV) or None}
