"""Journey YAML as ``cxcheck record`` writes it: a header, then steps of one-line actions in flow
style and ``# review:`` comments, every value quoted only when YAML would read it otherwise.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

# One entry of a step: an action (its name and value) or a review comment.
Item = tuple[str, Any] | str

HEADER = "# Recorded with `cxcheck record` on {date}; review the locators before committing."


def journey_yaml(
    name: str,
    start: str | None,
    steps: Sequence[tuple[str, Sequence[Item]]],
    secrets: Mapping[str, str] | None = None,
) -> str:
    """The journey file: its name, its ``secrets`` (each variable's environment variable),
    start and steps, each a name and its items."""
    out = [HEADER.format(date=datetime.date.today().isoformat()), f"name: {_scalar(name)}"]
    if secrets:
        needed = ", ".join(secrets.values())
        out.append(
            f"# Set {needed} in the environment before running (`export "
            f"{next(iter(secrets.values()))}=…`, or a CI secret): what was typed into password "
            "fields is not written here."
        )
        out.append("secrets:")
        out += [f"  {var}: {_scalar(f'${{env.{env}}}')}" for var, env in secrets.items()]
    if start is not None:
        out.append(f"start: {_scalar(start)}")
    out.append("steps:")
    for number, (step_name, items) in enumerate(steps):
        if number:
            out.append("")
        out.append(f"  - name: {_scalar(step_name)}")
        out.append("    actions:")
        for item in items:
            if isinstance(item, str):
                out.append(f"      # {_comment(item)}")
            else:
                kind, value = item
                out.append(f"      - {kind}: {flow_value(value)}")
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


def flow_value(value: object) -> str:
    """A value as one line of YAML flow style: a scalar, ``[a, b]`` or ``{key: value}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow_value(v) for v in value) + "]"
    return _scalar(value)
