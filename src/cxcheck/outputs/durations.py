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
from cxcheck.model.schedule import Measured

__all__ = ["durations", "measured_from_json", "measured_from_runs", "measured_to_json",
           "read_measured", "write_durations"]  # fmt: skip


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


def measured_from_runs(runs: Iterable[RunResults], source: str) -> Measured:
    """Each cell's time and CPU time (where measured), a later run's replacing an earlier's."""
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for run in runs:
        for result in run.results:
            if result.outcome == "not-run":
                continue
            seconds[result.nodeid] = round(result.duration_s, 3)
            if result.cpu_s is not None:
                cpu[result.nodeid] = round(result.cpu_s, 3)
            else:
                cpu.pop(result.nodeid, None)
    return Measured(seconds, cpu, source)


def read_measured(path: Path, where: str) -> Measured:
    """An earlier run's measurements from a cxcheck results JSON (time and CPU time per cell)
    or a pytest-split durations file (time only). ``where`` names the setting, for messages."""
    fix = ("give a results JSON of an earlier run (--cx-json) or a pytest-split durations file "
           "(cxcheck durations RESULTS.json -o FILE)")  # fmt: skip
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CxError(f"{where} {path}: no such file; {fix}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CxError(f"{where} {path}: cannot be read ({exc}); {fix}") from None
    if isinstance(data, dict) and data.get("schema") == "cxcheck-results":
        from cxcheck.outputs.history import read_results

        return measured_from_runs([read_results(path, where)], str(path))
    if isinstance(data, list):  # pytest-split's older format: [[node id, seconds], ...]
        try:
            data = dict(data)
        except (TypeError, ValueError):
            data = None
    if not isinstance(data, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in data.values()
    ):
        raise CxError(f"{where} {path}: neither a cxcheck results file nor a durations file "
                      f"(a JSON object of node id: seconds); {fix}")  # fmt: skip
    return Measured({str(k): float(v) for k, v in data.items()}, {}, str(path))


def measured_to_json(measured: Measured) -> dict[str, dict[str, float]]:
    """The form kept in pytest's cache between runs."""
    return {"seconds": dict(measured.seconds), "cpu_s": dict(measured.cpu_s)}


def measured_from_json(data: object, source: str) -> Measured | None:
    """Back from pytest's cache; None for anything else (an older cxcheck's, a hand edit)."""
    if not isinstance(data, dict):
        return None
    seconds, cpu = data.get("seconds"), data.get("cpu_s")
    if not isinstance(seconds, dict) or not isinstance(cpu, dict):
        return None
    return Measured(_numbers(seconds), _numbers(cpu), source)


def _numbers(d: dict[object, object]) -> dict[str, float]:
    return {str(k): float(v) for k, v in d.items() if isinstance(v, int | float)}
