"""Issue 21's journeys on a real multi-page app with a login (the storefront): one session of
journey files a QA engineer would write, using every new part of the language together — a
``session:`` signed in once per device, an include file declaring its own vars and secret,
``examples:`` columns (``${id}`` too), ``within:``, ``matches:``, ``expect_count`` min/max,
``expect_value`` on a ``<select>``, ``expect_timeout``, ``layout: exclude:`` — plus a form post
the app answers with a 500 (the step ends at once) and a locator that misses (the hint names
what is there). Real Chromium, the real storefront on 127.0.0.1, the shop counting sign-ins.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct-horse-battery"
LIMIT_S = 15

INI = """\
[pytest]
cx_server_command = {python} -m cxshop --port {port}
cx_server_ready_path = /healthz
cx_server_timeout = 60
cx_devices = iphone-13 laptop-1366
cx_networks = no-throttle
"""
SIGN_IN = """\
vars:
  email: ada@example.com
secrets:
  password: "${env.SHOP_PASSWORD}"
steps:
  - name: sign in as ${email}
    actions:
      - goto: /account/login
      - fill: {label: Email, value: "${email}"}
      - fill: {label: Password, value: "${password}"}
      - click: {role: button, name: Sign in}
      - expect_visible: "#signed-in"
"""
COOKIES = """\
vars:
  consent: Accept
steps:
  - name: accept cookies
    actions:
      - click: {within: {role: region, name: Cookies}, role: button, name: "${consent}"}
      - expect_hidden: {role: region, name: Cookies}
"""
SHOP = """\
name: shop ${id}
session: steps/sign-in.steps.yaml
expect_timeout: 3s
timeout: 15s
examples:
  - {id: jacket, query: jacket, slug: alpine-shell-jacket, size: M}
  - {id: beanie, query: beanie, slug: summit-beanie, size: L}
start: /account
steps:
  - name: account of ${id}
    actions:
      - expect_text: {within: "#signed-in", selector: strong, matches: '^\\S+@example\\.com$'}
      - expect_url: {matches: '/account$'}
      - expect_value: {label: Display name, matches: '\\w+'}
  - include: steps/cookies.steps.yaml
  - name: search ${query}
    actions:
      - fill: {within: {role: search}, label: Search products, value: "${query}"}
      - press: {within: {role: search}, label: Search products, key: Enter}
      - expect_count: {selector: {test_id: product-card}, min: 1, max: 3}
      - expect_text: {selector: "#result-count", matches: '^\\d+ products?$'}
      - layout: {exclude: "#cookie-banner"}
  - name: choose ${size}
    actions:
      - goto: /product/${slug}
      - expect_value: {label: Size, value: ""}
      - select: {label: Size, value: "${size}"}
      - expect_value: {label: Size, value: "${size}"}
"""
CRASH = """\
name: crash
devices: laptop-1366
session: steps/sign-in.steps.yaml
timeout: {limit}s
start: /account
steps:
  - name: save a name the server cannot store
    actions:
      - fill: {{label: Display name, value: "Robert'); DROP TABLE"}}
      - click: {{role: button, name: Save profile}}
      - expect_text: {{selector: "#profile-saved", text: Profile saved}}
"""
MISS = """\
name: miss
devices: laptop-1366
timeout: 2s
start: /account/login
steps:
  - name: sign in by the wrong role
    actions:
      - click: {role: link, name: Sign in}
"""
SLOW = """\
name: slow ${id}
devices: laptop-1366
session: steps/slow-sign-in.steps.yaml
examples: [{id: first}, {id: second}]
start: /account/orders
steps:
  - name: see the orders
    actions:
      - expect_visible: "#no-orders"
"""
STATS = """\
import json, urllib.request


def test_zz_stats(cx_base_url):
    with urllib.request.urlopen(cx_base_url.rstrip("/") + "/account/stats") as answer:
        open("stats.json", "w").write(answer.read().decode())
"""


@pytest.fixture(scope="module")
def storefront_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, pytest.RunResult]:
    pytester_root = tmp_path_factory.mktemp("storefront")
    (pytester_root / "pytest.ini").write_text(INI)
    (pytester_root / "steps").mkdir()
    (pytester_root / "steps/sign-in.steps.yaml").write_text(SIGN_IN)
    (pytester_root / "steps/cookies.steps.yaml").write_text(COOKIES)
    (pytester_root / "shop.journey.yaml").write_text(SHOP)
    (pytester_root / "crash.journey.yaml").write_text(CRASH.format(limit=LIMIT_S))
    (pytester_root / "miss.journey.yaml").write_text(MISS)
    # The same sign-in with a budget no login meets: slower than its budget, but signed in.
    slow = SIGN_IN.replace("  - name: sign in as ${email}\n", "  - name: sign in as ${email}\n"
                           "    budget: 1ms\n")  # fmt: skip
    (pytester_root / "steps/slow-sign-in.steps.yaml").write_text(slow)
    (pytester_root / "slow.journey.yaml").write_text(SLOW)
    (pytester_root / "test_zz_stats.py").write_text(STATS)
    return pytester_root, _run(pytester_root)


def _run(root: Path) -> pytest.RunResult:
    # A subprocess with the secret in its environment, as CI provides it.
    started = time.monotonic()
    env = {**os.environ, "SHOP_PASSWORD": PASSWORD}
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist", "-n", "0", "-p", "no:randomly",
         "-p", "no:cacheprovider", "--cx-json", "r.json", "--cx-report", "report"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return pytest.RunResult(
        process.returncode, process.stdout.splitlines(), process.stderr.splitlines(),
        time.monotonic() - started,
    )  # fmt: skip


def _results(root: Path) -> dict[str, dict[str, Any]]:
    return {r["nodeid"]: r for r in json.loads((root / "r.json").read_text())["results"]}


def _action(result: dict[str, Any]) -> dict[str, Any]:
    return next(f for s in result["steps"] for f in s["findings"] if f["kind"] == "action")


def test_the_shop_journeys_pass_with_one_sign_in_per_device(
    storefront_run: tuple[Path, pytest.RunResult],
) -> None:
    root, result = storefront_run
    results = _results(root)
    shop = {k: r for k, r in results.items() if k.startswith("shop.journey.yaml")}
    # Two example rows (named by their id) on two devices, all green.
    assert sorted(k.split("::")[1] for k in shop) == [
        "shop-beanie[beanie-iphone-13-no-throttle]", "shop-beanie[beanie-laptop-1366-no-throttle]",
        "shop-jacket[jacket-iphone-13-no-throttle]", "shop-jacket[jacket-laptop-1366-no-throttle]",
    ], "\n".join(result.outlines[-40:])  # fmt: skip
    assert {r["outcome"] for r in shop.values()} == {"passed"}, "\n".join(result.outlines[-60:])
    # One sign-in per device, counted by the shop: the crash journey names the same session
    # file and shares the laptop's (it runs first there, so it signs in); the slow session is
    # another file, so one more.
    stats = json.loads((root / "stats.json").read_text())
    assert stats == {"logins": 3, "failed_logins": 0}
    names = [s["name"] for r in results.values() for s in r.get("steps", [])]
    assert names.count("session · sign in as ada@example.com") == 3
    # The secret declared by the include file is masked everywhere cxcheck writes.
    assert PASSWORD not in (root / "r.json").read_text()
    assert PASSWORD not in "\n".join(result.outlines + result.errlines)


def test_a_500_on_a_form_post_ends_the_step_at_once(
    storefront_run: tuple[Path, pytest.RunResult],
) -> None:
    root, _ = storefront_run
    (crash,) = [r for k, r in _results(root).items() if k.startswith("crash.journey.yaml")]
    assert crash["outcome"] == "failed"
    finding = _action(crash)
    # The 500 comes back in milliseconds; the wait ends in its next slice, not after 15 s.
    assert finding["data"]["waited_s"] < 3.0, finding["data"]
    assert finding["data"]["timeout_s"] == LIMIT_S
    assert "POST /account/profile answered HTTP 500" in finding["message"]


def test_a_locator_that_misses_names_what_is_there(
    storefront_run: tuple[Path, pytest.RunResult],
) -> None:
    root, _ = storefront_run
    (miss,) = [r for k, r in _results(root).items() if k.startswith("miss.journey.yaml")]
    message = _action(miss)["message"]
    assert "{role: link, name: Sign in} matched 0 elements" in message
    assert 'button "Sign in"' in message and "{role: button, name: Sign in}" in message


def test_a_session_slower_than_its_budget_fails_its_cell_and_is_still_reused(
    storefront_run: tuple[Path, pytest.RunResult],
) -> None:
    root, _ = storefront_run
    results = _results(root)
    first = results["slow.journey.yaml::slow-first[first-laptop-1366-no-throttle]"]
    second = results["slow.journey.yaml::slow-second[second-laptop-1366-no-throttle]"]
    failing = [f for s in first["steps"] for f in s["findings"] if f["severity"] == "error"]
    assert first["outcome"] == "failed" and {f["kind"] for f in failing} == {"budget"}
    # The login worked: the next cell starts from it instead of failing for the same reason.
    assert second["outcome"] == "passed"
    assert [f["check"] for f in second["findings"] if f["kind"] == "session"] == ["session-reused"]
    # The report says it too: a cell that logged in once, another that reused it.
    report = (root / "report" / "index.html").read_text()
    assert "session · sign in as ada@example.com" in report
    assert "reused on laptop-1366: logged in once by" in report
