"""Locators of journey files: a Playwright selector string, or an accessible form as a mapping.

``click: "#add"`` is a selector; ``click: {role: button, name: Add to basket}``,
``{text: …}``, ``{label: …}``, ``{placeholder: …}``, ``{test_id: …}``, ``{alt: …}`` and
``{title: …}`` find elements the way a person does, through Playwright's ``get_by_*`` locators,
and keep working when the markup changes underneath. A locator is described back to the author
in the form they wrote it, so a failure names what they can search their file for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator as PlaywrightLocator
    from playwright.sync_api import Page

# The accessible forms, in the order a recorder prefers them.
KINDS = ("role", "label", "placeholder", "test_id", "text", "alt", "title")
# What may sit beside the kind: the accessible name (with role only) and exact matching.
MODIFIERS = ("name", "exact")
# The container a locator is looked for in: itself a locator, so containers nest.
WITHIN = "within"
# Playwright's get_by_role accepts these ARIA roles (its type hints list them).
ROLES = (
    "alert", "alertdialog", "application", "article", "banner", "blockquote", "button", "caption",
    "cell", "checkbox", "code", "columnheader", "combobox", "complementary", "contentinfo",
    "definition", "deletion", "dialog", "directory", "document", "emphasis", "feed", "figure",
    "form", "generic", "grid", "gridcell", "group", "heading", "img", "insertion", "link", "list",
    "listbox", "listitem", "log", "main", "marquee", "math", "menu", "menubar", "menuitem",
    "menuitemcheckbox", "menuitemradio", "meter", "navigation", "none", "note", "option",
    "paragraph", "presentation", "progressbar", "radio", "radiogroup", "region", "row",
    "rowgroup", "rowheader", "scrollbar", "search", "searchbox", "separator", "slider",
    "spinbutton", "status", "strong", "subscript", "superscript", "switch", "tab", "table",
    "tablist", "tabpanel", "term", "textbox", "time", "timer", "toolbar", "tooltip", "tree",
    "treegrid", "treeitem",
)  # fmt: skip


@dataclass(frozen=True)
class Locator:
    """Where an action acts: ``kind`` is ``selector`` or one of :data:`KINDS`."""

    kind: str
    value: str
    name: str | None = None
    exact: bool = False
    within: Locator | None = None  # the container it is looked for in, else the whole page

    def __str__(self) -> str:
        if self.kind == "selector" and self.within is None:
            return _flow(self.value)
        parts = [f"within: {self.within}"] if self.within is not None else []
        parts.append(f"{self.kind}: {_flow(self.value)}")
        if self.name is not None:
            parts.append(f"name: {_flow(self.name)}")
        if self.exact:
            parts.append("exact: true")
        return "{" + ", ".join(parts) + "}"

    def scopes(self) -> list[Locator]:
        """The containers it is looked for in, outermost first."""
        chain: list[Locator] = []
        scope = self.within
        while scope is not None:
            chain.insert(0, scope)
            scope = scope.within
        return chain

    def resolve(self, page: Page) -> PlaywrightLocator:
        """The Playwright locator on ``page``, inside its container when it has one (a
        Playwright Locator has the same ``locator``/``get_by_*`` methods as a Page)."""
        base: Page | PlaywrightLocator = page if self.within is None else self.within.resolve(page)
        exact = self.exact or None
        if self.kind == "selector":
            return base.locator(self.value)
        if self.kind == "role":
            return base.get_by_role(self.value, name=self.name, exact=exact)  # type: ignore[arg-type]
        if self.kind == "test_id":
            return base.get_by_test_id(self.value)
        getters: dict[str, Any] = {
            "label": base.get_by_label,
            "placeholder": base.get_by_placeholder,
            "text": base.get_by_text,
            "alt": base.get_by_alt_text,
            "title": base.get_by_title,
        }
        located: PlaywrightLocator = getters[self.kind](self.value, exact=exact)
        return located


def _flow(text: str) -> str:
    """``text`` as it may stand in a YAML flow mapping: bare when safe, else double-quoted."""
    plain = (
        text
        and text == text.strip()
        and text[0] not in "#&*!|>'\"%@`{}[],?:-"
        and not any(c in text for c in ":#{}[],\n")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)
