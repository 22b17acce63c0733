"""``cxcheck check`` on 1,000 journey files: the wall time of the command, as a hook would run it.

The files are copies of the example checkout journey (5 steps, 19 actions), each with its own
name. Target: < 2 s for 1,000 files.

    python benchmarks/check_speed.py [--files 1000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import time_check

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    example = (ROOT / "examples" / "checkout.journey.yaml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(args.files):
            text = example.replace("name: checkout journey", f"name: checkout journey {n}")
            (folder / f"j{n:04d}.journey.yaml").write_text(text, encoding="utf-8")
        runs, _ = time_check(folder)
    best, worst = min(runs), max(runs)
    print(
        f"cxcheck check on {args.files} journey files: {best:.2f} s (3 runs, {best:.2f}-"
        f"{worst:.2f} s, interpreter start-up included), {best / args.files * 1000:.2f} ms "
        "per file"
    )
    met = best < TARGET_S
    print(f"target: < {TARGET_S:g} s: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
