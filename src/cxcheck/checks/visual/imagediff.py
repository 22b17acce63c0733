"""Image comparison the way pixelmatch does it, vectorised with numpy.

This is the method of mapbox's pixelmatch (5.x, the one Playwright vendors and the PyPI
``pixelmatch`` package ports), computed with array operations instead of a loop per pixel:

- two pixels match when their bytes are equal (the identical-pixel fast path: one ``uint32``
  compare per pixel), or when the YIQ distance of the two colours, each blended over white by
  its alpha, is at most ``35215 * threshold²`` (35215 is the largest possible distance);
- a differing pixel is *anti-aliasing* (drawn yellow, not counted) when, in either image, its
  8 neighbours hold both a darker and a brighter pixel, at most 2 of them (counting the image
  edge as one) have the same brightness, and the darkest or the brightest of them has 3 or more
  identical neighbours in *both* images (``antialiased`` and ``hasManySiblings``, after
  V. Vyšniauskas, "Anti-aliased pixel and intensity slope detector", 2009);
- everything else counts.

The arithmetic is float64 and in pixelmatch's order, neighbours are visited in its order (x
outer, y inner; ties go to the first), so the counts are pixelmatch's, not an approximation.
The colour distance and the anti-aliasing test run only on the pixels that differ, a band of
rows at a time, so besides the two boolean masks it answers (a quarter of one RGBA image
each) the working memory stays around 10-20 MB whatever the image size. Pillow is used only
to decode and to draw.

    result, mask = compare(load_rgba("expected.png"), load_rgba("actual.png"))
    problem = verdict(result, max_diff_pixels=100)   # None when it passes
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from numpy.typing import NDArray

from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "DEFAULT_THRESHOLD",
    "Diff",
    "DiffResult",
    "ImageError",
    "compare",
    "compare_masks",
    "composite",
    "diff_image",
    "load_rgba",
    "verdict",
]

DEFAULT_THRESHOLD = 0.2  # Playwright's default for toHaveScreenshot (pixelmatch's own is 0.1)
MAX_YIQ_DELTA = 35215.0  # the largest squared YIQ distance two colours can have
BAND_PIXELS = 1 << 17  # pixels per band of rows: bounds the temporaries (a few MB)
FADE = 0.1  # opacity of the expected image under the diff colours (pixelmatch's `alpha`)
DIFF_COLOUR = (255, 0, 0)
AA_COLOUR = (255, 255, 0)

Rgba: TypeAlias = NDArray[np.uint8]
Mask: TypeAlias = NDArray[np.bool_]
ImageLike: TypeAlias = "NDArray[np.uint8] | Image.Image"
Source: TypeAlias = "str | os.PathLike[str] | bytes"

# The 8 neighbours in pixelmatch's visiting order: x outer, y inner.
_NEIGHBOURS = tuple((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy)
_STEPS_X = np.array([dx for dx, _ in _NEIGHBOURS], np.intp)
_STEPS_Y = np.array([dy for _, dy in _NEIGHBOURS], np.intp)


class ImageError(CxError):
    """An image cannot be read or is not an image; the message names it and says what to do."""


@dataclass(frozen=True)
class DiffResult:
    """The outcome of :func:`compare`.

    ``width`` × ``height`` is the compared area: both images, or their overlap (top-left
    aligned) when the sizes differ, which ``size_mismatch`` then records as
    ``((expected width, height), (actual width, height))``. ``diff_pixels`` are the differing
    pixels that count; ``aa_pixels`` differ too but only by anti-aliasing (0 with
    ``include_aa=True``, which counts them); pixels closer than the threshold are neither.
    ``bbox`` is ``(left, top, right, bottom)`` of the counted pixels, right and bottom
    exclusive, or ``None`` when none count.
    """

    width: int
    height: int
    diff_pixels: int
    aa_pixels: int
    ratio: float
    bbox: tuple[int, int, int, int] | None
    size_mismatch: tuple[tuple[int, int], tuple[int, int]] | None = None

    @property
    def identical(self) -> bool:
        """Same size and no counted difference: what pixelmatch reports as 0.

        Anti-aliasing and differences under the threshold are tolerated, as they are there.
        """
        return self.diff_pixels == 0 and self.size_mismatch is None


@dataclass(frozen=True)
class Diff:
    """:func:`compare_masks`'s answer: the result and both masks (height × width booleans)."""

    result: DiffResult
    mask: Mask  # counted differences
    aa_mask: Mask  # differences that are only anti-aliasing

    def image(self, expected: ImageLike) -> Image.Image:
        """The diff picture (see :func:`diff_image`)."""
        return diff_image(expected, self.mask, self.aa_mask)


# --- reading ----------------------------------------------------------------------------------


def load_rgba(source: Source) -> Rgba:
    """Decode a PNG (or any image Pillow reads) to a height × width × 4 ``uint8`` RGBA array.

    ``source`` is a path or the file's bytes. A missing, empty, truncated or corrupt file
    raises :class:`ImageError` naming it, with the likely cause and the fix.
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(source, bytes | bytearray | memoryview):
        name, data = "the image bytes", bytes(source)
    else:
        name = os.fspath(source)
        try:
            data = Path(name).read_bytes()
        except FileNotFoundError:
            raise ImageError(f"{name}: no such image file; check the path") from None
        except OSError as exc:
            raise ImageError(f"{name}: cannot read the image: {exc.strerror or exc}") from None
    if not data:
        raise ImageError(f"{name}: the image file is empty (0 bytes); {_FIX}")
    if data.startswith(b"version https://git-lfs"):
        raise ImageError(
            f"{name}: this is a Git LFS pointer, not the image; run `git lfs pull` to fetch it"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return _to_rgba_array(image)
    except UnidentifiedImageError:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ImageError(
                f"{name}: the PNG is corrupt (its header cannot be read; {len(data)} bytes); {_FIX}"
            ) from None
        raise ImageError(f"{name}: not an image (it starts {data[:8]!r}); {_FIX}") from None
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{name}: {exc}; capture a smaller area (an element or a clip)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        what = "truncated" if "truncated" in str(exc) else "corrupt"
        raise ImageError(
            f"{name}: the image is {what} ({exc}; {len(data)} bytes); {_FIX}"
        ) from None


_FIX = (
    "restore it from version control or record it again (an interrupted write or copy, "
    "or a merge that treated it as text, leaves files like this)"
)


def _to_rgba_array(image: Image.Image) -> Rgba:
    """The pixels as a new writable RGBA array, converted a band at a time (no full copy)."""
    width, height = image.size
    out = np.empty((height, width, 4), np.uint8)
    rows = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        part = image.crop((0, top, width, bottom))
        if part.mode == "RGB":  # Pillow keeps RGB as 4 bytes a pixel: take them as they are
            data = part.tobytes("raw", "RGBX")
        else:
            data = (part if part.mode == "RGBA" else part.convert("RGBA")).tobytes()
        out[top:bottom] = np.frombuffer(data, np.uint8).reshape(bottom - top, width, 4)
    if image.mode == "RGB":
        out[..., 3] = 255
    return out


def _as_rgba(image: ImageLike, what: str) -> Rgba:
    """An image or array as a C-contiguous H×W×4 uint8 array (arrays are not copied if so)."""
    if isinstance(image, np.ndarray):
        array = image
        if array.dtype != np.uint8:
            raise ValueError(f"the {what} array has dtype {array.dtype}; pass uint8 pixels")
        if array.ndim == 2:
            array = np.repeat(array[:, :, None], 3, axis=2)
        if array.ndim != 3 or array.shape[2] not in (3, 4):
            raise ValueError(
                f"the {what} array has shape {array.shape}; pass height × width × 4 (RGBA), "
                "× 3 (RGB) or height × width (grey)"
            )
        if array.shape[2] == 3:
            alpha = np.full((*array.shape[:2], 1), 255, np.uint8)
            array = np.concatenate([array, alpha], axis=2)
        return np.ascontiguousarray(array)
    from PIL import Image

    if isinstance(image, Image.Image):
        return _to_rgba_array(image)
    raise TypeError(
        f"the {what} image is a {type(image).__name__}; pass a numpy array or a PIL image "
        "(load files with load_rgba)"
    )


# --- comparing --------------------------------------------------------------------------------


def compare(
    expected: ImageLike,
    actual: ImageLike,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    include_aa: bool = False,
) -> tuple[DiffResult, Mask]:
    """Compare two images; the result and the mask (height × width bools) of counted pixels.

    ``threshold`` (0–1, default 0.2 as in Playwright) is how different a pixel's colour must
    be to count; ``include_aa=True`` counts anti-aliased pixels too. Images of different sizes
    are compared on their top-left overlap and the result records the mismatch (which
    :func:`verdict` always fails). :func:`compare_masks` also gives the anti-aliasing mask.
    """
    diff = compare_masks(expected, actual, threshold=threshold, include_aa=include_aa)
    return diff.result, diff.mask


def compare_masks(
    expected: ImageLike,
    actual: ImageLike,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    include_aa: bool = False,
) -> Diff:
    """:func:`compare`, answering a :class:`Diff` with the anti-aliasing mask as well."""
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold {threshold!r} must be between 0 and 1 (default 0.2)")
    a = _as_rgba(expected, "expected")
    b = _as_rgba(actual, "actual")
    mismatch = None
    if a.shape != b.shape:
        mismatch = ((a.shape[1], a.shape[0]), (b.shape[1], b.shape[0]))
        h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
        a, b = np.ascontiguousarray(a[:h, :w]), np.ascontiguousarray(b[:h, :w])
    h, w = a.shape[:2]
    mask = np.zeros((h, w), np.bool_)
    aa_mask = np.zeros((h, w), np.bool_)
    a32 = a.view(np.uint32).reshape(-1)  # one word per pixel, for equality tests
    b32 = b.view(np.uint32).reshape(-1)
    max_delta = MAX_YIQ_DELTA * threshold * threshold  # in pixelmatch's order of operations
    flat_mask, flat_aa = mask.reshape(-1), aa_mask.reshape(-1)
    diff_count = aa_count = 0
    left, top, right, bottom = w, h, 0, 0
    band = max(1, BAND_PIXELS // max(w, 1)) * max(w, 1)
    for start in range(0, h * w, band):
        stop = min(h * w, start + band)
        idx = np.flatnonzero(a32[start:stop] != b32[start:stop])
        if not idx.size:
            continue
        idx += start
        delta = _yiq_delta(a32[idx], b32[idx])
        idx = idx[delta > max_delta]
        del delta
        if not idx.size:
            continue
        if not include_aa:
            around = _Around(idx, *_columns_rows(idx, w), w, h)
            aa = _antialiased(a32, b32, around, _Brightness(a32, w, h, start, stop))
            rest = np.flatnonzero(~aa)
            bright_b = _Brightness(b32, w, h, start, stop)
            aa[rest] = _antialiased(b32, a32, around.subset(rest), bright_b)
            flat_aa[idx[aa]] = True
            aa_count += int(np.count_nonzero(aa))
            idx = idx[~aa]
            if not idx.size:
                continue
        flat_mask[idx] = True
        diff_count += idx.size
        xs, ys = _columns_rows(idx, w)
        top, bottom = min(top, int(ys[0])), max(bottom, int(ys[-1]) + 1)  # idx is sorted
        left, right = min(left, int(xs.min())), max(right, int(xs.max()) + 1)
    result = DiffResult(
        width=w,
        height=h,
        diff_pixels=diff_count,
        aa_pixels=aa_count,
        ratio=diff_count / (w * h) if w * h else 0.0,
        bbox=(left, top, right, bottom) if diff_count else None,
        size_mismatch=mismatch,
    )
    return Diff(result, mask, aa_mask)


def _channels(words: NDArray[np.uint32]) -> tuple[NDArray[np.float64], ...]:
    """R, G, B of RGBA words blended over white by their alpha (pixelmatch's ``blend``)."""
    px = words.view(np.uint8).reshape(-1, 4)
    if np.all(px[:, 3] == 255):  # opaque: blending would give the same numbers back
        return tuple(px[:, c].astype(np.float64) for c in range(3))
    alpha = px[:, 3] / 255.0
    # 255 + (c - 255) * a, exactly as pixelmatch; for a == 1 it gives c back exactly.
    return tuple(255.0 + (px[:, c].astype(np.float64) - 255.0) * alpha for c in range(3))


def _brightness(words: NDArray[np.uint32]) -> NDArray[np.float64]:
    """pixelmatch's ``rgb2y`` of the blended colours."""
    r, g, b = _channels(words)
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223


def _yiq_delta(p: NDArray[np.uint32], q: NDArray[np.uint32]) -> NDArray[np.float64]:
    """pixelmatch's ``colorDelta``: the squared YIQ distance of two sets of pixels."""
    r1, g1, b1 = _channels(p)
    r2, g2, b2 = _channels(q)
    y = (r1 * 0.29889531 + g1 * 0.58662247 + b1 * 0.11448223) - (
        r2 * 0.29889531 + g2 * 0.58662247 + b2 * 0.11448223
    )
    i = (r1 * 0.59597799 - g1 * 0.27417610 - b1 * 0.32180189) - (
        r2 * 0.59597799 - g2 * 0.27417610 - b2 * 0.32180189
    )
    q_ = (r1 * 0.21147017 - g1 * 0.52261711 + b1 * 0.31114694) - (
        r2 * 0.21147017 - g2 * 0.52261711 + b2 * 0.31114694
    )
    return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q_ * q_


def _columns_rows(idx: NDArray[np.intp], w: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """``idx % w, idx // w``, several times faster than numpy's integer division: (i + ½) / w
    is at least ½ / w from an integer, far more than float64's error for any image size."""
    ys = ((idx + 0.5) / w).astype(np.intp)
    return idx - ys * w, ys


class _Brightness:
    """Brightness (``rgb2y`` of the blended colour) of an image's pixels near one band of rows.

    Looked up per pixel when few are needed; computed once for the band and its neighbouring
    rows when many are (each pixel is the neighbour of up to 8 others).
    """

    def __init__(self, img: NDArray[np.uint32], w: int, h: int, start: int, stop: int) -> None:
        self.img = img
        self.lo = max(0, start - w)  # one row above the band, one below
        self.hi = min(h * w, stop + w)
        self.table: NDArray[np.float64] | None = None

    def prepare(self, lookups: int) -> None:
        if self.table is None and lookups > (self.hi - self.lo) // 2:
            self.table = _brightness(self.img[self.lo : self.hi])

    def __call__(self, n: NDArray[np.intp]) -> NDArray[np.float64]:
        if self.table is None:
            return _brightness(np.take(self.img, n, mode="clip"))
        return np.take(self.table, n - self.lo, mode="clip")


class _Around:
    """The 8 neighbours of a set of pixels (flat indices into an image ``w`` wide, ``h`` high)."""

    def __init__(
        self, idx: NDArray[np.intp], xs: NDArray[np.intp], ys: NDArray[np.intp], w: int, h: int
    ) -> None:
        self.idx, self.xs, self.ys, self.w, self.h = idx, xs, ys, w, h
        left, right, up, down = xs > 0, xs < w - 1, ys > 0, ys < h - 1
        self.inside_x: dict[int, Mask | None] = {-1: left, 0: None, 1: right}
        self.inside_y: dict[int, Mask | None] = {-1: up, 0: None, 1: down}
        # pixelmatch counts touching the image edge as one equal neighbour
        self.edge = (~(left & right & up & down)).astype(np.int8)

    def neighbours(self) -> Iterator[tuple[int, NDArray[np.intp], Mask | None]]:
        """(number, flat index, inside or None when always inside), in pixelmatch's order.

        An index outside the image may point anywhere (or out of range: read with ``take``'s
        ``mode="clip"``); ``inside`` says which to ignore."""
        for k, (dx, dy) in enumerate(_NEIGHBOURS):
            inside_x, inside_y = self.inside_x[dx], self.inside_y[dy]
            if inside_x is None or inside_y is None:
                inside = inside_y if inside_x is None else inside_x
            else:
                inside = inside_x & inside_y
            yield k, self.idx + (dy * self.w + dx), inside

    def missing(self) -> NDArray[np.int8]:
        """How many of the 8 neighbours are outside the image."""
        across = 1 + self._int(self.inside_x[-1]) + self._int(self.inside_x[1])
        down = 1 + self._int(self.inside_y[-1]) + self._int(self.inside_y[1])
        inside: NDArray[np.int8] = across * down - 1
        return 8 - inside

    @staticmethod
    def _int(mask: Mask | None) -> NDArray[np.int8]:
        assert mask is not None
        return mask.astype(np.int8)

    def equal_count(self, img: NDArray[np.uint32]) -> NDArray[np.int8]:
        """The edge plus the neighbours identical to the pixel, in ``img``."""
        value = img[self.idx]
        count = self.edge.copy()
        for _, n, inside in self.neighbours():
            same = np.take(img, n, mode="clip") == value
            count += same if inside is None else same & inside
        return count

    def subset(self, keep: NDArray[np.intp]) -> _Around:
        return _Around(self.idx[keep], self.xs[keep], self.ys[keep], self.w, self.h)

    def moved(self, keep: NDArray[np.intp], to: NDArray[np.intp]) -> _Around:
        """The pixels ``keep``'s neighbours number ``to``."""
        dx, dy = _STEPS_X[to], _STEPS_Y[to]
        xs, ys = self.xs[keep] + dx, self.ys[keep] + dy
        return _Around(self.idx[keep] + dy * self.w + dx, xs, ys, self.w, self.h)


def _antialiased(
    img: NDArray[np.uint32], other: NDArray[np.uint32], around: _Around, brightness: _Brightness
) -> Mask:
    """pixelmatch's ``antialiased(img, x, y, ..., other)`` for every pixel ``around.idx``."""
    result = np.zeros(around.idx.size, np.bool_)
    # Identical neighbours have equal brightness, so 3+ of them already rule anti-aliasing
    # out (pixelmatch's `zeroes > 2`): a cheap integer test that settles solid areas.
    rest = np.flatnonzero(around.equal_count(img) <= 2)
    if not rest.size:
        return result
    around = around.subset(rest)
    brightness.prepare(9 * rest.size)
    centre = brightness(around.idx)
    # Brightness deltas to the 8 neighbours, 0 for those outside the image. pixelmatch walks
    # them keeping the first strictly lower (higher) one; from 0, that is the first minimum
    # (maximum) when it is below (above) 0, and a 0 for an outside neighbour changes nothing.
    deltas = np.empty((len(_NEIGHBOURS), rest.size))
    for k, n, inside in around.neighbours():
        np.subtract(centre, brightness(n), out=deltas[k])
        if inside is not None:
            deltas[k] *= inside
    zeroes = around.edge + np.count_nonzero(deltas == 0, axis=0) - around.missing()
    low, high = deltas.min(axis=0), deltas.max(axis=0)
    pick = np.flatnonzero((zeroes <= 2) & (low < 0) & (high > 0))
    if not pick.size:
        return result
    low_at = deltas[:, pick].argmin(axis=0)  # the first of equals, as pixelmatch keeps
    high_at = deltas[:, pick].argmax(axis=0)
    del deltas
    answer = np.zeros(pick.size, np.bool_)
    for at in (low_at, high_at):
        todo = np.flatnonzero(~answer)
        spot = around.moved(pick[todo], at[todo])
        sure = np.flatnonzero(spot.equal_count(img) > 2)
        answer[todo[sure]] = spot.subset(sure).equal_count(other) > 2
    result[rest[pick]] = answer
    return result


# --- verdict ----------------------------------------------------------------------------------


def verdict(
    result: DiffResult,
    *,
    max_diff_pixels: int | None = None,
    max_diff_ratio: float | None = None,
) -> str | None:
    """``None`` when ``result`` passes, else what failed, for a person to read.

    With no limit no pixel may differ (Playwright's default). ``max_diff_pixels`` and
    ``max_diff_ratio`` (0–1, of the compared area) allow some; with both, the stricter one
    applies. A size mismatch always fails and is reported as such.
    """
    if max_diff_pixels is not None and max_diff_pixels < 0:
        raise ValueError(f"max_diff_pixels {max_diff_pixels!r} must be 0 or more")
    if max_diff_ratio is not None and not 0 <= max_diff_ratio <= 1:
        raise ValueError(f"max_diff_ratio {max_diff_ratio!r} must be between 0 and 1")
    area = result.width * result.height
    size = f"{result.width}×{result.height}"
    counted = f"{_pixels(result.diff_pixels)} differ ({_percent(result.ratio)} of {size})"
    where = f", in the box {_box(result.bbox)}" if result.bbox else ""
    if result.size_mismatch:
        (ew, eh), (aw, ah) = result.size_mismatch
        sizes = f"size differs: expected {ew}×{eh}, got {aw}×{ah}; "
        if not result.diff_pixels:
            return f"{sizes}the overlapping {size} match"
        counted = f"{_pixels(result.diff_pixels)} differ ({_percent(result.ratio)})"
        return f"{sizes}in the overlapping {size}, {counted}{where}"
    broken: list[tuple[float, str]] = []  # (pixels allowed, which limit) of the limits broken
    if max_diff_pixels is not None and result.diff_pixels > max_diff_pixels:
        broken.append((max_diff_pixels, f"max_diff_pixels={max_diff_pixels}"))
    if max_diff_ratio is not None and result.ratio > max_diff_ratio:
        broken.append((max_diff_ratio * area, f"max_diff_ratio={max_diff_ratio:g}"))
    if max_diff_pixels is None and max_diff_ratio is None and result.diff_pixels:
        broken.append((0, "no difference allowed"))
    if not broken:
        return None
    allowed, name = min(broken)  # both broken: report the stricter
    return f"{counted}, over the limit of {_pixels(math.floor(allowed + 1e-9))} ({name}){where}"


def _pixels(n: int) -> str:
    return f"{n:,} pixel" + ("" if n == 1 else "s")


def _percent(ratio: float) -> str:
    if ratio == 0:
        return "0%"
    return f"{ratio * 100:.3g}%" if ratio >= 1e-5 else f"{ratio * 100:.1e}%"


def _box(bbox: tuple[int, int, int, int]) -> str:
    left, top, right, bottom = bbox
    return f"({left}, {top})–({right}, {bottom}), {right - left}×{bottom - top} px"


# --- pictures ---------------------------------------------------------------------------------


def diff_image(expected: ImageLike, mask: Mask, aa_mask: Mask | None = None) -> Image.Image:
    """pixelmatch's diff picture: ``expected`` faded to a pale grey, counted pixels red and
    anti-aliased ones yellow. It covers the compared area (``mask``'s shape), so for images
    of different sizes it is the overlap."""
    from PIL import Image

    rgba = _as_rgba(expected, "expected")
    h, w = mask.shape
    if rgba.shape[0] < h or rgba.shape[1] < w:
        raise ValueError(
            f"the mask is {w}×{h}, larger than the image ({rgba.shape[1]}×{rgba.shape[0]})"
        )
    out = np.empty((h, w, 3), np.uint8)
    rows = max(1, BAND_PIXELS // max(w, 1))
    for top in range(0, h, rows):
        bottom = min(h, top + rows)
        part = rgba[top:bottom, :w].astype(np.float32)
        y = part[..., 0] * 0.29889531 + part[..., 1] * 0.58662247 + part[..., 2] * 0.11448223
        grey = 255 + (y - 255) * (FADE * part[..., 3] / 255)  # blended with white
        out[top:bottom] = grey.astype(np.uint8)[..., None]
    if aa_mask is not None:
        out[aa_mask] = AA_COLOUR
    out[mask] = DIFF_COLOUR
    return Image.fromarray(out)


def composite(
    expected: ImageLike,
    actual: ImageLike,
    diff: ImageLike,
    *,
    labels: tuple[str, str, str] = ("expected", "actual", "diff"),
) -> Image.Image:
    """The three pictures side by side on a grey backdrop, each labelled with its size.

    Pictures of different sizes are top-aligned; transparent pixels show over white, as the
    comparison sees them.
    """
    from PIL import Image, ImageDraw, ImageFont

    panels = [_as_pil(p) for p in (expected, actual, diff)]
    widest = max(p.width for p in panels)
    size = max(12, min(48, widest // 24))
    font = ImageFont.load_default(size=size)
    gap, bar = max(8, size // 2), size * 2
    width = sum(p.width for p in panels) + gap * (len(panels) + 1)
    height = max(p.height for p in panels) + bar + gap
    sheet = Image.new("RGB", (width, height), (96, 96, 96))
    draw = ImageDraw.Draw(sheet)
    x = gap
    for panel, label in zip(panels, labels, strict=True):
        draw.text((x, bar // 4), f"{label}  {panel.width}x{panel.height}", fill="white", font=font)
        if panel.mode == "RGBA":
            sheet.paste((255, 255, 255), (x, bar, x + panel.width, bar + panel.height))
            sheet.paste(panel, (x, bar), panel)
        else:
            sheet.paste(panel.convert("RGB"), (x, bar))
        x += panel.width + gap
    return sheet


def _as_pil(image: ImageLike) -> Image.Image:
    from PIL import Image

    if isinstance(image, Image.Image):
        return image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
    return Image.fromarray(_as_rgba(image, "picture"))
