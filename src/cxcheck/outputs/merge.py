"""Several shards' results as one run: ``cxcheck merge`` (a run split across machines).

Each shard (one machine, one pytest-split group) writes its own results JSON and keeps its own
evidence folders; the merge reads them all and returns one :class:`RunResults` that the usual
writers turn into one JSON, one HTML report and one JUnit file. Nothing is dropped silently: a
file that is not cxcheck results, shards of different cxcheck versions, a test in two shards, or
evidence a shard's JSON names but that was not downloaded beside it, each stop the merge with a
:class:`CxError` naming the file and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from cxcheck.model.errors import CxError
from cxcheck.model.results import SCHEMA_VERSION, ItemResult, RunResults

__all__ = ["merge_runs", "merged_exit_status", "read_shard"]

FAILING = ("failed", "error")
# pytest's exit codes a shard can end with that say the run itself went wrong, worst first:
# internal error, usage error, interrupted. Any of them is the merged run's status.
BROKEN_RUN = (3, 4, 2)


def read_shard(path: Path) -> RunResults:
    """One shard's results JSON, or a CxError saying what the file is and what to give."""
    fix = "give the file a shard wrote with --cx-json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CxError(f"{path}: no such file; {fix} (download every shard's artifact)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CxError(f"{path}: cannot be read ({exc}); {fix}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CxError(f"{path}: not JSON ({exc}); {fix}") from None
    if not isinstance(data, dict) or data.get("schema") != "cxcheck-results":
        raise CxError(f"{path}: not a cxcheck results file (no \"schema\": \"cxcheck-results\"); "
                      f"{fix}")  # fmt: skip
    if data.get("version") != SCHEMA_VERSION:
        raise CxError(
            f"{path}: cxcheck results of version {data.get('version')!r}; this cxcheck reads "
            f"version {SCHEMA_VERSION}: run the shards and the merge with the same cxcheck"
        )
    try:
        return RunResults.read_json(path)
    except (KeyError, TypeError, ValueError) as exc:
        raise CxError(f"{path}: damaged cxcheck results ({exc}); {fix}") from None


def merge_runs(paths: Sequence[Path]) -> RunResults:
    """The shards' results as one run, each result labelled with its shard."""
    if not paths:
        raise CxError("cxcheck merge: no results files; give each shard's --cx-json file")
    given: dict[Path, Path] = {}
    for path in paths:
        seen = given.setdefault(path.resolve(), path)
        if seen is not path:
            raise CxError(f"{path}: given twice (also as {seen}); give each shard's file once")
    shards = [(path, read_shard(path)) for path in paths]
    _same_version(shards)
    merged = RunResults(cxcheck_version=shards[0][1].cxcheck_version)
    owner: dict[str, Path] = {}
    for path, run in shards:
        for result in run.results:
            if result.nodeid in owner:
                raise CxError(
                    f"{path}: {result.nodeid} is also in {owner[result.nodeid]}: each shard must "
                    "run other tests (pytest-split: the same --splits N and its own --group on "
                    "every machine); merge each shard's results once"
                )
            owner[result.nodeid] = path
            _check_evidence(path, result)
            if result.shard is None:  # a shard run without pytest-split or --cx-shard
                result.shard = str(path)
            merged.results.append(result)
    runs = [run for _, run in shards]
    merged.started_at = min(r.started_at for r in runs)
    ends = [r.finished_at for r in runs]
    merged.finished_at = None if None in ends else max(e for e in ends if e is not None)
    merged.interrupted = any(r.interrupted for r in runs)
    merged.base_url = next((r.base_url for r in runs if r.base_url), None)
    merged.browser = next((r.browser for r in runs if r.browser), None)
    merged.devices = _union(r.devices for r in runs)
    merged.networks = _union(r.networks for r in runs)
    merged.exit_status = merged_exit_status(runs, merged.results)
    return merged


def merged_exit_status(runs: Sequence[RunResults], results: Sequence[ItemResult]) -> int:
    """pytest's exit code for the whole run, what a CI merge job gates the release on: a shard's
    broken run (internal or usage error, interrupted) first, then 1 when any test failed (a
    shard's non-cxcheck tests too: its own status says so), 0 when something ran, else 5."""
    statuses = {r.exit_status for r in runs}
    for code in BROKEN_RUN:
        if code in statuses:
            return code
    if any(r.interrupted for r in runs):
        return 2
    if 1 in statuses or any(r.outcome in FAILING for r in results):
        return 1
    if results or 0 in statuses:
        return 0
    return 5


def _same_version(shards: Sequence[tuple[Path, RunResults]]) -> None:
    versions: dict[str, list[str]] = {}
    for path, run in shards:
        versions.setdefault(run.cxcheck_version or "(unknown)", []).append(str(path))
    if len(versions) > 1:
        said = "; ".join(f"{v} in {', '.join(files)}" for v, files in versions.items())
        raise CxError(
            f"the shards ran different cxcheck versions ({said}): pin one cxcheck version for "
            "every shard (requirements file) and run them again"
        )


def _check_evidence(path: Path, result: ItemResult) -> None:
    """Each evidence folder the JSON names must be there: the report copies from it."""
    for attempt in [result, *result.attempts]:
        folder = attempt.evidence_dir
        if folder and not Path(folder).is_dir():
            raise CxError(
                f"{path}: the evidence of {result.nodeid} is missing: {folder} is not there; "
                "download each shard's cx-artifacts/ with its JSON and keep them side by side as "
                "the shard wrote them (upload both in one artifact)"
            )


def _union(lists: Iterable[list[str]]) -> list[str]:
    """Names in the order the shards declared them, each once."""
    return list(dict.fromkeys(name for names in lists for name in names))
