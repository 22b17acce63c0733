"""What is on the page instead, when a locator matched nothing: the nearest elements by role and
accessible name, read from Playwright's own ARIA snapshot (``locator.aria_snapshot()``).

``{label: Search}`` that matches nothing usually names something real in a way Playwright does
not match: a ``<label>`` that holds only an ``<img alt="Search">`` (Django's admin search bar;
``get_by_label`` reads the label's text, which is empty, while the field's accessible name is
"Search"), the wrong role (a "Sign in" *button* asked for as a link), or a typo. The snapshot
lists every element with its role and name as assistive technology sees them, so the candidates
are ranked by how close their name is to what was asked and offered as the locator to write.

A hint runs after a failure: it has a time limit (:data:`BUDGET_S`), reads at most
:data:`MAX_CHARS` of the snapshot on a big page, and never raises (no hint is better than a
failure report that fails).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator

__all__ = ["IMAGE_LABEL", "Candidate", "candidates", "parse_snapshot", "rank"]

BUDGET_S = 1.0
"""The time the whole hint may take: the snapshot and the label check."""
MAX_CHARS = 200_000
"""The snapshot read at most: on a page of thousands of rows the first part is enough."""
MAX_SHOWN = 3
CLOSE_ENOUGH = 0.7
"""The least similarity (difflib's ratio, 0..1) a name needs to be offered at all."""
CLEAR_LEAD = 0.15
"""How far behind the best a candidate may be and still be shown."""
IMAGE_LABEL = "its label holds only an image"

# One line of an ARIA snapshot: ``- textbox "Search"``, ``- heading "Hi" [level=1]:``,
# ``- text: Postcode``, ``- paragraph: Some words``.
_LINE = re.compile(
    r'^\s*- (?P<role>[a-z]+)(?: (?P<name>"(?:[^"\\]|\\.)*"))?(?: \[[^\]]*\])*(?::\s*(?P<text>.*))?$'
)
# Roles of fields, which is what `label:` and `placeholder:` find.
_FIELDS = frozenset(
    {"textbox", "searchbox", "combobox", "checkbox", "radio", "spinbutton", "slider", "switch",
     "listbox"}
)  # fmt: skip
# The <label>s whose text is empty but which hold an image with an alt text: get_by_label
# cannot find their field by that alt, its accessible name (and so get_by_role) can.
_IMAGE_LABELS = """labels => labels.slice(0, 500)
  .filter(l => !l.textContent.trim())
  .flatMap(l => Array.from(l.querySelectorAll('img[alt]'), i => i.alt.trim()))
  .filter(Boolean)"""


@dataclass(frozen=True)
class Candidate:
    """An element on the page: its role (``text`` for plain text) and its accessible name."""

    role: str
    name: str
    note: str = ""
    score: float = 0.0


def parse_snapshot(snapshot: str) -> list[Candidate]:
    """The named elements and texts of an ARIA snapshot, in page order, each once."""
    found: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for line in snapshot[:MAX_CHARS].splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        role, quoted, text = match["role"], match["name"], match["text"]
        entries = []
        if quoted is not None:
            entries.append((role, _unquote(quoted)))
        if text and not text.startswith(("/", '"/')):  # not a regular expression
            entries.append(("text", _unquote(text.strip())))
        for entry in entries:
            if entry[1] and entry not in seen:
                seen.add(entry)
                found.append(Candidate(*entry))
    return found


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            value = json.loads(text)
            return value if isinstance(value, str) else text
        except ValueError:
            return text[1:-1]
    return text


def rank(
    found: list[Candidate],
    asked: str,
    *,
    kind: str,
    role: str | None = None,
    image_labels: tuple[str, ...] = (),
    limit: int = MAX_SHOWN,
) -> list[Candidate]:
    """The candidates closest to what was asked (``kind``: role, label, text…; ``asked``: the
    name or text), best first, at most ``limit``; an element the author's own locator already
    names exactly is left out, and a text that repeats a named element's name too; when one
    is clearly closest (by :data:`CLEAR_LEAD`), it alone."""
    wanted = " ".join(asked.split()).lower()
    if not wanted:
        return []
    named = {c.name.lower() for c in found if c.role != "text"}
    images = {alt.lower() for alt in image_labels}
    scored: list[Candidate] = []
    for c in found:
        name = c.name.lower()
        if c.role == "text" and name in named:
            continue
        if kind == "role" and c.role == role and name == wanted:
            continue  # the same element: something else (exact, within) is in the way
        score = SequenceMatcher(None, wanted, name).ratio()
        if len(wanted) >= 3 and (wanted in name or name in wanted):
            score = max(score, 0.75)
        if score < CLOSE_ENOUGH:
            continue
        # What the locator's kind finds: a field for label/placeholder, the role asked for.
        if kind in ("label", "placeholder") and c.role in _FIELDS:
            score += 0.2
        elif c.role == {"role": role, "alt": "img", "text": "text"}.get(kind):
            score += 0.1
        note = IMAGE_LABEL if kind == "label" and c.role in _FIELDS and name in images else ""
        scored.append(Candidate(c.role, c.name, note, score))
    scored.sort(key=lambda c: -c.score)  # stable: page order among equals
    # A clear winner stands alone: the runners-up would only make the message longer.
    return [c for c in scored if c.score >= scored[0].score - CLEAR_LEAD][:limit]


def candidates(
    root: Locator, asked: str, *, kind: str, role: str | None = None, budget_s: float = BUDGET_S
) -> list[Candidate]:
    """The nearest elements under ``root`` (the page's body, or the container a locator is
    looked for in) to what a locator asked for; empty when there are none, when time ran out,
    or when the page cannot say (closed, navigating)."""
    started = time.monotonic()
    try:
        snapshot = root.aria_snapshot(timeout=budget_s * 1000)
        images: tuple[str, ...] = ()
        left = budget_s - (time.monotonic() - started)
        if kind == "label" and left > 0.05:
            alts = root.locator("label").evaluate_all(_IMAGE_LABELS)
            images = tuple(str(a) for a in alts) if isinstance(alts, list) else ()
        return rank(parse_snapshot(snapshot), asked, kind=kind, role=role, image_labels=images)
    except Exception:  # a hint must never turn into the failure
        return []


# Playwright's own words for a locator, as its call log writes them: get_by_label("Search"),
# get_by_role("link", name="Sign in"). Only the one-part forms: a chain says too little.
_TARGET = re.compile(
    r'^get_by_(?P<kind>role|label|placeholder|text|alt_text|title)\((?P<first>"(?:[^"\\]|\\.)*")'
    r'(?:, name="(?P<name>(?:[^"\\]|\\.)*)")?(?:, exact=\w+)?\)$'
)


def python_hint(root: Locator, target: str, budget_s: float = BUDGET_S) -> str:
    """For a Python test whose ``get_by_*`` locator matched nothing (``target`` as Playwright's
    call log writes it): ``on the page: button "Sign in" — try get_by_role("button",
    name="Sign in")``, or "" when nothing is close or the target is not such a locator."""
    match = _TARGET.match(target.strip())
    if match is None:
        return ""
    first = _unquote(match["first"])
    kind = {"alt_text": "alt"}.get(match["kind"], match["kind"])
    role = first if kind == "role" else None
    asked = _unquote(f'"{match["name"]}"') if match["name"] is not None else first
    if kind == "role" and match["name"] is None:
        return ""
    shown = []
    for c in candidates(root, asked, kind=kind, role=role, budget_s=budget_s):
        name = json.dumps(c.name, ensure_ascii=False)
        written = f"get_by_text({name})" if c.role == "text" else (
            f'get_by_role("{c.role}", name={name})'
        )  # fmt: skip
        note = f" ({c.note})" if c.note else ""
        shown.append(f"{c.role} {name}{note} — try {written}")
    return "on the page: " + "; ".join(shown) if shown else ""
