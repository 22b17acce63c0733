"""A failed snapshot's pictures as the report's diff viewer shows them (the ``visual`` template).

The viewer is made after Playwright Test's HTML report: tabs for the expected, actual and diff
pictures, a slider (the actual picture over the expected one, clipped at the slider) and an
overlay (the actual picture over the expected one, at the chosen opacity). Each picture carries
its real size, read from the file with Pillow (it reads only the header), so the page lays it
out at its aspect ratio before it loads and never scales it above its own size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxcheck.model.results import Finding, ItemResult
from cxcheck.outputs.report.evidence import Evidence
from cxcheck.outputs.report.text import number

__all__ = ["DiffViewer", "diff_viewers"]

KINDS = ("expected", "actual", "diff")
"""The pictures a failed snapshot leaves, in the order they are shown without the script."""
TAB_LABELS = {"diff": "Diff", "actual": "Actual", "expected": "Expected", "slider": "Slider",
              "overlay": "Overlay"}  # fmt: skip
TAB_ORDER = ("diff", "actual", "expected", "slider", "overlay")


@dataclass(frozen=True)
class Shot:
    kind: str
    src: str
    """The ``<img>`` source: a file beside the report, or a data: URI in a single-file one."""
    link: str
    """The file beside the report, opened at full size."""
    alt: str
    width: int | None
    height: int | None

    @property
    def size(self) -> str:
        return f"{self.width}×{self.height}" if self.width and self.height else ""


@dataclass(frozen=True)
class DiffViewer:
    ident: str
    """Unique in the page: the tabs name the pictures they show by it."""
    target: str
    numbers: list[str]
    """What was measured and what was allowed, e.g. ``2.8 % of pixels differ (2,438 px)``."""
    note: str
    shots: list[Shot]
    tabs: list[tuple[str, str]]
    """(kind, label) of each tab, in order; the slider and overlay need both pictures."""
    default: str
    """The tab shown first: the diff when there is one."""


def diff_viewers(r: ItemResult, evidence: Evidence) -> list[DiffViewer]:
    """One viewer for each visual finding of ``r`` that left pictures."""
    viewers: list[DiffViewer] = []
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if not isinstance(files, Mapping):
            continue
        shots = [
            s for kind in KINDS if (s := _shot(kind, files.get(kind), f, evidence)) is not None
        ]
        if shots:
            viewers.append(_viewer(f, shots, f"v-{evidence.key}-{len(viewers) + 1}"))
    return viewers


def shown_files(r: ItemResult) -> set[str]:
    """The evidence files the viewers show (the panel lists the others as files)."""
    shown = set()
    for f in r.all_findings:
        files = f.data.get("files") if f.kind == "visual" else None
        if isinstance(files, Mapping):
            shown |= {str(files.get(k, "")) for k in KINDS}
    return shown


def _shot(kind: str, name: object, f: Finding, evidence: Evidence) -> Shot | None:
    if not isinstance(name, str):
        return None
    src, link = evidence.src(name), evidence.link(name)
    if src is None or link is None:
        return None
    width, height = _size(evidence.paths.get(name))
    return Shot(kind, src, link, f"{kind} picture of snapshot {f.target or ''}", width, height)


def _size(path: Path | None) -> tuple[int | None, int | None]:
    if path is None:
        return None, None
    try:
        from PIL import Image

        with Image.open(path) as image:  # reads the header, not the pixels
            width, height = image.size
    except Exception:  # a picture Pillow cannot read (or no Pillow) is shown without a size
        return None, None
    return int(width), int(height)


def _viewer(f: Finding, shots: list[Shot], ident: str) -> DiffViewer:
    by_kind = {s.kind: s for s in shots}
    expected, actual = by_kind.get("expected"), by_kind.get("actual")
    kinds = [k for k in TAB_ORDER if k in by_kind]
    note = ""
    if expected is not None and actual is not None:
        if expected.size and expected.size == actual.size:
            kinds += ["slider", "overlay"]
        else:
            note = f"The size changed: expected {expected.size}, actual {actual.size}."
    elif f.check == "missing-baseline":
        note = "There is no baseline yet: this is what the page looks like now."
    return DiffViewer(
        ident=ident,
        target=f.target or "",
        numbers=_numbers(f.data),
        note=note,
        shots=shots,
        tabs=[(k, TAB_LABELS[k]) for k in kinds],
        default="diff" if "diff" in by_kind else kinds[0],
    )


def _numbers(data: Mapping[str, Any]) -> list[str]:
    """What the diff measured and what it allowed, in words."""
    out = []
    ratio, pixels = _num(data.get("ratio")), _num(data.get("diff_pixels"))
    if ratio is not None:
        changed = f"{_percent(ratio)} of pixels differ"
        out.append(changed + (f" ({number(pixels)} px)" if pixels is not None else ""))
    elif pixels is not None:
        out.append(f"{number(pixels)} pixels differ")
    threshold = _num(data.get("threshold"))
    if threshold is not None:
        out.append(f"colour threshold {threshold:g}")
    allowed = []
    if (most := _num(data.get("max_diff_pixels"))) is not None:
        allowed.append(f"{number(most)} px")
    if (share := _num(data.get("max_diff_ratio"))) is not None:
        allowed.append(_percent(share))
    if allowed:
        out.append("allowed at most " + " and ".join(allowed))
    elif threshold is not None:
        out.append("no difference allowed")
    return out


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _percent(ratio: float) -> str:
    percent = ratio * 100
    if percent and percent < 0.01:
        return f"{percent:.1e} %"
    return f"{percent:.2f}".rstrip("0").rstrip(".") + " %"
