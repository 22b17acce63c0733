"""Converting a transcript of Playwright's recorder into a journey file (``cxcheck record``).

:func:`convert` turns the transcript's entries (:mod:`cxcheck.journeyfiles.transcript`) into
steps that begin at each page load, with accessible locators (``{role: button, name: Add to
basket}``, ``{label: Email}``…) and ``# review:`` comments where a recording says more than a
journey can; :mod:`cxcheck.journeyfiles.yamlwriter` writes them. Recording itself is
:mod:`cxcheck.journeyfiles.recording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cxcheck.journeyfiles.transcript import (
    RecorderError,
    Where,
    is_web,
    locator_of,
    origin,
    page_of,
    read_transcript,
    same_page,
    signals,
)
from cxcheck.journeyfiles.typedsecrets import Secrets, is_secret
from cxcheck.journeyfiles.yamlwriter import Item, flow_value, journey_yaml

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


# Keyboard modifiers as the recorder's bit mask; codegen writes Control and Meta as
# ControlOrMeta so that a recording made on a Mac replays on Linux and Windows.
MODIFIER_BITS = ((1, "Alt"), (2, "ControlOrMeta"), (4, "ControlOrMeta"), (8, "Shift"))


STEP_NAME_WIDTH = 70


STEP_QUERY_WIDTH = 30


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
        self.origin = origin(base_url) if base_url else None
        self.start: str | None = None
        self.steps: list[_Step] = []
        self.main = page_of(entries[0]) if entries else "page"
        self.url: str | None = None  # the page the current step acts on
        self.acted = False  # whether anything was done on that page yet
        self.next_name: str | None = None  # a step to begin at the next item (after a load)
        self.noted_pages: set[str] = set()
        self.per_page: dict[str, int] = {}
        self.secrets = Secrets()
        for entry in entries:
            if entry["name"] not in ("openPage", "closePage"):
                page = page_of(entry)
                self.per_page[page] = self.per_page.get(page, 0) + 1

    def build(self) -> None:
        for index, entry in enumerate(self.entries):
            page = page_of(entry)
            if page != self.main:
                self.other_page(entry, page)
            elif entry["name"] == "navigate":
                self.navigate(entry)
            elif entry["name"] not in ("openPage", "closePage"):
                following = self.entries[index + 1] if index + 1 < len(self.entries) else None
                if _address_bar(entry):
                    self.address_bar(entry, following)
                elif not _focus_click(entry, following):
                    self.act(entry)

    # where

    def relative(self, url: str) -> str:
        """A path when the URL is on the base URL's origin, else the whole URL."""
        if self.origin and origin(url) == self.origin:
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
        if not isinstance(url, str) or not is_web(url):
            return
        if self.start is None and not self.steps and self.next_name is None:
            self.start, self.url = self.relative(url), url
            return
        if same_page(url, self.url) and not self.acted:
            return  # the same load seen twice (the recorder's own navigate after a click's)
        self.next_name = self.step_name("open", url)
        self.url, self.acted = url, False
        self.add(("goto", self.relative(url)))

    def address_bar(self, entry: Mapping[str, Any], following: Mapping[str, Any] | None) -> None:
        """A shortcut into the browser's address bar (Ctrl+L): what matters is where the
        typed address went, which is a ``goto``, never the key press on the page. The recorder
        counts a load within 5 s of a key press as the press's doing and writes no
        ``navigate``; `cxcheck record`'s page watcher then puts the address on the press."""
        loaded = [s.get("url") for s in signals(entry) if s.get("name") == "navigation"]
        if loaded and isinstance(loaded[-1], str):
            self.navigate({"url": loaded[-1]})
        elif following is None or following["name"] != "navigate":
            self.add(
                f"review: {_key(entry)} went to the address bar here, and the recorder did not "
                "see where to; add `goto: <the address>` by hand"
            )
        # else: the recorder's own navigate comes next and becomes the goto

    def act(self, entry: dict[str, Any]) -> None:
        if entry["name"] == "fill" and entry.get("text"):
            found = locator_of(entry)
            if found is not None and is_secret(entry, found[0]):
                name = self.secrets.name_for(found[0], str(entry["text"]))
                entry = {**entry, "text": f"${{{name}}}"}  # the typed value goes no further
        for item in translate(entry):
            self.add(item)
        self.acted = True
        for signal in signals(entry):
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
            if isinstance(url, str) and is_web(url) and not same_page(url, self.url):
                self.next_name = self.step_name("on", url)
                self.url, self.acted = url, False

    def other_page(self, entry: Mapping[str, Any], page: str) -> None:
        if page in self.noted_pages or entry["name"] == "closePage":
            return
        self.noted_pages.add(page)
        count = self.per_page.get(page, 0)
        where = entry.get("url") if entry["name"] == "openPage" else None
        tab = (
            f"another tab ({where})" if isinstance(where, str) and is_web(where) else "another tab"
        )
        if count:
            self.add(f"review: {count} recorded action(s) on {tab} were left out")


# Keys that put the focus in the browser's address bar (Chrome, Edge, Firefox).
ADDRESS_BAR_KEYS = frozenset({"ControlOrMeta+l", "ControlOrMeta+L", "Alt+d", "Alt+D", "F6"})


def _address_bar(entry: Mapping[str, Any]) -> bool:
    return entry["name"] == "press" and _key(entry) in ADDRESS_BAR_KEYS


def _focus_click(entry: Mapping[str, Any], following: Mapping[str, Any] | None) -> bool:
    """A plain click into a field that is filled next: the recorder keeps it, but ``fill``
    focuses the field itself, so the journey reads better without it."""
    return (
        following is not None
        and entry["name"] == "click"
        and following["name"] == "fill"
        and entry.get("selector") == following.get("selector")
        and page_of(entry) == page_of(following)
        and entry.get("button", "left") == "left"
        and not entry.get("modifiers")
        and entry.get("clickCount", 1) == 1
        and not signals(entry)
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
    return flow_value(where)


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
    return journey_yaml(
        name,
        builder.start,
        [(step.name, step.items) for step in steps],
        secrets=builder.secrets.names,
    )
