"""Helpers shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def leftovers(token: str) -> list[str]:
    """Processes other than this one that carry the token in their environment."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if token.encode() in (proc / "environ").read_bytes():
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
        except OSError:
            continue  # gone, or not ours to read
    return found


def wait_for_no_leftovers(token: str, seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while (found := leftovers(token)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found
