"""Copying a result's evidence (screenshots, trace, other files) into the report's folder.

The report folder is uploaded as a CI artifact and opened anywhere from disk, so it holds its
own copy of every file it shows, behind relative URLs. A single-file report (for CI systems that
keep one artifact) shows its pictures from ``data:`` URIs instead, read from those copies; its
links (a trace, a picture at full size) still point at the copies.
"""

from __future__ import annotations

import base64
import os
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cxcheck.model.results import ItemResult

__all__ = ["FILES_DIR", "PICTURE_TYPES", "Evidence", "copy_evidence"]

FILES_DIR = "files"
PICTURE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".webp": "image/webp", ".gif": "image/gif"}  # fmt: skip
"""Evidence a page shows as a picture, by suffix: what a single-file report inlines."""


@dataclass
class Evidence:
    """A result's evidence as the page refers to it: by the names the results give it."""

    key: str
    """The panel's key: unique in the page, and the name of its folder under ``files/``."""
    links: dict[str, str] = field(default_factory=dict)
    """Name → relative URL of its copy (a link's ``href``)."""
    paths: dict[str, Path] = field(default_factory=dict)
    """Name → the copy on disk (pictures' sizes are read from it)."""
    inline: bool = False
    """Pictures are shown from ``data:`` URIs (a single-file report)."""
    _inlined: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def link(self, name: str | None) -> str | None:
        return self.links.get(name) if name else None

    def src(self, name: str | None) -> str | None:
        """What an ``<img>`` shows for ``name``: its copy's URL, or its bytes as a data: URI."""
        url = self.link(name)
        if url is None or name is None or not self.inline:
            return url
        cached = self._inlined.get(name)
        if cached is None:
            path = self.paths[name]
            mime = PICTURE_TYPES.get(path.suffix.lower())
            if mime is None:
                return url  # not a picture: a link, even in a single-file report
            try:
                data = base64.b64encode(path.read_bytes()).decode("ascii")
            except OSError:
                return url
            cached = self._inlined[name] = f"data:{mime};base64,{data}"
        return cached


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


def copy_evidence(
    result: ItemResult, files_root: Path, key: str, *, inline: bool = False
) -> Evidence:
    """Copy a result's evidence to ``files/<key>/``; ``inline``: show pictures as data: URIs.

    Names that are missing on disk (or would leave the evidence folder) are left out, so the
    page never shows a broken image or link.
    """
    evidence = Evidence(key, inline=inline)
    if not result.evidence_dir:
        return evidence
    source = Path(result.evidence_dir)
    names = [s.screenshot for s in result.steps if s.screenshot]
    names += result.evidence
    if result.trace:
        names.append(result.trace)
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
        evidence.links[name] = f"{FILES_DIR}/{key}/{urllib.parse.quote(rel.as_posix())}"
        evidence.paths[name] = dest
    return evidence
