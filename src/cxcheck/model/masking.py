"""Secrets of journey files, masked as ``***`` in everything cxcheck writes.

A journey's ``secrets:`` values (passwords, tokens) are registered here when the file is loaded,
in every process that loads it (xdist workers collect too). Results are masked where they are
made, before they travel to the controller, so the terminal, the JSON, JUnit and the HTML report
never see a secret; ``steps.json`` and failure texts are masked as they are written.
"""

from __future__ import annotations

from typing import Any

MASK = "***"
_secrets: set[str] = set()


def register(values: Any) -> None:
    """Mask these values from now on (empty ones are ignored: they would mask everything)."""
    for value in values:
        if isinstance(value, str) and value:
            _secrets.add(value)


def mask(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``, longest first."""
    if not _secrets or not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_data(data: Any) -> Any:
    """``data`` (JSON-like: dicts, lists, strings) with every string masked."""
    if not _secrets:
        return data
    if isinstance(data, str):
        return mask(data)
    if isinstance(data, dict):
        return {mask_data(k): mask_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(mask_data(v) for v in data)
    return data


def active() -> bool:
    """Whether any secret is registered."""
    return bool(_secrets)
