"""Copying a result's evidence (screenshots, trace, other files) into the report's folder.

The report folder is uploaded as a CI artifact and opened anywhere from disk, so it holds its
own copy of every file it shows, behind relative URLs.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path, PurePosixPath

from cxcheck.model.results import ItemResult

__all__ = ["FILES_DIR", "copy_evidence"]

FILES_DIR = "files"


def _safe_relative(name: str) -> PurePosixPath | None:
    """A file name from the results as a path that stays inside its evidence folder, or None."""
    if not name or "\\" in name or "\x00" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        return None
    return path


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)  # free and instant on the same file system
    except FileExistsError:
        return
    except OSError:
        shutil.copy2(src, dest)


def copy_evidence(result: ItemResult, files_root: Path, key: str) -> dict[str, str]:
    """Copy a result's evidence to ``files/<key>/``: its names mapped to their relative URLs.

    Names that are missing on disk (or would leave the evidence folder) are left out, so the
    page never shows a broken image or link.
    """
    if not result.evidence_dir:
        return {}
    source = Path(result.evidence_dir)
    names = [s.screenshot for s in result.steps if s.screenshot]
    names += result.evidence
    if result.trace:
        names.append(result.trace)
    urls: dict[str, str] = {}
    made: set[Path] = set()
    for name in dict.fromkeys(names):
        rel = _safe_relative(name)
        if rel is None:
            continue
        src = source.joinpath(*rel.parts)
        dest = files_root.joinpath(key, *rel.parts)
        try:
            if not src.is_file():
                continue
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            _link_or_copy(src, dest)
        except OSError:
            continue
        urls[name] = f"{FILES_DIR}/{key}/{urllib.parse.quote(rel.as_posix())}"
    return urls
