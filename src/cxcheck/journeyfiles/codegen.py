"""``cxcheck record``: record a journey with Playwright's recorder and write it as journey YAML.

Playwright's recorder (``playwright codegen``) can write its transcript as JSON Lines, the
``jsonl`` target: a first line with the recorder's options, then one JSON object per recorded
action, each with its ``name`` (``navigate``, ``click``, ``fill``, ``press``, ``check``,
``uncheck``, ``select``, ``setInputFiles``, ``assertText``, ``assertValue``, ``assertChecked``,
``assertVisible``, ``assertSnapshot``, ``openPage``, ``closePage``), the ``pageGuid`` of the page
it happened on, its ``signals`` (``popup``, ``download``, ``dialog``, ``expect``; older recorders
also ``navigation``), the recorder's internal ``selector`` and the same locator as a structured
``locator`` object (``kind``, ``body``, ``options`` and a chained ``next``).

:func:`convert` turns such a transcript into a journey file with accessible locators
(``{role: button, name: Add to basket}``, ``{label: Email}``…). :func:`record` runs the recorder
on a browser found the way the pytest plugin finds one, with a device's viewport and user agent,
and converts what was recorded. The recorder needs a screen; without one, :func:`record` says so
before it starts anything.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Frame, Page

    from cxcheck.config.profiles import DeviceProfile

__all__ = [
    "NO_DISPLAY",
    "NavigationWatcher",
    "RecorderError",
    "add_navigation_signals",
    "command",
    "convert",
    "describe",
    "first_url",
    "locator_of",
    "read_transcript",
    "record",
    "require_display",
    "translate",
]

# A locator as the journey language writes it: a selector text or an accessible mapping.
Where = str | dict[str, Any]
# One entry of a step: an action (its name and value) or a review comment.
Item = tuple[str, Any] | str

HEADER = "# Recorded with `cxcheck record` on {date}; review the locators before committing."
NO_DISPLAY = (
    "the recorder needs a display: it opens a browser window to click through and a window "
    "with the recorded code, and this machine has neither DISPLAY nor WAYLAND_DISPLAY set. "
    "Run it on a desktop, or under a virtual display with a VNC viewer "
    "(`xvfb-run cxcheck record ...`), or record on a laptop and commit the YAML. A transcript "
    "recorded elsewhere with `playwright codegen --target jsonl -o FILE URL` converts without a "
    "browser: `cxcheck record --from-jsonl FILE -o JOURNEY.journey.yaml`."
)

# The recorder's locator kinds that have a mapping form in journey files, and their keys.
KIND_KEYS = {
    "role": "role",
    "label": "label",
    "placeholder": "placeholder",
    "test-id": "test_id",
    "text": "text",
    "alt": "alt",
    "title": "title",
}
DEFAULT_TEST_ID = "data-testid"
# Actions whose only field is the element: the locator is the whole value.
SELECTOR_ONLY = ("click", "dblclick", "check", "uncheck", "expect_visible", "expect_checked")
# The other fields of the actions with more than the element. A locator mapping sits beside
# them (``fill: {label: Email, value: ada@example.com}``) unless its keys would clash with them.
OWN_FIELDS = {
    "fill": ("value",),
    "press": ("key",),
    "select": ("value",),
    "upload": ("files",),
    "expect_text": ("text", "exact"),
    "expect_value": ("value",),
}
# Actions whose locator always goes under ``selector:``: beside ``text:`` a locator's keys read
# as part of what is expected, and ``press`` says which element gets the key more plainly so.
NESTED = ("press", "expect_text")
# Recorded actions after which a page load is the action's doing (the recorder of Playwright
# 1.4x and later records no signal for it; `cxcheck record` adds one, see add_navigation_signals).
NAVIGATING = frozenset({"click", "press", "check", "uncheck", "select", "setInputFiles", "fill"})
# Keyboard modifiers as the recorder's bit mask; codegen writes Control and Meta as
# ControlOrMeta so that a recording made on a Mac replays on Linux and Windows.
MODIFIER_BITS = ((1, "Alt"), (2, "ControlOrMeta"), (4, "ControlOrMeta"), (8, "Shift"))
STEP_NAME_WIDTH = 70
STEP_QUERY_WIDTH = 30
# How long after a page load every action that caused it is in the transcript: the recorder
# holds a click back 500 ms (to see if a double click follows) and writes its file every 250 ms.
SETTLE_S = 1.0
POLL_MS = 100


class RecorderError(CxError):
    """A transcript that cannot be read, or a recording that cannot start."""


# --- reading a transcript ---


def read_transcript(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The recorded actions of a JSONL transcript, in order (the options line is left out)."""
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecorderError(
                f"line {number} of the transcript is not JSON ({exc.msg}); expected one JSON "
                "object per line, as `playwright codegen --target jsonl` writes"
            ) from None
        if not isinstance(entry, dict):
            raise RecorderError(f"line {number} of the transcript is not a JSON object")
        # The first line holds the recorder's options (browserName, contextOptions…), no name.
        if isinstance(entry.get("name"), str):
            entries.append(entry)
    return entries


def _page_of(entry: Mapping[str, Any]) -> str:
    """The page an entry happened on: ``pageGuid`` now, ``pageAlias`` in older recorders."""
    return str(entry.get("pageGuid") or entry.get("pageAlias") or "page")


def _signals(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    signals = entry.get("signals")
    return [s for s in signals if isinstance(s, dict)] if isinstance(signals, list) else []


def first_url(entries: Sequence[Mapping[str, Any]]) -> str | None:
    """The first real page the transcript navigates to (``about:blank`` does not count)."""
    for entry in entries:
        url = entry.get("url")
        if entry["name"] in ("navigate", "openPage") and isinstance(url, str) and _is_web(url):
            return url
    return None


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https", "file")


# --- locators ---


def _mapping_of(obj: object) -> dict[str, Any] | None:
    """The accessible mapping of the recorder's structured locator, or None when it has none:
    chained (``next``), a regular expression (it serialises as ``{}``) or role attributes."""
    if not isinstance(obj, dict) or obj.get("next") is not None:
        return None
    kind, body, options = obj.get("kind"), obj.get("body"), obj.get("options") or {}
    if (
        kind not in KIND_KEYS
        or not isinstance(body, str)
        or not body
        or not isinstance(options, dict)
    ):
        return None
    mapping: dict[str, Any] = {KIND_KEYS[kind]: body}
    if kind == "role":
        if options.get("attrs") or "description" in options:
            return None  # checked=, level=, include-hidden…: no mapping form says that
        name = options.get("name")
        if name is not None:
            if not isinstance(name, str):
                return None
            mapping["name"] = name
    # A role without a name has nothing to match exactly; Playwright ignores exact there too.
    if options.get("exact") is True and (kind != "role" or "name" in mapping):
        mapping["exact"] = True
    return mapping


_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_SELECTOR_FORMS = (
    (re.compile(rf"^internal:(label|text)={_QUOTED}([is]?)$"), "plain"),
    (re.compile(rf"^internal:attr=\[(placeholder|alt|title)={_QUOTED}([is]?)\]$"), "plain"),
    (re.compile(rf"^internal:testid=\[([\w:.-]+)={_QUOTED}([is]?)\]$"), "testid"),
    (re.compile(rf"^internal:role=([a-z]+)(?:\[name={_QUOTED}([is]?)\])?$"), "role"),
)


def _mapping_of_selector(selector: str) -> dict[str, Any] | None:
    """The accessible mapping of a one-part internal selector (transcripts without ``locator``)."""
    for pattern, form in _SELECTOR_FORMS:
        match = pattern.match(selector)
        if not match:
            continue
        head, quoted, flag = match.groups()
        value = json.loads(f'"{quoted}"') if quoted is not None else None
        exact = flag == "s" or (flag == "" and quoted is not None)
        if form == "role":
            mapping: dict[str, Any] = {"role": head}
            if value is not None:
                mapping["name"] = value
                if exact:
                    mapping["exact"] = True
            return mapping
        if form == "testid":
            return {"test_id": value} if head == DEFAULT_TEST_ID else None
        return {head: value, **({"exact": True} if exact else {})}
    return None


def _is_plain_css(selector: str) -> bool:
    """Whether a Playwright selector is one CSS selector (no ``>>`` chain, no engine prefix)."""
    if ">>" in selector or selector.startswith(("internal:", "//", "..", "(")):
        return False
    return not re.match(r"^[a-zA-Z][\w:-]*=", selector)


def _custom_test_id(selector: str) -> str | None:
    """``[data-test="x"]`` for a test id recorded with another attribute than data-testid: the
    mapping form would look for data-testid, so the equivalent CSS is the faithful choice."""
    match = re.match(rf"^internal:testid=\[([\w:.-]+)={_QUOTED}[is]?\]$", selector)
    if not match or match.group(1) == DEFAULT_TEST_ID:
        return None
    value = json.loads(f'"{match.group(2)}"')
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'[{match.group(1)}="{escaped}"]'


def locator_of(entry: Mapping[str, Any]) -> tuple[Where, str | None] | None:
    """Where a recorded action acts, in the journey language's preferred form, with a review
    note when only Playwright's selector could say it; None when the entry names no element."""
    selector = entry.get("selector")
    obj = entry.get("locator")
    selector = selector if isinstance(selector, str) and selector else None
    if selector:
        custom = _custom_test_id(selector)
        if custom:
            return custom, None
    mapping = _mapping_of(obj)
    if mapping is None and selector and not isinstance(obj, dict):
        mapping = _mapping_of_selector(selector)
    if mapping is not None:
        return mapping, None
    if isinstance(obj, dict) and obj.get("kind") == "default" and obj.get("next") is None:
        body = obj.get("body")
        if isinstance(body, str) and body and not (obj.get("options") or {}):
            return body, None  # the recorder found nothing better than this CSS selector
    if selector is None:
        return None
    if _is_plain_css(selector):
        return selector, None
    what = describe(obj) if isinstance(obj, dict) else selector
    return selector, f"review: the recorder's locator {what} has no one mapping; kept as a selector"


def describe(obj: Mapping[str, Any]) -> str:
    """A recorder locator (and what is chained to it) the way Playwright's JavaScript writes it."""
    parts: list[str] = []
    node: Any = obj
    while isinstance(node, dict):
        parts.append(_describe_one(node))
        node = node.get("next")
    return ".".join(parts)


def _describe_one(node: Mapping[str, Any]) -> str:
    kind, body = str(node.get("kind")), node.get("body")
    found = node.get("options")
    options: Mapping[str, Any] = found if isinstance(found, dict) else {}
    text = json.dumps(body, ensure_ascii=False) if isinstance(body, str) else "/…/"
    exact = ", { exact: true }" if options.get("exact") is True else ""
    getters = {
        "text": "getByText",
        "label": "getByLabel",
        "placeholder": "getByPlaceholder",
        "alt": "getByAltText",
        "title": "getByTitle",
    }
    if kind in getters:
        return f"{getters[kind]}({text}{exact})"
    if kind == "role":
        name = options.get("name")
        named = (
            f", {{ name: {json.dumps(name, ensure_ascii=False)} }}" if isinstance(name, str) else ""
        )
        return f"getByRole({text}{named})"
    if kind == "test-id":
        return f"getByTestId({text})"
    if kind == "default":
        return f"locator({text})"
    if kind in ("nth", "first", "last"):
        return f"nth({body})" if kind == "nth" else f"{kind}()"
    if kind in ("has-text", "has-not-text"):
        key = "hasText" if kind == "has-text" else "hasNotText"
        return f"filter({{ {key}: {text} }})"
    if kind in ("has", "hasNot", "and", "or", "chain"):
        try:
            inner = describe(json.loads(body)) if isinstance(body, str) else "…"
        except ValueError:
            inner = text
        method = {"has": "filter({ has: %s })", "hasNot": "filter({ hasNot: %s })"}.get(
            kind, f"{'locator' if kind == 'chain' else kind}(%s)"
        )
        return method % inner
    if kind == "frame":
        return "contentFrame()"
    if kind == "frame-locator":
        return f"frameLocator({text})"
    return f"{kind}({text})"


# --- converting ---


@dataclass
class _Step:
    name: str
    items: list[Item] = field(default_factory=list)

    @property
    def has_actions(self) -> bool:
        return any(isinstance(item, tuple) for item in self.items)


class _Builder:
    """Collects the journey: the start, and steps that begin at each page load."""

    def __init__(self, entries: Sequence[dict[str, Any]], base_url: str | None) -> None:
        self.entries = entries
        self.origin = _origin(base_url) if base_url else None
        self.start: str | None = None
        self.steps: list[_Step] = []
        self.main = _page_of(entries[0]) if entries else "page"
        self.url: str | None = None  # the page the current step acts on
        self.acted = False  # whether anything was done on that page yet
        self.next_name: str | None = None  # a step to begin at the next item (after a load)
        self.noted_pages: set[str] = set()
        self.per_page: dict[str, int] = {}
        for entry in entries:
            if entry["name"] not in ("openPage", "closePage"):
                page = _page_of(entry)
                self.per_page[page] = self.per_page.get(page, 0) + 1

    def build(self) -> None:
        for index, entry in enumerate(self.entries):
            page = _page_of(entry)
            if page != self.main:
                self.other_page(entry, page)
            elif entry["name"] == "navigate":
                self.navigate(entry)
            elif entry["name"] not in ("openPage", "closePage"):
                following = self.entries[index + 1] if index + 1 < len(self.entries) else None
                if not _focus_click(entry, following):
                    self.act(entry)

    # where

    def relative(self, url: str) -> str:
        """A path when the URL is on the base URL's origin, else the whole URL."""
        if self.origin and _origin(url) == self.origin:
            parts = urlsplit(url)
            path = parts.path or "/"
            return (
                path
                + (f"?{parts.query}" if parts.query else "")
                + (f"#{parts.fragment}" if parts.fragment else "")
            )
        return url

    def step_name(self, verb: str, url: str) -> str:
        """``open /basket``, ``on /search?q=jacket``: unique, and short enough to read (a
        long query string, like a submitted form's, is left out)."""
        place = self.relative(url).split("#", 1)[0]
        path, _, query = place.partition("?")
        if len(query) > STEP_QUERY_WIDTH:
            place = path
        if len(place) > STEP_NAME_WIDTH:
            place = place[: STEP_NAME_WIDTH - 1] + "…"
        name = f"{verb} {place}"
        taken = {step.name for step in self.steps}
        count = 2
        unique = name
        while unique in taken:
            unique = f"{name} ({count})"
            count += 1
        return unique

    # what

    def add(self, item: Item) -> None:
        if self.next_name is not None:
            self.steps.append(_Step(self.next_name))
            self.next_name = None
        elif not self.steps:
            first = self.step_name("open", self.url) if self.url else "start"
            self.steps.append(_Step(first))
        self.steps[-1].items.append(item)

    def navigate(self, entry: Mapping[str, Any]) -> None:
        url = entry.get("url")
        if not isinstance(url, str) or not _is_web(url):
            return
        if self.start is None and not self.steps and self.next_name is None:
            self.start, self.url = self.relative(url), url
            return
        if _same_page(url, self.url) and not self.acted:
            return  # the same load seen twice (the recorder's own navigate after a click's)
        self.next_name = self.step_name("open", url)
        self.url, self.acted = url, False
        self.add(("goto", self.relative(url)))

    def act(self, entry: dict[str, Any]) -> None:
        for item in translate(entry):
            self.add(item)
        self.acted = True
        for signal in _signals(entry):
            self.signal(signal)

    def signal(self, signal: Mapping[str, Any]) -> None:
        name = signal.get("name")
        if name == "popup":
            page = str(signal.get("popupPageGuid") or signal.get("popupAlias") or "")
            self.noted_pages.add(page)
            count = self.per_page.get(page, 0)
            skipped = f"; its {count} recorded action(s) were left out" if count else ""
            self.add(f"review: this opened a popup{skipped} (a journey follows one page)")
        elif name == "download":
            self.add("review: this started a download; a journey does not check downloads")
        elif name == "dialog":
            self.add("review: a dialog opened here; Playwright dismisses dialogs by itself")
        elif name == "navigation":
            url = signal.get("url")
            if isinstance(url, str) and _is_web(url) and not _same_page(url, self.url):
                self.next_name = self.step_name("on", url)
                self.url, self.acted = url, False

    def other_page(self, entry: Mapping[str, Any], page: str) -> None:
        if page in self.noted_pages or entry["name"] == "closePage":
            return
        self.noted_pages.add(page)
        count = self.per_page.get(page, 0)
        where = entry.get("url") if entry["name"] == "openPage" else None
        tab = (
            f"another tab ({where})" if isinstance(where, str) and _is_web(where) else "another tab"
        )
        if count:
            self.add(f"review: {count} recorded action(s) on {tab} were left out")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_page(url: str, other: str | None) -> bool:
    """The same document address, whatever the fragment."""
    return other is not None and url.split("#", 1)[0] == other.split("#", 1)[0]


def _focus_click(entry: Mapping[str, Any], following: Mapping[str, Any] | None) -> bool:
    """A plain click into a field that is filled next: the recorder keeps it, but ``fill``
    focuses the field itself, so the journey reads better without it."""
    return (
        following is not None
        and entry["name"] == "click"
        and following["name"] == "fill"
        and entry.get("selector") == following.get("selector")
        and _page_of(entry) == _page_of(following)
        and entry.get("button", "left") == "left"
        and not entry.get("modifiers")
        and entry.get("clickCount", 1) == 1
        and not _signals(entry)
    )


def translate(entry: Mapping[str, Any]) -> list[Item]:
    """The journey actions (and review comments) for one recorded action."""
    name = str(entry["name"])
    found = locator_of(entry)
    if found is None:
        return [f"review: a recorded {name} names no element; it was left out"]
    where, note = found
    items: list[Item] = [note] if note else []
    if name == "click":
        items += _click(entry, where)
    elif name in ("check", "uncheck"):
        items.append((name, where))
    elif name == "fill":
        items.append(("fill", _fields("fill", where, value=str(entry.get("text", "")))))
    elif name == "press":
        items.append(("press", _fields("press", where, key=_key(entry))))
    elif name == "select":
        items += _select(entry, where)
    elif name == "setInputFiles":
        items += _upload(entry, where)
    elif name == "assertText":
        exact = {} if entry.get("substring", True) else {"exact": True}
        text = str(entry.get("text", ""))
        items.append(("expect_text", _fields("expect_text", where, text=text, **exact)))
    elif name == "assertValue":
        value = str(entry.get("value", ""))
        items.append(("expect_value", _fields("expect_value", where, value=value)))
    elif name == "assertChecked":
        if entry.get("checked", True) is False:
            items.append(
                f"review: the recorder checked that {_inline(where)} is not ticked; the journey "
                "language has no action for that, add one by hand"
            )
        else:
            items.append(("expect_checked", where))
    elif name == "assertVisible":
        items.append(("expect_visible", where))
    elif name == "assertSnapshot":
        items.append(
            f"review: an ARIA snapshot of {_inline(where)} was recorded; journeys have no ARIA "
            "snapshot check (`snapshot:` compares pictures)"
        )
    else:
        items.append(f"review: a recorded {name} on {_inline(where)} has no journey action")
    return items


def _fields(kind: str, where: Where, **fields: Any) -> dict[str, Any]:
    """An action's mapping: the locator's keys beside the fields, or under ``selector:`` when
    it is a selector text, when its keys would clash with the action's own, or for
    :data:`NESTED` actions."""
    own = {*OWN_FIELDS[kind], "selector", "timeout"}
    if isinstance(where, dict) and kind not in NESTED and not own & where.keys():
        return {**where, **fields}
    return {"selector": where, **fields}


def _click(entry: Mapping[str, Any], where: Where) -> list[Item]:
    button = entry.get("button", "left")
    count = entry.get("clickCount", 1)
    modifiers = _modifiers(entry)
    plain = button == "left" and not modifiers and "position" not in entry
    if plain and count == 2:
        return [("dblclick", where)]
    if plain and count == 1:
        return [("click", where)]
    how = []
    if button != "left":
        how.append(f"a {button} click")
    if count not in (1, None):
        how.append(f"{count} clicks")
    if modifiers:
        how.append(f"with {'+'.join(modifiers)} held")
    if "position" in entry:
        how.append("at a point inside the element")
    return [
        f"review: recorded {', '.join(how) or 'a special click'}; the journey clicks once, "
        "plainly, in the element's centre",
        ("click", where),
    ]


def _modifiers(entry: Mapping[str, Any]) -> list[str]:
    bits = entry.get("modifiers")
    names: list[str] = []
    if isinstance(bits, int):
        for bit, name in MODIFIER_BITS:
            if bits & bit and name not in names:
                names.append(name)
    return names


def _key(entry: Mapping[str, Any]) -> str:
    return "+".join([*_modifiers(entry), str(entry.get("key", ""))])


def _select(entry: Mapping[str, Any], where: Where) -> list[Item]:
    options = entry.get("options")
    values = [str(v) for v in options] if isinstance(options, list) else []
    if len(values) == 1:
        return [("select", _fields("select", where, value=values[0]))]
    return [
        f"review: {len(values)} options were chosen in a multiple select; check the journey "
        "language takes a list here",
        ("select", _fields("select", where, value=values)),
    ]


def _upload(entry: Mapping[str, Any], where: Where) -> list[Item]:
    files = entry.get("files")
    names = [Path(str(f)).name for f in files] if isinstance(files, list) else []
    note = (
        f"review: the browser tells the recorder only file names; put {', '.join(names)} next to "
        "the journey file (upload paths are relative to it)"
        if names
        else "review: the files were cleared here; check what the journey should upload"
    )
    return [note, ("upload", _fields("upload", where, files=names))]


def _inline(where: Where) -> str:
    return _flow_value(where)


def convert(lines: Iterable[str], *, name: str, base_url: str | None = None) -> str:
    """Journey YAML for a JSONL transcript of Playwright's recorder.

    ``base_url``: the start and ``goto`` addresses on its origin become paths (``/basket``), so
    the journey runs against any deployment; other addresses stay whole.
    """
    entries = read_transcript(lines)
    builder = _Builder(entries, base_url)
    builder.build()
    steps = [step for step in builder.steps if step.has_actions]
    if not steps:
        raise RecorderError(
            "the transcript holds no actions to make a journey of: record at least one click, "
            "fill or check after the page opens"
        )
    return _emit(name, builder.start, steps)


# --- writing YAML ---


def _emit(name: str, start: str | None, steps: Sequence[_Step]) -> str:
    out = [HEADER.format(date=datetime.date.today().isoformat()), f"name: {_scalar(name)}"]
    if start is not None:
        out.append(f"start: {_scalar(start)}")
    out.append("steps:")
    for number, step in enumerate(steps):
        if number:
            out.append("")
        out.append(f"  - name: {_scalar(step.name)}")
        out.append("    actions:")
        for item in step.items:
            if isinstance(item, str):
                out.append(f"      # {_comment(item)}")
            else:
                kind, value = item
                out.append(f"      - {kind}: {_flow_value(value)}")
    return "\n".join(out) + "\n"


def _comment(text: str) -> str:
    """One line of comment: a recorded text may hold line breaks or control characters, which
    YAML would not read in a comment, so they are written escaped."""
    shown = "".join(c if c.isprintable() else json.dumps(c)[1:-1] for c in " ".join(text.split()))
    return shown


# Starts and characters that always need quotes in a flow collection; anything else that
# passes is still parsed back to be sure (yes, null, 1.5, 2024-01-01 are not texts in YAML).
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#\n\r\t]*$")


def _scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly ``value``, bare when that is safe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not text.endswith((" ", ":")) and ": " not in text:
        try:
            if yaml.safe_load(f"[{text}]") == [text]:
                return text
        except yaml.YAMLError:
            pass
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.strip().removesuffix("...").strip()


def _flow_value(value: object) -> str:
    """A value as one line of YAML flow style: a scalar, ``[a, b]`` or ``{key: value}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow_value(v) for v in value) + "]"
    return _scalar(value)


# --- recording ---


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
        if frame.parent_frame is None and not _same_page(frame.url, self.url):
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
        signals = _signals(entry)
        if any(isinstance(s, dict) and s.get("name") == "navigation" for s in signals):
            continue
        entry["signals"] = [*signals, {"name": "navigation", "url": url}]
        out[index] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return out


def _resolve_device(
    device: str | None, profiles: Sequence[str | os.PathLike[str]]
) -> DeviceProfile | None:
    if not device:
        return None
    from cxcheck.config.profiles import load_catalogue

    return load_catalogue(profiles).resolve_devices([device], where="--device")[0]


def record(
    url: str,
    *,
    device: str | None,
    output: Path,
    name: str | None = None,
    base_url: str | None = None,
    profiles: Sequence[str | os.PathLike[str]] = (),
    save_jsonl: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Record a journey in a browser window with Playwright's recorder; write it to ``output``
    (``-``: standard output). Returns the exit status (0).

    The device's viewport, screen, pixel ratio, touch and user agent are the browser's while
    recording. Paths are written relative to ``base_url`` (default: the origin of ``url``).
    Closing the browser window ends the recording.
    """
    env = os.environ if env is None else env
    profile = _resolve_device(device, profiles)  # a typo fails before anything starts
    require_display(env)
    lines = _record_lines(url, profile, env)
    if save_jsonl is not None:
        save_jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = convert(lines, name=name or _default_name(output), base_url=base_url or _origin(url))
    _write(output, text)
    return 0


def _record_lines(url: str, profile: DeviceProfile | None, env: Mapping[str, str]) -> list[str]:
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
    return add_navigation_signals(raw, marks)


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


def _default_name(output: Path) -> str:
    """``checkout.journey.yaml`` → ``checkout``; the journey's name when none is given."""
    if str(output) == "-":
        return "recorded journey"
    stem = output.name
    for suffix in (".yaml", ".yml", ".journey"):
        stem = stem.removesuffix(suffix)
    return stem.replace("-", " ").replace("_", " ").strip() or "recorded journey"


def _write(output: Path, text: str) -> None:
    if str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RecorderError(f"cannot write {output}: {exc.strerror or exc}") from None
    steps = text.count("\n  - name: ")
    print(
        f"cxcheck record: wrote {output} ({steps} step{'s' if steps != 1 else ''}); review the "
        "locators and the `# review:` comments before committing",
        file=sys.stderr,
    )


def command(
    url: str | None,
    *,
    output: Path,
    device: str | None = None,
    from_jsonl: Path | None = None,
    name: str | None = None,
    base_url: str | None = None,
    profiles: Sequence[str | os.PathLike[str]] = (),
    save_jsonl: Path | None = None,
) -> int:
    """``cxcheck record``: record ``url``, or convert the transcript ``from_jsonl``."""
    if from_jsonl is None:
        if not url:
            raise RecorderError(
                "give the URL to record (`cxcheck record http://localhost:8000/ -o "
                "checkout.journey.yaml`), or --from-jsonl FILE to convert a transcript"
            )
        return record(
            url,
            device=device,
            output=output,
            name=name,
            base_url=base_url,
            profiles=profiles,
            save_jsonl=save_jsonl,
        )
    if url:
        raise RecorderError("give either a URL to record or --from-jsonl FILE, not both")
    _resolve_device(device, profiles)  # checked all the same, so a typo never goes unnoticed
    try:
        lines = from_jsonl.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RecorderError(f"cannot read {from_jsonl}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RecorderError(f"{from_jsonl} is not UTF-8 text; is it a JSONL transcript?") from None
    try:
        if base_url is None:
            start = first_url(read_transcript(lines))
            base_url = _origin(start) if start else None
        text = convert(lines, name=name or _default_name(output), base_url=base_url)
    except RecorderError as exc:
        raise RecorderError(f"{from_jsonl}: {exc}") from None
    _write(output, text)
    return 0
