"""cxcheck.imagediff: pixelmatch's method, vectorised. Pure and fast: no browser."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cxcheck.checks.visual.imagediff import (
    DiffResult,
    ImageError,
    compare,
    compare_masks,
    composite,
    diff_image,
    load_rgba,
    verdict,
)
from cxcheck.model.errors import CxError

Array = np.ndarray[Any, np.dtype[np.uint8]]


def blank(w: int = 60, h: int = 40, colour: tuple[int, ...] = (255, 255, 255, 255)) -> Array:
    return np.full((h, w, 4), colour, np.uint8)


def shapes(shift: int, scale: int = 8) -> Image.Image:
    """A circle and a triangle drawn 8× larger and scaled down: anti-aliased edges; ``shift``
    moves them by ``shift / scale`` of a pixel."""
    big = Image.new("RGB", (64 * scale, 48 * scale), "white")
    draw = ImageDraw.Draw(big)
    s, dx = scale, shift
    draw.ellipse([10 * s + dx, 8 * s, 40 * s + dx, 38 * s], fill=(30, 60, 200))
    draw.polygon([(44 * s + dx, 40 * s), (60 * s + dx, 6 * s), (62 * s + dx, 40 * s)],
                 fill=(200, 40, 40))  # fmt: skip
    return big.resize((64, 48), Image.Resampling.BOX)


def png(pixels: Array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def test_identical_images_have_no_difference() -> None:
    a = np.asarray(shapes(0))
    result, mask = compare(a, a.copy())
    assert result == DiffResult(64, 48, 0, 0, 0.0, None, None)
    assert result.identical
    assert mask.shape == (48, 64) and not mask.any()
    assert verdict(result) is None


def test_a_changed_block_is_counted_with_its_exact_box() -> None:
    a = blank()
    b = a.copy()
    b[30:36, 20:30] = (220, 0, 0, 255)  # rows 30-35, columns 20-29
    result, mask = compare(a, b)
    assert result.diff_pixels == 60 and result.aa_pixels == 0
    assert result.bbox == (20, 30, 30, 36)
    assert result.ratio == pytest.approx(60 / (60 * 40))
    assert not result.identical
    assert mask.sum() == 60 and mask[30:36, 20:30].all()
    # PIL images are accepted as well as arrays
    assert compare(Image.fromarray(a), Image.fromarray(b))[0] == result


def test_a_sub_pixel_shift_of_anti_aliased_edges_is_anti_aliasing_not_a_difference() -> None:
    a, b = shapes(0), shapes(4)  # half a pixel to the right
    assert np.asarray(a).tobytes() != np.asarray(b).tobytes()
    diff = compare_masks(a, b)
    assert diff.result.diff_pixels == 0
    assert diff.result.aa_pixels > 50
    assert diff.aa_mask.sum() == diff.result.aa_pixels and not diff.mask.any()
    assert verdict(diff.result) is None
    # include_aa counts them instead
    counted, _ = compare(a, b, include_aa=True)
    assert counted.diff_pixels == diff.result.aa_pixels and counted.aa_pixels == 0


def test_a_solid_shift_by_whole_pixels_is_a_real_difference() -> None:
    a = blank()
    a[10:20, 10:20] = (0, 0, 0, 255)
    b = blank()
    b[10:20, 13:23] = (0, 0, 0, 255)
    result, _ = compare(a, b)
    assert result.diff_pixels == 60 and result.bbox == (10, 10, 23, 20)


def test_threshold_is_the_yiq_distance_pixelmatch_uses() -> None:
    # grey 255 -> 250: squared YIQ distance 0.5053 * 5² = 12.63; counted when > 35215 t²
    a, b = blank(), blank(colour=(250, 250, 250, 255))
    assert compare(a, b, threshold=0.018)[0].diff_pixels == 60 * 40
    assert compare(a, b, threshold=0.02)[0].diff_pixels == 0
    assert compare(a, b)[0].diff_pixels == 0  # default 0.2
    assert compare(a, b, threshold=0)[0].diff_pixels == 60 * 40
    with pytest.raises(ValueError, match="between 0 and 1"):
        compare(a, b, threshold=1.5)


def test_transparency_is_blended_over_white_like_pixelmatch() -> None:
    # fully transparent pixels all look white, whatever their colour bytes
    result, _ = compare(blank(colour=(255, 0, 0, 0)), blank(colour=(0, 0, 255, 0)))
    assert result.diff_pixels == 0
    assert compare(blank(colour=(0, 0, 0, 0)), blank())[0].diff_pixels == 0
    # black at alpha 128 blends to grey 127: the same as opaque grey 127
    assert (
        compare(blank(colour=(0, 0, 0, 128)), blank(colour=(127, 127, 127, 255)))[0].diff_pixels
        == 0
    )
    # but transparent and opaque black differ
    assert compare(blank(colour=(0, 0, 0, 0)), blank(colour=(0, 0, 0, 255)))[0].diff_pixels == 2400
    # RGB and grey arrays are taken as opaque
    rgb = np.full((40, 60, 3), 255, np.uint8)
    assert compare(rgb, blank())[0].identical
    assert compare(np.full((40, 60), 255, np.uint8), blank())[0].identical


def _result(diff_pixels: int, w: int = 100, h: int = 100) -> DiffResult:
    bbox = (5, 6, 15, 11) if diff_pixels else None
    return DiffResult(w, h, diff_pixels, 0, diff_pixels / (w * h), bbox)


def test_verdict_without_limits_allows_no_pixel() -> None:
    assert verdict(_result(0)) is None
    message = verdict(_result(50))
    assert message is not None
    assert "50 pixels differ (0.5% of 100×100)" in message
    assert "over the limit of 0 pixels" in message
    assert "(5, 6)–(15, 11), 10×5 px" in message


def test_verdict_applies_the_stricter_of_two_limits() -> None:
    fifty = _result(50)  # 0.5 % of 10,000
    assert verdict(fifty, max_diff_pixels=50) is None  # the limit itself is allowed
    assert verdict(fifty, max_diff_pixels=100, max_diff_ratio=0.01) is None
    by_ratio = verdict(fifty, max_diff_pixels=100, max_diff_ratio=0.001)  # ratio: 10 pixels
    assert by_ratio is not None
    assert "over the limit of 10 pixels (max_diff_ratio=0.001)" in by_ratio
    by_count = verdict(fifty, max_diff_pixels=20, max_diff_ratio=0.01)  # ratio: 100 pixels
    assert by_count is not None
    assert "over the limit of 20 pixels (max_diff_pixels=20)" in by_count
    assert verdict(fifty, max_diff_ratio=0.005) is None
    assert verdict(fifty, max_diff_ratio=0.0049) is not None
    with pytest.raises(ValueError, match="max_diff_ratio"):
        verdict(fifty, max_diff_ratio=2)
    with pytest.raises(ValueError, match="max_diff_pixels"):
        verdict(fifty, max_diff_pixels=-1)


def test_a_size_mismatch_always_fails_and_compares_the_overlap() -> None:
    a = blank(39, 200)
    b = blank(39, 210)
    b[205:, :] = (0, 0, 0, 255)  # outside the overlap: not in the counts
    b[0:2, 0:3] = (0, 0, 0, 255)
    result, mask = compare(a, b)
    assert result.size_mismatch == ((39, 200), (39, 210))
    assert (result.width, result.height) == (39, 200) and mask.shape == (200, 39)
    assert result.diff_pixels == 6 and result.bbox == (0, 0, 3, 2)
    assert not result.identical
    message = verdict(result, max_diff_pixels=10**6, max_diff_ratio=1.0)
    assert message is not None
    assert message.startswith("size differs: expected 39×200, got 39×210")
    assert "6 pixels differ" in message
    same, _ = compare(blank(39, 200), blank(39, 210))
    assert (
        verdict(same) == "size differs: expected 39×200, got 39×210; the overlapping 39×200 match"
    )
    # widths differ too
    narrow, mask = compare(blank(30, 20), blank(40, 10))
    assert narrow.size_mismatch == ((30, 20), (40, 10)) and mask.shape == (10, 30)


def test_load_rgba_reads_pngs_of_any_mode_from_a_path_or_bytes(tmp_path: Path) -> None:
    pixels = np.asarray(shapes(0).convert("RGBA"))
    path = tmp_path / "shot.png"
    path.write_bytes(png(pixels))
    loaded = load_rgba(path)
    assert loaded.dtype == np.uint8 and loaded.shape == (48, 64, 4)
    assert np.array_equal(loaded, pixels) and loaded.flags.writeable
    assert np.array_equal(load_rgba(str(path)), pixels)
    assert np.array_equal(load_rgba(path.read_bytes()), pixels)
    for mode in ("RGB", "P", "LA", "L"):
        buffer = io.BytesIO()
        Image.fromarray(pixels).convert(mode).save(buffer, "PNG")
        expected = np.asarray(Image.fromarray(pixels).convert(mode).convert("RGBA"))
        assert np.array_equal(load_rgba(buffer.getvalue()), expected), mode


def test_corrupt_truncated_and_missing_images_raise_image_error_naming_the_file(
    tmp_path: Path,
) -> None:
    data = png(np.asarray(shapes(0).convert("RGBA")))
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match=r"truncated\.png: the image is truncated") as info:
        load_rgba(truncated)
    assert isinstance(info.value, CxError)
    assert "record it again" in str(info.value)

    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20)
    with pytest.raises(ImageError, match=r"corrupt\.png: "):
        load_rgba(corrupt)
    start = data.index(b"IDAT") + 4
    for where in (20, start + 20):  # in the header, in the pixel data
        damaged = bytearray(data)
        damaged[where] ^= 0xFF
        with pytest.raises(ImageError, match=r"the image bytes: the (PNG|image) is corrupt"):
            load_rgba(bytes(damaged))

    text = tmp_path / "notes.png"
    text.write_text("hello")
    with pytest.raises(ImageError, match=r"notes\.png: not an image \(it starts b'hello'\)"):
        load_rgba(text)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(ImageError, match=r"empty\.png: the image file is empty"):
        load_rgba(empty)
    lfs = tmp_path / "lfs.png"
    lfs.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n")
    with pytest.raises(ImageError, match="git lfs pull"):
        load_rgba(lfs)
    with pytest.raises(ImageError, match=r"missing\.png: no such image file"):
        load_rgba(tmp_path / "missing.png")


def test_diff_image_fades_expected_and_paints_changes_red_and_anti_aliasing_yellow() -> None:
    a = blank()
    a[:, :30] = (0, 0, 0, 255)
    b = a.copy()
    b[5:8, 40:45] = (0, 200, 0, 255)
    diff = compare_masks(a, b)
    aa = np.zeros_like(diff.mask)
    aa[20, 50] = True
    picture = np.asarray(diff_image(a, diff.mask, aa))
    assert picture.shape == (40, 60, 3)
    assert (picture[5:8, 40:45] == (255, 0, 0)).all()
    assert (picture[20, 50] == (255, 255, 0)).all()
    assert (picture[0, 0] == (229, 229, 229)).all()  # black faded: 255 - 255 * 0.1, truncated
    assert (picture[0, 59] == (255, 255, 255)).all()
    assert np.array_equal(np.asarray(diff.image(a)), np.asarray(diff_image(a, diff.mask)))
    # for different sizes it covers the compared area
    result = compare_masks(blank(60, 40), blank(60, 30))
    assert diff_image(blank(60, 40), result.mask).size == (60, 30)


def test_composite_puts_three_pictures_of_different_heights_side_by_side() -> None:
    expected, actual = blank(60, 40), blank(60, 70, (0, 0, 0, 255))
    picture = composite(
        expected, Image.fromarray(actual), diff_image(expected, np.zeros((40, 60), bool))
    )
    assert picture.mode == "RGB"
    assert picture.width > 180 and picture.height > 70
    pixels = np.asarray(picture)
    # small pictures: 12 px labels, 8 px gaps, a 24 px label bar; panels are top-aligned
    assert picture.size == (8 + 60 + 8 + 60 + 8 + 60 + 8, 24 + 70 + 8)
    assert (pixels[24 + 20, 8 + 30] == (255, 255, 255)).all()  # expected
    assert (pixels[24 + 60, 8 + 30] == (96, 96, 96)).all()  # the backdrop under it
    assert (pixels[24 + 60, 76 + 30] == (0, 0, 0)).all()  # the taller actual
    labelled = composite(expected, actual, expected, labels=("before", "after", "changes"))
    assert labelled.size == picture.size


def test_empty_images_compare_as_equal() -> None:
    empty = np.zeros((0, 5, 4), np.uint8)
    result, mask = compare(empty, empty)
    assert result == DiffResult(5, 0, 0, 0, 0.0, None) and mask.shape == (0, 5)


def test_bad_inputs_are_explained() -> None:
    with pytest.raises(ValueError, match="dtype float64"):
        compare(np.zeros((4, 4, 4)), blank(4, 4))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shape"):
        compare(np.zeros((4, 4, 2), np.uint8), blank(4, 4))
    with pytest.raises(TypeError, match="load_rgba"):
        compare("a.png", blank(4, 4))  # type: ignore[arg-type]


def _scenes() -> list[tuple[str, Image.Image, Image.Image]]:
    rng = np.random.default_rng(2024)
    scenes = [("sub-pixel shift", shapes(0), shapes(4)), ("1/8 px shift", shapes(0), shapes(1))]
    # strokes and rounded blocks (some translucent) drawn at 4x, moved half a pixel, one recoloured
    for seed in range(3):
        r = np.random.default_rng(seed)
        frames = []
        for shift in (0, 2):  # half a pixel once scaled down
            big = Image.new("RGBA", (320, 240), (250, 250, 252, 255))
            draw = ImageDraw.Draw(big)
            for k in range(14):
                x, y = (int(v) for v in r.integers(0, 300, 2))
                red, green, blue = (int(c) for c in r.integers(0, 256, 3))
                colour = (red, green, blue, int(r.integers(90, 256)))
                draw.line([x + shift, y, x + 60 + shift, y + k], fill=colour, width=3)
                draw.rounded_rectangle([x, y + shift, x + 30, y + 20 + shift], 6, fill=colour)
            frames.append(big.resize((80, 60), Image.Resampling.BOX))
            r = np.random.default_rng(seed)  # the same drawing, shifted
        changed = np.asarray(frames[1]).copy()
        changed[10:14, 5:25] = (10, 120, 10, 255)
        scenes.append((f"strokes {seed}", frames[0], Image.fromarray(changed)))
    # noise with few levels: many equal neighbours, semi-transparent
    for k in range(2):
        a = rng.integers(0, 4, (40, 50, 4), dtype=np.uint8) * 85
        b = a.copy()
        flip = rng.random((40, 50)) < 0.3
        b[flip] = rng.integers(0, 4, (int(flip.sum()), 4), dtype=np.uint8) * 85
        if k:
            a[..., 3] = b[..., 3] = 255
        scenes.append((f"noise {k}", Image.fromarray(a), Image.fromarray(b)))
    # pixels on every edge and corner: 1- and 2-pixel-wide images
    for h, w in ((1, 1), (1, 9), (9, 1), (2, 2), (2, 7), (6, 3)):
        a = rng.integers(0, 3, (h, w, 4), dtype=np.uint8) * 127
        a[..., 3] = 255
        b = a.copy()
        flip = rng.random((h, w)) < 0.5
        b[flip, :3] = rng.integers(0, 3, (int(flip.sum()), 3), dtype=np.uint8) * 127
        scenes.append((f"{w}x{h}", Image.fromarray(a), Image.fromarray(b)))
    return scenes


@pytest.mark.parametrize("threshold", [0.1, 0.2])
def test_counts_and_masks_agree_with_the_pypi_pixelmatch(threshold: float) -> None:
    pm = pytest.importorskip("pixelmatch.contrib.PIL")
    for name, a, b in _scenes():
        output = Image.new("RGBA", a.size)
        expected = pm.pixelmatch(a, b, output, threshold=threshold)
        diff = compare_masks(a, b, threshold=threshold)
        assert diff.result.diff_pixels == expected, name
        # pixelmatch paints counted pixels red and anti-aliased ones yellow
        painted = np.asarray(output)[..., :3]
        red = (painted == (255, 0, 0)).all(axis=2)
        yellow = (painted == (255, 255, 0)).all(axis=2)
        assert np.array_equal(diff.mask, red), name
        assert np.array_equal(diff.aa_mask, yellow), name
        assert pm.pixelmatch(a, b, threshold=threshold, includeAA=True) == (
            compare(a, b, threshold=threshold, include_aa=True)[0].diff_pixels
        ), name
