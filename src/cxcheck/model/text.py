"""Small text helpers every layer uses: file-name slugs, did-you-mean, plain tables."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Sequence

# How much of an error's full text a results file or report keeps (the rest is counted).
MAX_ERROR_CHARS = 20_000


def slug(text: str) -> str:
    """A file-name-safe form of a step name or test id, unique for distinct long ids."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "step"
    if len(cleaned) <= 120:
        return cleaned
    # Long test ids keep their end (the device-network cell tells folders apart) and a hash of
    # the whole id, so two ids that share their head and tail never share a folder.
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{cleaned[:40]}--{digest}--{cleaned[-66:]}"


def suggest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The closest known names to ``name``, best first."""
    lowered = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


def did_you_mean(
    name: str,
    known: Iterable[str],
    *,
    quote: str = "`{}`",
    sentence: str = " Did you mean {}?",
    n: int = 1,
) -> str:
    """``" Did you mean `x`?"`` naming the known name closest to ``name``, or ``""`` when none
    is close. ``n`` names up to that many (```a`, `b` or `c```); ``quote`` writes each name
    (``"{!r}"``, ``"[{}]"``) and ``sentence`` the whole hint (``" (did you mean {}?)"``)."""
    hits = suggest(name, known, n)
    return sentence.format(either([quote.format(h) for h in hits])) if hits else ""


def either(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A left-aligned text table with a rule under the headers."""
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)
