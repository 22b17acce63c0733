"""What a result adds to JUnit XML beyond the step times (:func:`junit_properties` in
:mod:`~cxcheck.outputs.itemresults`): the numbers of its visual and load findings as
``<property>`` tags, and its failure pictures as attachments.

An attachment is a line ``[[ATTACHMENT|path]]`` in the test case's ``<system-out>``, the form
Jenkins' junit-attachments plugin reads (a path relative to the workspace, or absolute) and
GitLab's unit test reports read (a path relative to the project folder, whose file is among the
job's artifacts). Paths are written relative to the folder pytest runs in (CI runs it from the
checkout), absolute when the file lies elsewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cxcheck.model.results import Finding, ItemResult, attempt_folder

__all__ = ["ATTACHMENT", "FAILURE_PICTURE", "attachment_text", "attachments", "finding_properties"]

ATTACHMENT = "[[ATTACHMENT|{}]]"
FAILURE_PICTURE = "failure.jpg"
"""The page as it was when the test failed, if the journey kept one."""


def finding_properties(result: ItemResult) -> list[tuple[str, str]]:
    """The visual and load numbers of ``result`` as (name, value) JUnit properties."""
    return _visual(result.all_findings) + _load(result.all_findings)


def _visual(findings: list[Finding]) -> list[tuple[str, str]]:
    """``cx_visual_<snapshot>_ratio`` (changed pixels, 0–1), ``_diff_pixels``, ``_threshold``
    (the colour distance a pixel must exceed to count) and the limits it was held to."""
    props = []
    for f in findings:
        if f.kind != "visual" or f.check not in ("snapshot", "missing-baseline"):
            continue
        key = "cx_visual_" + _name(f.target or str(f.data.get("name", "")) or "snapshot")
        props.append((f"{key}_status", "missing-baseline" if f.check != "snapshot" else "differs"))
        for field in ("ratio", "diff_pixels", "threshold", "max_diff_pixels", "max_diff_ratio"):
            value = _number(f.data.get(field))
            if value is not None:
                props.append(
                    (f"{key}_{field}", f"{value:g}" if field != "ratio" else f"{value:.6f}")
                )
    return props


def _load(findings: list[Finding]) -> list[tuple[str, str]]:
    """``cx_load_rps``, ``_p95_ms``, ``_requests``, ``_failures`` of each run (the second run's
    ``cx_load_2_...``), and the thresholds: how many, how many breached, and each breach."""
    loads = [f for f in findings if f.kind == "load"]
    if not loads:
        return []
    from cxcheck.load.summary import LoadSummary

    props = []
    runs = [f for f in loads if f.check == "load-run"]
    for n, f in enumerate(runs, start=1):
        total = LoadSummary.from_data(f.data).total
        if total is None:
            continue
        key = "cx_load" if n == 1 else f"cx_load_{n}"
        numbers = (("requests", total.requests, "g"), ("failures", total.failures, "g"),
                   ("rps", total.rps, ".2f"), ("p95_ms", total.p95_ms, ".0f"))  # fmt: skip
        props += [(f"{key}_{name}", f"{v:{spec}}") for name, v, spec in numbers if v is not None]
    judged = [f for f in loads if f.check == "load-threshold"]
    if judged:
        breached = [f for f in judged if f.failing]
        props.append(("cx_load_thresholds", str(len(judged))))
        props.append(("cx_load_thresholds_breached", str(len(breached))))
        props += [(f"cx_load_breached_{n}", f.message) for n, f in enumerate(breached, start=1)]
    return props


def _name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "snapshot"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def attachments(result: ItemResult, *, rerun: bool = False) -> list[Path]:
    """The pictures of a failed result, most telling first (GitLab shows only the first): each
    failing snapshot's side-by-side picture (else its diff), the failed steps' screenshots,
    then the page at the failure (``failure.jpg``). Files that are not there are left out.

    ``rerun``: the attempt is about to be rerun, which moves its folder aside first
    (:func:`~cxcheck.model.results.attempt_folder`): its pictures are named where they will be.
    """
    if result.outcome not in ("failed", "error") or not result.evidence_dir:
        return []
    names: list[str] = []
    for f in result.all_findings:
        files = f.data.get("files") if f.kind == "visual" and f.failing else None
        if isinstance(files, dict):
            picture = files.get("composite") or files.get("diff") or files.get("actual")
            if isinstance(picture, str):
                names.append(picture)
    names += [s.screenshot for s in result.steps if s.screenshot and s.status == "failed"]
    names.append(FAILURE_PICTURE)
    folder = Path(result.evidence_dir)
    kept = attempt_folder(folder, result.attempt) if rerun else folder
    found = []
    for name in dict.fromkeys(names):
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            continue
        # Under pytest-xdist the controller reads this while the worker may already have moved a
        # rerun attempt's folder aside: the picture is in one place or the other.
        if (folder / name).is_file() or (kept / name).is_file():
            found.append(kept / name)
    return found


def attachment_text(paths: list[Path], base: Path) -> str:
    """One ``[[ATTACHMENT|path]]`` line per file (nothing else on the line, as Jenkins wants)."""
    lines = []
    for path in paths:
        shown = path.absolute()
        try:
            relative = Path(os.path.relpath(shown, base.absolute()))
        except ValueError:  # another drive (Windows)
            relative = shown
        if not relative.parts or relative.parts[0] != "..":
            shown = relative
        lines.append(ATTACHMENT.format(shown.as_posix()))
    return "\n".join(lines)
