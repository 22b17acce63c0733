"""The filmstrip: a journey's step screenshots side by side in one PNG, each with its caption.

``make_filmstrip(steps, folder)`` reads the step screenshots (``StepRecord.screenshot``, file
names in ``folder``), scales them to one height and writes ``folder/filmstrip.png``: one tile per
step, left to right, captioned with the step's number and name, its time against its budget
(``1.24 s of 3 s``) and what went wrong (``failed``, ``over budget``). A failed or over-budget
step is framed in red and captioned in red; a step without a readable screenshot (skipped, not
taken, missing, truncated, not an image) gets a grey placeholder tile, never an exception.

Layout, in pixels (``GAP``, ``FRAME``, ``MIN_SHOT_WIDTH`` below)::

    width  = GAP + sum(tile widths) + GAP * len(steps)      tile width = shot width + 2 * FRAME
    height = GAP + title block + FRAME + tile_height + FRAME + caption block + GAP

A shot is the screenshot scaled to ``tile_height`` (narrower than ``max_tile_width``, else scaled
to that width and centred on grey; never narrower than ``MIN_SHOT_WIDTH``, centred on grey). The
caption block has room for four lines (the name on up to two, wrapped and ellipsized), so every
tile has the same height. Text is drawn with Pillow's own font (``ImageFont.load_default``), never
a system font, so the strip looks the same on every machine.

Pillow is imported only when a strip is made: without it, :func:`make_filmstrip` returns None.
"""

from __future__ import annotations

import os
import statistics
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeAlias

from cxcheck.model.durations import format_seconds as _secs
from cxcheck.model.results import StepRecord

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont

__all__ = ["FILMSTRIP_FILE", "make_filmstrip"]

FILMSTRIP_FILE = "filmstrip.png"

GAP = 8
"""Between tiles, and around the strip."""
FRAME = 4
"""The frame around each shot: red and solid for a bad step, a thin grey line otherwise."""
MIN_SHOT_WIDTH = 96
"""Narrower screenshots (a tall full-page capture) are centred on grey at this width."""
CAPTION_LINES = 4
"""Name (up to two lines), time against budget, status."""
CAPTION_SIZE = 13
TITLE_SIZE = 15
TITLE_LINES = 2
MAX_TEXT = 300
"""Characters of a name or title considered at all (the rest would be ellipsized anyway)."""

CANVAS = (255, 255, 255)
TEXT = (27, 33, 48)  # the report's --fg
MUTED = (92, 101, 119)  # --muted
FAINT = (138, 147, 163)  # --faint
RED = (201, 42, 42)  # --failed
LINE = (208, 212, 218)
PLACEHOLDER = (226, 229, 234)  # --line: the grey of a tile without a screenshot
LETTERBOX = (240, 242, 245)  # --soft: around a shot narrower or shorter than its tile

# Characters the built-in font lacks, spelt with ones it has.
_ASCII = str.maketrans(
    {
        "×": "x",
        "–": "-",
        "—": "-",
        "‐": "-",
        "−": "-",
        "•": "·",
        "→": "->",
        "←": "<-",
        "\u00a0": " ",
    }
)


def make_filmstrip(
    steps: Sequence[StepRecord],
    folder: Path,
    *,
    tile_height: int = 360,
    max_tile_width: int = 320,
    title: str | None = None,
) -> Path | None:
    """Write ``folder / FILMSTRIP_FILE`` for ``steps`` and return its path.

    ``tile_height``: the height every screenshot is scaled to; ``max_tile_width``: the widest a
    screenshot may be (wider ones are scaled down to it); ``title``: an optional line above the
    tiles (the test id, device × network). Returns None when there are no steps, or when Pillow
    is not installed. A screenshot that cannot be read becomes a placeholder tile; only a failure
    to write the PNG raises (OSError).
    """
    if not steps:
        return None
    if tile_height < 16 or max_tile_width < 16:
        raise ValueError("tile_height and max_tile_width must be at least 16 pixels")
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return None

    shots = [_load(step, folder, tile_height, max_tile_width) for step in steps]
    loaded = [shot.width for shot in shots if isinstance(shot, Image.Image)]
    default = min(max(MIN_SHOT_WIDTH, tile_height // 2), max_tile_width)
    placeholder_width = statistics.median_low(loaded) if loaded else default
    natural = [s.width if isinstance(s, Image.Image) else placeholder_width for s in shots]
    widths = [_box_width(w, max_tile_width) for w in natural]

    caption_font = _font(CAPTION_SIZE)
    title_font = _font(TITLE_SIZE)
    line_height = _line_height(caption_font)
    width = GAP + sum(w + 2 * FRAME + GAP for w in widths)
    title_lines: list[str] = []
    if title:
        title_lines = _wrap(title, title_font, width - 2 * GAP, TITLE_LINES)
    title_height = len(title_lines) * _line_height(title_font) + (GAP if title_lines else 0)
    caption_height = 4 + CAPTION_LINES * line_height
    height = GAP + title_height + tile_height + 2 * FRAME + caption_height + GAP

    canvas = Image.new("RGB", (width, height), CANVAS)
    draw = ImageDraw.Draw(canvas)
    y = GAP
    for line in title_lines:
        draw.text((GAP, y), line, fill=TEXT, font=title_font)
        y += _line_height(title_font)
    top = GAP + title_height
    x = GAP
    for step, shot, box in zip(steps, shots, widths, strict=True):
        bad = _bad(step)
        tile_w = box + 2 * FRAME
        # The frame: solid red for a bad step, a thin grey line otherwise.
        outer = (x, top, x + tile_w - 1, top + tile_height + 2 * FRAME - 1)
        if bad:
            draw.rectangle(outer, fill=RED)
        else:
            draw.rectangle(outer, fill=CANVAS, outline=LINE, width=1)
        inner = (x + FRAME, top + FRAME, x + FRAME + box - 1, top + FRAME + tile_height - 1)
        if isinstance(shot, Image.Image):
            if shot.width < box or shot.height < tile_height:
                draw.rectangle(inner, fill=LETTERBOX)
            canvas.paste(
                shot,
                (
                    x + FRAME + (box - shot.width) // 2,
                    top + FRAME + (tile_height - shot.height) // 2,
                ),
            )
        else:
            draw.rectangle(inner, fill=PLACEHOLDER)
            lines = _wrap(shot, caption_font, box - 8, 3)
            ty = top + FRAME + (tile_height - len(lines) * line_height) // 2
            for line in lines:
                tx = x + FRAME + (box - round(caption_font.getlength(line))) // 2
                draw.text((tx, ty), line, fill=RED if bad else MUTED, font=caption_font)
                ty += line_height
        ty = top + tile_height + 2 * FRAME + 4
        for line, colour in _caption(step, caption_font, tile_w, bad):
            draw.text((x, ty), line, fill=colour, font=caption_font)
            ty += line_height
        x += tile_w + GAP

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILMSTRIP_FILE
    tmp = path.with_name(path.name + ".tmp")
    try:
        canvas.save(tmp, format="PNG", optimize=True)
        os.replace(tmp, path)  # a reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)
    return path


# -- screenshots -------------------------------------------------------------------------------


def _load(step: StepRecord, folder: Path, height: int, max_width: int) -> Image.Image | str:
    """The step's screenshot scaled to fit ``max_width`` × ``height``, or why there is none."""
    from PIL import Image

    if not step.screenshot:
        return "skipped" if step.status == "skipped" else "no screenshot"
    rel = PurePosixPath(step.screenshot.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        return "no screenshot"
    path = folder.joinpath(*rel.parts)
    try:
        with Image.open(path) as im:
            w, h = _fit(im.size, height, max_width)
            # JPEGs decode straight at 1/2, 1/4 or 1/8 scale: a phone screenshot is read at a
            # fraction of the cost, then downscaled the rest of the way with a good filter.
            im.draft("RGB", (w, h))
            im.load()
            rgb = _rgb(im)
            return rgb.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=2.0)
    except FileNotFoundError:
        return "screenshot missing"
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # Truncated, not an image, too big to decode safely, a folder...
        return "unreadable screenshot"


def _rgb(im: Image.Image) -> Image.Image:
    from PIL import Image

    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, CANVAS)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _fit(size: tuple[int, int], height: int, max_width: int) -> tuple[int, int]:
    """A screenshot's size scaled to ``height``, or to ``max_width`` when that is narrower."""
    w, h = max(size[0], 1), max(size[1], 1)
    scaled = max(1, round(w * height / h))
    if scaled <= max_width:
        return scaled, height
    return max_width, max(1, min(height, round(h * max_width / w)))


def _box_width(shot_width: int, max_width: int) -> int:
    return min(max(shot_width, MIN_SHOT_WIDTH), max_width)


def _bad(step: StepRecord) -> bool:
    """Failed, or over its budget: what the report marks red too."""
    return step.status not in ("passed", "skipped") or _over(step)


def _over(step: StepRecord) -> bool:
    return step.budget_s is not None and step.duration_s > step.budget_s


# -- text --------------------------------------------------------------------------------------


def _caption(
    step: StepRecord, font: Font, width: int, bad: bool
) -> list[tuple[str, tuple[int, int, int]]]:
    """The caption's lines and their colours: name, time against budget, what went wrong."""
    main = RED if bad else TEXT
    lines = [(line, main) for line in _wrap(f"{step.index} · {step.name}", font, width, 2)]
    lines.append((_fit_line(_time(step), font, width), RED if bad else MUTED))
    status = [] if step.status == "passed" else [step.status]
    if _over(step):
        status.append("over budget")
    if status:
        colour = FAINT if status == ["skipped"] else RED
        lines.append((_fit_line(" · ".join(status), font, width), colour))
    return lines


def _time(step: StepRecord) -> str:
    taken = _secs(step.duration_s)
    return f"{taken} of {step.budget_s:g} s" if step.budget_s is not None else taken


@cache
def _font(size: int) -> Font:
    """Pillow's own scalable font (Pillow ≥ 10.1 with FreeType), else its bitmap font."""
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # an older Pillow, or no FreeType
        return ImageFont.load_default()


def _line_height(font: Font) -> int:
    from PIL import ImageFont

    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
        return ascent + descent + 2
    box = font.getbbox("Ag")
    return int(box[3] - box[1]) + 4


@cache
def _missing_mask(font: Font) -> bytes | None:
    try:
        return bytes(font.getmask("\ue000"))
    except (UnicodeError, OSError):
        return None


@cache
def _has_glyph(font: Font, char: str) -> bool:
    try:
        mask = bytes(font.getmask(char))
    except (UnicodeError, OSError):  # the bitmap font knows Latin-1 only
        return False
    return char.isspace() or mask != _missing_mask(font)


def _drawable(text: str, font: Font) -> str:
    """``text`` in the characters the font has: accents dropped (é → e), dashes as hyphens, and
    what has no stand-in kept (it shows as a box) except where the font cannot draw it at all."""
    out = []
    for char in " ".join(text[:MAX_TEXT].translate(_ASCII).split()):
        if _has_glyph(font, char):
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if _has_glyph(font, c))
        if plain:
            out.append(plain)
        elif _missing_mask(font) is not None:
            out.append(char)  # FreeType draws its "missing" box: the reader sees something's there
        elif char == "…":
            out.append("...")
        else:
            out.append("?")
    return "".join(out)


def _wrap(text: str, font: Font, width: int, max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines of ``width`` pixels, ellipsized when it is cut."""
    words = _drawable(text, font).split(" ")
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > width and len(lines) < max_lines:
            cut = _longest_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
        if len(lines) >= max_lines:
            rest = " ".join([current, *words[i + 1 :]]).strip()
            if rest or len(lines) > max_lines:
                lines = lines[:max_lines]
                lines[-1] = _ellipsize(lines[-1], font, width)
            return lines
    if current:
        lines.append(current)
    return lines


def _fit_line(text: str, font: Font, width: int) -> str:
    text = _drawable(text, font)
    return text if font.getlength(text) <= width else _ellipsize(text, font, width)


def _ellipsize(text: str, font: Font, width: int) -> str:
    """``text`` cut to end in an ellipsis within ``width`` (the text went on past it)."""
    dots = "…" if _has_glyph(font, "…") else "..."
    text = text.rstrip()
    while text and font.getlength(text + dots) > width:
        text = text[:-1].rstrip()
    return text + dots


def _longest_prefix(word: str, font: Font, width: int) -> int:
    """How many leading characters of ``word`` fit in ``width`` (at least one)."""
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.getlength(word[:mid]) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo
