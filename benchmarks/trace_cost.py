"""What tracing every test costs (``--cx-trace retain-on-failure``, the default) and how large a
trace is with each of Playwright's ``tracing.start()`` options.

1. **Time**: a passing test (the home page of the demo storefront,
   ``examples/test_performance.py``) on six phones in one session, run with ``--cx-trace off``
   and ``retain-on-failure`` alternately, so that a busy machine slows both alike; each test's
   own time (setup, call and teardown, from the results JSON; the first test of a session, which
   launches the browser, left out) as medians and their ratio.
2. **Size**: the same test and the Python checkout journey with the storefront's defects
   switched on (the 2.8 MB hero), traced (``--cx-trace on``) with screenshots and snapshots, each
   alone, and with sources too; the size of each ``trace.zip``.

    python benchmarks/trace_cost.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, median

EXAMPLES = ROOT / "examples"
PERFORMANCE = "test_performance.py::test_home_page_loads_within_budget[iphone-13-no-throttle]"
PHONES = "iphone-13,iphone-14,iphone-15,pixel-7,pixel-8,galaxy-s24"
JOURNEY = "test_checkout.py::test_checkout_journey[iphone-13-no-throttle]"
# tracing.start() options by name, set on cxcheck.outputs.evidence through a tiny plugin.
VARIANTS = {
    "screenshots + snapshots": (True, True, False),
    "snapshots only (cxcheck's default)": (False, True, False),
    "screenshots only": (True, False, False),
    "screenshots + snapshots + sources": (True, True, True),
}
PLUGIN = """
import cxcheck.outputs.evidence as evidence

def pytest_configure(config):
    shots, snaps, sources = {options}
    evidence.TRACE_SCREENSHOTS, evidence.TRACE_SNAPSHOTS, evidence.TRACE_SOURCES = (
        shots, snaps, sources)
"""


def run(folder: Path, tests: list[str], *args: str) -> dict[str, dict[str, object]]:
    """One pytest run of the examples; its results by test id."""
    out = folder / "results.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])}
    command = [sys.executable, "-m", "pytest", *(str(EXAMPLES / t) for t in tests),
               "--rootdir", str(EXAMPLES), "-q", "-p", "no:randomly", "-o",
               "cx_terminal_grid=false", f"--cx-json={out}",
               f"--cx-artifacts={folder / 'cx-artifacts'}", *args]  # fmt: skip
    subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    data = json.loads(out.read_text())
    return {r["nodeid"]: r for r in data["results"]}


def timing(runs: int) -> None:
    times: dict[str, list[float]] = {"off": [], "retain-on-failure": []}
    test = PERFORMANCE.split("[", 1)[0]
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            for mode in times:
                results = run(Path(tmp), [test], "--cx-trace", mode, "--cx-devices", PHONES,
                              "--cx-networks", "no-throttle")  # fmt: skip
                ordered = sorted(results.values(), key=lambda r: float(str(r["started_at"])))
                own = [float(str(r["duration_s"])) for r in ordered[1:]]
                times[mode] += own
                print(f"run {n + 1} {mode}: median {median(own):.3f} s", flush=True)
    off, kept = median(times["off"]), median(times["retain-on-failure"])
    print(f"one passing test, median of {len(times['off'])}: off {off:.3f} s, "
          f"retain-on-failure {kept:.3f} s ({kept / off:.3f}×, +{kept - off:.3f} s)")  # fmt: skip


def sizes() -> None:
    for name, options in VARIANTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "trace_variant.py").write_text(PLUGIN.format(options=options))
            run(folder, [PERFORMANCE, JOURNEY], "--cx-trace", "on", "-p", "trace_variant",
                "-o", "cx_server_env=CXSHOP_DEFECTS=heavy-hero")  # fmt: skip
            traces = sorted((folder / "cx-artifacts").glob("*/trace.zip"))
            shown = ", ".join(f"{t.parent.name.split('-')[0]} {t.stat().st_size / 1e6:.2f} MB"
                              for t in traces)  # fmt: skip
            print(f"{name}: {shown}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    timing(args.runs)
    sizes()


if __name__ == "__main__":
    main()
