"""HTML report speed: ``write_report`` on 2,000 synthetic results, and the page in Chromium.

The results are a realistic mix (80 % passed, failed, error, flaky with a failed first attempt,
skipped, not run), 5 steps each with Web Vitals, a few findings each, tracebacks on failures.
Every screenshot is the same small JPEG, so the benchmark times the report rather than the disk
(each result still gets its own hard link or copy, as in a real run).

- ``write_report``: wall time, median of N, against the 2 s target;
- the page opened from disk in headless Chromium: DOMContentLoaded and load, the HTML size, and
  how long a filter (an outcome chip, the first text search) and opening a panel take;
- the single-file report (``--cx-report-single-file``, every picture a data: URI in the page):
  its size, the time to write it and the time to open it (``load`` in Chromium). Printed, not
  held to a target: it grows with the pictures, which is the point of it.

    python benchmarks/report_speed.py [--items 2000] [--repeats 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import browser, median
from cxcheck.model.results import (
    FailedRequest,
    Finding,
    ItemResult,
    MachineLoad,
    RunResults,
    StepRecord,
    Vitals,
)
from cxcheck.outputs.report.page import write_report

TARGET_S = 2.0
DEVICES = ("iphone-13", "ipad-mini", "laptop-1366")
NETWORKS = ("slow-4g", "no-throttle")
STEPS = ("open home", "search", "open the product", "add to basket", "check out")
OUTCOMES = (("passed", 80), ("failed", 8), ("error", 3), ("flaky", 4), ("skipped", 2),
            ("not-run", 3))  # fmt: skip
SHOT = "step.jpg"
TRACEBACK = "".join(
    f'  File "tests/test_shop_{i}.py", line {40 + i}, in test_journey\n    page.click("#buy")\n'
    for i in range(12)
)


def _image(folder: Path) -> None:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (195, 422), (240, 242, 246)).save(folder / SHOT, "JPEG", quality=60)


def _steps(rng: random.Random, failed: bool) -> list[StepRecord]:
    steps = []
    for i, name in enumerate(STEPS, start=1):
        bad = failed and i == len(STEPS)
        step = StepRecord(
            index=i, name=name, budget_s=3.0, duration_s=round(rng.uniform(0.3, 2.6), 3),
            requests=rng.randint(5, 40), bytes=rng.randint(20_000, 900_000), screenshot=SHOT,
            vitals=Vitals(f"http://shop.test/{i}", rng.uniform(50, 400), rng.uniform(400, 2500),
                          rng.uniform(600, 4200), rng.uniform(0, 0.3), rng.uniform(40, 300)),
            findings=[Finding("console", f"Warning: slow image {i}", severity="warning",
                              target=f"http://shop.test/img/{i}.jpg")],
        )  # fmt: skip
        if bad:
            step.status, step.duration_s = "failed", 3.8
            step.error = "step 'check out' took 3.80 s, over its 3 s budget"
            step.console_errors = ["Uncaught TypeError: basket is undefined"]
            step.failed_requests = [
                FailedRequest("http://shop.test/api/order", "POST", 500, "Internal Error", True)
            ]
            step.findings += [
                Finding("budget", step.error, check="step-budget",
                        data={"measured_s": 3.8, "budget_s": 3.0}),
                Finding("failed-request", "POST /api/order answered 500",
                        target="http://shop.test/api/order", data={"status": 500}),
                Finding("a11y", "Buttons must have discernible text", severity="info",
                        check="button-name", data={"html": '<button class="x"></button>'}),
            ]  # fmt: skip
        if i == 1:
            step.findings.append(
                Finding("failed-request", "GET /beacon failed", severity="ignored",
                        target="https://analytics.example/beacon")
            )  # fmt: skip
        steps.append(step)
    return steps


def synthetic_run(items: int, evidence: Path, seed: int = 7) -> RunResults:
    rng = random.Random(seed)
    names = [o for o, _ in OUTCOMES]
    weights = [w for _, w in OUTCOMES]
    results: list[ItemResult] = []
    test = 0
    while len(results) < items:
        file = f"tests/test_shop_{test // 17:02d}.py"
        name = f"test_journey_{test:03d}"
        test += 1
        for device in DEVICES:
            for network in NETWORKS:
                if len(results) == items:
                    break
                cell = f"{device}-{network}"
                outcome = rng.choices(names, weights)[0]
                r = ItemResult(
                    nodeid=f"{file}::{name}[{cell}]", file=file, test=name, cell=cell,
                    device=device, network=network, engine="chromium", outcome=outcome,
                    duration_s=round(rng.uniform(2, 14), 2), started_at=1_760_000_000.0,
                    browser="chromium 156", worker=f"gw{rng.randint(0, 3)}",
                    load=MachineLoad(rng.uniform(0.2, 5), rng.uniform(0.2, 5), 4),
                )  # fmt: skip
                if outcome == "not-run":
                    r.device = r.network = r.load = None
                    r.duration_s, r.message = 0.0, "not run: the run was interrupted"
                    results.append(r)
                    continue
                failing = outcome in ("failed", "error")
                r.steps = _steps(rng, failing)
                r.evidence_dir, r.evidence = str(evidence), [SHOT]
                if failing:
                    r.message = f"JourneyStepError: step 'check out' of {name} over budget"
                    r.error = f"Traceback (most recent call last):\n{TRACEBACK}{r.message}"
                if outcome == "flaky":
                    first = ItemResult(
                        nodeid=r.nodeid, file=file, test=name, cell=cell, outcome="failed",
                        duration_s=9.0, message="TimeoutError: waiting for #basket",
                        steps=_steps(rng, True), evidence_dir=str(evidence), evidence=[SHOT],
                    )  # fmt: skip
                    r.attempts = [first]
                    r.message = "passed on attempt 2; attempt 1 failed: TimeoutError"
                if outcome == "skipped":
                    r.steps, r.message = [], "skipped: not on phones"
                r.findings = [Finding("check", f"{name}: price shown twice", severity="warning")]
                results.append(r)
    return RunResults(results=results, started_at=1_760_000_000.0, finished_at=1_760_000_900.0,
                      exit_status=1, base_url="http://127.0.0.1:8000/", browser="chromium 156",
                      cxcheck_version="0.1.0")  # fmt: skip


TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          nodes: document.getElementsByTagName('*').length};
}"""
CHIP = """() => {
  const t = performance.now();
  document.querySelector('#f-o input[value=passed]').click();
  document.body.offsetHeight;  // the layout the change causes
  return performance.now() - t;
}"""
SEARCH = """async () => {
  const q = document.getElementById('f-q');
  const count = document.getElementById('f-count');
  const before = count.textContent;
  q.value = 'add to basket 500';
  const t = performance.now();
  q.dispatchEvent(new Event('input'));
  while (count.textContent === before) {
    if (performance.now() - t > 10000) throw new Error('the filter did not apply');
    await new Promise(r => setTimeout(r, 1));
  }
  document.body.offsetHeight;
  return performance.now() - t - 150;  // minus the typing debounce
}"""
OPEN = """() => new Promise(done => {
  const t = performance.now();
  document.querySelector('#mx td.c.o-failed a').click();
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
})"""
# A passed result far down the list: its panel is built on demand, the first one unpacks them all.
OPEN_LAZY = """async () => {
  const links = document.querySelectorAll('#mx td.c.o-passed a');
  const a = links[links.length - 1];
  const body = document.getElementById(a.getAttribute('href').slice(1));
  const t = performance.now();
  a.click();
  while (body.hasAttribute('data-lazy')) {
    if (performance.now() - t > 10000) throw new Error('the panel was not built');
    await new Promise(r => setTimeout(r, 1));
  }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t;
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the last report here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _image(root / "evidence")
        run = synthetic_run(args.items, root / "evidence")
        counts = ", ".join(f"{n} {o}" for o, n in run.counts().items() if n)
        times = []
        for i in range(args.repeats):
            started = time.perf_counter()
            path = write_report(run, root / f"report-{i}")
            times.append(time.perf_counter() - started)
            print(f"  run {i + 1}/{args.repeats}: {times[-1]:.3f} s", file=sys.stderr, flush=True)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            path = write_report(run, args.keep)
        size = path.stat().st_size
        single_times = []
        for i in range(args.repeats):
            started = time.perf_counter()
            single = write_report(run, root / f"single-{i}", single_file=True)
            single_times.append(time.perf_counter() - started)
            print(f"  single-file run {i + 1}/{args.repeats}: {single_times[-1]:.3f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
        single_size = single.stat().st_size
        files = sum(1 for p in (path.parent / "files").rglob("*") if p.is_file())
        page: dict[str, Any] = {}
        with browser() as b:
            for _ in range(3):  # first open warms the browser's caches; keep the median
                context = b.new_context(viewport={"width": 1280, "height": 900})
                tab = context.new_page()
                tab.goto(path.as_uri(), wait_until="load")
                for key, value in tab.evaluate(TIMING).items():
                    page.setdefault(key, []).append(value)
                page.setdefault("chip", []).append(tab.evaluate(CHIP))
                tab.evaluate(CHIP)  # back on
                page.setdefault("search", []).append(tab.evaluate(SEARCH))
                tab.locator("#f-reset").click()
                page.setdefault("open", []).append(tab.evaluate(OPEN))
                page.setdefault("lazy", []).append(tab.evaluate(OPEN_LAZY))
                context.close()
                context = b.new_context(viewport={"width": 1280, "height": 900})
                tab = context.new_page()
                tab.goto(single.as_uri(), wait_until="load", timeout=120_000)
                timing = tab.evaluate(TIMING)
                page.setdefault("single_dcl", []).append(timing["dcl"])
                page.setdefault("single_load", []).append(timing["load"])
                context.close()
    took = median(times)
    print(f"HTML report of {len(run.results)} results ({counts}), 5 steps each")
    print(f"  write_report: median {took:.3f} s of {args.repeats} runs "
          f"(min {min(times):.3f}, max {max(times):.3f})")  # fmt: skip
    print(f"  ratio to the {TARGET_S:g} s target: {took / TARGET_S:.2f}  (target <= 1.0)")
    print(f"  index.html: {size / 1e6:.2f} MB, {int(median(page['nodes']))} elements; "
          f"{files} evidence files hard-linked or copied")  # fmt: skip
    print("  in headless Chromium, opened from disk (median of 3):")
    print(f"    DOMContentLoaded: {median(page['dcl']):7.0f} ms")
    print(f"    load:             {median(page['load']):7.0f} ms")
    print(f"    outcome chip toggle (filter + layout): {median(page['chip']):5.0f} ms")
    print(f"    first text search (builds the index):  {median(page['search']):5.0f} ms")
    print(f"    open a failed result from the matrix:  {median(page['open']):5.0f} ms")
    print(f"    open a passed one built on demand:     {median(page['lazy']):5.0f} ms  "
          "(the first such open unpacks all)")  # fmt: skip
    pictures = sum(len(r.steps) + sum(len(a.steps) for a in r.attempts) for r in run.results)
    print(f"  single-file report (--cx-report-single-file, {pictures} step pictures inlined):")
    print(f"    write_report: median {median(single_times):.3f} s of {args.repeats} runs "
          f"(min {min(single_times):.3f}, max {max(single_times):.3f})")  # fmt: skip
    print(f"    index.html: {single_size / 1e6:.2f} MB ({single_size / size:.1f}× the report "
          "with files)")  # fmt: skip
    print(
        f"    opened in headless Chromium (median of 3): DOMContentLoaded "
        f"{median(page['single_dcl']):.0f} ms, load {median(page['single_load']):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
