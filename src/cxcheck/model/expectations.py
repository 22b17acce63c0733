"""What a failed Playwright ``expect`` wanted and what it got, in one line.

Playwright's assertion error leads with its matcher's words and the expected value only
(``Locator expected to have text 're.compile('£')'``); the element it looked at is in the call
log and what it found is on the second line. A failed cell said exactly that first line, so a
QA lead read neither where nor what: :func:`parse` reads the three parts and
:meth:`Expectation.line` says them together, ``#price to have text /£/, was "Price
unavailable"``, the way :mod:`cxcheck.model.calllog` says why an action timed out.

Pure text (no Playwright import), pinned by unit tests on messages captured from a real
Chromium (tests/data/expectations/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Expectation", "parse", "readable_locator"]

# "Locator expected to have text 're.compile('£')'", "Page title expected to be 'Checkout'",
# "Locator expected not to be visible": the subject, then the matcher's words and value.
_HEAD = re.compile(r"^(?P<subject>Locator|Page title|Page URL|Page) expected (?P<rest>.*)$")
_VALUE = re.compile(r"^(?P<words>.*?) '(?P<value>.*)'$")
_EXPECTED = re.compile(r"^Expected value: '(?P<value>.*)'$")
_ACTUAL = re.compile(r"^Actual value: ?(?P<value>.*?)\s*$")
# The call log's first line: 'Expect "to_have_text" locator("#price") with timeout 5000ms'.
_EXPECT = re.compile(
    r'^\s*-\s+Expect "(?P<matcher>\w+)"(?: (?P<target>.+?))? with timeout \d+(?:\.\d+)?ms$'
)
_REGEX = re.compile(r"^re\.compile\('(?P<pattern>.*)'(?:, re\.\w+(?:\|re\.\w+)*)?\)$")
_NOT_FOUND = "Error: element(s) not found"
MAX_ACTUAL = 80
"""What it found, in the line, up to this many characters (the message below keeps it whole)."""
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

# Playwright's locators as a person reads them (journey files and axe name elements this way).
_LOCATOR = re.compile(r'^locator\("(?P<css>[^"]*)"\)$')
_BY = re.compile(
    r"^get_by_(?P<by>role|text|label|placeholder|test_id|alt_text|title)"
    r'\("(?P<what>[^"]*)"(?:, name="(?P<name>[^"]*)")?(?:, exact=\w+)?\)$'
)
_WORDS = {"url": "URL", "id": "ID", "css": "CSS", "js": "JS"}
_BY_WORDS = {"text": "text", "label": "label", "placeholder": "placeholder",
             "test_id": "test id", "alt_text": "alt text", "title": "title"}  # fmt: skip


def readable_locator(target: str) -> str:
    """``locator("#price")`` as ``#price``, ``get_by_role("button", name="Pay")`` as ``button
    "Pay"``, ``get_by_label("Email")`` as ``label "Email"``; anything longer as Playwright
    wrote it."""
    if m := _LOCATOR.match(target):
        return m["css"]
    if m := _BY.match(target):
        if m["by"] == "role":
            return f'{m["what"]} "{m["name"]}"' if m["name"] is not None else m["what"]
        return f'{_BY_WORDS[m["by"]]} "{m["what"]}"'
    return target


@dataclass(frozen=True)
class Expectation:
    """A failed ``expect``: on what, what it wanted, what it found."""

    matcher: str
    """Playwright's matcher, e.g. ``to_have_text``, ``not_to_be_visible``."""
    target: str | None
    """The locator as Playwright writes it; None for the page's title or URL."""
    expected: str | None
    """The expected value as written in the test (a pattern as ``/…/``); None for a state."""
    actual: str | None
    """What it found last; None when no element matched."""
    message: str | None = None
    """The test's own message (``expect(locator, "the price shows")``)."""

    @property
    def subject(self) -> str:
        if self.target is not None:
            return readable_locator(self.target)
        return "the page"

    def line(self) -> str:
        """``#price to have text /£/, was "Price unavailable"``; ``#zz to be visible: no element
        matched``; the test's own message first when it gave one."""
        words = " ".join(_WORDS.get(w, w) for w in self.matcher.split("_"))
        wanted = f"{self.subject} {words}"
        if self.expected is not None:
            wanted += f" {self.expected}"
        actual = self.actual
        if actual is not None and len(actual) > MAX_ACTUAL:  # a whole list's text, say
            actual = actual[: MAX_ACTUAL - 1] + "…"
        if actual is None:
            got = ": no element matched"
        elif self.expected is None or _NUMBER.fullmatch(actual):  # a state, a count
            got = f", was {actual}"
        else:
            got = f', was "{actual}"'
        said = f"{self.message}: " if self.message else ""
        return f"{said}{wanted}{got}"

    def data(self) -> dict[str, str | None]:
        """The same as plain data, for a finding's numbers."""
        return {"matcher": self.matcher, "expected": self.expected, "actual": self.actual,
                "message": self.message}  # fmt: skip


def parse(message: str) -> Expectation | None:
    """The failed expectation a Playwright assertion message describes, or None for any other
    message (a plain assert, a timeout, an expect without its call log)."""
    lines = message.strip().splitlines()
    if not lines:
        return None
    expect = next((m for line in lines if (m := _EXPECT.match(line))), None)
    if expect is None:
        return None
    head = _HEAD.match(lines[0])
    custom = None if head is not None else lines[0].strip()
    expected = None
    if head is not None and (value := _VALUE.match(head["rest"])):
        expected = value["value"]
    for line in lines[1:]:
        if m := _EXPECTED.match(line):
            expected = m["value"]
            break
    actual_line = next((m for line in lines if (m := _ACTUAL.match(line))), None)
    actual = actual_line["value"] if actual_line is not None else None
    if actual == "" or (actual == "None" and any(x.strip() == _NOT_FOUND for x in lines)):
        actual = None
    return Expectation(
        matcher=expect["matcher"],
        target=expect["target"],
        expected=_value(expected) if expected is not None else None,
        actual=actual,
        message=custom,
    )


def _value(text: str) -> str:
    """A pattern as ``/£/`` (as Playwright Test prints one), a text as ``"Pay now"``, a number
    as itself."""
    if m := _REGEX.match(text):
        return "/" + m["pattern"].replace("/", "\\/") + "/"
    if _NUMBER.fullmatch(text):
        return text
    return f'"{text}"'
