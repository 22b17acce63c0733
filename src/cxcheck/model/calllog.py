"""Why a Playwright action timed out, in one line, read from the call log its error carries.

A ``TimeoutError`` of ``click``, ``fill``, ``check``, ``goto``... ends in Playwright's call log:
what it waited for, what the locator resolved to, and each retry's reason ("<div
class="cookie-banner"> intercepts pointer events", "element is not enabled", "element was
detached from the DOM"). The first line only says "Timeout 10000ms exceeded", so a failure read
without the log ("{role: button, name: Accept} was found after 10 s") never says why the click
failed. :func:`parse` finds the cause that was still in the way when time ran out (the *last*
one: a button that became stable and was then covered was covered) and :meth:`Stuck.line` says
it in plain words.

Pure text: no Playwright import, so every layer (findings, the journey, journey files, the
results) can use it. The messages it reads are pinned by unit tests on messages captured from a
real Chromium (tests/model/test_calllog.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cxcheck.model import expectations

__all__ = ["Stuck", "explain", "parse", "reason_line", "with_reason"]

# Playwright's API names as a person says them ("the click on …", "the fill of …").
_VERBS = {
    "click": "click",
    "dblclick": "double-click",
    "tap": "tap",
    "hover": "hover",
    "fill": "fill",
    "press_sequentially": "typing",
    "type": "typing",
    "press": "key press",
    "check": "check",
    "uncheck": "uncheck",
    "set_checked": "check",
    "select_option": "selection",
    "set_input_files": "file upload",
    "drag_to": "drag",
    "drag_and_drop": "drag",
    "scroll_into_view_if_needed": "scroll",
    "clear": "clear",
    "focus": "focus",
    "wait_for": "wait",
    "wait_for_selector": "wait",
    "goto": "navigation",
    "reload": "reload",
    "go_back": "back navigation",
    "go_forward": "forward navigation",
}
_NAVIGATIONS = frozenset({"goto", "reload", "go_back", "go_forward"})

_HEAD = re.compile(r"^(?P<call>\w+)\.(?P<method>\w+): Timeout (?P<ms>\d+(?:\.\d+)?)ms exceeded")
# A call-log line: "  - text" or "    2 × text" (a repeated line).
_LINE = re.compile(r"^\s*(?:-|\d+\s*×)\s+(?P<text>.*?)\s*$")
_WAITING_FOR = re.compile(
    r"^waiting for (?P<target>(?:locator|get_by_\w+|frame_locator)\(.*?)"
    r"(?: to be (?:visible|hidden|attached|detached))?$"
)
_RESOLVED = re.compile(r"^(?:\d+\s*×\s*)?locator resolved to (?P<element>.+)$")
_INTERCEPTS = re.compile(r"^(?P<blocker><.+?>.*?) intercepts pointer events$")
_NAVIGATING = re.compile(r'^waiting for "(?P<url>[^"]+)" navigation to finish')
_LOADING = re.compile(r'^navigating to "(?P<url>[^"]+)", waiting until "(?P<state>\w+)"$')

# The retry reasons Playwright logs, as the cause they name and the words a person reads.
_STATES = {
    "element is not enabled": ("disabled", "the element is not enabled (it is disabled)"),
    "element is not editable": ("read-only", "the element is not editable (it is read-only)"),
    "element is not visible": ("hidden", "the element is not visible (hidden, or of no size)"),
    "element is not stable": (
        "moving",
        "the element is not stable (still moving: an animation or a transition)",
    ),
    "element was detached from the DOM, retrying": (
        "detached",
        "the element was detached from the DOM (the page replaced it while waiting)",
    ),
    "element is outside of the viewport": (
        "outside",
        "the element is outside of the viewport (it cannot be scrolled into view)",
    ),
}
# Lines that say the element became ready: a state before them (hidden, disabled, moving...)
# no longer holds. Being covered does: Playwright checks what is on top only after the element is
# ready and scrolled, so a timeout between "ready" and that check ends the attempt that would
# have been covered again (seen in the demo's search on a busy machine).
_READY = ("element is visible, enabled and stable", "element is visible and stable",
          "element is visible, enabled and editable")  # fmt: skip
# Playwright acts only once nothing covers the element: the covered cause is gone.
_PERFORMING = re.compile(r"^performing \w+ action$")


@dataclass(frozen=True)
class Stuck:
    """What a timed-out Playwright action was stuck on, read from its call log."""

    call: str
    """Playwright's call, e.g. ``Locator.click``."""
    method: str
    """The method alone: ``click``."""
    timeout_s: float
    target: str | None
    """What it waited for, as Playwright writes it: ``get_by_role("button", name="Accept")``
    (for a navigation, the URL)."""
    element: str | None
    """What the locator last resolved to: ``<button id="accept">Accept</button>``."""
    cause: str
    """covered, disabled, read-only, hidden, moving, detached, outside, navigating, loading or
    missing."""
    detail: str
    """The cause in words, e.g. ``<div class="cookie-banner">…</div> intercepts pointer events
    (covered by another element)``."""
    blocker: str | None = None
    """The element in the way, when another one covers it."""

    def line(self, target: str | None = None, seconds: float | None = None) -> str:
        """``the click on {role: button, name: Accept} timed out after 10 s: <div …> intercepts
        pointer events (covered by another element)``; ``target`` names the element as the
        author wrote it (a journey file's locator), else Playwright's own words are used;
        ``seconds``, the whole time the action had, when Playwright was given what was left."""
        verb = _VERBS.get(self.method, self.method.replace("_", " "))
        what = target or self.target
        where = "" if not what else f" to {what}" if self.method == "goto" else f" on {what}"
        took = round(self.timeout_s if seconds is None else seconds, 1)
        return f"the {verb}{where} timed out after {took:g} s: {self.detail}"

    def data(self) -> dict[str, str | float | None]:
        """The same as plain data, for a finding's numbers."""
        return {"call": self.call, "cause": self.cause, "reason": self.detail,
                "element": self.element, "blocker": self.blocker}  # fmt: skip


def parse(message: str) -> Stuck | None:
    """What a Playwright timeout message's call log says the action was stuck on, or None (not
    a timeout of an action, no call log, or a log that names no cause)."""
    head = _HEAD.match(message.strip())
    if head is None or "\nCall log:" not in message:
        return None
    method = head["method"]
    target: str | None = None
    element: str | None = None
    cause: tuple[str, str, str | None] | None = None  # (cause, words, blocker)
    for raw in message.split("\nCall log:", 1)[1].splitlines():
        found = _LINE.match(raw)
        if found is None:
            continue
        text = found["text"]
        if (m := _WAITING_FOR.match(text)) and target is None:
            target = m["target"]
        elif m := _RESOLVED.match(text):
            element = m["element"]
        elif m := _INTERCEPTS.match(text):
            blocker = m["blocker"]
            cause = ("covered", f"{blocker} intercepts pointer events (covered by another "
                     "element)", blocker)  # fmt: skip
        elif text in _STATES:
            cause = (*_STATES[text], None)
        elif text in _READY:
            cause = cause if cause is not None and cause[0] == "covered" else None
        elif _PERFORMING.match(text):
            cause = None
        elif m := _NAVIGATING.match(text):
            cause = ("navigating", f'the page was still navigating to "{m["url"]}"', None)
        elif text.startswith("navigated to ") and cause is not None and cause[0] == "navigating":
            cause = None
        elif m := _LOADING.match(text):
            target = target or m["url"]
            words = f'the page did not finish loading (waiting until "{m["state"]}")'
            cause = ("loading", words, None)
    if cause is None and element is None and target is not None and method not in _NAVIGATIONS:
        cause = ("missing", "no element matched", None)
    if cause is None:
        return None
    call = f"{head['call']}.{method}"
    seconds = float(head["ms"]) / 1000
    return Stuck(call, method, seconds, target, element, cause[0], cause[1], cause[2])


def reason_line(message: str, target: str | None = None) -> str | None:
    """:meth:`Stuck.line` of a Playwright message, or None when its call log names no cause."""
    stuck = parse(message)
    return stuck.line(target) if stuck is not None else None


def explain(message: str) -> str | None:
    """Why a Playwright failure happened, in one line: a timed-out action's cause
    (:func:`reason_line`), else what a failed ``expect`` wanted and got
    (:mod:`cxcheck.model.expectations`); None for any other failure."""
    reason = reason_line(message)
    if reason is None and (expectation := expectations.parse(message)) is not None:
        reason = expectation.line()
    return reason


def with_reason(type_name: str, text: str) -> str:
    """An exception's text for a failure message: a Playwright timeout's reason line first
    (``TimeoutError: the click on … timed out after 10 s: … intercepts pointer events``), or a
    failed ``expect``'s (``AssertionError: #price to have text /£/, was "Price unavailable"``,
    :mod:`cxcheck.model.expectations`), then Playwright's own text with its call log; any other
    text as ``Type: text``."""
    text = text.strip()
    reason = explain(text)
    if reason is not None:
        return f"{type_name}: {reason}\n{text}"
    return f"{type_name}: {text}" if text else type_name


_ANY_TIMEOUT = re.compile(r"[Tt]imeout (?P<ms>\d+(?:\.\d+)?)ms\b")


def timeout_ms(message: str) -> float | None:
    """The timeout a Playwright error says ran out (an action's "Timeout 5000ms exceeded", an
    assertion's "with timeout 5000ms"), or None when it is no timeout."""
    found = _ANY_TIMEOUT.search(message)
    return float(found.group("ms")) if found else None
