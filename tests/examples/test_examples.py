"""The examples against the demo storefront, through `cxcheck demo`: green without defects, and
each defect caught by the example that should catch it, for its own reason."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxcheck.cli", "demo", *args],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip


@pytest.mark.timeout(900)  # the whole demo, one item at a time, on a machine the suite keeps busy
def test_examples_pass_on_the_default_matrix_without_defects() -> None:
    done = demo("--", "-p", "no:randomly")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "cxcheck app: " in done.stdout  # the storefront was started for the run
    # The closing summary, from the results: the grid of tests × cells and the verdict.
    assert re.search(r"^checkout-journey\s+ok", done.stdout, re.M), done.stdout[-3000:]
    assert re.search(r"^\d+ passed$", done.stdout, re.M), done.stdout[-3000:]
    report = re.search(r"^report: (.+index\.html)", done.stdout, re.M)
    assert report and Path(report.group(1)).is_file()


# (defect, -k expression, devices, networks, the item that must fail, words of its failure,
#  items that must still pass)
DEFECTS = [
    ("banner-overflow", "test_layout_fits_the_device", "iphone-13,laptop-1366",
     "no-throttle", "[iphone-13-no-throttle-/]", "scrolls sideways",
     "[laptop-1366-no-throttle-/] PASSED"),
    ("hidden-checkout", "test_checkout_journey", "iphone-13,laptop-1366", "no-throttle",
     "[iphone-13-no-throttle]", "#checkout is not visible", "[laptop-1366-no-throttle] PASSED"),
    ("cookie-covers-basket", "test_checkout_journey", "iphone-13,laptop-1366", "no-throttle",
     "[iphone-13-no-throttle]", "covered at its centre by #cookie-banner",
     "[laptop-1366-no-throttle] PASSED"),
    ("missing-alt", "test_pages_are_accessible", "laptop-1366", "no-throttle",
     "[laptop-1366-no-throttle-/product/alpine-shell-jacket]", "image-alt (critical)", None),
    ("heavy-hero", "budget", "laptop-1366", "slow-4g,no-throttle", "[laptop-1366-slow-4g]",
     "the budget is 8 s", "[laptop-1366-no-throttle] PASSED"),
    ("slow-price", "test_checkout_journey", "laptop-1366", "slow-4g,no-throttle",
     "[laptop-1366-slow-4g]", "Price unavailable", "[laptop-1366-no-throttle] PASSED"),
    ("header-colour", "brand", "laptop-1366", "no-throttle", "[laptop-1366-no-throttle]",
     "snapshot 'header' on laptop-1366 differs from its baseline", None),
    ("slow-under-load", "holds_20", "laptop-1366", "no-throttle",
     "test_the_product_api_holds_20_shoppers", "✗ p(95) ≤ 300 ms", None),
]  # fmt: skip


CAUGHT_BY_STEP = {
    "hidden-checkout": "5 ('check out')",
    "cookie-covers-basket": "4 ('add to basket')",
    "slow-price": "3 ('open the product')",
}


@pytest.mark.parametrize(
    ("defect", "select", "devices", "networks", "failing", "reason", "passing"),
    DEFECTS,
    ids=[d[0] for d in DEFECTS],
)
def test_each_defect_is_caught_by_its_own_example(
    defect: str, select: str, devices: str, networks: str, failing: str, reason: str,
    passing: str | None,
) -> None:  # fmt: skip
    done = demo("--defects", defect, "--devices", devices, "--networks", networks,
                "--", "-k", select, "-p", "no:randomly")  # fmt: skip
    out = done.stdout
    assert done.returncode == 1, out[-3000:] + done.stderr[-2000:]
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == 1 and failing in failed[0], failed
    assert reason in out, out[-3000:]
    if passing:
        assert passing in out
    step = CAUGHT_BY_STEP.get(defect)
    if step:  # journeys say which step caught it
        assert f"cxcheck: evidence for step {step}" in out, out[-3000:]
    assert "deliberate defects" in out
    if defect == "heavy-hero":  # a plain Python test, not a journey, shows why it was slow
        results = re.search(r"^results: (.+\.json)", out, re.M)
        assert results, out[-2000:]
        data = json.loads(Path(results.group(1)).read_text())
        (slow,) = [r for r in data["results"] if r["outcome"] == "failed"]
        assert slow["failure_screenshots"] == ["failure.jpg"]
        hero = slow["traffic"]["heaviest"][0]
        assert "hero" in hero["url"] and hero["bytes"] > 2_000_000, hero
        assert slow["traffic"]["slowest"][0] == hero  # the 20 s of a slow-4g load
    if defect == "header-colour":  # the report shows the snapshot's three pictures
        report = re.search(r"^report: (.+index\.html)", out, re.M)
        assert report, out[-2000:]
        folder = Path(report.group(1)).parent
        for kind in ("expected", "actual", "diff"):
            assert list(folder.rglob(f"visual-header-{kind}.png")), kind
        assert "Snapshot header" in Path(report.group(1)).read_text()


def test_an_unknown_defect_name_stops_the_demo_with_a_suggestion() -> None:
    done = demo("--defects", "hiden-checkout")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "the app exited with code 2 before it was ready" in done.stderr
    assert "unknown defect 'hiden-checkout' (did you mean 'hidden-checkout'?)" in done.stderr


def test_the_demo_says_what_a_defect_changed_since_the_previous_run(tmp_path: Path) -> None:
    report = str(tmp_path / "report")
    common = ("--devices", "iphone-13,laptop-1366", "--networks", "no-throttle", "--report",
              report, "--", "-k", "test_checkout_journey", "-p", "no:randomly")  # fmt: skip
    clean = demo("--compare", *common)
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-2000:]
    assert "no earlier demo run in" in clean.stdout  # the first run has nothing to compare with
    broken = demo("--defects", "hidden-checkout", "--compare", *common)
    out = broken.stdout
    assert broken.returncode == 1, out[-3000:] + broken.stderr[-2000:]
    assert re.search(r"^compared with .*results\.prev\.json: 1 newly failing, 0 fixed, ", out,
                     re.M), out[-3000:]  # fmt: skip
    newly = [line for line in out.splitlines() if line.startswith("  newly failing: ")]
    # Twice: pytest's own summary, then the demo's closing summary from the results file.
    assert len(newly) == 2 and all("[iphone-13-no-throttle]" in line for line in newly), newly
    assert "#checkout is not visible" in newly[-1]
    assert (tmp_path / "report" / "results.prev.json").is_file()


def run_example(folder: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """pytest on one of examples/' own folders (its own pytest.ini), results into tmp_path."""
    examples = Path(__file__).parents[2] / "examples"
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(examples / folder), "-p", "no:randomly",
         "--cx-json", str(tmp_path / "r.json"), "--cx-artifacts", str(tmp_path / "a")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip


def test_the_unchanged_pytest_playwright_example_runs_on_the_examples_matrix(
    tmp_path: Path,
) -> None:
    done = run_example("pytest-playwright", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "12 passed" in done.stdout  # 2 tests × the examples' 3 devices × 2 networks
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    assert {r["nodeid"].split("::")[-1] for r in results} >= {
        "test_search_finds_the_jacket[chromium-iphone-13-slow-4g]"
    }


def test_the_spof_example_passes_on_the_page_that_survives_and_fails_on_the_one_that_blocks(
    tmp_path: Path,
) -> None:
    done = run_example("spof", tmp_path)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    outcomes = {r["nodeid"].split("::")[-1].split("[")[0]: r["outcome"] for r in results}
    assert outcomes == {
        "checkout-survives-a-hanging-tag-manager": "passed",
        "checkout-blocked-by-a-hanging-tag-manager": "failed",
        "test_checkout_survives_a_hanging_tag_manager": "passed",
    }, done.stdout[-3000:]
