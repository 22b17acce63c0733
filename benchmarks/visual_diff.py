"""Visual diff: cxcheck.imagediff against the PyPI ``pixelmatch`` (pure Python) on real screenshots.

A long shop-like page (header, gradient hero, product cards with photo-like noise drawn on a
canvas, text, rounded buttons, SVG icons) is rendered by Chromium at 390×844 CSS px, device
scale 3, full page, at two heights: 1170×2532 and 1170×5001 device pixels. Three pairs each:

- identical: the page captured twice;
- anti-aliasing noise: the SVG shapes (circles, a rounded box, stars, a stroke) moved by 0.2
  CSS px (0.6 device px), so only their anti-aliased edges change. A couple of edge pixels over
  the hero's gradient still count, for both tools: pixelmatch's test wants flat colour around;
- a real change: another header colour and a coloured block in a card (which pushes the cards
  below it down, as an inserted element does).

Both tools compare the same decoded images at threshold 0.2 (anti-aliasing excluded); the
benchmark prints the counts, their difference, the verdicts (``imagediff.verdict`` on each
count, no counted pixel allowed: Playwright's default) and the times. Then the peak memory
of comparing two 3840×8000 full-page images (tiled from the screenshots), as a multiple of
one decoded RGBA image: ``compare`` alone under ``tracemalloc``, and loading both PNGs and
comparing them in a fresh process (the increase of its VmHWM, the kernel's high-water mark of
resident memory). It exits 1 when a verdict or a count disagrees or the memory is over its
target; time is only reported, as it depends on the machine's load.

    python benchmarks/visual_diff.py [--pixelmatch-budget 60] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from _common import browser, median
from cxcheck.checks.visual import imagediff

THRESHOLD = 0.2
SPEED_TARGET = 100.0  # ours at least this many times faster than pure-Python pixelmatch
MEMORY_TARGET = 10.0  # peak memory of a 4K comparison, in decoded RGBA images
BIG = (3840, 8000)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; }
  #page { height: %(height)dpx; overflow: hidden; }
  body { font: 15px/1.45 sans-serif; color: #222; background: #f6f7fb; }
  header { height: 56px; background: %(header)s; color: #fff; display: flex;
           align-items: center; padding: 0 16px; font-weight: bold; font-size: 19px; }
  .hero { height: 180px; background: linear-gradient(135deg, #ffafbd, #ffc3a0 40%%, #2193b0);
          margin: 12px; border-radius: 18px; position: relative; }
  .hero h1 { position: absolute; left: 20px; bottom: 12px; margin: 0; color: #fff;
             font-size: 28px; text-shadow: 0 1px 3px rgba(0,0,0,.4); }
  .card { background: #fff; margin: 12px; border-radius: 14px; padding: 12px;
          box-shadow: 0 1px 4px rgba(0,0,0,.15); display: flex; gap: 12px; }
  .card canvas { width: 110px; height: 110px; border-radius: 10px; flex: none; }
  .card p { margin: 4px 0; font-size: 13px; color: #555; }
  .price { font-weight: bold; color: #0b6e4f; }
  .btn { display: inline-block; padding: 6px 14px; border-radius: 16px; background: #1d3557;
         color: #fff; font-size: 13px; }
  svg { flex: none; }
  .deco { position: absolute; right: 0; top: 0; }
  .block { width: 90px; height: 40px; background: #ff006e; }
</style></head><body>
<div id="page"><header>cx shop</header>
<div class="hero"><svg class="deco" width="200" height="180" viewBox="0 0 200 180">
  <circle cx="%(c1)s" cy="70" r="52" fill="rgba(255,255,255,.35)"/>
  <circle cx="%(c2)s" cy="130" r="31" fill="#ffe66d"/>
  <rect x="%(c3)s" y="20" width="44" height="30" rx="9" fill="#2a9d8f"/></svg>
  <h1>Summer sale</h1></div>
<div id="cards"></div></div>
<script>{  // a block: set_content rewrites the document but keeps the script scope
  const SHIFT = %(shift)s;
  const STAR = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(i => {
    const r = i %% 2 ? 3.6 : 8, t = Math.PI * (i / 5 - 0.5);
    return `${(9 + SHIFT + r * Math.cos(t)).toFixed(3)},${(9 + r * Math.sin(t)).toFixed(3)}`;
  }).join(' ');
  const STARS = `<svg width="18" height="18"><polygon points="${STAR}" fill="#f4a261"/></svg>`
    .repeat(5);
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) %% 2147483647) / 2147483647;
  const cards = document.getElementById('cards');
  for (let n = 0; n < %(cards)d; n++) {
    const card = document.createElement('div');
    card.className = 'card';
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 330;
    const g = canvas.getContext('2d');
    const img = g.createImageData(330, 330);
    const base = [rnd() * 255, rnd() * 255, rnd() * 255];
    for (let i = 0; i < img.data.length; i += 4) {
      const p = i / 4, x = p %% 330, y = (p / 330) | 0;
      const wave = 60 * Math.sin(x / 23 + n) * Math.cos(y / 31);
      for (let c = 0; c < 3; c++) img.data[i + c] = base[c] * 0.6 + wave + rnd() * 70;
      img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    const text = document.createElement('div');
    text.innerHTML = `<b>Product ${n + 1}: a sturdy everyday thing</b>
      <p>Made to last, ships in two days. Free returns within 30 days, ${n * 3 + 4} reviews.</p>
      <p class="price">€${(19.9 + n * 7).toFixed(2)}</p>
      <svg width="28" height="28" viewBox="0 0 28 28"><circle cx="${14 + SHIFT}" cy="14" r="10"
        fill="#e63946"/><path d="M${6 + SHIFT} 22 L${22 + SHIFT} 6" stroke="#1d3557"
        stroke-width="2.5"/></svg> ${STARS}
      <span class="btn">Add to basket</span>`;
    if (%(change)s && n === 1) text.innerHTML += '<div class="block"></div>';
    card.append(canvas, text);
    cards.append(card);
  }
}</script></body></html>"""


@dataclass
class Pair:
    name: str
    expected: bytes  # PNG
    actual: bytes
    size: tuple[int, int]


def fill(params: dict[str, str], height_css: int, cards: int) -> dict[str, Any]:
    shift = float(params["shift"])
    return {**params, "height": height_css, "cards": cards,
            "c1": 140 + shift, "c2": 60 + shift, "c3": 20 + shift}  # fmt: skip


def render(height_css: int) -> dict[str, bytes]:
    """The page's three variants (and a second capture of the first) as PNG screenshots."""
    cards = (height_css - 260) // 200 + 1  # ~200 CSS px each; the last one is cut
    variants = {
        "base": {"shift": "0", "header": "#1d3557", "change": "false"},
        "again": {"shift": "0", "header": "#1d3557", "change": "false"},
        "aa": {"shift": "0.2", "header": "#1d3557", "change": "false"},
        "change": {"shift": "0", "header": "#c1121f", "change": "true"},
    }
    shots = {}
    with browser() as b:
        context = b.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
        page = context.new_page()
        for name, params in variants.items():
            page.set_content(PAGE % fill(params, height_css, cards))
            shots[name] = page.screenshot(full_page=True, type="png")
        context.close()
    return shots


def decoded(pair: Pair) -> tuple[Image.Image, Image.Image, float]:
    """Both PNGs decoded by Pillow, and how long that took (the same for both tools)."""
    started = time.perf_counter()
    a, b = Image.open(BytesIO(pair.expected)), Image.open(BytesIO(pair.actual))
    a.load()
    b.load()
    return a, b, time.perf_counter() - started


def time_ours(a: Image.Image, b: Image.Image, repeats: int = 5) -> tuple[Any, float]:
    """compare() on the decoded images (RGBA conversion included), median of ``repeats``."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result, _ = imagediff.compare(a, b, threshold=THRESHOLD)
        times.append(time.perf_counter() - started)
    return result, median(times)


def time_pixelmatch(a: Image.Image, b: Image.Image, budget_s: float) -> tuple[int, float, str]:
    """pixelmatch's count and time, once; if it would take over ``budget_s`` (estimated at
    2 µs a pixel), it runs on the top rows only and the time is extrapolated."""
    from pixelmatch.contrib.PIL import pixelmatch

    w, h = a.size
    how = "measured"
    if w * h * 2e-6 > budget_s:
        rows = max(1, int(budget_s / (w * 2e-6)))
        a, b = a.crop((0, 0, w, rows)), b.crop((0, 0, w, rows))
        how = f"EXTRAPOLATED from the top {rows} of {h} rows"
    started = time.perf_counter()
    count = pixelmatch(a, b, threshold=THRESHOLD, includeAA=False)
    took = time.perf_counter() - started
    if a.size[1] != h:
        took *= h / a.size[1]
        count = -1  # a crop's count is not comparable
    return int(count), took, how


MEMORY_CHILD = r"""
import json, sys, time, tracemalloc
from cxcheck.checks.visual import imagediff


def vm(key):  # VmRSS / VmHWM of this process, in bytes (ru_maxrss would include the parent's)
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024


base = vm("VmHWM")
a = imagediff.load_rgba(sys.argv[1])
b = imagediff.load_rgba(sys.argv[2])
loaded, loading = vm("VmRSS"), vm("VmHWM")
tracemalloc.start()
started = time.perf_counter()
diff = imagediff.compare_masks(a, b, threshold=0.2)
took = time.perf_counter() - started
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"hwm": vm("VmHWM") - base, "loaded": loaded - base, "traced": traced,
                  "loading": loading - base,
                  "image": a.nbytes, "diff_pixels": diff.result.diff_pixels,
                  "aa": diff.result.aa_pixels, "took": took}))
"""


def big_pairs(base: bytes, aa: bytes, changed: bytes, folder: Path) -> list[tuple[str, Path, Path]]:
    """3840×8000 PNGs tiled from the 1170-wide screenshots (3.3 across, 1.6 down), plus the
    worst case for memory: every pixel differs (the colours inverted)."""

    def tiled(png: bytes) -> np.ndarray[Any, np.dtype[np.uint8]]:
        tile = imagediff.load_rgba(png)
        reps = (-(-BIG[1] // tile.shape[0]), -(-BIG[0] // tile.shape[1]), 1)
        return np.tile(tile, reps)[: BIG[1], : BIG[0]]

    def save(name: str, pixels: np.ndarray[Any, np.dtype[np.uint8]]) -> Path:
        path = folder / f"{name}.png"
        Image.fromarray(pixels).save(path, compress_level=1)
        return path

    expected = tiled(base)
    inverted = expected.copy()
    inverted[..., :3] = 255 - inverted[..., :3]
    first = save("expected", expected)
    del expected
    return [
        ("anti-aliasing", first, save("aa", tiled(aa))),
        ("real change", first, save("change", tiled(changed))),
        ("every pixel differs", first, save("inverted", inverted)),
    ]


def measure_memory(expected: Path, actual: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(expected), str(actual)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"memory measurement failed:\n{done.stderr}")
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--pixelmatch-budget",
        type=float,
        default=60.0,
        help="seconds one pixelmatch run may take before it runs on a crop",
    )
    parser.add_argument("--keep", type=Path, help="write the screenshots here")
    args = parser.parse_args()
    bad: list[str] = []
    pairs: list[Pair] = []
    shots: dict[str, bytes] = {}
    for height_css in (844, 1667):
        shots = render(height_css)
        size = Image.open(BytesIO(shots["base"])).size
        tag = f"{size[0]}×{size[1]}"
        pairs += [
            Pair(f"{tag} identical", shots["base"], shots["again"], size),
            Pair(f"{tag} anti-aliasing", shots["base"], shots["aa"], size),
            Pair(f"{tag} real change", shots["base"], shots["change"], size),
        ]
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name, png in shots.items():
                (args.keep / f"{tag}-{name}.png").write_bytes(png)
    print(f"threshold {THRESHOLD}, anti-aliasing excluded; verdict: fails when any pixel counts")
    print(f"{'pair':<25} {'ours':>8} {'AA':>6} {'pixelmatch':>10} {'diff':>6} {'verdicts':>8} "
          f"{'ours ms':>8} {'pm s':>7} {'speed':>6} {'decode ms':>9} {'w/ decode':>9}")  # fmt: skip
    ratios, whole = [], []
    for pair in pairs:
        a, b, decode_s = decoded(pair)
        ours, ours_s = time_ours(a, b)
        pm, pm_s, how = time_pixelmatch(a, b, args.pixelmatch_budget)
        if pm >= 0:
            gap = abs(ours.diff_pixels - pm) / max(pm, 1) * 100
            theirs = imagediff.DiffResult(*pair.size, pm, 0, pm / (pair.size[0] * pair.size[1]),
                                          None)  # fmt: skip
            same = (imagediff.verdict(theirs) is None) == (imagediff.verdict(ours) is None)
            gap_text, verdicts = f"{gap:.2f}%", "equal" if same else "DIFFER"
            if not same:
                bad.append(f"{pair.name}: verdicts differ (ours {ours.diff_pixels}, pm {pm})")
            if gap > 1:
                bad.append(f"{pair.name}: counts differ by {gap:.2f} %")
        else:
            gap_text, verdicts = "n/a", "n/a"
        speed = pm_s / ours_s
        speed_whole = (pm_s + decode_s) / (ours_s + decode_s)
        if "identical" not in pair.name:
            ratios.append(speed)
            whole.append(speed_whole)
        print(f"{pair.name:<25} {ours.diff_pixels:>8,} {ours.aa_pixels:>6,} "
              f"{pm if pm >= 0 else 'crop':>10} {gap_text:>6} {verdicts:>8} "
              f"{ours_s * 1000:>8.1f} {pm_s:>7.2f} {speed:>5.0f}× {decode_s * 1000:>9.1f} "
              f"{speed_whole:>8.0f}×"
              + ("" if how == "measured" else f"  (pixelmatch {how})"))  # fmt: skip
    print(
        "times: both tools get the same decoded PIL images; ours = compare() (RGBA conversion"
        " included), median of 5; pm = pixelmatch.contrib.PIL.pixelmatch, one run; 'with"
        " decode' adds the PNG decoding of both images (Pillow, the same for both) to each"
    )
    print("identical pairs: both tools take a whole-image fast path, so no speed-up is expected")
    low = min(ratios)
    print(f"speed ratio on the differing pairs: {low:.0f}× to {max(ratios):.0f}× "
          f"(target >= {SPEED_TARGET:.0f}×{'' if low >= SPEED_TARGET else ', BELOW TARGET'}); "
          f"with decoding: {min(whole):.0f}× to {max(whole):.0f}×")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        print(f"\npeak memory comparing two {BIG[0]}×{BIG[1]} full-page images "
              f"(tiled from the 1170×5001 shots); 1× = one decoded RGBA image "
              f"({BIG[0] * BIG[1] * 4 / 1e6:.0f} MB)")  # fmt: skip
        for label, expected, actual in big_pairs(shots["base"], shots["aa"], shots["change"],
                                                 Path(tmp)):  # fmt: skip
            m = measure_memory(expected, actual)
            one = m["image"]
            print(f"  {label}: {m['diff_pixels']:,} counted, {m['aa']:,} anti-aliased pixels "
                  f"(compare() took {m['took']:.2f} s under tracemalloc)")  # fmt: skip
            print(f"    compare() on the two decoded images, tracemalloc peak: "
                  f"{m['traced'] / 1e6:6.1f} MB = {m['traced'] / one:.2f}×")  # fmt: skip
            print(f"    load_rgba both PNGs + compare(), process peak (VmHWM) increase: "
                  f"{m['hwm'] / 1e6:6.1f} MB = {m['hwm'] / one:.2f}×")  # fmt: skip
            print(f"      of which: the two decoded images held {m['loaded'] / one:.2f}×, "
                  f"peak while decoding them {m['loading'] / one:.2f}×")  # fmt: skip
            if m["hwm"] / one >= MEMORY_TARGET:
                bad.append(f"{label}: memory {m['hwm'] / one:.1f}× is over the "
                           f"{MEMORY_TARGET:g}× target")  # fmt: skip
    if bad:
        print("FAILED:\n  " + "\n  ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
