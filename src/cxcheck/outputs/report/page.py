"""The HTML report: one self-contained page of a run's :class:`~cxcheck.results.RunResults`.

``write_report(run, folder)`` writes ``folder/index.html`` and copies the evidence it shows
(step screenshots, trace.zip and the other files of each result) into ``folder/files/``, so the
folder can be uploaded as a CI artifact and opened anywhere from disk: every link is relative,
nothing is loaded from the network.

The page is a matrix (test × device × network, worst first) whose cells link to one collapsed
panel per result with its message, steps against budgets, screenshots, Web Vitals, findings,
per-step failures, machine load, trace and earlier attempts. The panels are server-rendered
``<details>`` elements, so the page works without JavaScript; a small inline script adds the
filters. Everything that came from a page or a test is HTML-escaped, no URL from the data ever
becomes a link, and a Content-Security-Policy allows only the page's own script and style (by
hash) and images from its own folder.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import math
import os
import shutil
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from cxcheck.journey.filmstrip import FILMSTRIP_FILE
from cxcheck.model.durations import format_seconds as _secs
from cxcheck.model.errors import CxError
from cxcheck.model.results import (
    OUTCOMES,
    SEVERITIES,
    Finding,
    ItemResult,
    RunResults,
    StepRecord,
    worst_first,
)

__all__ = ["FILES_DIR", "REPORT_FILE", "write_report"]

REPORT_FILE = "index.html"
FILES_DIR = "files"
NO_CELL = "—"

ICONS = {"failed": "✕", "error": "!", "flaky": "↻", "not-run": "–", "skipped": "»", "passed": "✓"}
SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Info", "ignored": "Ignored"}
EXIT_STATUS = {
    0: "all passed",
    1: "tests failed",
    2: "interrupted",
    3: "internal error",
    4: "usage error",
    5: "no tests collected",
}
# Web Vitals "good" and "poor" thresholds (web.dev); between them "needs improvement".
VITALS = (("ttfb", 800, 1800), ("fcp", 1800, 3000), ("lcp", 2500, 4000), ("cls", 0.1, 0.25),
          ("inp", 200, 500))  # fmt: skip
# Longer error reports are cut in the page (the JSON results keep them whole).
MAX_ERROR_CHARS = 20_000
MAX_DATA_CHARS = 400
INLINE_PANELS = 200
"""Results (worst first) whose panels are written into the page's markup, so they open without
JavaScript too. Later panels are built when opened from HTML kept, gzipped, in a data block:
2,000 panels of markup take a browser seconds to parse, and even as plain JSON (with every < and
> escaped) they would be 15 MB, where gzip makes them about 1 MB of base64."""
BAD = ' class="bad"'
OWN_SECTION_KINDS = ("load",)
"""Finding kinds whose numbers a section of their own shows (a load run's tables and charts):
the findings list gives their message, not their data again."""


MARKER = ".cxcheck-report"


def _ours(folder: Path) -> bool:
    """Whether cxcheck wrote the report in ``folder`` (marked, or an earlier version's page)."""
    if (folder / MARKER).exists():
        return True
    try:
        with (folder / REPORT_FILE).open(encoding="utf-8", errors="replace") as page:
            return "<title>cxcheck" in page.read(4096)
    except OSError:
        return False


def check_report_folder(folder: Path) -> None:
    """Refuse a folder the report would damage: a file, or one whose ``files/`` is not ours."""
    if folder.exists() and not folder.is_dir():
        raise CxError(f"--cx-report {folder}: this is a file; give a folder, e.g. cx-report")
    files_root = folder / FILES_DIR
    if files_root.is_dir() and not _ours(folder) and any(files_root.iterdir()):
        raise CxError(
            f"--cx-report {folder}: {files_root} exists and was not written by cxcheck; the "
            "report empties that folder on every run, so give a folder of its own, e.g. cx-report"
        )


def write_report(run: RunResults, folder: Path) -> Path:
    """Write the report of ``run`` as ``folder/index.html`` with its evidence; returns its path.

    ``folder/files/`` is the report's own: it is emptied first, so a report never shows
    evidence of an older run.
    """
    check_report_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files_root = folder / FILES_DIR
    shutil.rmtree(files_root, ignore_errors=True)
    (folder / MARKER).write_text("cxcheck writes this report; files/ is emptied on every run\n")
    page = _Page(run, files_root).render()
    path = folder / REPORT_FILE
    tmp = path.with_name(path.name + ".tmp")
    # "replace": a lone surrogate in a page's text must not cost the whole report.
    tmp.write_bytes(page.encode("utf-8", "replace"))
    tmp.replace(path)  # a reader never sees half a page
    return path


# -- assets and policy -------------------------------------------------------------------------


@cache
def _assets() -> tuple[str, str]:
    folder = resources.files("cxcheck.outputs.report").joinpath("assets")
    css = folder.joinpath("report.css").read_text(encoding="utf-8")
    js = folder.joinpath("report.js").read_text(encoding="utf-8")
    return css, js


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy() -> str:
    """The page's policy: its own script and style by hash, images from its folder, nothing else.

    Hashes rather than 'unsafe-inline' mean that even an injected <script>, <style> or on*=
    handler attribute would not run.
    """
    css, js = _assets()
    return (
        f"default-src 'none'; img-src 'self' data:; style-src {_sha256(css)}; "
        f"script-src {_sha256(js)}; base-uri 'none'; form-action 'none'"
    )


# -- small formatting helpers ------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _ocls(outcome: str) -> str:
    return f"o-{outcome}" if outcome in ICONS else "o-other"


def _icon(outcome: str) -> str:
    return f'<span class="ic" aria-hidden="true">{ICONS.get(outcome, "?")}</span>'


def _budget(seconds: float) -> str:
    return f"{seconds:g} s"


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n", 1)[0]


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _rank(outcome: str) -> int:
    return OUTCOMES.index(outcome) if outcome in OUTCOMES else len(OUTCOMES)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- evidence ----------------------------------------------------------------------------------


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


def _copy_evidence(result: ItemResult, files_root: Path, key: str) -> dict[str, str]:
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


# -- the model of the page ---------------------------------------------------------------------


@dataclass
class _Entry:
    """One result as the page shows it."""

    result: ItemResult
    key: str
    """Short hash of the node id: the panel's anchor (``#i-<key>``) and the evidence folder."""
    device: str
    network: str
    column: int
    urls: dict[str, str]
    attempts: list[tuple[ItemResult, dict[str, str]]] = field(default_factory=list)


@dataclass
class _Column:
    device: str
    network: str
    group: int
    """Index of its device group; -1 for a column that has no device/network split."""
    label: str


def _keys(results: Sequence[ItemResult]) -> list[str]:
    taken: set[str] = set()
    keys = []
    for r in results:
        digest = hashlib.sha1(r.nodeid.encode("utf-8", "replace")).hexdigest()[:10]
        key, n = digest, 2
        while key in taken:  # the same node id twice in one run: still two panels
            key, n = f"{digest}-{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys


def _axes(results: Sequence[ItemResult]) -> list[tuple[str, str] | None]:
    """Each result's (device, network), also for *not run* items that only know their cell."""
    known: dict[str, tuple[str, str]] = {}
    devices: dict[str, None] = {}
    networks: set[str] = set()
    for r in results:
        if r.cell and r.device and r.network:
            known.setdefault(r.cell, (r.device, r.network))
            devices.setdefault(r.device)
            networks.add(r.network)
    by_length = sorted(devices, key=len, reverse=True)

    def axes(r: ItemResult) -> tuple[str, str] | None:
        if r.cell is None:
            return None
        if r.device and r.network:
            return r.device, r.network
        if r.cell in known:
            return known[r.cell]
        for device in by_length:  # device names have dashes too: try the known ones
            rest = r.cell.removeprefix(device + "-")
            if rest != r.cell and rest in networks:
                return device, rest
        return r.cell, ""

    return [axes(r) for r in results]


class _Page:
    """The page of one run: columns, the entries worst first (evidence copied), the markup."""

    def __init__(self, run: RunResults, files_root: Path) -> None:
        self.run = run
        results = worst_first(run.results)
        axes = _axes(results)
        self.columns: list[_Column] = []
        index: dict[tuple[str, str] | None, int] = {}
        first_seen = _axes(run.results)  # columns in the run's order, rows worst first
        ordered_groups: dict[str, dict[str, None]] = {}
        for ax in first_seen:
            if ax is not None:
                ordered_groups.setdefault(ax[0], {}).setdefault(ax[1])
        for g, (device, networks) in enumerate(ordered_groups.items()):
            for network in networks:
                index[(device, network)] = len(self.columns)
                split = network != ""
                self.columns.append(
                    _Column(device, network, g if split else -1, network if split else device)
                )
        if any(ax is None for ax in axes):
            index[None] = len(self.columns)
            self.columns.append(_Column("", "", -1, NO_CELL))
        self.entries: list[_Entry] = []
        for r, key, ax in zip(results, _keys(results), axes, strict=True):
            entry = _Entry(
                result=r,
                key=key,
                device=ax[0] if ax and ax[1] else "",
                network=ax[1] if ax else "",
                column=index[ax],
                urls=_copy_evidence(r, files_root, key),
            )
            for n, attempt in enumerate(r.attempts, start=1):
                entry.attempts.append(
                    (attempt, _copy_evidence(attempt, files_root, f"{key}-attempt-{n}"))
                )
            self.entries.append(entry)

    # -- whole page --

    def render(self) -> str:
        css, js = _assets()
        run = self.run
        counts = run.counts()
        worst = next((o for o in counts if counts[o]), "passed")
        title = f"cxcheck · {self._verdict(counts)}"
        return "".join(
            [
                '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
                '<meta http-equiv="Content-Security-Policy" content="',
                content_security_policy(),
                '">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n',
                '<meta name="referrer" content="no-referrer">\n',
                f"<title>{_e(title)}</title>\n",
                f'<link rel="icon" href="{_favicon(worst)}">\n',
                f"<style>{css}</style>\n<script>{js}</script>\n</head>\n<body>\n",
                self._header(counts),
                '<main class="wrap">\n',
                self._toolbar(counts),
                self._matrix(),
                self._list(),
                "</main>\n",
                '<a class="totop" href="#matrix">Matrix ↑</a>\n',
                '<footer class="wrap">',
                _e(f"cxcheck {run.cxcheck_version}".strip()),
                " · this page is self-contained: it loads nothing from the network.</footer>\n",
                "</body>\n</html>\n",
            ]
        )

    def _verdict(self, counts: dict[str, int]) -> str:
        total = sum(counts.values())
        bad = counts.get("failed", 0) + counts.get("error", 0)
        if not total:
            return "no results"
        if bad:
            parts = []
            if counts.get("failed"):
                parts.append(f"{counts['failed']} failed")
            if counts.get("error"):
                parts.append(_plural(counts["error"], "error"))
            return f"{' · '.join(parts)} of {total}"
        if counts.get("not-run"):
            return f"{counts['not-run']} of {total} not run"
        if counts.get("flaky"):
            return f"{total - counts.get('skipped', 0)} passed · {counts['flaky']} flaky"
        if counts.get("passed"):
            skipped = f" · {counts['skipped']} skipped" if counts.get("skipped") else ""
            return f"all {counts['passed']} passed{skipped}"
        return f"{total} skipped"

    def _header(self, counts: dict[str, int]) -> str:
        run = self.run
        worst = next((o for o in counts if counts[o]), "passed")
        meta: list[tuple[str, str]] = []
        if run.finished_at is not None and run.started_at:
            meta.append(("Duration", _secs(max(0.0, run.finished_at - run.started_at))))
        if run.exit_status is not None:
            text = EXIT_STATUS.get(run.exit_status, "")
            meta.append(("Exit status", f"{run.exit_status}" + (f" · {text}" if text else "")))
        if run.browser:
            meta.append(("Browser", run.browser))
        if run.base_url:
            meta.append(("Base URL", run.base_url))  # text only: no URL from the data is a link
        if run.started_at:
            meta.append(("Started", _when(run.started_at)))
        dl = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in meta)
        total = sum(counts.values())
        cnt = "".join(
            f'<span class="cnt {_ocls(o)}{"" if n else " zero"}"><b>{n}</b>{_e(o)}</span>'
            for o, n in counts.items()
        )
        banner = ""
        if run.interrupted:
            banner = (
                '<div class="banner" role="alert"><div class="wrap"><b>Interrupted.</b> The run '
                "stopped before every test ran: tests shown as <i>not run</i> never reported, "
                "and the counts are incomplete.</div></div>\n"
            )
        return (
            f'<header class="top"><div class="wrap">'
            f'<div><p class="brand">cxcheck report</p>'
            f'<h1 class="verdict {_ocls(worst)}">{_e(self._verdict(counts))}</h1></div>'
            f'<dl class="meta">{dl}</dl>'
            f'<div class="counts">{_distribution(counts, total)}{cnt}</div>'
            f"</div></header>\n{banner}"
        )

    def _toolbar(self, counts: dict[str, int]) -> str:
        chips = "".join(
            f'<label class="chip {_ocls(o)}"><input type="checkbox" value="{_e(o)}" checked>'
            f"{_icon(o)}{_e(o)} <b>{n}</b></label>"
            for o, n in counts.items()
            if n
        )
        selects = []
        devices = list(dict.fromkeys(e.device for e in self.entries if e.device))
        networks = list(dict.fromkeys(e.network for e in self.entries if e.network))
        for ident, label, values in (("f-d", "devices", devices), ("f-n", "networks", networks)):
            if len(values) > 1:
                options = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
                selects.append(
                    f'<select id="{ident}" aria-label="{label}">'
                    f'<option value="">All {label}</option>{options}</select>'
                )
        return (
            '<div class="bar" role="search">'
            f'<div class="chips" id="f-o" role="group" aria-label="outcomes">{chips}</div>'
            + "".join(selects)
            + '<input type="search" id="f-q" placeholder="Filter: test id, message, finding…" '
            'aria-label="filter by text" autocomplete="off">'
            f'<span id="f-count">{len(self.entries)} results</span>'
            '<button type="button" id="f-reset" hidden>Reset</button></div>\n'
        )

    # -- matrix --

    def _matrix(self) -> str:
        if not self.entries:
            return (
                '<section class="sec" id="matrix"><p class="empty">No cxcheck results in this run.'
                "</p></section>\n"
            )
        engines = {e.result.engine for e in self.entries if e.result.engine}
        rows: dict[tuple[str, str], dict[int, _Entry]] = {}
        for e in self.entries:
            label = e.result.row
            if len(engines) > 1 and e.result.engine:
                label = f"{label} · {e.result.engine}"
            n = 1
            while True:  # two results on one cell of one row (same name elsewhere): a new row
                row = rows.setdefault((e.result.file, label if n == 1 else f"{label} ({n})"), {})
                if e.column not in row:
                    row[e.column] = e
                    break
                n += 1
        by_file: dict[str, list[tuple[tuple[int, float], str, dict[int, _Entry]]]] = {}
        for (file, label), cells in rows.items():
            order = (
                min(_rank(c.result.outcome) for c in cells.values()),
                -max(c.result.duration_s for c in cells.values()),
            )
            by_file.setdefault(file, []).append((order, label, cells))
        for file_rows in by_file.values():
            file_rows.sort(key=lambda x: x[0])
        files = sorted(by_file.items(), key=lambda kv: kv[1][0][0])

        width = len(self.columns) + 1
        out = [
            '<section class="sec" id="matrix"><div class="sechead"><h2>Matrix</h2>',
            _legend(),
            '</div><div class="mxbox"><table id="mx"><thead>',
            self._matrix_head(),
            "</thead>",
        ]
        for file, file_rows in files:
            out.append(
                f'<tbody><tr class="fh"><th colspan="{width}"><span>{_e(file or "(no file)")}'
                "</span></th></tr>"
            )
            for _, label, cells in file_rows:
                out.append(
                    f'<tr class="r"><th class="rl" scope="row" title="{_e(file)}">{_e(label)}</th>'
                )
                for i in range(len(self.columns)):
                    entry = cells.get(i)
                    out.append(_cell(entry) if entry else f'<td class="na" data-c="{i}"></td>')
                out.append("</tr>")
            out.append("</tbody>")
        out.append("</table></div></section>\n")
        return "".join(out)

    def _matrix_head(self) -> str:
        top = ['<tr><th class="rl" rowspan="2" scope="col">Test</th>']
        sub = ["<tr>"]
        seen: set[int] = set()
        for i, col in enumerate(self.columns):
            attrs = f'data-c="{i}" data-d="{_e(col.device)}" data-n="{_e(col.network)}"'
            if col.group < 0:
                top.append(f'<th rowspan="2" scope="col" {attrs}>{_e(col.label)}</th>')
                continue
            if col.group not in seen:
                seen.add(col.group)
                span = sum(1 for c in self.columns if c.group == col.group)
                top.append(
                    f'<th colspan="{span}" scope="colgroup" data-g="{col.group}">'
                    f"{_e(col.device)}</th>"
                )
            sub.append(f'<th scope="col" data-g="{col.group}" {attrs}>{_e(col.label)}</th>')
        if len(sub) == 1:
            sub.append('<th hidden aria-hidden="true"></th>')  # keeps the two-row header valid
        return "".join(top) + "</tr>" + "".join(sub) + "</tr>"

    # -- result panels --

    def _list(self) -> str:
        if not self.entries:
            return ""
        out = [
            '<section class="sec" id="results"><div class="sechead"><h2>Results</h2>'
            '<span class="legend">worst first · click a matrix cell to open its result</span>'
            "</div>"
        ]
        if len(self.entries) > INLINE_PANELS:
            out.append(
                f'<p class="lazy nojs">Without JavaScript only the first {INLINE_PANELS} '
                "results show their steps, screenshots and findings.</p>"
            )
        out.append(f'<div class="list{" big" if len(self.entries) > INLINE_PANELS else ""}">')
        bodies: dict[str, str] = {}
        texts: dict[str, str] = {}
        for i, e in enumerate(self.entries):
            if i < INLINE_PANELS:
                out.append(_panel(e, _panel_body(e)))
            else:
                out.append(_panel(e, None))
                bodies[e.key] = _panel_body(e)
                texts[e.key] = _search_text(e.result)
        out.append("</div></section>\n")
        if bodies:
            out.append(_gzip_block("cx-bodies", bodies))
            out.append(_json_block("cx-search", texts))
        return "".join(out)


def _favicon(outcome: str) -> str:
    colours = {"failed": "c92a2a", "error": "a3195b", "flaky": "d9730d", "passed": "2b8a3e"}
    colour = colours.get(outcome, "6b7280")
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
        f"<circle cx='8' cy='8' r='7' fill='#{colour}'/></svg>"
    )
    return "data:image/svg+xml," + urllib.parse.quote(svg, safe=" ='/:")


def _distribution(counts: dict[str, int], total: int) -> str:
    if not total:
        return ""
    rects, x = [], 0.0
    for outcome, n in counts.items():
        if n:
            w = 100.0 * n / total
            rects.append(
                f'<rect class="{_ocls(outcome)}" x="{x:.3f}" width="{w:.3f}" height="10"/>'
            )
            x += w
    return (
        '<svg class="dist" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="outcomes of {total} results">{"".join(rects)}</svg>'
    )


def _legend() -> str:
    marks = "".join(f'<span class="lg {_ocls(o)}">{_icon(o)}{_e(o)}</span>' for o in OUTCOMES)
    return (
        f'<p class="legend">{marks}<span>cell: slowest step and its time '
        "(▲ over its budget), or the test's duration</span></p>"
    )


def _cell(entry: _Entry) -> str:
    r = entry.result
    slow = r.slowest_step
    over = False
    sub = ""
    if r.outcome == "not-run":
        main = "not run"
    elif r.outcome == "skipped" and slow is None:
        main = "skipped"
    elif slow is not None:
        main, sub = _secs(slow.duration_s), slow.name
        over = slow.budget_s is not None and slow.duration_s > slow.budget_s
    else:
        main = _secs(r.duration_s)
    where = " · ".join(x for x in (entry.device, entry.network) if x) or NO_CELL
    title = f"{r.outcome} · {where}"
    if slow is not None:
        budget = f" (budget {_budget(slow.budget_s)})" if slow.budget_s is not None else ""
        title += f" · slowest step: {slow.name} {_secs(slow.duration_s)}{budget}"
    if r.message:
        title += f"\n{_first_line(r.message)[:200]}"
    mark = '<span class="ob" title="over budget">▲</span>' if over else ""
    name = f'<span class="sn">{_e(sub)}</span>' if sub else ""
    return (
        f'<td class="c {_ocls(r.outcome)}" data-c="{entry.column}">'
        f'<a href="#i-{entry.key}" title="{_e(title)}">'
        f'<span class="t">{_icon(r.outcome)}{_e(main)}{mark}</span>{name}</a></td>'
    )


def _json_block(ident: str, data: dict[str, str]) -> str:
    """Data the script reads, in a non-executed <script>: ``</script>`` or ``<!--`` in the data
    cannot end or change the block, as no <, > or & is left in the JSON text."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{ident}">{text}</script>\n'


def _gzip_block(ident: str, data: dict[str, str]) -> str:
    """Data as gzipped JSON in base64: nothing in it can end or change the <script> block."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    packed = gzip.compress(raw.encode("utf-8", "replace"), compresslevel=6, mtime=0)
    text = base64.b64encode(packed).decode("ascii")
    return f'<script type="application/gzip+json" id="{ident}">{text}</script>\n'


def _search_text(r: ItemResult) -> str:
    """What the text filter matches for a panel built on demand (node id, message, findings)."""
    parts = [r.nodeid, r.message or ""]
    parts += [x for f in r.all_findings for x in (f.message, f.target or "", f.check or "")]
    parts += [_search_text(a) for a in r.attempts]
    return "\n".join(p for p in parts if p)


def _panel(entry: _Entry, body: str | None) -> str:
    """A result's <details>; ``body`` None: filled from the JSON block when opened."""
    r = entry.result
    where = " · ".join(x for x in (entry.device, entry.network) if x) or (r.cell or "")
    busy = '<span class="busy">machine busy</span>' if r.load is not None and r.load.busy else ""
    message = _first_line(r.message)
    file = f'<span class="fl">{_e(r.file)}</span> ' if r.file else ""
    summary = (
        f'<span class="pill {_ocls(r.outcome)}">{_icon(r.outcome)}{_e(r.outcome)}</span>'
        f'<span class="nm">{file}{_e(r.row)}</span>'
        + (f'<span class="cl">{_e(where)}</span>' if where else "")
        + busy
        + (f'<span class="du">{_secs(r.duration_s)}</span>' if r.outcome != "not-run" else "")
        + (f'<span class="ms">{_e(message)}</span>' if message else "")
    )
    if body is None:
        lazy = " data-lazy"
        body = f'<p class="id"><code>{_e(r.nodeid)}</code></p>'
    else:
        lazy = ""
    return (
        f'<details class="it {_ocls(r.outcome)}" data-outcome="{_e(r.outcome)}" '
        f'data-device="{_e(entry.device)}" data-network="{_e(entry.network)}">'
        f"<summary>{summary}</summary>"
        f'<div class="bd" id="i-{entry.key}"{lazy}>{body}</div></details>\n'
    )


def _panel_body(entry: _Entry) -> str:
    out = [_body(entry.result, entry.urls)]
    if entry.attempts:
        out.append("<h3>Earlier attempts</h3>")
        for n, (attempt, urls) in enumerate(entry.attempts, start=1):
            first = _first_line(attempt.message)
            out.append(
                f'<details class="att {_ocls(attempt.outcome)}"><summary>'
                f"Attempt {n} ({_e(attempt.outcome)}) · {_secs(attempt.duration_s)}"
                + (f' — <span class="ms">{_e(first)}</span>' if first else "")
                + f"</summary>{_body(attempt, urls)}</details>"
            )
    return "".join(out)


def _body(r: ItemResult, urls: dict[str, str]) -> str:
    meta = [f'<code class="q">{_e(r.nodeid)}</code>']
    for label, value in (("engine", r.engine), ("browser", r.browser), ("worker", r.worker)):
        if value:
            meta.append(f"<span>{label} {_e(value)}</span>")
    if r.started_at:
        meta.append(f"<span>started {_e(_when(r.started_at))}</span>")
    load = r.load
    if load is not None and (load.before is not None or load.after is not None):
        around = " → ".join(f"{x:.2f}" for x in (load.before, load.after) if x is not None)
        meta.append(f"<span>load {_e(around)} on {_plural(load.cpus, 'CPU')}</span>")
    out = [f'<p class="id">{"".join(meta)}</p>']
    if load is not None and load.busy:
        out.append(
            '<p class="warnbox"><b>Machine busy:</b> the load average was above the number of '
            "CPUs; slow times may be the machine rather than the app.</p>"
        )
    if r.message:
        out.append(f'<pre class="msg q">{_e(r.message)}</pre>')
    if r.error and r.error.strip() != (r.message or "").strip():
        error = r.error
        if len(error) > MAX_ERROR_CHARS:
            error = (
                error[:MAX_ERROR_CHARS] + f"\n… ({len(error) - MAX_ERROR_CHARS} more characters)"
            )
        out.append(
            f'<details class="err"><summary>Full error</summary><pre>{_e(error)}</pre></details>'
        )
    if r.steps:
        out.append(_steps(r.steps))
        out.append(_filmstrip(r, urls))
        out.append(_shots(r.steps, urls))
    out.append(_visual(r, urls))
    out.append(_load_section(r))
    out.append(_findings(r))
    out.append(_trace(r, urls))
    out.append(_other_files(r, urls))
    return "".join(out)


def _steps(steps: Sequence[StepRecord]) -> str:
    scale = max(max(s.duration_s, s.budget_s or 0.0) for s in steps) or 1.0
    has_budget = any(s.budget_s is not None for s in steps)
    has_traffic = any(s.requests or s.bytes for s in steps)
    has_vitals = any(s.vitals is not None for s in steps)
    # Numbers are the table's default (right-aligned); only the text columns carry a class.
    head = ['<th>#</th><th class="l">Step</th><th class="l">Time vs budget</th><th>Time</th>']
    if has_budget:
        head.append("<th>Budget</th>")
    if has_traffic:
        head.append("<th>Requests</th><th>KB</th>")
    if has_vitals:
        head.extend(f"<th>{name.upper()}</th>" for name, _, _ in VITALS)
    width = 4 + has_budget + 2 * has_traffic + len(VITALS) * has_vitals
    rows = []
    for s in steps:
        over = s.budget_s is not None and s.duration_s > s.budget_s
        bad = over or s.status not in ("passed", "skipped")
        cls = ' class="bad"' if bad else ""
        cells = [
            f'<td>{s.index}</td><td class="sn">{_e(s.name)}</td>',
            f'<td class="bc">{_bar(s, scale)}</td>',
            f'<td class="tm">{_secs(s.duration_s)}</td>',
        ]
        if has_budget:
            cells.append(f"<td>{_budget(s.budget_s) if s.budget_s is not None else ''}</td>")
        if has_traffic:
            cells.append(f"<td>{s.requests}</td><td>{s.bytes / 1024:.0f}</td>")
        if has_vitals:
            cells.append(_vitals_cells(s))
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
        extra = _step_problems(s)
        if extra:
            rows.append(f'<tr><td></td><td class="x" colspan="{width - 1}">{extra}</td></tr>')
    return (
        f'<h3>Steps</h3><div class="tw"><table class="steps"><thead><tr>{"".join(head)}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _bar(step: StepRecord, scale: float) -> str:
    # SVG geometry rather than style="width:…": the page's CSP allows no inline style attributes.
    width = 100.0 * step.duration_s / scale
    marker = ""
    if step.budget_s is not None:
        x = 100.0 * step.budget_s / scale
        marker = f'<line x1="{x:.1f}" x2="{x:.1f}" y1="-1" y2="11"/>'
    # The time and budget columns say it in words: the bar is for the eye only.
    return (
        '<svg class="sb" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect width="{max(width, 0.4):.1f}" height="10"/>{marker}</svg>'
    )


def _vitals_cells(step: StepRecord) -> str:
    v = step.vitals
    cells = []
    for name, good, poor in VITALS:
        value = getattr(v, name) if v is not None else None
        if value is None:
            cells.append("<td></td>")
            continue
        grade = "good" if value <= good else "fair" if value <= poor else "poor"
        text = f"{value:.3f}" if name == "cls" else f"{value:.0f} ms"
        cells.append(f'<td class="v-{grade}">{text}</td>')
    return "".join(cells)


def _step_problems(step: StepRecord) -> str:
    items = []
    for req in step.failed_requests:
        status = f'<span class="http">{req.status}</span>' if req.status is not None else ""
        notes = []
        if not req.same_origin:
            notes.append("cross-origin")
        if req.aborted:
            notes.append("cancelled by the browser")
        note = f' <span class="fm">{_e(", ".join(notes))}</span>' if notes else ""
        items.append(
            f'<li><span class="k">request</span>{status}{_e(req.method)} {_e(req.url)}'
            f' <span class="fm">{_e(req.reason)}</span>{note}</li>'
        )
    items.extend(f'<li><span class="k">console</span>{_e(m)}</li>' for m in step.console_errors)
    items.extend(
        f'<li><span class="k">page error</span><pre>{_e(m)}</pre></li>' for m in step.page_errors
    )
    error = f'<pre class="serr">{_e(step.error)}</pre>' if step.error else ""
    return error + (f'<ul class="px">{"".join(items)}</ul>' if items else "")


def _shots(steps: Sequence[StepRecord], urls: dict[str, str]) -> str:
    figures = []
    for s in steps:
        url = urls.get(s.screenshot or "")
        if url is None:
            continue
        bad = s.status not in ("passed", "skipped") or (
            s.budget_s is not None and s.duration_s > s.budget_s
        )
        caption = f"{s.index} · {s.name} · {_secs(s.duration_s)}"
        figures.append(
            f'<figure{BAD if bad else ""}><a href="{_e(url)}">'
            f'<img loading="lazy" decoding="async" src="{_e(url)}" alt="{_e(f"step {caption}")}">'
            f'</a><figcaption title="{_e(caption)}">{_e(caption)}</figcaption></figure>'
        )
    if not figures:
        return ""
    return f'<h3>Screenshots</h3><div class="shots">{"".join(figures)}</div>'


def _findings(r: ItemResult) -> str:
    found: list[tuple[Finding, StepRecord | None]] = [(f, None) for f in r.findings]
    found += [(f, s) for s in r.steps for f in s.findings]
    if not found:
        return ""
    order = list(SEVERITIES) + sorted({f.severity for f, _ in found} - set(SEVERITIES))
    out = [f"<h3>Findings ({len(found)})</h3>"]
    for severity in order:
        group = [(f, s) for f, s in found if f.severity == severity]
        if not group:
            continue
        title = SEVERITY_TITLES.get(severity, severity)
        note = (
            " <small>matched an ignore pattern or the a11y baseline: shown, not counted</small>"
            if severity == "ignored"
            else ""
        )
        lines = "".join(_finding(f, s) for f, s in group)
        sev_cls = severity if severity in SEVERITY_TITLES else "other"
        out.append(
            f'<div class="sev sev-{sev_cls}"><h4>{_e(title)} <span>{len(group)}</span>{note}</h4>'
            f"<ul>{lines}</ul></div>"
        )
    return "".join(out)


def _finding(f: Finding, step: StepRecord | None) -> str:
    meta = []
    if step is not None:
        meta.append(f"step {step.index} · {_e(step.name)}")
    if f.check:
        meta.append(f"<code>{_e(f.check)}</code>")
    if f.target:
        meta.append(f"<code>{_e(f.target)}</code>")
    ignored = '<span class="ig">ignored — </span>' if f.severity == "ignored" else ""
    data = ""
    if f.data and f.kind not in OWN_SECTION_KINDS:
        data = f'<span class="fd">{_e(_data_text(f.data.items()))}</span>'
    help_url = f.data.get("help_url")
    # Only axe's own pages: a page under test could fake window.axe and its links.
    if isinstance(help_url, str) and help_url.startswith("https://dequeuniversity.com/"):
        # axe's page on the rule: how to fix it, one click away.
        meta.append(
            f'<a href="{_e(help_url)}" rel="noopener noreferrer" target="_blank">how to fix</a>'
        )
    return (
        f'<li class="q">{ignored}<span class="k">{_e(f.kind)}</span>'
        f'<span class="msg">{_e(f.message)}</span>'
        + (f'<span class="fm">{" · ".join(meta)}</span>' if meta else "")
        + f"{data}</li>"
    )


def _data_text(items: Iterable[tuple[str, object]]) -> str:
    parts = []
    for key, value in items:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        if len(text) > MAX_DATA_CHARS:
            text = text[:MAX_DATA_CHARS] + "…"
        parts.append(f"{key}: {text}")
    return " · ".join(parts)


def _trace(r: ItemResult, urls: dict[str, str]) -> str:
    url = urls.get(r.trace or "")
    if url is None:
        return ""
    # The command is run from the report folder, so it names the copy next to index.html.
    command = f"playwright show-trace {urllib.parse.unquote(url)}"
    return (
        f'<h3>Trace</h3><p class="files"><a href="{_e(url)}" download>{_e(r.trace)}</a>'
        "<span>open it in the Playwright trace viewer, from the report folder:</span></p>"
        f'<p class="cmd"><code>{_e(command)}</code>'
        '<button type="button" class="cp">Copy</button></p>'
    )


def _filmstrip(r: ItemResult, urls: dict[str, str]) -> str:
    url = urls.get(FILMSTRIP_FILE)
    if url is None:
        return ""
    alt = f"filmstrip of {_plural(len(r.steps), 'step')}"
    return (
        f'<h3>Filmstrip</h3><div class="strip"><a href="{_e(url)}">'
        f'<img loading="lazy" decoding="async" src="{_e(url)}" alt="{_e(alt)}"></a></div>'
    )


def _visual(r: ItemResult, urls: dict[str, str]) -> str:
    """Each failed snapshot's expected, actual and diff pictures, side by side."""
    out = []
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if not isinstance(files, dict):
            continue
        figures = []
        for kind in ("expected", "actual", "diff"):
            url = urls.get(str(files.get(kind, "")))
            if url:
                figures.append(
                    f'<figure><a href="{_e(url)}"><img loading="lazy" decoding="async" '
                    f'src="{_e(url)}" alt="{_e(f"{kind} picture of {f.target}")}"></a>'
                    f"<figcaption>{_e(kind)}</figcaption></figure>"
                )
        if figures:
            out.append(
                f"<h3>Snapshot {_e(f.target or '')}</h3>"
                f'<div class="shots visual">{"".join(figures)}</div>'
            )
    return "".join(out)


# -- load runs ---------------------------------------------------------------------------------

ALL_REQUESTS = "all requests"
LOAD_METRICS = {"avg": "average", "failure_ratio": "failure ratio", "min_rps": "requests/s"}
"""How a threshold's metric reads in the table; the others (p50 … p99, max) read as they are."""
THRESHOLD_MARKS = {"error": ("✗", "breached"), "warning": ("!", "warning")}
"""A threshold's mark and its word for screen readers; any other severity is ✓ (met)."""
ENDPOINT_TIMES = ("rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")
CHART_W, CHART_H = 560, 190
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 46, 40, 12, 34


@dataclass(frozen=True)
class _Series:
    """One line of a chart: (x, y) points, y None where there was nothing to measure."""

    label: str
    cls: str
    """Its CSS class, which gives its colour (``s-rps``, ``s-users``, ``s-p50``...)."""
    points: Sequence[tuple[float, float | None]]
    right: bool = False
    """Drawn against the right-hand axis (a second unit, like users next to requests/s)."""
    step: bool = False
    """A step line: the value holds until the next point (a user count, not a rate)."""


def _num(value: object) -> float | None:
    """A number from a finding's data, or None for anything else (bools, strings, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _fmt(value: float | None) -> str:
    """A measured number, short: 812, 41.1, 0.421, 12,345; – when there is none."""
    if value is None:
        return "–"
    if abs(value) >= 999.5:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ratio":
        percent = f"{value * 100:.2f}".rstrip("0").rstrip(".")
        return f"{percent} %"
    return f"{_fmt(value)} {unit}".rstrip()


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _load_section(r: ItemResult) -> str:
    """The load runs of a result: thresholds, endpoints, charts over time, steps under load."""
    found = [f for f in r.all_findings if f.kind == "load"]
    if not found:
        return ""
    runs = [f for f in found if f.check == "load-run"]
    thresholds = [f for f in found if f.check == "load-threshold"]
    slowdowns = [f for f in found if f.check == "load-slowdown"]
    p95 = _p95_limit(thresholds)
    out = ['<div class="load"><h3>Load</h3>']
    if thresholds:
        out.append(_load_thresholds(thresholds))
    for n, run in enumerate(runs, start=1):
        out.append(_load_run(run, p95, n if len(runs) > 1 else None))
    if slowdowns:
        out.append(_load_slowdowns(slowdowns))
    out.append("</div>")
    return "".join(out)


def _p95_limit(thresholds: Sequence[Finding]) -> tuple[float, str] | None:
    """The p95 limit the response-time chart draws: the one on all requests, else the first."""
    limits = [
        (limit, f.target or ALL_REQUESTS)
        for f in thresholds
        if f.data.get("metric") == "p95" and (limit := _num(f.data.get("limit"))) is not None
    ]
    overall = [x for x in limits if x[1] == ALL_REQUESTS]
    return next(iter(overall or limits), None)


def _load_thresholds(thresholds: Sequence[Finding]) -> str:
    rows = []
    for f in sorted(thresholds, key=lambda f: not f.failing):  # breached ones first
        metric = str(f.data.get("metric") or f.check or "")
        unit = str(f.data.get("unit") or "")
        limit = _num(f.data.get("limit"))
        mark, word = THRESHOLD_MARKS.get(f.severity, ("✓", "met"))
        bound = "" if limit is None else ("≥" if metric.startswith("min") else "≤")
        rows.append(
            f"<tr{BAD if f.failing else ''}>"
            f'<td class="mk"><span aria-hidden="true">{mark}</span>'
            f'<span class="vh">{word}</span></td>'
            f'<td class="l">{_e(LOAD_METRICS.get(metric, metric))}</td>'
            f"<td>{_e(f'{bound} {_with_unit(limit, unit)}'.strip())}</td>"
            f'<td class="tm">{_e(_with_unit(_num(f.data.get("measured")), unit))}</td>'
            f'<td class="sn">{_e(f.target or ALL_REQUESTS)}</td></tr>'
        )
    return (
        '<h4>Thresholds</h4><div class="tw"><table class="steps lt"><thead><tr>'
        '<th class="l"><span class="vh">Result</span></th><th class="l">Metric</th>'
        '<th>Limit</th><th>Measured</th><th class="l">Target</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _load_run(run: Finding, p95: tuple[float, str] | None, n: int | None) -> str:
    data = run.data
    facts = []
    if data.get("host"):
        facts.append(f"<code>{_e(data['host'])}</code>")
    for key, word in (("users", "user"), ("workers", "worker")):
        count = _num(data.get(key))
        if count is not None:
            facts.append(_e(_plural(int(count), word)))
    duration = _num(data.get("duration_s"))
    if duration is not None:
        facts.append(_e(f"{_fmt(duration)} s"))
    title = f"<h4>Run {n}</h4>" if n is not None else ""
    return (
        f'{title}<p class="lm"><span class="msg">{_e(run.message)}</span>'
        + "".join(f"<span>{fact}</span>" for fact in facts)
        + "</p>"
        + _load_endpoints(data)
        + _load_charts(_mappings(data.get("history")), p95)
    )


def _load_endpoints(data: Mapping[str, Any]) -> str:
    endpoints = _mappings(data.get("endpoints"))
    total = _mapping(data.get("total"))
    if not endpoints and not total:
        return ""
    numbers = ("Requests", "Failures", "rps", "p50 ms", "p95 ms", "p99 ms", "max ms")
    head = '<th class="l">Method</th><th class="l">Name</th>' + "".join(
        f"<th>{label}</th>" for label in numbers
    )
    body = "".join(_endpoint_row(e) for e in endpoints)
    foot = f"<tfoot>{_endpoint_row(total, ALL_REQUESTS)}</tfoot>" if total else ""
    return (
        f'<h4>Endpoints</h4><div class="tw"><table class="steps le"><thead><tr>{head}</tr>'
        f"</thead><tbody>{body}</tbody>{foot}</table></div>"
    )


def _endpoint_row(e: Mapping[str, Any], name: str | None = None) -> str:
    failures = _num(e.get("failures"))
    cells = [
        f'<td class="l">{_e(e.get("method") or "")}</td>',
        f'<td class="sn">{_e(name if name is not None else e.get("name") or "")}</td>',
        f"<td>{_fmt(_num(e.get('requests')))}</td>",
        f"<td{BAD if failures else ''}>{_fmt(failures)}</td>",
        *(f"<td>{_fmt(_num(e.get(k)))}</td>" for k in ENDPOINT_TIMES),
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _load_slowdowns(slowdowns: Sequence[Finding]) -> str:
    """The customer's journey steps, timed without load and under it."""
    rows = []
    for f in slowdowns:
        d = f.data
        ratio, limit = _num(d.get("ratio")), _num(d.get("max_slowdown"))
        rows.append(
            f"<tr{BAD if f.failing else ''}>"
            f'<td class="sn">{_e(d.get("step") or f.target or "")}</td>'
            f"<td>{_e(_secs_or_dash(_num(d.get('baseline_s'))))}</td>"
            f"<td>{_e(_secs_or_dash(_num(d.get('under_load_s'))))}</td>"
            f'<td class="tm">{"–" if ratio is None else _e(f"× {_fmt(ratio)}")}</td>'
            f"<td>{'' if limit is None else _e(f'× {_fmt(limit)}')}</td></tr>"
        )
    return (
        "<h4>Journey under load</h4>"
        '<div class="tw"><table class="steps ls"><thead><tr><th class="l">Step</th>'
        "<th>Without load</th><th>Under load</th><th>Ratio</th><th>Limit</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _secs_or_dash(seconds: float | None) -> str:
    return "–" if seconds is None else _secs(seconds)


def _load_charts(history: Sequence[Mapping[str, Any]], p95: tuple[float, str] | None) -> str:
    """Requests/s (and users) and p50/p95 over the run, or a sentence when there is no history."""
    points = sorted(
        ((t, h) for h in history if (t := _num(h.get("t_s"))) is not None), key=lambda x: x[0]
    )
    if not points:
        return '<p class="lazy">No history over time was recorded for this run: no charts.</p>'

    def series(key: str) -> list[tuple[float, float | None]]:
        return [(t, _num(h.get(key))) for t, h in points]

    start = min(0.0, points[0][0])  # seconds since the run started: the axis starts with it
    span = f"{_fmt(points[-1][0] - start)} s"
    rps, users, failed = series("rps"), series("users"), series("failures_per_s")
    p50, p95s = series("p50_ms"), series("p95_ms")
    load = [_Series("requests/s", "s-rps", rps)]
    load_text = f"Requests per second over {span}: peak {_fmt(_peak(rps))} rps"
    if _peak(failed):
        load.append(_Series("failures/s", "s-fail", failed))
        load_text += f", failures up to {_fmt(_peak(failed))}/s"
    if _peak(users) is not None:
        load.append(_Series("users (right axis)", "s-users", users, right=True, step=True))
        load_text += f"; up to {_fmt(_peak(users))} users"
    time_text = (
        f"Response time over {span}: p50 up to {_fmt(_peak(p50))} ms, "
        f"p95 up to {_fmt(_peak(p95s))} ms"
    )
    limit, limit_label = None, ""
    if p95 is not None:
        limit = p95[0]
        over = sum(1 for _, v in p95s if v is not None and v > limit)
        target = "" if p95[1] == ALL_REQUESTS else f" ({p95[1]})"
        limit_label = f"p95 limit {_fmt(limit)} ms{target}"
        time_text += f"; {limit_label}, exceeded in {over} of {len(p95s)} intervals"
    return (
        '<div class="charts">'
        + _svg_line_chart(
            load,
            summary=load_text + ".",
            x_label="seconds",
            y_label="rps",
            y2_label="users",
            x_min=start,
        )
        + _svg_line_chart(
            [_Series("p50", "s-p50", p50), _Series("p95", "s-p95", p95s)],
            summary=time_text + ".",
            x_label="seconds",
            y_label="ms",
            x_min=start,
            limit=limit,
            limit_label=limit_label,
        )
        + "</div>"
    )


def _peak(points: Sequence[tuple[float, float | None]]) -> float | None:
    return max((v for _, v in points if v is not None), default=None)


def _nice_ceiling(value: float) -> float:
    """The axis top for ``value``: the next 1, 2, 2.5 or 5 × a power of ten (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if value <= m * power * (1 + 1e-9))


def _svg_line_chart(
    series: Sequence[_Series],
    *,
    summary: str,
    x_label: str,
    y_label: str,
    y2_label: str = "",
    x_min: float | None = None,
    limit: float | None = None,
    limit_label: str = "",
) -> str:
    """A small inline SVG line chart with its legend, as a <figure>; no script, no style attribute.

    The x axis runs from ``x_min`` (or the first x) to the last x; the left axis from 0 to a round
    number above the highest value (and ``limit``, drawn as a dashed line); series with ``right``
    set get their own axis on the right. ``summary`` is what
    the chart says, for screen readers (``role="img"``) and as its tooltip.
    """
    xs = [x for s in series for x, _ in s.points]
    x0 = min([*xs, x_min] if x_min is not None else xs, default=0.0)
    x1 = max(xs, default=1.0)
    x_span = (x1 - x0) or 1.0
    left = [v for s in series if not s.right for _, v in s.points if v is not None]
    right = [v for s in series if s.right for _, v in s.points if v is not None]
    y_max = _nice_ceiling(max([*left, limit or 0.0], default=0.0))
    y2_max = _nice_ceiling(max(right, default=0.0))
    plot_w = CHART_W - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_H - CHART_TOP - CHART_BOTTOM
    bottom, end = CHART_TOP + plot_h, CHART_LEFT + plot_w

    def px(x: float) -> float:
        return CHART_LEFT + plot_w * (x - x0) / x_span

    def py(y: float, on_right: bool = False) -> float:
        top = y2_max if on_right else y_max
        return bottom - plot_h * min(max(y / top, 0.0), 1.0)

    parts = [
        f"<title>{_e(summary)}</title>",
        f'<path class="ax" d="M{CHART_LEFT} {CHART_TOP}V{bottom}H{end}'
        + (f'V{CHART_TOP}"/>' if right else '"/>'),
        f'<line class="gr" x1="{CHART_LEFT}" x2="{end}" y1="{CHART_TOP}" y2="{CHART_TOP}"/>',
    ]
    for s in series:
        parts.append(_svg_path(s, px, py))
    if limit is not None:
        y = py(limit)
        parts.append(
            f'<line class="lim" x1="{CHART_LEFT}" x2="{end}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke-dasharray="6 4"/>'
            f'<text class="ll" x="{end - 4}" y="{y - 4:.1f}" text-anchor="end">'
            f"{_e(limit_label)}</text>"
        )
    mid_y = CHART_TOP + plot_h / 2
    labels = [
        (CHART_LEFT, bottom + 14, "start", _fmt(x0)),
        (end, bottom + 14, "end", _fmt(x1)),
        (CHART_LEFT - 4, bottom, "end", "0"),
        (CHART_LEFT - 4, CHART_TOP + 8, "end", _fmt(y_max)),
    ]
    if right:
        labels += [(end + 4, bottom, "start", "0"), (end + 4, CHART_TOP + 8, "start", _fmt(y2_max))]
    parts += [
        f'<text x="{x}" y="{y}" text-anchor="{anchor}">{_e(text)}</text>'
        for x, y, anchor, text in labels
    ]
    parts.append(
        f'<text class="al" x="{CHART_LEFT + plot_w / 2}" y="{CHART_H - 4}" '
        f'text-anchor="middle">{_e(x_label)}</text>'
        f'<text class="al" x="0" y="0" text-anchor="middle" '
        f'transform="translate(12 {mid_y}) rotate(-90)">{_e(y_label)}</text>'
    )
    if right and y2_label:
        parts.append(
            f'<text class="al" x="0" y="0" text-anchor="middle" '
            f'transform="translate({CHART_W - 8} {mid_y}) rotate(90)">{_e(y2_label)}</text>'
        )
    legend = [f'<span><i class="sw {s.cls}"></i>{_e(s.label)}</span>' for s in series]
    if limit is not None:
        legend.append(f'<span><i class="sw s-lim"></i>{_e(limit_label)}</span>')
    return (
        f'<figure class="chart"><svg class="lc" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
        f'aria-label="{_e(summary)}">{"".join(parts)}</svg>'
        f'<figcaption aria-hidden="true">{"".join(legend)}</figcaption></figure>'
    )


def _svg_path(s: _Series, px: Callable[[float], float], py: Callable[[float, bool], float]) -> str:
    """One series as a path, broken where a value is missing; a lone point as a dot."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in s.points:
        if y is None:
            segments.append([])
        else:
            segments[-1].append((px(x), py(y, s.right)))
    d, dots = [], []
    for seg in segments:
        if len(seg) == 1:
            dots.append(
                f'<circle class="{s.cls}" cx="{seg[0][0]:.1f}" cy="{seg[0][1]:.1f}" r="2"/>'
            )
        elif seg:
            d.append(f"M{seg[0][0]:.1f} {seg[0][1]:.1f}")
            for x, y in seg[1:]:
                d.append(f"H{x:.1f}V{y:.1f}" if s.step else f"L{x:.1f} {y:.1f}")
    path = f'<path class="{s.cls}" d="{"".join(d)}"/>' if d else ""
    return path + "".join(dots)


def _other_files(r: ItemResult, urls: dict[str, str]) -> str:
    shown = {s.screenshot for s in r.steps if s.screenshot} | {r.trace, FILMSTRIP_FILE}
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if isinstance(files, dict):
            shown |= {str(files.get(k, "")) for k in ("expected", "actual", "diff")}
    links = [
        f'<a href="{_e(url)}">{_e(name)}</a>' for name, url in urls.items() if name not in shown
    ]
    if not links:
        return ""
    return f'<h3>Evidence files</h3><p class="files">{"".join(links)}</p>'
