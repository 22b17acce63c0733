"""Journeys: a customer's flow as named steps, each timed, budgeted and recorded as evidence.

A step records its wall time, the requests and bytes it caused, failed requests, console errors,
uncaught page errors and a screenshot at its end. A step fails when its body raises, when it runs
over its budget, when the page throws, or when a same-origin request fails (a journey that
"passes" with a broken API call is a false pass). Results are plain data (:class:`StepRecord`),
written as ``steps.json`` beside the screenshots so that reports can read them later.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcheck.errors import CxError
from cxcheck.profiles import DeviceProfile, NetworkProfile
from cxcheck.vitals import INIT_SCRIPT, READ_SCRIPT, Vitals, check

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, ConsoleMessage, Page, Request, Response

Budget = float | int | str | Mapping[str, float | int | str] | None

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
# The browser cancelled the request itself (the user navigated on, a newer fetch replaced it):
# recorded as evidence, but not the app's failure.
ABORTED = ("net::ERR_ABORTED", "NS_BINDING_ABORTED", "cancelled")


class JourneyStepError(AssertionError):
    """A step failed: over budget, a page error, a failed request, or its body raised."""


def parse_duration(value: float | int | str, where: str = "budget") -> float:
    """``"3s"``, ``"250ms"``, ``"1.5m"`` or a number of seconds → seconds."""
    if isinstance(value, bool):
        raise CxError(f'{where}: {value!r} is not a duration; write e.g. "3s" or "250ms"')
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise CxError(f'{where}: {value!r} is not a duration; write e.g. "3s" or "250ms"')
        number, unit = float(match.group(1)), match.group(2) or "s"
        seconds = number / 1000 if unit == "ms" else number * 60 if unit == "m" else number
    if not 0 < seconds <= 3600:
        raise CxError(f"{where}: {value!r} is out of range: more than 0 and at most 1 hour")
    return seconds


def budget_for(budget: Budget, network: str, where: str = "budget") -> float | None:
    """The budget in seconds that applies on ``network``; a mapping may fall back on ``"*"``."""
    if budget is None:
        return None
    if isinstance(budget, Mapping):
        if network in budget:
            return parse_duration(budget[network], f"{where}[{network!r}]")
        if "*" in budget:
            return parse_duration(budget["*"], f"{where}['*']")
        return None
    return parse_duration(budget, where)


@dataclass
class FailedRequest:
    """A request that got an HTTP error status or no response at all."""

    url: str
    method: str
    status: int | None
    reason: str
    same_origin: bool

    @property
    def aborted(self) -> bool:
        """Cancelled by the browser rather than failed by the server or the network."""
        return self.status is None and self.reason in ABORTED


@dataclass
class StepRecord:
    """What one step did, as plain data."""

    index: int
    name: str
    budget_s: float | None
    duration_s: float = 0.0
    requests: int = 0
    bytes: int = 0
    failed_requests: list[FailedRequest] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    screenshot: str | None = None
    vitals: Vitals | None = None
    status: str = "passed"
    error: str | None = None


def slug(text: str) -> str:
    """A file-name-safe form of a step name or test id."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "step"
    # Long test ids keep their end: the device-network cell is what tells folders apart.
    return cleaned if len(cleaned) <= 120 else cleaned[:40] + "--" + cleaned[-78:]


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
    ) -> None:
        self.page = page
        self.device = device
        self.network = network
        self.artifacts = artifacts
        self.origin = _origin(base_url) if base_url else None
        self.fail_on_page_errors = fail_on_page_errors
        self.fail_on_failed_requests = fail_on_failed_requests
        self.screenshots = screenshots
        self.steps: list[StepRecord] = []
        self._current: StepRecord | None = None
        self._cdp: CDPSession | None = None
        page.context.add_init_script(INIT_SCRIPT)
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    # --- listeners: they only record; the step decides what fails ---

    def _on_request(self, request: Request) -> None:
        if self._current is not None:
            self._current.requests += 1

    def _on_failed(self, request: Request) -> None:
        if self._current is not None:
            self._current.failed_requests.append(
                FailedRequest(
                    request.url,
                    request.method,
                    None,
                    request.failure or "failed",
                    self._same_origin(request.url),
                )
            )

    def _on_response(self, response: Response) -> None:
        if self._current is None:
            return
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

    # --- steps ---

    @contextmanager
    def step(self, name: str, budget: Budget = None) -> Iterator[StepRecord]:
        """Run the body as one named step; fails it on error, budget, page error or bad request."""
        __tracebackhide__ = True
        record = StepRecord(len(self.steps) + 1, name, budget_for(budget, self.network.name))
        self.steps.append(record)
        self._current = record
        started = time.monotonic()
        failure: BaseException | None = None
        try:
            yield record
        except BaseException as exc:
            failure = exc
        finally:
            record.duration_s = time.monotonic() - started
            self._current = None
        record.vitals = self._read_vitals()
        problem = self._problem(record) if failure is None else None
        if failure is not None or problem:
            record.status = "failed"
            record.error = problem or f"{type(failure).__name__}: {failure}"
        self._screenshot(record)
        if failure is not None:
            if isinstance(failure, Exception):
                failure.add_note(self._where(record))
            raise failure
        if problem:
            raise JourneyStepError(f"{problem}\n{self._where(record)}")

    def _problem(self, record: StepRecord) -> str | None:
        cell = f"on {self.device.name} / {self.network.name}"
        if self.fail_on_page_errors and record.page_errors:
            return (
                f"step {record.name!r} {cell}: the page threw an uncaught error: "
                f"{record.page_errors[0]}"
            )
        if self.fail_on_failed_requests:
            bad = [r for r in record.failed_requests if r.same_origin and not r.aborted]
            if bad:
                first = bad[0]
                what = f"HTTP {first.status}" if first.status else first.reason
                return (
                    f"step {record.name!r} {cell}: {len(bad)} request(s) to the app failed, "
                    f"first {first.method} {first.url} ({what})"
                )
        if record.budget_s is not None and record.duration_s > record.budget_s:
            return (
                f"step {record.name!r} took {record.duration_s:.2f} s {cell}; "
                f"its budget is {record.budget_s:g} s"
            )
        return None

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
            raise JourneyStepError(
                f"Web Vitals of {measured.url} on {self.device.name} / {self.network.name}: "
                + "; ".join(problems)
            )
        return measured

    def _where(self, record: StepRecord) -> str:
        return f"cxcheck: evidence for step {record.index} ({record.name!r}) in {self.artifacts}"

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
        if self._cdp is not None:
            shot = self._cdp.send("Page.captureScreenshot", {"format": "jpeg", "quality": 70})
            return base64.b64decode(shot["data"])
        return self.page.screenshot(type="jpeg", quality=70, scale="css", timeout=10_000)

    def write(self) -> Path:
        """Write ``steps.json`` (device, network and every step) and return its path."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / "steps.json"
        data = {
            "device": self.device.name,
            "network": self.network.name,
            "steps": [asdict(s) for s in self.steps],
        }
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return path


def _origin(url: str) -> tuple[str, str]:
    parsed = urllib.parse.urlsplit(url)
    return parsed.scheme, parsed.netloc
