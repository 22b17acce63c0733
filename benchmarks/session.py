"""Sessions: a 12-cell login-then-browse journey with ``session:`` (one sign-in per device per
worker, its storage state reused) vs signing in again in every cell.

Both sides run the same journey against the demo storefront (started once here, on 127.0.0.1):
3 devices × 2 networks (fast-4g, no-throttle) × 2 examples rows = 12 cells, in fresh pytest
processes (``-n 0``: one worker), alternating, median of N runs:

- session: ``session: sign-in.steps.yaml``: the first cell of each device signs in (its steps
  named "session · sign in"), the other cells start from the kept storage state;
- every cell: the same sign-in steps as the journey's first steps (``- include:``), so every
  cell signs in.

Then each side browses the account the same way (the row's page and the orders). Each run must
pass all 12 cells; the storefront's own counter (GET /account/stats) says how many sign-ins each
run made, so the script can tell that the session side really signed in once per device.

Target: ratio every-cell / session ≥ 1.2 (the login is a third of this short journey's pages).

    python benchmarks/session.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

from _common import median, storefront, timed_pytest
from cxcheck.browser.launch import BrowserSettings, find_browser

DEVICES = ["iphone-13", "ipad-mini", "laptop-1366"]
NETWORKS = ["fast-4g", "no-throttle"]
ROWS = 2
CELLS = len(DEVICES) * len(NETWORKS) * ROWS
TARGET_RATIO = 1.2

SIGN_IN = """\
- name: sign in
  actions:
    - goto: /account/login
    - fill: {label: "Email:", value: ada@example.com}
    - fill: {label: "Password:", value: "${password}"}
    - click: {role: button, name: Sign in}
    - expect_visible: "#signed-in"
"""
JOURNEY = """\
name: {name}
devices: [{devices}]
networks: [{networks}]
secrets: {{password: correct-horse-battery}}
{session}examples:
  - {{id: account, page: /account, sees: "#signed-in"}}
  - {{id: orders, page: /account/orders, sees: "#no-orders"}}
steps:
{include}  - name: open ${{page}}
    actions:
      - goto: "${{page}}"
      - expect_visible: "${{sees}}"
  - name: the orders
    actions:
      - goto: /account/orders
      - expect_visible: "#no-orders"
"""


def journey(name: str, *, session: bool) -> str:
    return JOURNEY.format(
        name=name,
        devices=", ".join(DEVICES),
        networks=", ".join(NETWORKS),
        session="session: sign-in.steps.yaml\n" if session else "",
        include="" if session else "  - include: sign-in.steps.yaml\n",
    )


def logins(url: str) -> int:
    with urllib.request.urlopen(url.rstrip("/") + "/account/stats") as answer:
        return int(json.loads(answer.read())["logins"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    server = storefront()
    url = server.start()
    sides = {"session": "with-session.journey.yaml", "every cell": "every-cell.journey.yaml"}
    times: dict[str, list[float]] = {side: [] for side in sides}
    signed: dict[str, list[int]] = {side: [] for side in sides}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "pytest.ini").write_text("[pytest]\n")  # the rootdir: no outside config
            (folder / "sign-in.steps.yaml").write_text(SIGN_IN, encoding="utf-8")
            for side, file in sides.items():
                text = journey(file.split(".")[0], session=side == "session")
                (folder / file).write_text(text, encoding="utf-8")
            exe = find_browser(BrowserSettings(), None).executable or ""
            common = ["--cx-base-url", url, "-p", "xdist", "-n", "0"]
            common += ["--cx-browser-path", exe] if exe else []
            env = dict(os.environ)
            for file in sides.values():  # warm up both sides and the shop
                timed_pytest([file, *common], folder, env, CELLS)
            for i in range(repeats):
                for side, file in sides.items():
                    before = logins(url)
                    times[side].append(timed_pytest([file, *common], folder, env, CELLS))
                    signed[side].append(logins(url) - before)
                print(f"  round {i + 1}/{repeats}: "
                      + ", ".join(f"{s} {times[s][-1]:.2f} s ({signed[s][-1]} sign-ins)"
                                  for s in sides), file=sys.stderr, flush=True)  # fmt: skip
    finally:
        server.stop()
    ratio = median(times["every cell"]) / median(times["session"])
    met = ratio >= TARGET_RATIO
    print(f"login-then-browse journey, {len(DEVICES)} devices × {len(NETWORKS)} networks × "
          f"{ROWS} rows = {CELLS} cells, one worker, median of {repeats} runs, wall time per "
          "pytest run")  # fmt: skip
    for side in sides:
        print(f"  {side + ':':<12} {median(times[side]):6.2f} s  "
              f"(runs {', '.join(f'{t:.2f}' for t in times[side])}; sign-ins counted by the "
              f"shop per run: {', '.join(map(str, signed[side]))})")  # fmt: skip
    if any(n != len(DEVICES) for n in signed["session"]):
        print(f"  note: the session side should sign in once per device ({len(DEVICES)} a run)")
    print(f"ratio every-cell/session = {ratio:.2f} "
          f"(target ≥ {TARGET_RATIO:g}: {'met' if met else 'missed'})")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
