"""The page is broken: the app answered a navigation or a form post with a 5xx, or it never
answered at all (``net::ERR_…``). A journey-file wait then ends at once, as it does for an
uncaught page error: the step fails for that request anyway, and no element the customer was
waiting for will come on the server's error page.

Only the page's own documents count: a main-frame request of resource type ``document`` to the
app's origin. A failing image, XHR or third-party page is a finding elsewhere, not a reason to
stop waiting.
"""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

__all__ = ["BrokenPage", "main_document"]


@dataclass(frozen=True)
class BrokenPage:
    """A document request of the page that the app answered 5xx or the network failed."""

    method: str
    url: str
    status: int | None
    """The HTTP status; None when the request failed at the network level."""
    reason: str
    """The status text (Internal Server Error), or the browser's error (net::ERR_EMPTY_RESPONSE)."""
    at: float = field(default_factory=time.monotonic, compare=False)
    """When it was seen (time.monotonic), so a wait can give the error page one look first."""

    def describe(self) -> str:
        """In plain words: ``the form post POST /account/profile answered HTTP 500 …``."""
        what = "the form post" if self.method == "POST" else "the page"
        where = f"{what} {self.method} {_shown(self.url)}"
        if self.status is not None:
            return f"{where} answered HTTP {self.status} {self.reason}".rstrip()
        return f"{where} failed at the network level ({self.reason})"

    def data(self) -> dict[str, object]:
        return {"method": self.method, "url": self.url, "status": self.status,
                "reason": self.reason}  # fmt: skip


def main_document(page: Page, request: Request) -> bool:
    """Whether ``request`` loads the page's own document (not an iframe's, an image, an XHR)."""
    if request.resource_type != "document":
        return False
    try:
        return request.frame == page.main_frame
    except Exception:
        return False  # a service worker's request has no frame


def _shown(url: str) -> str:
    """The path and query: the origin is the app's, so it says nothing the reader needs."""
    parsed = urllib.parse.urlsplit(url)
    return (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
