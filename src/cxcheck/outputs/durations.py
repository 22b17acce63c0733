"""pytest-split's durations file, written from cxcheck results: ``cxcheck durations``.

pytest-split balances shards by each test's duration, read from a JSON object
``{node id: seconds}`` (``.test_durations`` by default, ``--durations-path``). A cxcheck cell's
time is mostly its network: the same test takes seconds on ``no-throttle`` and far longer on
``slow-3g``, so the file is written from what each cell measured (from its setup to its teardown:
the browser context, the throttled journey and the evidence), keyed by the node id pytest-split
sees (the cell is in it: ``test_x.py::test_checkout[iphone-13-slow-4g]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from cxcheck.model.errors import CxError
from cxcheck.model.results import RunResults

__all__ = ["durations", "write_durations"]


def durations(runs: Iterable[RunResults]) -> dict[str, float]:
    """Seconds per node id; a later run's measurement of a test replaces an earlier one's.

    Tests that never ran (``not-run``) have no measurement and are left out: pytest-split gives
    a test it has no duration for the mean of the others.
    """
    out: dict[str, float] = {}
    for run in runs:
        for result in run.results:
            if result.outcome != "not-run":
                out[result.nodeid] = round(result.duration_s, 3)
    return out


def write_durations(path: Path, measured: dict[str, float]) -> tuple[Path, int]:
    """Write (or update) pytest-split's file: a test it knows that these results do not measure
    keeps its duration, as pytest-split's own ``--store-durations`` keeps it. Returns the path
    and how many tests the file now has."""
    kept: dict[str, float] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CxError(f"{path}: not a pytest-split durations file ({exc}); remove it, or "
                          "give another -o") from None  # fmt: skip
        if isinstance(data, list):  # pytest-split's older format: [[node id, seconds], ...]
            data = dict(data)
        if not isinstance(data, dict):
            raise CxError(f"{path}: not a pytest-split durations file (a JSON object of node id: "
                          "seconds); remove it, or give another -o")  # fmt: skip
        kept = {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}
    kept.update(measured)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kept, sort_keys=True, indent=4) + "\n", encoding="utf-8")
    return path, len(kept)
