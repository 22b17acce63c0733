"""Pictures of a test's open pages at the moment it failed: ``failure.jpg`` (``failure-2.jpg``
for a second page, a popup...), viewport JPEGs like the journey's step screenshots.

Taken before the fixtures tear the context down, so any test with a page has one, journey or
not. Evidence only: a picture that cannot be taken (a closed or crashed page, a hung renderer)
is skipped, never an error, and the whole capture has a time limit.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

__all__ = ["FAILURE_SHOT", "MAX_PAGES", "failure_name", "failure_screenshots"]

FAILURE_SHOT = "failure.jpg"
MAX_PAGES = 4
"""Pages pictured at most: a test that opened twenty tabs shows its first four."""
CAPTURE_S = 8.0
"""The whole capture's time limit; one page gets at most half of it."""


def failure_name(n: int) -> str:
    """The file of the ``n``-th open page (1-based): failure.jpg, failure-2.jpg, ..."""
    return FAILURE_SHOT if n == 1 else f"failure-{n}.jpg"


def failure_screenshots(
    context: BrowserContext, folder: Path, limit_s: float = CAPTURE_S
) -> list[str]:
    """Picture each open page of ``context`` into ``folder``; the names of the files written."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + limit_s
    names: list[str] = []
    try:
        pages = [p for p in context.pages if not p.is_closed()][:MAX_PAGES]
    except Error:
        return names  # the context is gone (the browser crashed): nothing to picture
    for page in pages:
        left = deadline - time.monotonic()
        if left <= 0.2:
            break
        name = failure_name(len(names) + 1)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Playwright's screenshot, not the journey's raw CDP capture: it takes a timeout,
            # and a renderer stuck in a loop must not hold the test's teardown forever.
            page.screenshot(path=folder / name, type="jpeg", quality=70, scale="css",
                            timeout=min(left, limit_s / 2) * 1000)  # fmt: skip
        except (Error, OSError):
            continue
        names.append(name)
    return names
