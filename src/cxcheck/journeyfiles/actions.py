"""The actions of journey files: one table that validation, the runner, the JSON Schema and the
action reference (``docs/actions.md``) all read, so they cannot drift apart.

Each action is a row of :data:`TABLE`: its required fields, the field a plain value stands for,
its optional settings, an example, and a sentence for the docs. :func:`perform` plays one action
on a page; :func:`expected` and :func:`seen` put a failure into words a QA engineer reads
("`.new-todos` matched 0 elements after 10 s").
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcheck.journeyfiles.locators import Locator
from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.layout.check import Layout
    from cxcheck.checks.visual.check import Visual
    from cxcheck.config.profiles import Catalogue
    from cxcheck.journey.journey import Journey

# Fields that hold a locator: a selector string or an accessible mapping.
LOCATOR_FIELDS = ("selector", "from", "to")
WAIT_STATES = ("visible", "hidden", "attached", "detached")
# Playwright's own defaults, made explicit so a failure can say how long it waited.
ACTION_TIMEOUT_S = 30.0
EXPECT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ActionDef:
    """One action of the journey language."""

    kind: str
    fields: tuple[str, ...]
    shorthand: str | None
    example: str
    summary: str
    group: str
    optional: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()  # fields that may be a list of texts
    notes: str = ""
    one_of: tuple[str, ...] = ()  # optional fields of which exactly one must be given
    any_of: tuple[str, ...] = ()  # optional fields of which at least one must be given
    apart: tuple[tuple[str, str], ...] = ()  # pairs of fields that cannot stand together
    may_be_empty: tuple[str, ...] = ()  # fields where "" means something (an emptied input)

    @property
    def bare(self) -> bool:
        """Whether the action may be written with no value at all (``- reload``)."""
        return not (self.fields or self.one_of or self.any_of)

    def needs(self) -> str:
        """What the action needs, in words: ``selector, text or matches``."""
        alternatives = [" or ".join(g) for g in (self.one_of, self.any_of) if g]
        return ", ".join((*self.fields, *alternatives))


def _row(
    kind: str,
    fields: tuple[str, ...],
    shorthand: str | None,
    example: str,
    summary: str,
    group: str,
    **more: Any,
) -> ActionDef:
    return ActionDef(kind, fields, shorthand, example, summary, group, **more)


S = ("selector",)
# fmt: off
TABLE: tuple[ActionDef, ...] = (
    _row("goto", ("url",), "url", "goto: /basket", "Open a path (relative to the base URL) or a "
         "full URL and wait for the page to load.", "Page"),
    _row("reload", (), None, "- reload", "Reload the page.", "Page"),
    _row("back", (), None, "- back", "Go back in the browser's history.", "Page"),
    _row("forward", (), None, "- forward", "Go forward in the browser's history.", "Page"),
    _row("click", S, "selector", 'click: "#add-to-basket"', "Click an element (waits until it is "
         "visible, enabled and still).", "Input"),
    _row("dblclick", S, "selector", "dblclick: {text: Buy milk}", "Double-click an element, "
         "e.g. to edit a todo.", "Input"),
    _row("hover", S, "selector", 'hover: "#menu"', "Move the mouse over an element, e.g. to "
         "show a menu or a delete button that appears on hover.", "Input"),
    _row("tap", S, "selector", 'tap: "#tap-me"', "Tap an element with a finger (touch devices "
         "only; a device without touch is a clear error).", "Input"),
    _row("fill", ("selector", "value"), None, 'fill: {selector: "#email", value: ada@example.com}',
         "Replace an input's text at once.", "Input"),
    _row("type", ("selector", "text"), None, 'type: {selector: "#search-q", text: jacket}',
         "Type text key by key, for inputs that react to each key (search-as-you-type).",
         "Input"),
    _row("clear", S, "selector", 'clear: "#email"', "Empty an input.", "Input"),
    _row("press", ("selector", "key"), None, 'press: {selector: "#search-q", key: Enter}',
         "Press a key (Enter, Escape, Tab, ArrowDown, Control+A…) in an element.", "Input"),
    _row("select", ("selector", "value"), None, 'select: {selector: "#size", value: M}',
         "Choose an option of a <select> by its value or label.", "Input"),
    _row("check", S, "selector", 'check: "#terms"', "Tick a checkbox or choose a radio button.",
         "Input"),
    _row("uncheck", S, "selector", "uncheck: {label: Gift wrap}", "Untick a checkbox.", "Input"),
    _row("upload", ("selector", "files"), None,
         'upload: {selector: "#photo", files: [receipt.png]}', "Choose files in a file input; "
         "paths are relative to the journey file.", "Input", lists=("files",)),
    _row("drag", ("from", "to"), None, 'drag: {from: "#card-3", to: "#done-column"}',
         "Drag one element onto another.", "Input"),
    _row("scroll_to", S, "selector", 'scroll_to: "#footer"', "Scroll until an element is in "
         "view.", "Input"),
    _row("wait_for", S, "selector", 'wait_for: {selector: "#spinner", state: hidden}',
         "Wait until an element is visible (or hidden, attached, detached: `state:`).", "Waiting",
         optional=("state",)),
    _row("expect_visible", S, "selector", 'expect_visible: "#checkout"', "Fail unless an element "
         "is visible.", "Checks"),
    _row("expect_hidden", S, "selector", 'expect_hidden: "#cookie-banner"', "Fail unless an "
         "element is hidden or absent.", "Checks"),
    _row("expect_text", S, None,
         'expect_text: {selector: "#result-count", text: 1 product}', "Fail unless an element's "
         "text *contains* the text; `exact: true` compares the whole text (spaces trimmed); "
         "`matches:` takes a regular expression instead (`matches: '^\\d+ products?$'`).",
         "Checks", optional=("text", "matches", "exact"), one_of=("text", "matches"),
         apart=(("matches", "exact"),)),
    _row("expect_count", S, None,
         "expect_count: {selector: .todo-list li, count: 2}", "Fail unless exactly `count` "
         "elements match (0 is allowed), or at least `min` and/or at most `max` "
         "(`{selector: tr, min: 1}`); `count` cannot go with `min` or `max`.", "Checks",
         optional=("count", "min", "max"), any_of=("count", "min", "max"),
         apart=(("count", "min"), ("count", "max"))),
    _row("expect_value", S, None,
         'expect_value: {selector: "#email", value: ada@example.com}', "Fail unless an input "
         "holds exactly this value (`value: \"\"`: it is empty), or `matches:` a regular "
         "expression. On a `<select>`, the chosen option's value or its visible text.", "Checks",
         optional=("value", "matches"), one_of=("value", "matches"), may_be_empty=("value",)),
    _row("expect_attribute", ("selector", "attribute", "value"), None,
         'expect_attribute: {selector: "#nickname", attribute: data-state, value: dirty}',
         "Fail unless an element's attribute has exactly this value.", "Checks"),
    _row("expect_enabled", S, "selector", 'expect_enabled: "#place-order"', "Fail unless an "
         "element is enabled.", "Checks"),
    _row("expect_disabled", S, "selector", 'expect_disabled: "#place-order"', "Fail unless an "
         "element is disabled.", "Checks"),
    _row("expect_checked", S, "selector", 'expect_checked: "#terms"', "Fail unless a checkbox or "
         "radio is ticked.", "Checks"),
    _row("expect_title", (), "title", "expect_title: Basket", "Fail unless the page's "
         "title *contains* the text; `exact: true` compares the whole title; `matches:` takes a "
         "regular expression instead.", "Checks", optional=("title", "matches", "exact"),
         one_of=("title", "matches"), apart=(("matches", "exact"),)),
    _row("expect_url", (), "pattern", "expect_url: /confirmation/", "Fail unless the "
         "page's URL contains the text, or `matches:` a regular expression "
         "(`expect_url: {matches: '/orders/\\d+$'}`).", "Checks",
         optional=("pattern", "matches"), one_of=("pattern", "matches")),
    _row("a11y", (), None, "a11y: {impact: serious, exclude: '#chat-widget'}",
         "Scan the page with axe-core (bare `- a11y` uses the run's settings).", "Checks",
         optional=("tags", "rules", "disabled", "impact", "include", "exclude"),
         lists=("tags", "rules", "disabled", "include", "exclude")),
    _row("layout", (), None,
         "layout: {checks: [reflow, target-size, zoom], min_target: 44, exclude: '#chat-widget'}",
         "Check responsive layout: reflow and target size (bare `- layout`), zoom when named; "
         "`exclude:` leaves parts of the page out, as for `a11y`.", "Checks",
         optional=("checks", "min_target", "exclude"), lists=("checks", "exclude")),
    _row("reachable", S, "selector", 'reachable: "#checkout"', "Fail at once unless the element "
         "is visible, scrolls into view and nothing covers it.", "Checks"),
    _row("snapshot", ("name",), "name",
         'snapshot: {name: header, selector: header, mask: ["#clock"]}',
         "Compare the page (or an element) with its stored picture.", "Checks",
         optional=("selector", "full_page", "mask", "threshold", "max_diff_pixels",
                   "max_diff_ratio"), lists=("mask",)),
    _row("rotate", (), None, "- rotate", "Turn the device: the viewport's width and height swap "
         "(portrait ↔ landscape); recorded on the step.", "Conditions"),
    _row("network", ("profile",), "profile", "network: offline", "Put the page on another network "
         "now: `offline`, any network profile (`3g`), or `default` (the cell's own); recorded on "
         "the step. Budgets stay the cell's.", "Conditions"),
    _row("screenshot", ("name",), "name", "screenshot: basket", "Save the page as named "
         "evidence, `screenshot-<name>.png`, shown with the step in the report.", "Evidence",
         optional=("full_page",)),
)
# fmt: on
BY_KIND = {a.kind: a for a in TABLE}
GROUPS = ("Page", "Input", "Waiting", "Checks", "Conditions", "Evidence")
# The settings every action accepts.
COMMON = ("timeout",)
# What expect_* checks accept besides: `expect_timeout:` there says the same as `timeout:`, for a
# file that sets expect_timeout: at the top and wants one check to differ in the same words.
EXPECT_COMMON = ("expect_timeout",)


def common(kind: str) -> tuple[str, ...]:
    """The settings an action of ``kind`` accepts beside its own."""
    return (*COMMON, *EXPECT_COMMON) if kind.startswith("expect_") else COMMON


NEEDS_ONE = frozenset(
    {"click", "dblclick", "hover", "tap", "fill", "type", "clear", "press", "select", "check",
     "uncheck", "upload", "scroll_to", "expect_value", "expect_attribute", "expect_enabled",
     "expect_disabled", "expect_checked"}
)  # fmt: skip


@dataclass(frozen=True)
class Action:
    """One action as written: its kind, its values (texts, or :class:`Locator` for locator
    fields), the line it is on, and its own timeout in seconds."""

    kind: str
    args: dict[str, Any]
    line: int
    timeout: float | None = None
    path: Path | None = field(default=None, compare=False)  # the file it was written in

    def text(self, key: str, default: str | None = None) -> str:
        value = self.args.get(key, default)
        if value is None:
            raise KeyError(key)
        return str(value)

    def locator(self, key: str = "selector") -> Locator:
        value = self.args[key]
        return value if isinstance(value, Locator) else Locator("selector", str(value))

    def lines(self, key: str) -> list[str]:
        return [v for v in str(self.args.get(key, "")).split("\n") if v]

    def describe(self) -> str:
        """The action as a YAML author would write it on one line."""
        if not self.args:
            return self.kind
        d = BY_KIND.get(self.kind)
        if d and d.shorthand and set(self.args) == {d.shorthand}:
            value = self.args[d.shorthand]
            return f"{self.kind}: {value if isinstance(value, Locator) else _quoted(value)}"
        parts = []
        for key, value in self.args.items():
            if isinstance(value, Locator):
                parts.append(f"{key}: {value}")
            elif "\n" in str(value):
                parts.append(f"{key}: [{', '.join(_quoted(v) for v in str(value).split())}]")
            else:
                parts.append(f"{key}: {_quoted(value)}")
        return f"{self.kind}: {{{', '.join(parts)}}}"


def _quoted(value: object) -> str:
    return str(Locator("selector", str(value)))


# --- validation of single values, before anything runs ---


def value_problem(kind: str, key: str, value: str) -> str | None:
    """What is wrong with one value of an action, or None."""
    if key == "state" and value not in WAIT_STATES:
        return f"{value!r} is not a state; use one of {', '.join(WAIT_STATES)}"
    if key in ("count", "min", "max") and not (value.isascii() and value.isdigit()):
        return f"{value!r} is not a number of elements (0, 1, 2…)"
    if key == "matches":
        return regex_problem(value)
    if key == "exact" and value.lower() not in ("true", "false"):
        return f"{value!r} is not true or false"
    return None


# Leading flags like (?i): JavaScript has no such syntax, so they travel as the pattern's flags.
_FLAGS = re.compile(r"^\(\?([ims]+)\)")
# Python-only syntax that a browser, which runs Playwright's patterns, would refuse.
_PYTHON_ONLY = {"(?P<": "use a plain group ( )", "(?P=": "use a plain group ( )",
                "\\A": "use ^", "\\Z": "use $"}  # fmt: skip


def regex(text: str) -> re.Pattern[str]:
    """``matches:`` as a pattern Playwright can hand to the browser as it is."""
    leading = _FLAGS.match(text)
    if not leading:
        return re.compile(text)
    flags = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
    combined = re.NOFLAG
    for letter in leading[1]:
        combined |= flags[letter]
    return re.compile(text[leading.end() :], combined)


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a regular expression the browser can run, or None; said at load
    time so a typo does not wait out a timeout first."""
    try:
        regex(pattern)
    except re.error as exc:
        return (
            f"{pattern!r} is not a valid regular expression: {exc}; escape a special character "
            "with a backslash (\\. \\( \\[), or use `text:` for plain text"
        )
    for construct, fix in _PYTHON_ONLY.items():
        if construct in pattern:
            return (
                f"{pattern!r} uses {construct}, which only Python knows, and the browser runs "
                f"the pattern; {fix}"
            )
    return None


def args_problem(d: ActionDef, args: dict[str, Any]) -> str | None:
    """What is wrong with the combination of an action's settings, or None."""
    given = [k for k in d.one_of if k in args]
    if d.one_of and len(given) != 1:
        found = " and ".join(given) if given else "neither"
        return f"needs exactly one of {' or '.join(d.one_of)} (found {found})"
    if d.any_of and not any(k in args for k in d.any_of):
        return f"needs at least one of {', '.join(d.any_of)}"
    for first, second in d.apart:
        if first in args and second in args:
            return f"cannot have both {first} and {second}; keep one"
    low, high = str(args.get("min", "0")), str(args.get("max", "0"))
    # Values that are not numbers are refused on their own, by value_problem.
    if "max" in args and low.isdigit() and high.isdigit() and int(low) > int(high):
        return f"min {low} is more than max {high}; no count can be both"
    return None


# --- running ---


@dataclass
class Runner:
    """What actions act on: the journey's page and the checks' fixtures."""

    journey: Journey
    a11y: A11y
    layout: Layout
    visual: Visual
    catalogue: Catalogue | None = None

    @property
    def page(self) -> Page:
        return self.journey.page


def perform(runner: Runner, action: Action, seconds: float) -> None:
    """Play one action, waiting at most ``seconds`` for the page."""
    ms = seconds * 1000
    _RUN[action.kind](runner, action, ms)


def _on(runner: Runner, action: Action, key: str = "selector") -> Any:
    return action.locator(key).resolve(runner.page)


def _expect(target: Any) -> Any:
    from playwright.sync_api import expect

    return expect(target)


def _tap(r: Runner, a: Action, ms: float) -> None:
    if not r.journey.device.touch:
        raise CxError(
            f"tap needs a touch device, and {r.journey.device.name} has no touch screen; "
            "use click (it works everywhere), or run this journey on touch devices only "
            "(devices: [phones])"
        )
    _on(r, a).tap(timeout=ms)


def _upload(r: Runner, a: Action, ms: float) -> None:
    base = a.path.parent if a.path else Path.cwd()
    _on(r, a).set_input_files([base / f for f in a.lines("files")], timeout=ms)


def _wait_for(r: Runner, a: Action, ms: float) -> None:
    _on(r, a).wait_for(state=a.args.get("state", "visible"), timeout=ms)


def _expect_text(r: Runner, a: Action, ms: float) -> None:
    target = _expect(_on(r, a))
    if "matches" in a.args:  # Playwright searches a compiled pattern in the text
        target.to_have_text(regex(a.text("matches")), timeout=ms)
    elif _true(a.args.get("exact")):
        target.to_have_text(a.text("text"), timeout=ms)
    else:
        target.to_contain_text(a.text("text"), timeout=ms)


def _expect_title(r: Runner, a: Action, ms: float) -> None:
    if "matches" in a.args:
        wanted: str | re.Pattern[str] = regex(a.text("matches"))
    elif _true(a.args.get("exact")):
        wanted = a.text("title")
    else:
        wanted = re.compile(re.escape(a.text("title")))
    _expect(r.page).to_have_title(wanted, timeout=ms)


def _expect_url(r: Runner, a: Action, ms: float) -> None:
    if "matches" in a.args:
        wanted = regex(a.text("matches"))
    else:
        wanted = re.compile(re.escape(a.text("pattern")))
    _expect(r.page).to_have_url(wanted, timeout=ms)


def _poll(r: Runner, ms: float, ok: Callable[[], bool], what: str) -> None:
    """Wait until ``ok()`` or ``ms`` ends, for checks Playwright's ``expect`` has no form of.
    The timeout is raised the way ``expect``'s is (an AssertionError saying "timeout"), so the
    player slices and reports it like any other check."""
    deadline = time.monotonic() + ms / 1000
    while not ok():
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{what}: timeout {ms:g} ms exceeded")
        r.page.wait_for_timeout(min(100.0, left * 1000))


def _expect_count(r: Runner, a: Action, ms: float) -> None:
    located = _on(r, a)
    if "count" in a.args:
        _expect(located).to_have_count(int(a.text("count")), timeout=ms)
        return
    low, high = _bounds(a)
    _poll(r, ms, lambda: low <= located.count() <= high, expected(a))


def _bounds(a: Action) -> tuple[int, float]:
    low = int(a.text("min")) if "min" in a.args else 0
    high = int(a.text("max")) if "max" in a.args else float("inf")
    return low, high


# The chosen option of a <select> as [value, visible text]; null for any other element.
_SELECTED = """el => el.tagName !== 'SELECT' ? null
  : el.selectedIndex < 0 ? ['', '']
  : [el.value, el.options[el.selectedIndex].label.trim()]"""


def _expect_value(r: Runner, a: Action, ms: float) -> None:
    located = _on(r, a)
    matches = "matches" in a.args
    wanted = a.text("matches") if matches else a.text("value")
    started = time.monotonic()
    # Waits for the element and says whether it is a <select>; the check gets what is left.
    chosen = located.evaluate(_SELECTED, timeout=ms)
    ms = max(50.0, ms - (time.monotonic() - started) * 1000)
    if chosen is None:
        _expect(located).to_have_value(regex(wanted) if matches else wanted, timeout=ms)
        return

    def ok() -> bool:
        # A person picks an option by what it says; a developer by its value: either passes.
        options = located.evaluate(_SELECTED, timeout=ms) or []
        if matches:
            return any(regex(wanted).search(o) for o in options)
        return wanted in options

    _poll(r, ms, ok, expected(a))


def _network(r: Runner, a: Action, ms: float) -> None:
    name = a.text("profile")
    if name == "default":
        r.journey.set_network(None)
        return
    from cxcheck.config.profiles import load_catalogue

    catalogue = r.catalogue or load_catalogue()
    r.journey.set_network(catalogue.networks[name])


def _snapshot(r: Runner, a: Action, ms: float) -> None:
    def number(key: str, kind: Callable[[str], Any]) -> Any:
        return kind(a.text(key)) if key in a.args else None

    selector = a.args.get("selector")
    r.visual.assert_matches(
        a.text("name"),
        selector=str(selector) if isinstance(selector, str) else None,
        full_page=_true(a.args.get("full_page", "true")),
        mask=a.lines("mask"),
        threshold=number("threshold", float),
        max_diff_pixels=number("max_diff_pixels", int),
        max_diff_ratio=number("max_diff_ratio", float),
    )


def _a11y(r: Runner, a: Action, ms: float) -> None:
    r.a11y.check(**a11y_options(a))


def a11y_options(a: Action) -> dict[str, Any]:
    """The keyword arguments of ``cx_a11y.check`` that an ``a11y:`` action's settings make."""
    options: dict[str, Any] = {}
    for key in a.args:
        if key == "impact":
            options[key] = a.text(key)
        elif key in ("include", "exclude"):  # selectors may hold spaces and commas
            options[key] = a.lines(key)
        else:
            options[key] = a.text(key).replace(",", " ").split()
    return options


def _layout(r: Runner, a: Action, ms: float) -> None:
    checks = a.text("checks").replace(",", " ").split() if "checks" in a.args else None
    size = int(a.text("min_target")) if "min_target" in a.args else None
    exclude = a.lines("exclude") if "exclude" in a.args else None  # selectors hold spaces
    r.layout.check(checks=checks, min_target=size, exclude=exclude)


def _true(value: object) -> bool:
    return str(value).lower() == "true"


_RUN: dict[str, Callable[[Runner, Action, float], object]] = {
    "goto": lambda r, a, ms: r.page.goto(a.text("url"), timeout=ms),
    "reload": lambda r, a, ms: r.page.reload(timeout=ms),
    "back": lambda r, a, ms: r.page.go_back(timeout=ms),
    "forward": lambda r, a, ms: r.page.go_forward(timeout=ms),
    "click": lambda r, a, ms: _on(r, a).click(timeout=ms),
    "dblclick": lambda r, a, ms: _on(r, a).dblclick(timeout=ms),
    "hover": lambda r, a, ms: _on(r, a).hover(timeout=ms),
    "tap": _tap,
    "fill": lambda r, a, ms: _on(r, a).fill(a.text("value"), timeout=ms),
    "type": lambda r, a, ms: _on(r, a).press_sequentially(a.text("text"), timeout=ms),
    "clear": lambda r, a, ms: _on(r, a).clear(timeout=ms),
    "press": lambda r, a, ms: _on(r, a).press(a.text("key"), timeout=ms),
    "select": lambda r, a, ms: _on(r, a).select_option(a.text("value"), timeout=ms),
    "check": lambda r, a, ms: _on(r, a).check(timeout=ms),
    "uncheck": lambda r, a, ms: _on(r, a).uncheck(timeout=ms),
    "upload": _upload,
    "drag": lambda r, a, ms: _on(r, a, "from").drag_to(_on(r, a, "to"), timeout=ms),
    "scroll_to": lambda r, a, ms: _on(r, a).scroll_into_view_if_needed(timeout=ms),
    "wait_for": _wait_for,
    "expect_visible": lambda r, a, ms: _expect(_on(r, a)).to_be_visible(timeout=ms),
    "expect_hidden": lambda r, a, ms: _expect(_on(r, a)).to_be_hidden(timeout=ms),
    "expect_text": _expect_text,
    "expect_count": _expect_count,
    "expect_value": _expect_value,
    "expect_attribute": lambda r, a, ms: _expect(_on(r, a)).to_have_attribute(
        a.text("attribute"), a.text("value"), timeout=ms
    ),
    "expect_enabled": lambda r, a, ms: _expect(_on(r, a)).to_be_enabled(timeout=ms),
    "expect_disabled": lambda r, a, ms: _expect(_on(r, a)).to_be_disabled(timeout=ms),
    "expect_checked": lambda r, a, ms: _expect(_on(r, a)).to_be_checked(timeout=ms),
    "expect_title": _expect_title,
    "expect_url": _expect_url,
    "a11y": _a11y,
    "layout": _layout,
    "reachable": lambda r, a, ms: r.layout.assert_reachable(
        _on(r, a), timeout=min(ms, 5_000), label=str(a.locator())
    ),
    "snapshot": _snapshot,
    "rotate": lambda r, a, ms: r.journey.rotate(),
    "network": _network,
    "screenshot": lambda r, a, ms: r.journey.screenshot(
        a.text("name"), full_page=_true(a.args.get("full_page", "false"))
    ),
}
# Actions whose whole call can be retried in slices: they only look, or are idempotent.
RETRYABLE = frozenset(
    {"hover", "scroll_to", "wait_for", "expect_visible", "expect_hidden", "expect_text",
     "expect_count", "expect_value", "expect_attribute", "expect_enabled", "expect_disabled",
     "expect_checked", "expect_title", "expect_url"}
)  # fmt: skip
# Actions that change the page: retrying one whose time ran out after it acted (a click that
# is waiting for the navigation it started) would act twice. Only the wait for their element
# to exist is sliced; the action itself then runs once, with the time that is left.
ACTS = frozenset(
    {"click", "dblclick", "tap", "fill", "type", "clear", "press", "select", "check", "uncheck",
     "upload", "drag"}
)  # fmt: skip


def wait_attached(runner: Runner, action: Action, seconds: float) -> None:
    """Wait for the element an action acts on to exist (one slice of the wait)."""
    key = "from" if action.kind == "drag" else "selector"
    _on(runner, action, key).wait_for(state="attached", timeout=seconds * 1000)


# --- failures in plain words ---


def expected(action: Action) -> str:
    """What the action needed, in words."""
    a = action.args
    k = action.kind
    if k in ("goto", "reload", "back", "forward"):
        return {"goto": f"to open {a.get('url')}", "reload": "to reload the page",
                "back": "to go back", "forward": "to go forward"}[k]  # fmt: skip
    if k in ("expect_title", "expect_url") and "matches" in a:
        what = "the page title" if k == "expect_title" else "the URL"
        return f"{what} to match the regular expression {_quoted(a['matches'])}"
    if k == "expect_title":
        how = "to be" if _true(a.get("exact")) else "to contain"
        return f"the page title {how} {_quoted(a['title'])}"
    if k == "expect_url":
        return f"the URL to contain {_quoted(a['pattern'])}"
    if k == "drag":
        return f"to drag {action.locator('from')} onto {action.locator('to')}"
    if "selector" not in a:
        return f"{k} to pass"
    where = str(action.locator())
    if k in ("expect_text", "expect_value") and "matches" in a:
        what = "text" if k == "expect_text" else "value"
        return f"{where} to have a {what} matching the regular expression {_quoted(a['matches'])}"
    if k == "expect_text":
        how = "to have exactly the text" if _true(a.get("exact")) else "to contain the text"
        return f"{where} {how} {_quoted(a['text'])}"
    if k == "expect_count":
        return f"{where} to match {_count_words(a)} element(s)"
    if k == "expect_value":
        return f"{where} to hold the value {_quoted(a['value'])}"
    if k == "expect_attribute":
        return f"{where} to have {a['attribute']}={_quoted(a['value'])}"
    if k == "wait_for":
        return f"{where} to become {a.get('state', 'visible')}"
    if k.startswith("expect_"):
        return f"{where} to be {k.removeprefix('expect_')}"
    verb = {
        "scroll_to": "scroll to",
        "dblclick": "double-click",
        "select": "select in",
        "upload": "upload files to",
        "type": "type into",
        "press": "press a key in",
    }
    return f"one element {where} to {verb.get(k, k)}"


def _count_words(args: dict[str, Any]) -> str:
    if "count" in args:
        return f"exactly {args['count']}"
    bounds = [f"at least {args['min']}" if "min" in args else "",
              f"at most {args['max']}" if "max" in args else ""]  # fmt: skip
    return " and ".join(b for b in bounds if b)


def seen(runner: Runner, action: Action, waited: float) -> str:
    """What the page showed when the action gave up, probed now with short timeouts."""
    page = runner.page
    after = f"after {waited:g} s"
    try:
        if action.kind == "expect_title":
            return f"the title is {_quoted(page.title())} {after}"
        if action.kind == "expect_url" or ("selector" not in action.args and action.kind != "drag"):
            return f"the page is at {page.url}"
        key = "from" if action.kind == "drag" else "selector"
        where = action.locator(key)
        located = where.resolve(page)
        count = located.count()
        if action.kind == "expect_count":
            return f"{where} matched {count} element(s) {after}{_empty_scope(page, where, count)}"
        if count == 0:
            scope = _empty_scope(page, where, count)
            return f"{where} matched 0 elements {after}{scope or _nearby(page, where)}"
        if count > 1 and action.kind in NEEDS_ONE:
            return (
                f"{where} matched {count} elements, and {action.kind} needs exactly one: make "
                "it more precise (a name, `exact: true`, or an id)"
            )
        first = located.first
        facts = []
        if not first.is_visible():
            facts.append("it is hidden")
        elif action.kind in ("expect_hidden",) or action.args.get("state") in ("hidden",):
            facts.append("it is still visible")
        if action.kind == "expect_text" or action.kind == "expect_visible":
            text = first.inner_text(timeout=1000).strip()
            facts.append(f"its text is {_quoted(_short(text))}")
        if action.kind == "expect_value":
            facts.append(_value_seen(first))
        if action.kind == "expect_attribute":
            value = first.get_attribute(str(action.args["attribute"]), timeout=1000)
            facts.append("it has no such attribute" if value is None
                         else f"its value is {_quoted(value)}")  # fmt: skip
        enabling = ("expect_enabled", "click", "fill", "check", "dblclick")
        if action.kind in enabling and not first.is_enabled(timeout=1000):
            facts.append("it is disabled")
        if action.kind == "expect_disabled" and first.is_enabled(timeout=1000):
            facts.append("it is enabled")
        if action.kind == "expect_checked" and not first.is_checked(timeout=1000):
            facts.append("it is not checked")
        found = f"{where} matched {count} element(s)" if count > 1 else f"{where} was found"
        return f"{found} {after}" + (f", but {' and '.join(facts)}" if facts else "")
    except Exception as exc:  # the page is gone or navigating: say what Playwright said
        return first_line(exc)


def _empty_scope(page: Page, where: Locator, count: int) -> str:
    """Why nothing matched when a ``within:`` container is itself missing, outermost first:
    the author then fixes the container, not the locator inside it."""
    if count:
        return ""
    for scope in where.scopes():
        if scope.resolve(page).count() == 0:
            return f": its container `within: {scope}` matched nothing"
    return ""


def _nearby(page: Page, where: Locator) -> str:
    """What is on the page instead of an accessible locator that matched nothing: the closest
    elements by role and name, each with the locator to write (``; on the page: textbox
    "Search" (its label holds only an image) — try `{role: textbox, name: Search}```)."""
    asked = where.name if where.kind == "role" else where.value
    if where.kind in ("selector", "test_id") or not asked:
        return ""
    root = page.locator("body") if where.within is None else where.within.resolve(page).first
    from cxcheck.browser.nearby import candidates  # only after a miss: `check` never needs it

    found = candidates(root, asked, kind=where.kind, role=where.value)
    if not found:
        return ""
    shown = []
    for c in found:
        written = (
            Locator("text", c.name, within=where.within)
            if c.role == "text"
            else Locator("role", c.role, name=c.name, within=where.within)
        )
        note = f" ({c.note})" if c.note else ""
        name = json.dumps(_short(c.name, 60), ensure_ascii=False)
        shown.append(f"{c.role} {name}{note} — try `{written}`")
    return "; on the page: " + "; ".join(shown)


def _value_seen(element: Any) -> str:
    """An input's value; a <select>'s chosen option by value and visible text, since either
    one may be what the author meant."""
    chosen = element.evaluate(_SELECTED, timeout=1000)
    if chosen is None:
        return f"its value is {_quoted(element.input_value(timeout=1000))}"
    value, label = chosen
    return f"its chosen option has the value {_quoted(value)} and the text {_quoted(label)}"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def check_table() -> None:
    """Every action can run (a new row without a runner fails the test suite, not a user)."""
    missing = [a.kind for a in TABLE if a.kind not in _RUN]
    if missing:
        raise NotImplementedError(f"actions without a runner: {missing}")
