"""Paths as a reader of a result sees them: never an absolute path of the machine that ran it.

Results are read far from where they were made (a CI artifact, a colleague's laptop), so:

- **texts** (messages, errors, findings, step errors) name paths relative to the folder pytest
  ran in, as the terminal showed them: :func:`shown_path` where a message is written, and
  :class:`Portable` where a result is made, for the paths a message got from elsewhere (a
  traceback, a journey file's location, a check's own words);
- **fields a program follows** (``evidence_dir``) are relative to the file that holds them: the
  JSON file's folder (:func:`relative_to`, :func:`resolved_from`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Portable", "relative_to", "resolved_from", "shown_path"]


def shown_path(path: Path, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (default: the current folder) when it is inside it, else as
    it is: what a person at ``root`` types."""
    base = (root or Path.cwd()).absolute()
    try:
        return str(path.absolute().relative_to(base))
    except ValueError:
        return str(path)


def relative_to(path: str, folder: Path) -> str:
    """An absolute ``path`` relative to ``folder`` (``../cx-artifacts/x``), with ``/``; as it is
    when no relative path exists (another drive)."""
    if not os.path.isabs(path):
        return path
    try:
        return Path(os.path.relpath(path, folder.absolute())).as_posix()
    except ValueError:
        return path


def resolved_from(path: str, folder: Path) -> str:
    """The absolute form of a ``path`` that :func:`relative_to` made relative to ``folder``."""
    if os.path.isabs(path):
        return path
    return os.path.normpath(folder.absolute() / path)


class Portable:
    """Rewrites the run's own absolute folders (``roots``) in texts as paths relative to ``base``
    (the folder pytest ran in), folders outside it by a name (``named``: ``<python>`` for the
    interpreter's), and the rest of the home folder as ``~``.

    Only known folders are rewritten, never a guess at what looks like a path: a URL path or a
    selector must never change.
    """

    def __init__(
        self, base: Path, roots: Iterable[Path], named: Mapping[Path, str] | None = None
    ) -> None:
        base = base.absolute()
        pairs: dict[str, str] = {}
        for root in {base, *(r.absolute() for r in roots)}:
            if str(root) in (root.anchor, ""):
                continue  # "/" itself would turn every absolute path into nonsense
            try:
                rel = os.path.relpath(root, base)
            except ValueError:
                continue
            pairs[str(root)] = rel
        # Folders outside the run shown by a name: the interpreter's (in tracebacks), the home.
        for folder, name in {**(named or {}), Path.home(): "~"}.items():
            folder = folder.absolute()
            if str(folder) != folder.anchor and not folder.is_relative_to(base):
                pairs.setdefault(str(folder), name)
        # The longest first: a folder inside another is rewritten as itself.
        self._pairs = sorted(pairs.items(), key=lambda kv: -len(kv[0]))
        self._pattern = (
            re.compile("|".join(_root_pattern(root) for root, _ in self._pairs))
            if self._pairs
            else None
        )

    def text(self, text: str) -> str:
        """``text`` with every occurrence of the run's folders made relative."""
        if self._pattern is None or not any(root in text for root, _ in self._pairs):
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, found: re.Match[str]) -> str:
        matched = found.group(0)
        for root, rel in self._pairs:
            if matched.startswith(root):
                rest = matched[len(root) :]
                if rest and rel == ".":
                    return ""  # "<base>/cx-artifacts" is "cx-artifacts"
                return rel + rest
        return matched

    def data(self, data: Any, keep: frozenset[str] = frozenset()) -> Any:
        """JSON-like ``data`` with every string made portable, except under the keys in
        ``keep`` (at any depth)."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {k: v if k in keep else self.data(v, keep) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return type(data)(self.data(v, keep) for v in data)
        return data


def _root_pattern(root: str) -> str:
    """A root folder where it stands as a path of its own (not inside a URL or a longer path:
    ``http://host/tmp/x`` keeps its ``/tmp/x``), followed by a separator (which is consumed, so
    ``<base>/x`` becomes ``x``) or by the end of the path."""
    sep = re.escape(os.sep) + ("|/" if os.sep != "/" else "")
    return rf"(?<![\w./\\:-]){re.escape(root)}(?:(?:{sep})|(?![\w.\-]))"
