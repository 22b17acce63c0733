"""What having cxcheck installed costs a pytest session that does not use it.

Builds a small suite of plain tests (no cxcheck fixture, marker, option or ini value) in a temp
folder and times ``pytest --collect-only -q`` with the plugin and with ``-p no:cxcheck``,
alternating the two so that a busy machine slows both alike; prints the medians and their ratio
(the target: at most 1.05×), and the cxcheck modules such a session imports (only the plugin's
own, the ground floor's names, and each check's declarations; none of the profiles, checks,
load, report or Playwright).

    python benchmarks/startup.py [--runs 15] [--files 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEST_FILE = """\
import pytest


def test_add():
    assert 1 + 1 == 2


@pytest.mark.parametrize("n", range(5))
def test_param(n):
    assert n >= 0


class TestGroup:
    def test_method(self):
        assert "abc".upper() == "ABC"
"""

HEAVY = ("playwright", "locust", "PIL", "numpy", "axe_playwright_python", "cxcheck.checks",
         "cxcheck.load", "cxcheck.outputs.report", "cxcheck.config", "cxcheck.journey")  # fmt: skip


# What each check declares to the plugin (options, ini settings, marker keys, its fixture) is
# read whenever pytest starts: declarations only, importing the check itself when used.
DECLARATIONS = (".wiring", ".fixture", ".protocol")
LIGHT_PACKAGES = ("cxcheck.checks", "cxcheck.checks.a11y", "cxcheck.checks.layout",
                  "cxcheck.checks.visual", "cxcheck.load")  # fmt: skip


def _heavy(module: str) -> bool:
    if module.endswith(DECLARATIONS) or module in LIGHT_PACKAGES:
        return False
    return module.split(".")[0] in HEAVY or any(module.startswith(h + ".") for h in HEAVY)


def make_suite(folder: Path, files: int) -> None:
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for n in range(files):
        (folder / f"test_plain_{n:02d}.py").write_text(TEST_FILE, encoding="utf-8")


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CXCHECK_"))}
    out["PYTHONDONTWRITEBYTECODE"] = "0"
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def collect(folder: Path, *extra: str, cpu: list[float] | None = None) -> float:
    """Wall time of one session; its CPU time (user + system) is appended to ``cpu``."""
    args = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
            *extra]  # fmt: skip
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(args, cwd=folder, env=env(), check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    if cpu is not None:
        cpu.append(_children_cpu() - cpu_before)
    return wall


def imported_modules(folder: Path) -> list[str]:
    """The cxcheck and heavy modules a plain session imports (``python -X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pytest", "--collect-only", "-q",
         "-p", "no:cacheprovider"],
        cwd=folder, env=env(), check=True, capture_output=True, text=True,
    )  # fmt: skip
    names = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    return [n for n in names if n.startswith("cxcheck") or n.split(".")[0] in HEAVY
            or any(n == h or n.startswith(h + ".") for h in HEAVY)]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each (at least 10)")
    parser.add_argument("--files", type=int, default=30, help="plain test files in the suite")
    args = parser.parse_args(argv)
    runs = max(args.runs, 10)
    with tempfile.TemporaryDirectory(prefix="cxcheck-startup-") as tmp:
        folder = Path(tmp)
        make_suite(folder, args.files)
        collect(folder)  # warm-up: byte-code caches, the file system
        collect(folder, "-p", "no:cxcheck")
        with_plugin: list[float] = []
        without: list[float] = []
        cpu_with: list[float] = []
        cpu_without: list[float] = []
        for n in range(runs):
            # Alternating, and each pair in a different order, so drift hits both alike.
            pair = [(with_plugin, cpu_with, ()), (without, cpu_without, ("-p", "no:cxcheck"))]
            for times, cpu, extra in pair if n % 2 == 0 else reversed(pair):
                times.append(collect(folder, *extra, cpu=cpu))
        loaded = imported_modules(folder)
    med_with, med_without = statistics.median(with_plugin), statistics.median(without)
    ratio = med_with / med_without
    # Each pair ran back to back: the median of their ratios resists a machine busy in bursts.
    pair_ratio = statistics.median(w / wo for w, wo in zip(with_plugin, without, strict=True))
    print(f"plain suite: {args.files} files, {runs} runs each, pytest --collect-only -q")
    print(f"with cxcheck:     median {med_with * 1000:7.1f} ms "
          f"(min {min(with_plugin) * 1000:.1f})")  # fmt: skip
    print(f"-p no:cxcheck:    median {med_without * 1000:7.1f} ms "
          f"(min {min(without) * 1000:.1f})")  # fmt: skip
    low = min(with_plugin) / min(without)
    print(f"ratio of medians: {ratio:.3f}x; median of pair ratios: {pair_ratio:.3f}x; "
          f"ratio of minimums: {low:.3f}x (target <= 1.05x)")  # fmt: skip
    # CPU time is what the plugin itself costs; wall time also holds waiting for a busy machine.
    cpu_ratio = statistics.median(cpu_with) / statistics.median(cpu_without)
    print(f"CPU time (user + system): median {statistics.median(cpu_with) * 1000:.1f} ms vs "
          f"{statistics.median(cpu_without) * 1000:.1f} ms: {cpu_ratio:.3f}x")  # fmt: skip
    heavy = [m for m in loaded if _heavy(m)]
    print(f"cxcheck modules imported: {', '.join(m for m in loaded if m.startswith('cxcheck'))}")
    print(f"heavy modules imported: {', '.join(heavy) or 'none'}")
    return 0 if not heavy else 1


if __name__ == "__main__":
    raise SystemExit(main())
