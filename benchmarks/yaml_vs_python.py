"""Journey files: the same checkout journey as a ``*.journey.yaml`` file vs as Python steps.

Both sides run the same journey against the demo storefront (started once here, on 127.0.0.1),
on the same matrix (iphone-13 and laptop-1366, no-throttle, screenshots on as always), in fresh
pytest processes, alternating, median of N runs:

- yaml: ``checkout.journey.yaml`` with ``start: /`` (timed as a first step named "start") and
  four steps of actions, collected and played by cxcheck (one item per cell);
- python: a test on ``cx_journey`` making exactly the Playwright calls the file's actions stand
  for, in ``with cx_journey.step(...)`` blocks of the same names and budgets, its
  ``page.goto("/")`` in a first step named "start".

Both are written from one table (STEPS), so they cannot drift apart. Each run must pass all its
items; afterwards the script compares the steps both sides recorded in steps.json and says so
when they differ.

Target: ratio yaml / python ≤ 1.05.

    python benchmarks/yaml_vs_python.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

from _common import median, storefront, timed_pytest
from cxcheck.browser.launch import BrowserSettings, find_browser

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ["iphone-13", "laptop-1366"]
NETWORK = "no-throttle"
TARGET_RATIO = 1.05
START = "/"
BUDGET = "15s"  # the same on every step of both sides; generous, so it never fails a run
JOURNEY_NAME = "checkout journey"  # items: checkout-journey[iphone-13-no-throttle], ...

# The journey: (step name, actions); each action is (journey-file action, its arguments).
STEPS: tuple[tuple[str, tuple[tuple[str, dict[str, str]], ...]], ...] = (
    ("search", (
        ("fill", {"selector": "#search-q", "value": "jacket"}),
        ("press", {"selector": "#search-q", "key": "Enter"}),
        ("expect_text", {"selector": "#result-count", "text": "1 product"}),
    )),
    ("open the product", (
        ("click", {"selector": ".product-card a"}),
        ("wait_for", {"selector": "#price[data-state=loaded]"}),
    )),
    ("add to basket", (
        ("select", {"selector": "#size", "value": "M"}),
        ("click", {"selector": "#add-to-basket"}),
        ("expect_visible", {"selector": ".basket-line"}),
    )),
    ("check out", (
        ("click", {"selector": "#checkout"}),
        ("fill", {"selector": "#name", "value": "Ada Lovelace"}),
        ("fill", {"selector": "#email", "value": "ada@example.com"}),
        ("fill", {"selector": "#address", "value": "12 Analytical Row, London"}),
        ("fill", {"selector": "#postcode", "value": "N1 9GU"}),
        ("fill", {"selector": "#card-number", "value": "4242 4242 4242 4242"}),
        ("click", {"selector": "#place-order"}),
        ("wait_for", {"selector": "#order-number"}),
    )),
)  # fmt: skip

# The Playwright call cxcheck makes for each action (cxcheck.declarative.run), as Python text.
CALLS = {
    "click": "page.locator({selector!r}).click()",
    "fill": "page.locator({selector!r}).fill({value!r})",
    "select": "page.locator({selector!r}).select_option({value!r})",
    "press": "page.locator({selector!r}).press({key!r})",
    "wait_for": "page.locator({selector!r}).wait_for()",
    "expect_visible": "expect(page.locator({selector!r})).to_be_visible()",
    "expect_text": "expect(page.locator({selector!r})).to_contain_text({text!r})",
}


def journey_yaml() -> str:
    journey = {
        "name": JOURNEY_NAME,
        "start": START,
        "devices": DEVICES,
        "networks": NETWORK,
        "steps": [
            {"name": name, "budget": BUDGET, "actions": [{kind: args} for kind, args in actions]}
            for name, actions in STEPS
        ],
    }
    return yaml.safe_dump(journey, sort_keys=False, allow_unicode=True)


def journey_python() -> str:
    lines = [
        "import pytest",
        "from playwright.sync_api import expect",
        "",
        "",
        f"@pytest.mark.cx(devices={DEVICES!r}, networks={NETWORK!r})",
        "def test_checkout(cx_journey):",
        "    page = cx_journey.page",
        '    with cx_journey.step("start"):',
        f"        page.goto({START!r})",
    ]
    for name, actions in STEPS:
        lines.append(f"    with cx_journey.step({name!r}, budget={BUDGET!r}):")
        lines += ["        " + CALLS[kind].format(**args) for kind, args in actions]
    return "\n".join(lines) + "\n"


def recorded(folder: Path, prefix: str) -> list[list[str]]:
    """The step names each cell of one side recorded (its steps.json), failing on a bad step."""
    out = []
    for path in sorted(folder.glob(f"cx-artifacts/{prefix}*/steps.json")):
        steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
        bad = [s["name"] for s in steps if s["status"] != "passed"]
        if bad:
            sys.exit(f"benchmark run failed: {path} has steps that did not pass: {bad}")
        out.append([s["name"] for s in steps])
    if len(out) != len(DEVICES):
        sys.exit(f"benchmark run failed: {len(out)} steps.json for {prefix}, not {len(DEVICES)}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    server = storefront()
    url = server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "pytest.ini").write_text("[pytest]\n")  # the rootdir: no outside config
            (folder / "checkout.journey.yaml").write_text(journey_yaml(), encoding="utf-8")
            (folder / "test_journey.py").write_text(journey_python(), encoding="utf-8")
            env = dict(os.environ)
            exe = find_browser(BrowserSettings(), None).executable or ""
            common = ["--cx-base-url", url] + (["--cx-browser-path", exe] if exe else [])
            yaml_args = ["checkout.journey.yaml", *common]
            py_args = ["test_journey.py", *common]
            passed = len(DEVICES)
            timed_pytest(yaml_args, folder, env, passed)  # warm up both sides and the shop
            timed_pytest(py_args, folder, env, passed)
            yaml_steps = recorded(folder, "checkout.journey.yaml")
            py_steps = recorded(folder, "test_journey.py")
            from_yaml, from_py = [], []
            for i in range(repeats):
                from_yaml.append(timed_pytest(yaml_args, folder, env, passed))
                from_py.append(timed_pytest(py_args, folder, env, passed))
                print(f"  round {i + 1}/{repeats}: yaml {from_yaml[-1]:.2f} s, "
                      f"python {from_py[-1]:.2f} s", file=sys.stderr, flush=True)  # fmt: skip
            shots = {side: len(list(folder.glob(f"cx-artifacts/{side}*/step-*.jpg")))
                     for side in ("checkout.journey.yaml", "test_journey.py")}  # fmt: skip
    finally:
        server.stop()
    ratio = median(from_yaml) / median(from_py)
    met = ratio <= TARGET_RATIO
    print(f"checkout journey (start + {len(STEPS)} steps) x {len(DEVICES)} devices, {NETWORK}, "
          f"median of {repeats} runs, wall time per pytest run")  # fmt: skip
    runs = {"yaml": from_yaml, "python": from_py}
    for side, times in runs.items():
        print(f"  {side} runs: {', '.join(f'{t:.2f}' for t in times)} s")
    print(f"  journey file (yaml):    {median(from_yaml):6.2f} s  "
          f"({shots['checkout.journey.yaml']} screenshots)")  # fmt: skip
    print(f"  cx_journey (python):    {median(from_py):6.2f} s  "
          f"({shots['test_journey.py']} screenshots)")  # fmt: skip
    print(f"  steps recorded: yaml {yaml_steps[0]}, python {py_steps[0]}")
    if yaml_steps != py_steps:
        print("  note: the two sides recorded different steps, so they did not do the same work")
    print(f"ratio yaml/python = {ratio:.2f} "
          f"(target ≤ {TARGET_RATIO:g}: {'met' if met else 'missed'})")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
