"""Journey instrumentation: the checkout journey with cxcheck's step recording vs the same
Playwright calls bare, on the same matrix, unthrottled, screenshots on.

Both sides run the same seven-page checkout against the demo storefront (started once here, on
127.0.0.1), in fresh pytest processes, alternating, median of N runs:

- cxcheck: ``cx_journey`` with five steps; each step records requests, bytes, failed requests,
  console and page errors and Web Vitals, takes a screenshot, and the test writes steps.json;
- bare: the same calls on a plain Playwright page (one browser, a new context per test with the
  same emulation), with cxcheck disabled.

Target: ratio ≤ 1.15.

    python benchmarks/journey_overhead.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import BARE_PRELUDE, bare_env, median, storefront, timed_pytest

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ["iphone-13", "ipad-mini", "laptop-1366"]

# The journey's actions, shared by both sides; STEP(name) marks where cxcheck opens a step.
ACTIONS = """
STEP("open home")
page.goto("/")
STEP("search")
page.locator("#search-q").fill("jacket")
page.locator("#search-q").press("Enter")
page.locator("#result-count").wait_for()
STEP("open the product")
page.locator(".product-card a").first.click()
page.locator("#price[data-state=loaded]").wait_for()
STEP("add to basket")
page.locator("#size").select_option("M")
page.locator("#add-to-basket").click()
page.locator(".basket-line").wait_for()
STEP("check out")
page.locator("#checkout").click()
page.locator("#name").fill("Ada Lovelace")
page.locator("#email").fill("ada@example.com")
page.locator("#address").fill("12 Analytical Row, London")
page.locator("#postcode").fill("N1 9GU")
page.locator("#card-number").fill("4242 4242 4242 4242")
page.locator("#place-order").click()
page.locator("#order-number").wait_for()
"""


def _cx_body() -> str:
    lines, indent = [], "    "
    for line in ACTIONS.strip().splitlines():
        if line.startswith("STEP("):
            lines.append(f"    with cx_journey.step({line[5:-1]}):")
            indent = "        "
        else:
            lines.append(indent + line)
    return "\n".join(lines)


CX_TEST = f"""
import pytest

@pytest.mark.cx(devices={DEVICES!r}, networks="no-throttle")
def test_checkout(cx_journey):
    page = cx_journey.page
{_cx_body()}
"""

BARE_BODY = "\n".join(
    "        " + line for line in ACTIONS.strip().splitlines() if not line.startswith("STEP(")
)
BARE_TEST = (
    BARE_PRELUDE
    + f"""
@pytest.mark.parametrize("cell", CELLS, ids=[c["id"] for c in CELLS])
def test_checkout(browser, cell):
    with bare_page(browser, cell) as page:
{BARE_BODY}
"""
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    server = storefront()
    url = server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "test_cx.py").write_text(CX_TEST)
            (folder / "test_bare.py").write_text(BARE_TEST)
            env, exe = bare_env(DEVICES, url)
            cx_args = ["test_cx.py", "--cx-base-url", url]
            if exe:
                cx_args += ["--cx-browser-path", exe]
            bare_args = ["test_bare.py", "-p", "no:cxcheck"]
            passed = len(DEVICES)
            timed_pytest(cx_args, folder, env, passed)  # warm up both sides and the shop
            timed_pytest(bare_args, folder, env, passed)
            cx, bare = [], []
            for i in range(repeats):
                cx.append(timed_pytest(cx_args, folder, env, passed))
                bare.append(timed_pytest(bare_args, folder, env, passed))
                print(f"  round {i + 1}/{repeats}: cxcheck {cx[-1]:.2f} s, bare {bare[-1]:.2f} s",
                      file=sys.stderr, flush=True)  # fmt: skip
            shots = len(list(folder.glob("cx-artifacts/*/step-*.jpg")))
    finally:
        server.stop()
    print(f"checkout journey (7 pages, 5 steps) x {len(DEVICES)} devices, no-throttle, "
          f"median of {repeats} runs, wall time per pytest run")  # fmt: skip
    print(f"  bare Playwright:                 {median(bare):6.2f} s")
    print(f"  cxcheck journey (steps recorded): {median(cx):6.2f} s  ({shots} screenshots)")
    print(
        f"instrumentation ratio cxcheck / bare: {median(cx) / median(bare):.3f}  (target <= 1.15)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
