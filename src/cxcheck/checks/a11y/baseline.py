"""The accessibility baseline: violations a team has accepted for now, kept in a file in the repo.

A site with years of violations cannot fix them all before turning the check on. The baseline
records today's violations (``--cx-a11y-update-baseline``); afterwards only violations *not* in
it fail, and entries no scan sees any more are reported as fixed so the file can shrink.
Entries match by page path, rule and target selector, not by HTML, which changes every build.
The file is JSON with one entry per line-friendly object, sorted, so diffs review well.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cxcheck.model.errors import CxError

FORMAT = "cxcheck-a11y-baseline"
VERSION = 1


class BaselineError(CxError):
    """The baseline file is not valid; the message names the file, the line and the fix."""


@dataclass(frozen=True, order=True)
class Entry:
    page: str  # URL path: origins change per run (free ports), queries per search
    rule: str
    target: str
    impact: str = ""
    help: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.page, self.rule, self.target)


def page_key(url: str) -> str:
    """The part of a URL a baseline entry is about: its path (``/product/x``)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("http", "https"):
        return parsed.path or "/"
    return url.split("#")[0].split("?")[0] or url


class Baseline:
    def __init__(self, path: Path, entries: Iterable[Entry] = ()) -> None:
        self.path = path
        self.entries = {e.key: e for e in entries}

    def __contains__(self, key: tuple[str, str, str]) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """The baseline at ``path``; a missing file is an empty baseline."""
        if not path.exists():
            return cls(path)
        fix = "fix it by hand, or delete it and run pytest --cx-a11y-update-baseline to record it"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); {fix}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read the a11y baseline: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BaselineError(
                f'{path}: not a cxcheck a11y baseline (it needs "format": "{FORMAT}"); {fix}'
            )
        if data.get("version") != VERSION:
            raise BaselineError(
                f"{path}: baseline version {data.get('version')!r} is not {VERSION}; {fix}"
            )
        raw = data.get("entries")
        if not isinstance(raw, list):
            raise BaselineError(f'{path}: "entries" must be a list; {fix}')
        entries = []
        for i, item in enumerate(raw):
            fields = ("page", "rule", "target")
            if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) and item.get(k) for k in fields
            ):
                raise BaselineError(
                    f"{path}: entry {i + 1} needs text fields page, rule and target, got "
                    f"{json.dumps(item)[:200]}; {fix}"
                )
            entries.append(
                Entry(
                    item["page"],
                    item["rule"],
                    item["target"],
                    str(item.get("impact", "")),
                    str(item.get("help", "")),
                )
            )
        return cls(path, entries)

    def fixed(self, scanned: set[tuple[str, str]], seen: set[tuple[str, str, str]]) -> list[Entry]:
        """Entries whose page and rule were scanned in full, without seeing them again."""
        return sorted(
            e for e in self.entries.values() if (e.page, e.rule) in scanned and e.key not in seen
        )

    def updated(self, scanned: set[tuple[str, str]], seen: Iterable[Entry]) -> Baseline:
        """Today's baseline: what was seen, plus entries for pages and rules not scanned."""
        kept = [e for e in self.entries.values() if (e.page, e.rule) not in scanned]
        return Baseline(self.path, [*kept, *seen])

    def write(self) -> Path:
        entries = [
            {"page": e.page, "rule": e.rule, "target": e.target, "impact": e.impact, "help": e.help}
            for e in sorted(self.entries.values())
        ]
        lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in entries)
        body = f"[\n{lines}\n  ]" if entries else "[]"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION},\n  "entries": {body}\n}}\n',
            encoding="utf-8",
        )
        return self.path
