"""Passwords typed while recording become ``secrets:`` read from the environment, never text in
the journey file (``cxcheck record``).

A recorded ``fill`` carries what was typed; into a password field that is a real password, and
a journey file is committed. The recorder's locator says which field it was: its label,
placeholder, accessible name, test id or selector naming a password, passcode, passphrase or PIN
(``get_by_label("Password:")``; Playwright gives a password input no role, so the recorder names
it by its label), or an ``inputType: password`` on the entry, which ``cxcheck record`` adds to a
fill of what was typed into a ``type=password`` field, whatever its label says
(:func:`cxcheck.journeyfiles.recording.mark_password_fills`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxcheck.journeyfiles.transcript import Where

# Words that name a secret field; PIN only as a word (not "shipping", "spinner").
_SECRET = re.compile(r"pass(?:word|code|phrase)|passwd|pwd|(?<![a-z])pin(?![a-z])", re.I)
ENV_PREFIX = "CX_"
DEFAULT_NAME = "password"


def _described(where: Where) -> str:
    """The words a locator names its element by."""
    if isinstance(where, str):
        return where
    return " ".join(str(where.get(k, "")) for k in ("name", "label", "placeholder", "test_id",
                                                   "text", "title", "selector"))  # fmt: skip


def is_secret(entry: Mapping[str, Any], where: Where) -> bool:
    """Whether a recorded fill typed into a password (or passcode, PIN) field."""
    if entry.get("inputType") == "password":
        return True
    return bool(_SECRET.search(_described(where)))


def secret_name(where: Where) -> str:
    """A variable name from the field's own words: ``Password:`` → ``password``, ``Card PIN``
    → ``card_pin``; from a selector only the secret's word (``#pwd-field`` → ``password``)."""
    if isinstance(where, str):
        found = _SECRET.search(where)
        word = found.group(0).lower() if found else DEFAULT_NAME
        return DEFAULT_NAME if word in ("pwd", "passwd") else word
    words = next(
        (str(where[k]) for k in ("label", "name", "placeholder", "test_id") if where.get(k)), ""
    )
    slug = "_".join(re.findall(r"[a-z0-9]+", words.lower()))[:40].strip("_")
    return slug if slug and slug[0].isalpha() else DEFAULT_NAME


@dataclass
class Secrets:
    """The secrets of one recording: a name for each typed value (the same password typed twice,
    into a confirmation field too, is one secret), the value itself never kept."""

    names: dict[str, str] = field(default_factory=dict)  # variable → environment variable
    _by_value: dict[int, str] = field(default_factory=dict)

    def name_for(self, where: Where, typed: str) -> str:
        key = hash(typed)  # only to recognise the same value again; never written anywhere
        if key in self._by_value:
            return self._by_value[key]
        base = secret_name(where)
        name, count = base, 2
        while name in self.names:
            name, count = f"{base}_{count}", count + 1
        self.names[name] = f"{ENV_PREFIX}{name.upper()}"
        self._by_value[key] = name
        return name
