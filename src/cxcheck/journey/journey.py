"""Journeys: a customer's flow as named steps, each timed, budgeted and recorded as evidence.

A step records its wall time, the requests and bytes it caused, failed requests, console errors,
uncaught page errors and a screenshot at its end. What it saw becomes *findings*
(:class:`cxcheck.results.Finding`): a budget breach, a page error and a failed same-origin request
are errors (a journey that "passes" with a broken API call is a false pass); console errors,
cross-origin failures and cancelled requests are warnings and info; anything matching the team's
ignore patterns is kept as *ignored*. Checks add their own findings through
:func:`cxcheck.add_finding`. Error findings fail the step. Results are plain data
(:class:`StepRecord`), also written as ``steps.json`` beside the screenshots.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import json
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcheck.browser.nearby import python_hint
from cxcheck.browser.traffic import traffic_of
from cxcheck.config.profiles import DeviceProfile, NetworkProfile
from cxcheck.journey.broken import BrokenPage, main_document
from cxcheck.journey.filmstrip import make_filmstrip
from cxcheck.journey.vitals import INIT_SCRIPT, READ_SCRIPT, check
from cxcheck.model.calllog import explain, with_reason
from cxcheck.model.calllog import parse as parse_calllog
from cxcheck.model.durations import Budget, budget_for
from cxcheck.model.expectations import parse as parse_expectation
from cxcheck.model.findings import (
    JourneyStepError,
    collecting,
    failure_message,
    findings_of,
    is_control,
)
from cxcheck.model.masking import mask_data
from cxcheck.model.overlaps import merge_overlaps
from cxcheck.model.paths import shown_path
from cxcheck.model.results import (
    ABORTED,
    FailedRequest,
    Finding,
    StepRecord,
    Traffic,
    Vitals,
)
from cxcheck.model.text import slug

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, ConsoleMessage, Page, Request, Response

__all__ = ["FailedRequest", "Journey", "JourneyStepError", "StepRecord", "slug"]


def matches(text: str, patterns: Sequence[str]) -> str | None:
    """The first glob pattern (``*learn.json``) that matches ``text``, or None."""
    for pattern in patterns:
        if fnmatch.fnmatchcase(text, pattern):
            return pattern
    return None


class Journey:
    """Runs named steps on a page and records evidence for each one."""

    def __init__(
        self,
        page: Page,
        device: DeviceProfile,
        network: NetworkProfile,
        artifacts: Path,
        *,
        base_url: str | None = None,
        fail_on_page_errors: bool = True,
        fail_on_failed_requests: bool = True,
        screenshots: bool = True,
        ignore_requests: Sequence[str] = (),
        ignore_console: Sequence[str] = (),
    ) -> None:
        self.page = page
        self.device = device
        self.network = network
        self.artifacts = artifacts
        self.origin = _origin(base_url) if base_url else None
        self.fail_on_page_errors = fail_on_page_errors
        self.fail_on_failed_requests = fail_on_failed_requests
        self.screenshots = screenshots
        self._strip: tuple[int, Path | None] | None = None
        self.ignore_requests = tuple(ignore_requests)
        self.ignore_console = tuple(ignore_console)
        self.after_step: list[Callable[[StepRecord], None]] = []
        """Called after each step that did not fail, its findings going to the step."""
        self.steps: list[StepRecord] = []
        self.cell_network = network
        self.network_now = network
        """The cell's network; :meth:`set_network` may switch the page to another for a while."""
        self._current: StepRecord | None = None
        self._seen: set[int] = set()  # the current step's requests, counted once each
        self._broken: BrokenPage | None = None  # the page's document, when the app broke it
        # The app's broken document that arrived between two steps (a form post submitted at the
        # end of one): the next step reports it, since that step's page is the broken one.
        self._between: list[FailedRequest] = []
        self._cdp: CDPSession | None = None
        page.context.add_init_script(INIT_SCRIPT)
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    # --- listeners: they only record; the step decides what fails ---

    def _on_request(self, request: Request) -> None:
        self._count(request)

    def _count(self, request: Request) -> None:
        # A request that started just before the step (its event delivered before the step
        # began) is counted with its response, so bytes never come without requests.
        if self._current is not None and id(request) not in self._seen:
            self._seen.add(id(request))
            self._current.requests += 1

    def _on_failed(self, request: Request) -> None:
        failure = request.failure or "failed"
        if failure not in ABORTED and main_document(self.page, request):
            self._document(request, None, failure)
        if self._current is not None:
            self._current.failed_requests.append(
                FailedRequest(
                    request.url,
                    request.method,
                    None,
                    failure,
                    self._same_origin(request.url),
                )
            )

    def _on_response(self, response: Response) -> None:
        if main_document(self.page, response.request):
            self._document(response.request, response.status, response.status_text)
        if self._current is None:
            return
        self._count(response.request)
        # Content-Length comes with the response event; asking the browser for exact transfer
        # sizes would cost a round trip per request (chunked responses count 0 here).
        length = response.headers.get("content-length", "")
        if length.isdigit():
            self._current.bytes += int(length)
        if response.status >= 400:
            self._current.failed_requests.append(
                FailedRequest(
                    response.url,
                    response.request.method,
                    response.status,
                    response.status_text or f"HTTP {response.status}",
                    self._same_origin(response.url),
                )
            )

    def _on_console(self, message: ConsoleMessage) -> None:
        if self._current is not None and message.type == "error":
            self._current.console_errors.append(message.text)

    def _on_page_error(self, error: Any) -> None:
        if self._current is not None:
            self._current.page_errors.append(str(getattr(error, "message", error)))

    def _same_origin(self, url: str) -> bool:
        return self.origin is not None and _origin(url) == self.origin

    def _document(self, request: Request, status: int | None, reason: str) -> None:
        """Note whether the page's document is broken now; kept across steps, as the page is
        (a form post answered between two steps breaks the next step's page)."""
        if status is not None and status < 500:
            self._broken = None  # a page that answered: whatever broke before is gone
        elif self._app_document(request.url):
            text = reason or ("" if status is None else _STATUS_TEXT.get(status, ""))
            self._broken = BrokenPage(request.method, request.url, status, text)
            if self._current is None:
                same = self._same_origin(request.url)
                failed = FailedRequest(request.url, request.method, status, text or "failed", same)
                self._between.append(failed)

    def _app_document(self, url: str) -> bool:
        """Whether a document is the app's: of the base URL's origin, or without one, of the
        page's current origin (a form posts there) or the first page opened."""
        if self.origin is not None:
            return _origin(url) == self.origin
        current = self.page.url
        return not current.startswith("http") or _origin(current) == _origin(url)

    def broken_page(self) -> BrokenPage | None:
        """The app's 5xx or failed document the page is on, when it fails the step (failed
        requests fail steps here and its URL is not ignored): waits end early for it."""
        broken = self._broken
        if broken is None or not self.fail_on_failed_requests:
            return None
        return None if matches(broken.url, self.ignore_requests) else broken

    # --- steps ---

    @contextmanager
    def step(self, name: str, budget: Budget = None) -> Iterator[StepRecord]:
        """Run the body as one named step; fails it on error, budget, page error or bad request."""
        __tracebackhide__ = True
        record = StepRecord(len(self.steps) + 1, name, budget_for(budget, self.network.name))
        self.steps.append(record)
        self._current = record
        self._seen = set()
        record.failed_requests.extend(self._between)
        self._between.clear()
        started = time.monotonic()
        started_ms = time.time() * 1000  # the clock of Playwright's request timings
        failure: BaseException | None = None
        try:
            with collecting(record.findings):
                yield record
        except BaseException as exc:
            failure = exc
        finally:
            record.duration_s = time.monotonic() - started
            self._current = None
        if failure is None and self.after_step:
            # Checks that follow every step (the automatic a11y scan) are not the step's time.
            try:
                with collecting(record.findings):
                    for hook in self.after_step:
                        hook(record)
            except Exception as exc:
                failure = exc
        record.vitals = self._read_vitals()
        if failure is not None:
            record.findings[0:0] = findings_of(failure)
        record.findings.extend(self._observed(record))
        # Final now: a problem two checks found (axe's and the layout check's target size) is
        # one finding before it decides the step and before any output reads it.
        record.findings[:] = merge_overlaps(record.findings)
        problem = failure_message(record.findings)
        if failure is not None and is_control(failure) and not problem:
            record.status = "skipped"
        elif failure is not None or problem:
            record.status = "failed"
            record.error = with_reason(type(failure).__name__, str(failure)) if failure else problem
            record.traffic = self._traffic(started_ms, started_ms + record.duration_s * 1000)
        self._screenshot(record)
        if failure is not None:
            if isinstance(failure, Exception):
                reason = explain(str(failure))
                if reason:  # Playwright says why only deep in its call log
                    failure.add_note(f"cxcheck: {reason}")
                    hint = self._nearby(str(failure))
                    if hint:
                        failure.add_note(f"cxcheck: {hint}")
                failure.add_note(self._where(record))
            raise failure
        if problem:
            raise JourneyStepError(f"{problem}\n{self._where(record)}")

    def _nearby(self, message: str) -> str:
        """For an action whose locator matched nothing: the closest elements on the page."""
        stuck = parse_calllog(message)
        wanted = parse_expectation(message) if stuck is None else None
        if stuck is not None and stuck.cause == "missing" and stuck.target is not None:
            target = stuck.target
        elif wanted is not None and wanted.actual is None and wanted.target is not None:
            target = wanted.target  # an expect on an element that is not there
        else:
            return ""
        return python_hint(self.page.locator("body"), target)

    def _observed(self, record: StepRecord) -> list[Finding]:
        """What the step's listeners saw, as findings: errors first, in the order they matter."""
        cell = f"on {self.device.name} / {self.network.name}"
        out: list[Finding] = []
        for text in record.page_errors:
            out.append(
                Finding(
                    "page-error",
                    f"step {record.name!r} {cell}: the page threw an uncaught error: {text}",
                    "error" if self.fail_on_page_errors else "warning",
                    check="uncaught-error",
                    data={"error": text},
                )
            )
        bad = [r for r in record.failed_requests if r.same_origin and not r.aborted]
        for request in record.failed_requests:
            what = f"HTTP {request.status}" if request.status else request.reason
            severity = "error" if request in bad and self.fail_on_failed_requests else "warning"
            if request.aborted:
                severity = "info"
            pattern = matches(request.url, self.ignore_requests)
            if pattern:
                severity = "ignored"
            if severity == "error" and not any(f.kind == "failed-request" and f.failing
                                               for f in out):  # fmt: skip
                # The first failing request speaks for all of them in the step's message.
                count = sum(1 for r in bad if not matches(r.url, self.ignore_requests))
                message = (
                    f"step {record.name!r} {cell}: {count} request(s) to the app failed, "
                    f"first {request.method} {request.url} ({what})"
                )
            else:
                message = f"{request.method} {request.url} failed ({what})"
                if pattern:
                    message += f"; ignored by pattern {pattern!r}"
            out.append(
                Finding(
                    "failed-request",
                    message,
                    severity,
                    check="same-origin" if request.same_origin else "cross-origin",
                    target=request.url,
                    data={
                        "method": request.method,
                        "status": request.status,
                        "reason": request.reason,
                    },
                )
            )
        for text in record.console_errors:
            pattern = matches(text, self.ignore_console)
            out.append(
                Finding(
                    "console",
                    f"console error: {text}"
                    + (f"; ignored by pattern {pattern!r}" if pattern else ""),
                    "ignored" if pattern else "warning",
                    check="console-error",
                    data={"text": text},
                )
            )
        if record.budget_s is not None and record.duration_s > record.budget_s:
            out.append(
                Finding(
                    "budget",
                    f"step {record.name!r} took {record.duration_s:.2f} s {cell}; "
                    f"its budget is {record.budget_s:g} s",
                    check="step-budget",
                    data={"duration_s": round(record.duration_s, 3), "budget_s": record.budget_s},
                )
            )
        # Errors first so the step's message names the problem that matters most.
        return sorted(out, key=lambda f: not f.failing)

    # --- conditions that change mid-journey, and named evidence ---

    def rotate(self) -> str:
        """Turn the device: the viewport's width and height swap (portrait ↔ landscape).

        Recorded on the current step; returns the new orientation.
        """
        size = self.page.viewport_size
        now = (
            (size["width"], size["height"])
            if size
            else (self.device.viewport.width, self.device.viewport.height)
        )
        width, height = now[1], now[0]
        self.page.set_viewport_size({"width": width, "height": height})
        orientation = "landscape" if width > height else "portrait"
        self._note("rotate", f"rotated to {orientation}: the viewport is now {width}×{height}",
                   orientation=orientation, width=width, height=height)  # fmt: skip
        return orientation

    def set_network(self, network: NetworkProfile | None) -> None:
        """Put the page on another network now (``None``: back to the cell's own), e.g. offline
        as the train enters a tunnel; recorded on the current step. Budgets stay the cell's."""
        from cxcheck.browser.throttle import throttle_of

        chosen = network or self.cell_network
        throttle_of(self.page.context, self.cell_network).set_network(self.page, chosen)
        self.network_now = chosen
        back = " (the cell's own)" if network is None else ""
        self._note("network", f"network switched to {chosen.name}{back} ({chosen.label})",
                   network=chosen.name)  # fmt: skip

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        """Save the page as ``screenshot-<name>.png`` in the evidence folder, linked from the
        current step (or the test) in the report."""
        from cxcheck.model.findings import add_finding

        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"screenshot-{slug(name)}.png"
        self.page.screenshot(path=path, full_page=full_page)
        add_finding("screenshot", f"screenshot {name!r}: {path.name}", severity="info",
                    check="screenshot", target=name, file=path.name)  # fmt: skip
        return path

    def _note(self, check: str, message: str, **data: Any) -> None:
        from cxcheck.model.findings import add_finding

        add_finding("condition", message, severity="info", check=check, **data)

    def _read_vitals(self) -> Vitals | None:
        try:
            return Vitals.from_page(self.page.evaluate(READ_SCRIPT))
        except Exception:
            return None  # mid-navigation or closed: the next step reads them

    def vitals(self) -> Vitals:
        """The Web Vitals of the page's current navigation, measured now."""
        return Vitals.from_page(self.page.evaluate(READ_SCRIPT))

    def expect_vitals(self, **limits: float | int | str) -> Vitals:
        """Fail unless the current navigation's vitals are within limits, e.g.
        ``expect_vitals(lcp="4s", cls=0.1, ttfb="800ms", fcp="2s", inp="200ms")``."""
        __tracebackhide__ = True
        # LCP and CLS settle after load; a short wait lets the last entries arrive.
        self.page.wait_for_timeout(250)
        measured = self.vitals()
        problems = check(measured, limits)
        if problems:
            message = (
                f"Web Vitals of {measured.url} on {self.device.name} / {self.network.name}: "
                + "; ".join(problems)
            )
            # "broken": the metrics over their limit, by name (each problem starts with it)
            broken = [p.split()[0].lower() for p in problems]
            numbers = {"measured": asdict(measured), "limits": dict(limits), "broken": broken}
            finding = Finding("vitals", message, check="web-vitals", target=measured.url,
                              data=numbers)  # fmt: skip
            raise JourneyStepError(message, [finding])
        return measured

    def _traffic(self, since_ms: float, until_ms: float) -> Traffic | None:
        """The heaviest and slowest requests a failed (or slow) step started."""
        recorder = traffic_of(self.page.context)
        if recorder is None:
            return None  # a page of a context cxcheck did not make
        try:
            return recorder.summary(since_ms, until_ms)
        except Exception:
            return None  # evidence only: a closed page must not hide the step's own error

    def _where(self, record: StepRecord) -> str:
        where = shown_path(self.artifacts)  # as the terminal's reader types it
        return f"cxcheck: evidence for step {record.index} ({record.name!r}) in {where}"

    def _screenshot(self, record: StepRecord) -> None:
        if not self.screenshots:
            return
        path = self.artifacts / f"step-{record.index:02d}-{slug(record.name)}.jpg"
        try:
            self.artifacts.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self._capture())
        except Exception:
            return  # a closed or crashed page: the step's own error says why
        record.screenshot = path.name

    def _capture(self) -> bytes:
        """The viewport as a JPEG: straight from Chromium's DevTools protocol where it can.

        Playwright's own screenshot first waits for fonts and hides the caret, which costs about
        0.1 s per step; a filmstrip frame needs none of that. Other engines use Playwright's.
        """
        if (
            self._cdp is None
            and self.page.context.browser is not None
            and (self.page.context.browser.browser_type.name == "chromium")
        ):
            self._cdp = self.page.context.new_cdp_session(self.page)
        if self._cdp is not None and not self._head_blocked():
            shot = self._cdp.send("Page.captureScreenshot", {"format": "jpeg", "quality": 70})
            return base64.b64decode(shot["data"])
        return self.page.screenshot(type="jpeg", quality=70, scale="css", timeout=10_000)

    def _head_blocked(self) -> bool:
        """Whether the page is still parsing its ``<head>`` (a script there that never arrives:
        a third party that hangs). Such a page has never painted, and Chromium's
        ``Page.captureScreenshot``, which has no timeout, would wait for its first frame for
        ever; Playwright's screenshot, with one, is asked instead."""
        try:
            return bool(self.page.evaluate("() => !document.body"))
        except Exception:
            return False  # a closed or crashed page: the screenshot's own error says why

    def write(self) -> Path:
        """Write ``steps.json`` (device, network and every step) and return its path."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / "steps.json"
        data = {
            "device": self.device.name,
            "network": self.network.name,
            "steps": [asdict(s) for s in self.steps],
        }
        path.write_text(json.dumps(mask_data(data), indent=2), encoding="utf-8")
        # Extra evidence: a strip that cannot be written never fails the test.
        with contextlib.suppress(OSError):
            self.filmstrip()
        return path

    def filmstrip(self) -> Path | None:
        """The journey's filmstrip PNG, made once for its steps so far (pytest-html shows it
        before the journey ends, ``write`` keeps it); None without screenshots."""
        if not self.screenshots or not self.steps:
            return None
        if self._strip is None or self._strip[0] != len(self.steps):
            title = f"{self.artifacts.name} · {self.device.name} / {self.network.name}"
            made = make_filmstrip(self.steps, self.artifacts, title=title)
            self._strip = (len(self.steps), made)
        return self._strip[1]


def _origin(url: str) -> tuple[str, str]:
    parsed = urllib.parse.urlsplit(url)
    return parsed.scheme, parsed.netloc


# HTTP/2 responses carry no status text: the standard words for the common 5xx.
_STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout"}  # fmt: skip
