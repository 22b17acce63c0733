"""The filmstrip PNG: step screenshots side by side, captioned, bad steps framed in red, and a
grey placeholder for every screenshot that is skipped, missing or unreadable. Pure Pillow."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from cxcheck.journey import filmstrip as fs
from cxcheck.journey.filmstrip import FILMSTRIP_FILE, FRAME, GAP, MIN_SHOT_WIDTH, make_filmstrip
from cxcheck.model.results import StepRecord

PHONE = (1170, 2532)


def jpeg(folder: Path, name: str, size: tuple[int, int], colour: tuple[int, int, int]) -> str:
    """A screenshot-like JPEG: a coloured page with white rows of text on it."""
    im = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(im)
    row = max(size[1] // 20, 12)
    for y in range(0, size[1], row):
        draw.rectangle((size[0] // 20, y + 4, size[0] * 19 // 20, y + row * 2 // 3), fill="white")
        draw.text((size[0] // 10, y + 8), f"Product {y} · add to basket", fill="black")
    folder.mkdir(parents=True, exist_ok=True)
    im.save(folder / name, quality=70)
    return name


def step(index: int, name: str, shot: str | None, *, status: str = "passed",
         duration: float = 1.24, budget: float | None = 3.0) -> StepRecord:  # fmt: skip
    return StepRecord(index, name, budget, duration_s=duration, status=status, screenshot=shot)


def caption_height() -> int:
    return 4 + fs.CAPTION_LINES * fs._line_height(fs._font(fs.CAPTION_SIZE))


def tile_lefts(widths: list[int]) -> list[int]:
    """Where each tile (frame included) starts, given its shot widths."""
    lefts, x = [], GAP
    for w in widths:
        lefts.append(x)
        x += w + 2 * FRAME + GAP
    return lefts


def pixels(im: Image.Image) -> list[tuple[int, int, int]]:
    data = im.convert("RGB").tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def is_red(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return r > 150 and g < 100 and b < 100


def test_no_steps_gives_no_strip(tmp_path: Path) -> None:
    assert make_filmstrip([], tmp_path) is None
    assert not (tmp_path / FILMSTRIP_FILE).exists()


def test_tiles_share_one_height_and_the_strip_is_their_widths_plus_gaps(tmp_path: Path) -> None:
    steps = [
        step(1, "open", jpeg(tmp_path, "phone.jpg", PHONE, (40, 90, 200))),
        step(2, "search", jpeg(tmp_path, "desktop.jpg", (1920, 1080), (40, 160, 90))),
        step(3, "scroll", jpeg(tmp_path, "fullpage.jpg", (300, 6000), (200, 160, 40))),
        step(4, "basket", jpeg(tmp_path, "square.jpg", (600, 720), (120, 40, 160))),
    ]
    path = make_filmstrip(steps, tmp_path)
    assert path == tmp_path / FILMSTRIP_FILE
    # 1170×2532 scaled to 360 high; 1920×1080 capped at 320 wide; 300×6000 widened to the
    # minimum; 600×720 scaled to 360 high.
    widths = [166, 320, MIN_SHOT_WIDTH, 300]
    with Image.open(path) as im:
        assert im.format == "PNG"
        assert im.width == GAP + sum(w + 2 * FRAME + GAP for w in widths)
        assert im.height == GAP + FRAME + 360 + FRAME + caption_height() + GAP
        assert fs._line_height(fs._font(fs.CAPTION_SIZE)) == 18  # Pillow's scalable font: 460
        strip = im.convert("RGB")
    # The gaps between tiles are blank canvas top to bottom: no tile or caption spills over.
    for left, w in zip(tile_lefts(widths)[1:], widths, strict=False):
        for y in range(strip.height):
            assert strip.getpixel((left - GAP // 2, y)) == fs.CANVAS
        assert w > 0
    # The desktop shot is letterboxed: grey above and below it, its colour in the middle.
    x = tile_lefts(widths)[1] + FRAME + 160
    assert strip.getpixel((x, GAP + FRAME + 5)) == fs.LETTERBOX
    assert strip.getpixel((x, GAP + FRAME + 180)) != fs.LETTERBOX
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]  # no temporary file left


def test_a_failed_step_is_framed_and_captioned_in_red_a_passed_one_is_not(tmp_path: Path) -> None:
    steps = [
        step(1, "open", jpeg(tmp_path, "a.jpg", PHONE, (40, 90, 200))),
        step(2, "pay", jpeg(tmp_path, "b.jpg", PHONE, (40, 90, 200)), status="failed"),
        step(3, "slow", jpeg(tmp_path, "c.jpg", PHONE, (40, 90, 200)), duration=4.5),
    ]
    path = make_filmstrip(steps, tmp_path)
    assert path is not None
    strip = Image.open(path).convert("RGB")
    lefts = tile_lefts([166, 166, 166])
    frame_top, frame_bottom = GAP, GAP + 360 + 2 * FRAME

    def frame_pixels(left: int) -> list[tuple[int, ...]]:
        ring = []
        for y in range(frame_top, frame_bottom):
            for dx in range(FRAME):  # the left and right sides of the frame, full thickness
                ring += [strip.getpixel((left + dx, y)), strip.getpixel((left + 173 - dx, y))]
        return ring  # type: ignore[return-value]

    def caption_has_red(left: int) -> bool:
        box = (left, frame_bottom, left + 174, strip.height - GAP)
        return any(is_red(p) for p in pixels(strip.crop(box)))

    assert all(is_red(p) for p in frame_pixels(lefts[1]))  # failed: a solid 4 px red frame
    assert not any(is_red(p) for p in frame_pixels(lefts[0]))  # passed: no red at all
    assert caption_has_red(lefts[1])
    assert not caption_has_red(lefts[0])
    assert all(is_red(p) for p in frame_pixels(lefts[2]))  # over budget counts as bad
    assert caption_has_red(lefts[2])


def test_captions_say_number_name_time_against_budget_and_what_went_wrong() -> None:
    font = fs._font(fs.CAPTION_SIZE)
    passed = fs._caption(step(3, "add to basket", "x.jpg"), font, 300, False)
    assert [line for line, _ in passed] == ["3 · add to basket", "1.24 s of 3 s"]
    over = step(4, "pay", "x.jpg", status="failed", duration=4.5)
    lines = fs._caption(over, font, 300, True)
    assert [line for line, _ in lines] == ["4 · pay", "4.50 s of 3 s", "failed · over budget"]
    assert all(colour == fs.RED for _, colour in lines)
    quick = fs._caption(step(1, "open", None, duration=0.25, budget=None), font, 300, False)
    assert [line for line, _ in quick] == ["1 · open", "250 ms"]


def test_long_names_wrap_to_two_lines_and_end_in_an_ellipsis() -> None:
    font = fs._font(fs.CAPTION_SIZE)
    name = "fill in the delivery address and choose the fastest shipping option available"
    lines = fs._wrap(f"7 · {name}", font, 166, 2)
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert all(font.getlength(line) <= 166 for line in lines)
    unbroken = fs._wrap("x" * 500, font, 100, 2)  # one long word is cut, not overflowed
    assert len(unbroken) == 2 and all(font.getlength(line) <= 100 for line in unbroken)
    assert fs._wrap("3 · open", font, 166, 2) == ["3 · open"]


@pytest.mark.parametrize(
    ("shot", "content", "status"),
    [
        ("gone.jpg", None, "failed"),  # never written
        ("cut.jpg", "truncated", "passed"),
        ("notes.jpg", b"this is not an image", "passed"),
        (None, None, "skipped"),
    ],
    ids=["missing", "truncated", "not-an-image", "skipped"],
)
def test_a_screenshot_that_cannot_be_shown_becomes_a_grey_placeholder(
    tmp_path: Path, shot: str | None, content: bytes | str | None, status: str
) -> None:
    first = jpeg(tmp_path, "first.jpg", PHONE, (40, 90, 200))
    if content == "truncated":
        whole = (tmp_path / first).read_bytes()
        (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) // 3])
    elif isinstance(content, bytes):
        (tmp_path / "notes.jpg").write_bytes(content)
    steps = [step(1, "open", first), step(2, "next", shot, status=status)]
    path = make_filmstrip(steps, tmp_path)
    assert path is not None
    strip = Image.open(path).convert("RGB")
    # The placeholder takes the width of the other shots, and is grey where the shot would be.
    assert strip.width == GAP + 2 * (166 + 2 * FRAME + GAP)
    left = tile_lefts([166, 166])[1] + FRAME
    for x, y in [(2, 2), (160, 2), (2, 350), (160, 350), (80, 40)]:
        assert strip.getpixel((left + x, GAP + FRAME + y)) == fs.PLACEHOLDER
    middle = strip.crop((left, GAP + FRAME + 150, left + 166, GAP + FRAME + 210))
    assert any(p != fs.PLACEHOLDER for p in pixels(middle))  # it says why there is no shot


def test_a_title_goes_above_the_tiles_on_at_most_two_lines(tmp_path: Path) -> None:
    steps = [step(1, "open", jpeg(tmp_path, "a.jpg", PHONE, (40, 90, 200)))]
    title_line = fs._line_height(fs._font(fs.TITLE_SIZE))
    sizes = {}
    for title in (None, "checkout · 3g", "tests/test_shop.py::test_checkout[iphone-13-3g] " * 5):
        path = make_filmstrip(steps, tmp_path, title=title)
        assert path is not None
        strip = Image.open(path).convert("RGB")
        sizes[title and len(title)] = strip.size
        if title:
            top = strip.crop((0, 0, strip.width, GAP + title_line))
            assert any(p != fs.CANVAS for p in pixels(top))
    plain, short, long = sizes.values()
    assert short == (plain[0], plain[1] + title_line + GAP)  # one line
    assert long == (plain[0], plain[1] + 2 * title_line + GAP)  # wrapped, then ellipsized


def test_the_same_steps_give_the_same_bytes(tmp_path: Path) -> None:
    steps = [
        step(1, "open", jpeg(tmp_path, "a.jpg", PHONE, (40, 90, 200))),
        step(2, "pay", "missing.jpg", status="failed"),
    ]
    first = make_filmstrip(steps, tmp_path / "one", title="t")
    second = make_filmstrip(steps, tmp_path / "two", title="t")
    assert first is not None and second is not None
    assert first.read_bytes() == second.read_bytes()


def test_without_freetype_the_bitmap_font_draws_any_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bitmap = ImageFont.load_default_imagefont()
    monkeypatch.setattr(fs, "_font", lambda size: bitmap)
    steps = [
        step(1, "ouvrir la page d'accueil — café → panier ✓ 日本語 …", None, status="skipped"),
        step(2, "payer", jpeg(tmp_path, "a.jpg", PHONE, (40, 90, 200)), status="failed"),
    ]
    path = make_filmstrip(steps, tmp_path, title="test × réseau 3G")
    assert path is not None and path.is_file()


def test_twelve_phone_steps_are_quick_and_small(tmp_path: Path) -> None:
    shots = [jpeg(tmp_path, f"s{i}.jpg", PHONE, (20 * i, 90, 200)) for i in range(1, 13)]
    steps = [step(i, f"step {i} of the checkout", shot) for i, shot in enumerate(shots, start=1)]
    steps[-1].status = "failed"
    make_filmstrip(steps[:1], tmp_path / "warm")  # the font's first load is not the strip's time
    started = time.perf_counter()
    path = make_filmstrip(steps, tmp_path, title="tests/test_shop.py::test_checkout[iphone-13-3g]")
    elapsed = time.perf_counter() - started
    assert path is not None
    assert elapsed < 2.0  # loose: a behaviour check on a shared machine, not a benchmark
    assert path.stat().st_size < 2_000_000
    with Image.open(path) as im:
        assert im.width == GAP + 12 * (166 + 2 * FRAME + GAP)
