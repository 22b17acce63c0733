"""Shared helpers of the benchmark scripts: the page server and a launched browser."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))

import pageserver  # noqa: E402
from cxcheck.browser import BrowserSettings, launch  # noqa: E402


@contextmanager
def page_server() -> Iterator[str]:
    """fixtures/pages and its payload endpoints on 127.0.0.1; yields the base URL."""
    with pageserver.serve() as url:
        yield url


@contextmanager
def browser() -> Iterator[Any]:
    """The browser cxcheck would launch, found the same way."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b, how = launch(pw, BrowserSettings())
        print(f"browser: {how}")
        try:
            yield b
        finally:
            b.close()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
