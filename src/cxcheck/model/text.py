"""Small text helpers every layer uses: file-name slugs, did-you-mean, plain tables."""

from __future__ import annotations

import hashlib
import re


def slug(text: str) -> str:
    """A file-name-safe form of a step name or test id, unique for distinct long ids."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "step"
    if len(cleaned) <= 120:
        return cleaned
    # Long test ids keep their end (the device-network cell tells folders apart) and a hash of
    # the whole id, so two ids that share their head and tail never share a folder.
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{cleaned[:40]}--{digest}--{cleaned[-66:]}"
