"""Recording a journey in a browser window with Playwright's recorder (``cxcheck record URL``).

The recorder runs on a browser found the way the pytest plugin finds one, with a device's
viewport and user agent, through the private call ``playwright codegen`` itself makes. The
recorder needs a screen; without one, :func:`require_display` says so before anything starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cxcheck.journeyfiles.transcript import RecorderError, same_page, signals

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Frame, Page

    from cxcheck.config.profiles import DeviceProfile


NO_DISPLAY = (
    "the recorder needs a display: it opens a browser window to click through and a window "
    "with the recorded code, and this machine has neither DISPLAY nor WAYLAND_DISPLAY set. "
    "Run it on a desktop, or under a virtual display with a VNC viewer "
    "(`xvfb-run cxcheck record ...`), or record on a laptop and commit the YAML. A transcript "
    "recorded elsewhere with `playwright codegen --target jsonl -o FILE URL` converts without a "
    "browser: `cxcheck record --from-jsonl FILE -o JOURNEY.journey.yaml`."
)


# Recorded actions after which a page load is the action's doing (the recorder of Playwright
# 1.4x and later records no signal for it; `cxcheck record` adds one, see add_navigation_signals).
NAVIGATING = frozenset({"click", "press", "check", "uncheck", "select", "setInputFiles", "fill"})


# How long after a page load every action that caused it is in the transcript: the recorder
# holds a click back 500 ms (to see if a double click follows) and writes its file every 250 ms.
SETTLE_S = 1.0


POLL_MS = 100


def require_display(env: Mapping[str, str] | None = None, platform: str | None = None) -> None:
    """Fail with :data:`NO_DISPLAY` on a Linux (or BSD) machine without an X or Wayland display.

    macOS and Windows always have a screen for a logged-in user, so they pass.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        raise RecorderError(NO_DISPLAY)


def _show_recorder(context: BrowserContext, transcript: Path) -> None:
    """Open Playwright's recorder on the context, recording as ``codegen`` does, its JSONL
    transcript kept up to date in ``transcript``.

    This is the private call the ``playwright codegen`` command makes; doing it here lets the
    recorder run on a browser and context cxcheck chose (the device's emulation included).
    """
    params = {
        "language": "jsonl",
        "mode": "recording",
        "outputFile": str(transcript),
        "handleSIGINT": False,
        "launchOptions": {},
        "contextOptions": {},
    }
    impl = context._impl_obj
    if hasattr(impl, "_show_recorder"):  # Playwright 1.5x and later
        context._sync(impl._show_recorder(params))
        return
    if hasattr(impl, "_enable_recorder"):  # earlier Playwright for Python
        try:
            context._sync(impl._enable_recorder({**params, "startRecording": True}))
            return
        except TypeError:
            pass
    raise RecorderError(
        "this version of Playwright has no recorder that cxcheck knows how to start. Record with "
        "`playwright codegen --target jsonl -o FILE URL` and convert it: "
        "`cxcheck record --from-jsonl FILE -o JOURNEY.journey.yaml`"
    )


class NavigationWatcher:
    """Notes after which recorded action each page load of the recorded page happened.

    The recorder of Playwright 1.4x and later writes a click that loads another page as a
    plain click, so a transcript alone cannot say where one page ends and the next begins.
    Watching the page while recording can: a load belongs to the last action in the
    transcript :data:`SETTLE_S` after it (the recorder's own delays are shorter than that, and
    nobody clicks on a page within a second of it appearing).
    """

    def __init__(
        self, page: Page, transcript: Path, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.page = page
        self.transcript = transcript
        self.clock = clock
        self.url = page.url
        self.seen: list[float] = []  # when each line of the transcript first appeared
        self.loads: list[tuple[float, str]] = []  # page loads not yet placed
        self.marks: dict[int, str] = {}  # transcript line index → the URL its action loaded
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Frame) -> None:
        if frame.parent_frame is None and not same_page(frame.url, self.url):
            self.url = frame.url
            self.loads.append((self.clock(), frame.url))

    def poll(self) -> None:
        """Read the transcript's length and place the page loads that have settled."""
        now = self.clock()
        try:
            count = len(self.transcript.read_text(encoding="utf-8").splitlines())
        except OSError:
            count = 0
        if count < len(self.seen):  # the recorder's Clear button: start over
            self.seen = self.seen[:count]
            self.marks = {i: url for i, url in self.marks.items() if i < count}
        self.seen += [now] * (count - len(self.seen))
        while self.loads and now - self.loads[0][0] >= SETTLE_S:
            loaded_at, url = self.loads.pop(0)
            settled = [i for i, t in enumerate(self.seen) if t <= loaded_at + SETTLE_S]
            if settled:
                self.marks[settled[-1]] = url

    def finish(self) -> dict[int, str]:
        """The loads placed so far, the unsettled ones after the last line."""
        self.poll()
        for _, url in self.loads:
            if self.seen:
                self.marks[len(self.seen) - 1] = url
        self.loads.clear()
        return dict(self.marks)


# Reports what is typed into password fields (each input, so the final value is among them):
# the recorder's transcript says which label it filled, not that the field hid its text.
PASSWORD_WATCH = """document.addEventListener('input', event => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.type === 'password' && field.value)
    window.__cxcheckTypedPassword(field.value);
}, true);"""


def watch_password_fields(context: BrowserContext, typed: set[str]) -> None:
    """Collect in ``typed`` what is typed into ``type=password`` fields of every page of
    ``context``: kept in memory only, to recognise those fills in the transcript."""
    context.expose_binding("__cxcheckTypedPassword", lambda _source, value: typed.add(str(value)))
    context.add_init_script(PASSWORD_WATCH)


def mark_password_fills(lines: Sequence[str], typed: set[str]) -> list[str]:
    """The transcript with ``inputType: password`` on each fill of a value typed into a password
    field, so the converter writes it as a secret whatever the field's label says."""
    out = list(lines)
    for index, line in enumerate(out):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("name") == "fill" and entry.get("text") in typed:
            entry["inputType"] = "password"
            out[index] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return out


def add_navigation_signals(lines: Sequence[str], marks: Mapping[int, str]) -> list[str]:
    """The transcript with a ``navigation`` signal (older recorders' form) on each action after
    which the recorded page loaded another address: the converter starts a step there."""
    out = list(lines)
    for index, url in sorted(marks.items()):
        if not 0 <= index < len(out):
            continue
        try:
            entry = json.loads(out[index])
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("name") not in NAVIGATING:
            continue  # a load after navigate, openPage or an assertion is not an action's doing
        recorded = signals(entry)
        if any(isinstance(s, dict) and s.get("name") == "navigation" for s in recorded):
            continue
        entry["signals"] = [*recorded, {"name": "navigation", "url": url}]
        out[index] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return out


def record_lines(url: str, profile: DeviceProfile | None, env: Mapping[str, str]) -> list[str]:
    """Run the recorder until the user closes the browser; the transcript's lines, with the
    page loads the watcher saw added as navigation signals."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from cxcheck.browser.launch import BrowserSettings, context_options, env_settings, launch
    from cxcheck.config.profiles import NetworkProfile

    settings = BrowserSettings(executable=env_settings(env)["executable"], headed=True)
    unthrottled = NetworkProfile(name="no-throttle", label="unthrottled")
    options = context_options(profile, unthrottled, None) if profile else {}
    with tempfile.TemporaryDirectory(prefix="cxcheck-record-") as folder:
        transcript = Path(folder) / "recording.jsonl"
        with sync_playwright() as pw:
            browser, how = launch(pw, settings)
            try:
                context = browser.new_context(**options)
                typed: set[str] = set()
                watch_password_fields(context, typed)
                _show_recorder(context, transcript)
                page = context.new_page()
                page.goto(url)
                on = f" as {profile.name} ({profile.viewport})" if profile else ""
                print(
                    f"cxcheck record: recording {url}{on} in {how}. Click through the journey; "
                    "use the toolbar at the top of the page to add checks. Close the browser "
                    "window when you are done.",
                    file=sys.stderr,
                )
                watcher = NavigationWatcher(page, transcript)
                _wait_until_closed(context, watcher, PlaywrightError)
                marks = watcher.finish()
                with contextlib.suppress(PlaywrightError):
                    context.close()  # the recorder writes its last lines when the context closes
            finally:
                with contextlib.suppress(PlaywrightError):
                    browser.close()
        time.sleep(0.3)  # a write the recorder scheduled (every 250 ms) lands
        try:
            raw = transcript.read_text(encoding="utf-8").splitlines()
        except OSError:
            raise RecorderError("the recorder wrote nothing: no action was recorded") from None
    return mark_password_fills(add_navigation_signals(raw, marks), typed)


def _wait_until_closed(
    context: BrowserContext, watcher: NavigationWatcher, error: type[Exception]
) -> None:
    """Keep Playwright's events flowing until every page is closed (Ctrl-C also ends it)."""
    try:
        while True:
            pages = [p for p in context.pages if not p.is_closed()]
            browser = context.browser
            if not pages or (browser is not None and not browser.is_connected()):
                return
            with contextlib.suppress(error):  # that page closed meanwhile: look again
                pages[0].wait_for_timeout(POLL_MS)
            watcher.poll()
    except KeyboardInterrupt:
        print("cxcheck record: stopped; converting what was recorded", file=sys.stderr)
