"""Earlier runs on disk: a results JSON to compare with (``--cx-compare``) and the history folder
a CI keeps (``--cx-history``), read at start-up and written at the end of the run.

The folder holds results JSONs named ``results-<UTC start time>-<id>.json``, so their names
sort oldest first; files of other names are left alone. A run reads the newest ``keep - 1`` of
them (with itself, the trend shows ``keep`` runs), then adds itself and deletes the oldest
beyond ``keep``. Bad input (a missing file, a file that is not a cxcheck results JSON, one of a
newer schema) raises :class:`~cxcheck.model.errors.CxError` naming the file and the fix.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cxcheck.model.compare import SLOWER, Comparison, Threshold, compare
from cxcheck.model.errors import CxError
from cxcheck.model.results import SCHEMA_VERSION, RunResults

__all__ = ["PATTERN", "Baseline", "add_to_history", "history_files", "label", "read_baseline",
           "read_results"]  # fmt: skip

PATTERN = "results-*.json"


@dataclass
class Baseline:
    """The earlier runs a run is compared with, oldest first, each with its label."""

    runs: list[RunResults] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    baseline: int = -1
    """Which run the outcome lists are against: the file --cx-compare names, else the newest."""
    trends: bool = False
    """From a history folder: the comparison keeps every item's trend."""
    threshold: Threshold = SLOWER
    """What counts as a slower step (--cx-slower)."""

    def compare(self, run: RunResults) -> Comparison | None:
        if not self.runs:
            return None
        return compare(run, self.runs, self.labels, baseline=self.baseline, trends=self.trends,
                       threshold=self.threshold)  # fmt: skip


def read_results(path: Path, where: str) -> RunResults:
    """A results JSON written by ``--cx-json``; ``where`` names the setting it came from."""
    fix = "give the results JSON of an earlier run, as --cx-json writes it"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CxError(f"{where} {path}: no such file; {fix}") from None
    except IsADirectoryError:
        raise CxError(f"{where} {path}: this is a folder; {fix} (a folder of them is "
                      "--cx-history)") from None  # fmt: skip
    except (OSError, UnicodeDecodeError) as exc:
        raise CxError(f"{where} {path}: cannot be read ({exc}); {fix}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CxError(f"{where} {path}: not JSON ({exc}); {fix}") from None
    if not isinstance(data, dict) or data.get("schema") != "cxcheck-results":
        raise CxError(f"{where} {path}: not a cxcheck results file (it has no "
                      f'"schema": "cxcheck-results"); {fix}')  # fmt: skip
    version = data.get("version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise CxError(
            f"{where} {path}: written by cxcheck {data.get('cxcheck_version') or '(unknown)'} "
            f"in results schema version {version}, newer than this cxcheck reads "
            f"({SCHEMA_VERSION}); upgrade cxcheck (pip install -U cxcheck) or compare with a "
            "file this version wrote"
        )
    try:
        return RunResults.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise CxError(f"{where} {path}: not a results file this cxcheck reads ({exc}); "
                      f"{fix}") from None  # fmt: skip


def history_files(folder: Path) -> list[Path]:
    """The folder's results files, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(PATTERN) if p.is_file())


def read_baseline(
    compare_with: Path | None,
    history: Path | None,
    keep: int,
    where: tuple[str, str] = ("--cx-compare", "--cx-history"),
    threshold: Threshold = SLOWER,
) -> Baseline:
    """The earlier runs, oldest first: the newest ``keep - 1`` of the history folder and the
    file to compare with, which is the baseline when given (else the newest run is). ``where``
    names the two settings for messages."""
    out = Baseline(trends=history is not None, threshold=threshold)
    paths: list[Path] = []
    if history is not None:
        if history.exists() and not history.is_dir():
            raise CxError(f"{where[1]} {history}: this is a file; give a folder the runs are "
                          "kept in, e.g. cx-history (made when missing)")  # fmt: skip
        files = history_files(history)
        paths = files[max(0, len(files) - (keep - 1)) :]
        for path in paths:
            try:
                out.runs.append(read_results(path, where[1]))
            except CxError as exc:
                raise CxError(f"{exc}; or delete {path} from the history folder") from None
    if compare_with is not None:
        named = [i for i, p in enumerate(paths) if _same(compare_with, p)]
        if not named:  # in its place in time, so that trends and flips read in order
            run = read_results(compare_with, where[0])
            at = sum(1 for r in out.runs if r.started_at <= run.started_at)
            out.runs.insert(at, run)
            paths.insert(at, compare_with)
            named = [at]
        out.baseline = named[0]
    out.labels = [label(p) for p in paths]
    return out


def add_to_history(run: RunResults, folder: Path, keep: int) -> Path:
    """Write ``run`` into the folder, then delete the oldest results beyond ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromtimestamp(run.started_at or 0.0, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"results-{stamp}-{os.urandom(3).hex()}.json"
    run.write_json(path)
    for old in history_files(folder)[:-keep]:
        old.unlink(missing_ok=True)  # another run may have pruned it first
    return path


def label(path: Path) -> str:
    """How a run's file is named in the terminal and the report: relative to the folder pytest
    runs in when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False
