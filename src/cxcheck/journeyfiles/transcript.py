"""A transcript of Playwright's recorder: its entries, their pages and addresses, and the
recorder's locators in the journey language's preferred form.

Playwright's recorder (``playwright codegen``) can write its transcript as JSON Lines, the
``jsonl`` target: a first line with the recorder's options, then one JSON object per recorded
action, each with its ``name`` (``navigate``, ``click``, ``fill``, ``press``, ``check``,
``uncheck``, ``select``, ``setInputFiles``, ``assertText``, ``assertValue``, ``assertChecked``,
``assertVisible``, ``assertSnapshot``, ``openPage``, ``closePage``), the ``pageGuid`` of the page
it happened on, its ``signals`` (``popup``, ``download``, ``dialog``, ``expect``; older recorders
also ``navigation``), the recorder's internal ``selector`` and the same locator as a structured
``locator`` object (``kind``, ``body``, ``options`` and a chained ``next``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from cxcheck.model.errors import CxError

# A locator as the journey language writes it: a selector text or an accessible mapping.
Where = str | dict[str, Any]


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


class RecorderError(CxError):
    """A transcript that cannot be read, or a recording that cannot start."""


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


def page_of(entry: Mapping[str, Any]) -> str:
    """The page an entry happened on: ``pageGuid`` now, ``pageAlias`` in older recorders."""
    return str(entry.get("pageGuid") or entry.get("pageAlias") or "page")


def signals(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    signals = entry.get("signals")
    return [s for s in signals if isinstance(s, dict)] if isinstance(signals, list) else []


def first_url(entries: Sequence[Mapping[str, Any]]) -> str | None:
    """The first real page the transcript navigates to (``about:blank`` does not count)."""
    for entry in entries:
        url = entry.get("url")
        if entry["name"] in ("navigate", "openPage") and isinstance(url, str) and is_web(url):
            return url
    return None


def is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https", "file")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_page(url: str, other: str | None) -> bool:
    """The same document address, whatever the fragment."""
    return other is not None and url.split("#", 1)[0] == other.split("#", 1)[0]


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
    exact = options.get("exact") is True
    mapping: dict[str, Any] = {KIND_KEYS[kind]: label_text(body) if kind == "label" else body}
    if kind == "label" and exact:
        mapping["label"] = body  # an exact label is the whole text, colon and all
    if kind == "role":
        if options.get("attrs") or "description" in options:
            return None  # checked=, level=, include-hidden…: no mapping form says that
        name = options.get("name")
        if name is not None:
            if not isinstance(name, str):
                return None
            mapping["name"] = name
    # A role without a name has nothing to match exactly; Playwright ignores exact there too.
    if exact and (kind != "role" or "name" in mapping):
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
        if head == "label" and not exact and value is not None:
            value = label_text(value)
        return {head: value, **({"exact": True} if exact else {})}
    return None


def label_text(text: str) -> str:
    """A recorded label without its trailing colon: ``Email:`` → ``Email``. Playwright matches a
    label that is not exact as a case-insensitive substring, so ``{label: Email}`` still finds
    the field, and reads as a person names it (a label written ``exact`` keeps its colon)."""
    stripped = text.rstrip().removesuffix(":").rstrip()
    return stripped or text


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
