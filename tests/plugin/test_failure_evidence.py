"""Evidence for every failure, journey or not: a picture of the open pages when the test failed,
its heaviest and slowest requests (also as a waterfall in the report), the trace kept by
default, and results that name no absolute folder of the machine that ran them.

One real session (the default trace mode, --cx-json and --cx-report) that the tests assert on.
"""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from playwright.sync_api import Browser

import cxcheck
from tests.helpers import shared_session
from tests.model.test_calllog import BLOCKED_JOURNEY
from tests.model.test_results import schema

FAILURES = """
import time


def test_slow_home(cx_page):
    started = time.monotonic()
    cx_page.goto("/heavy.html")
    cx_page.wait_for_selector("#price:has-text('12')")
    took = time.monotonic() - started
    assert took <= 0.05, f"the heavy page took {took:.1f} s; its budget is 0.05 s"


def test_two_pages(cx_context):
    first = cx_context.new_page()
    first.goto("/index.html")
    second = cx_context.new_page()
    second.goto("/blocked.html")
    cx_context.new_page().close()
    assert False, "two pages are open"


def test_closed_page(cx_page):
    cx_page.goto("/index.html")
    cx_page.close()
    assert False, "the page was closed"


def test_slow_step(cx_journey):
    with cx_journey.step("open the heavy page", budget="50ms"):
        cx_journey.page.goto("/heavy.html")


def test_no_page(cx_device, cx_artifacts):
    cx_artifacts.mkdir(parents=True)
    (cx_artifacts / "note.txt").write_text("no browser here")
    assert False, "failed without a page"


def test_passes(cx_page):
    cx_page.goto("/index.html")
"""

JOURNEY = BLOCKED_JOURNEY  # a click the page covers, as the call-log tests use it


@pytest.fixture(scope="module")
def evidence_run(tmp_path_factory: pytest.TempPathFactory, pages_url: str) -> tuple[Path, Any]:
    files = {"test_failures.py": FAILURES, "blocked.journey.yaml": JOURNEY}
    args = ("--cx-base-url", pages_url, "-v", "--cx-json", "out/results.json", "--cx-report",
            "report")  # fmt: skip
    return shared_session(tmp_path_factory, "failure-evidence", files, *args)


def results_of(folder: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((folder / "out/results.json").read_text())
    jsonschema.validate(data, schema())
    return {r["test"]: r for r in data["results"]}


def evidence(folder: Path, result: dict[str, Any]) -> Path:
    """A result's evidence folder: relative to the JSON file's folder."""
    return folder / "out" / str(result["evidence_dir"])


def test_any_failed_test_with_a_page_has_a_picture_of_it(evidence_run: tuple[Path, Any]) -> None:
    folder, result = evidence_run
    assert result.parseoutcomes() == {"failed": 6, "passed": 1}
    r = results_of(folder)
    for name in ("test_slow_home", "test_slow_step", "blocked"):
        assert r[name]["failure_screenshots"] == ["failure.jpg"], name
        shot = evidence(folder, r[name]) / "failure.jpg"
        assert shot.read_bytes()[:3] == b"\xff\xd8\xff", name  # a JPEG, as step screenshots are
        assert "failure.jpg" in r[name]["evidence"]
    # Every open page of the context, closed ones skipped.
    two = r["test_two_pages"]
    assert two["failure_screenshots"] == ["failure.jpg", "failure-2.jpg"]
    pictures = [(evidence(folder, two) / n).read_bytes() for n in two["failure_screenshots"]]
    assert pictures[0] != pictures[1]
    # A picture that cannot be taken is no error: the test fails for its own reason.
    closed = r["test_closed_page"]
    assert closed["failure_screenshots"] == []
    assert closed["outcome"] == "failed" and closed["message"].startswith(
        "AssertionError: the page was closed"
    )
    assert r["test_no_page"]["failure_screenshots"] == []
    assert r["test_passes"]["failure_screenshots"] == [] and r["test_passes"]["evidence"] == []


def test_the_heaviest_and_slowest_requests_are_kept(evidence_run: tuple[Path, Any]) -> None:
    folder, _ = evidence_run
    r = results_of(folder)
    traffic = r["test_slow_home"]["traffic"]
    assert traffic["requests"] == 4 and traffic["pending"] == 0
    hero, *_ = traffic["heaviest"]
    assert "name=hero" in hero["url"] and hero["resource_type"] == "image"
    assert hero["status"] == 200 and hero["method"] == "GET"
    # Transfer size: the 2,000,000-byte body (sent as is) and its headers.
    assert 2_000_000 - 200 <= hero["bytes"] <= 2_000_000 + 1000
    assert traffic["bytes"] >= hero["bytes"]
    price, *_ = traffic["slowest"]
    assert "name=price" in price["url"] and price["resource_type"] == "fetch"
    assert price["duration_ms"] >= 1150  # the server waits 1.2 s; timing is the browser's
    page = next(q for q in traffic["slowest"] if q["resource_type"] == "document")
    assert page["start_ms"] < hero["start_ms"] < price["start_ms"] + price["duration_ms"]
    assert traffic["span_ms"] >= price["start_ms"] + price["duration_ms"] - 1
    # A journey keeps them on the step that failed (its own time), not twice.
    step = r["test_slow_step"]
    assert step["traffic"] is None
    (slow,) = step["steps"]
    assert "name=hero" in slow["traffic"]["heaviest"][0]["url"]
    for name in ("test_passes", "test_no_page"):
        assert r[name]["traffic"] is None


def test_the_report_shows_the_picture_and_a_waterfall(
    evidence_run: tuple[Path, Any], cx_browser: Browser
) -> None:
    folder, _ = evidence_run
    from tests.outputs.test_report import anchor, built, opened

    nodeid = "test_failures.py::test_slow_home[desktop-1080p-no-throttle]"
    with opened(cx_browser, folder / "report/index.html") as (page, problems):
        page.locator(f"a[href='{anchor(nodeid)}']").first.click()
        built(page)
        panel = page.locator(f"details.it:has({anchor(nodeid)})")
        assert panel.locator("h3", has_text=re.compile("^when it failed$", re.I)).count() == 1
        shot = panel.locator("figure.bad img")
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=shot.element_handle())
        assert panel.locator("h3", has_text="Requests when it failed").count() == 1
        rows = panel.locator("table.reqs tbody tr")
        assert rows.count() == 4
        # In the order they started: the page first; the hero is the heaviest, in bold.
        assert rows.nth(0).locator("td").nth(0).inner_text() == "/heavy.html"
        hero = panel.locator("table.reqs tr", has_text="name=hero")
        assert hero.locator("td b").first.inner_text() == "2.0 MB"
        bar = panel.locator("table.reqs tr", has_text="name=price").locator("rect")
        assert float(bar.get_attribute("width") or 0) > 30  # 1.2 s of a span under 4 s
        assert problems == []


def test_the_trace_is_kept_when_a_test_with_a_page_fails(evidence_run: tuple[Path, Any]) -> None:
    folder, result = evidence_run
    r = results_of(folder)
    for name in ("test_slow_home", "test_two_pages", "test_slow_step", "blocked"):
        assert r[name]["trace"] == "trace.zip", name
        trace = evidence(folder, r[name]) / "trace.zip"
        names = zipfile.ZipFile(trace).namelist()
        assert "trace.trace" in names
        # DOM snapshots, not the screencast: the report's pictures show what it looked like.
        assert not any(n.endswith((".jpeg", ".jpg")) and "page@" in n for n in names), names
    assert r["test_passes"]["trace"] is None
    # A test without a page is promised no trace.
    text = result.stdout.str()
    no_page = next(line for line in text.splitlines() if "test_no_page" in line and
                   line.startswith("evidence in"))  # fmt: skip
    assert no_page.endswith(": note.txt"), no_page
    assert not os.path.exists(evidence(folder, r["test_no_page"]) / "trace.zip")
    # The report shows each trace once, hard-linked to the evidence when the disk allows.
    copies = sorted((folder / "report/files").glob("*/trace.zip"))
    assert len(copies) == 5  # the five failed tests with a page; the closed page's too
    for copy in copies:
        originals = [evidence(folder, x) / "trace.zip" for x in r.values() if x["trace"]]
        assert any(copy.samefile(o) for o in originals)


def test_results_name_no_absolute_folder_of_the_run(evidence_run: tuple[Path, Any]) -> None:
    folder, result = evidence_run
    text = (folder / "out/results.json").read_text()
    page = (folder / "report/index.html").read_text()
    # The run's folders, the interpreter's and cxcheck's own (tracebacks name their files).
    package = str(Path(cxcheck.__file__).parent)
    for absolute in {str(folder), str(folder.resolve()), sys.base_prefix, sys.prefix, package}:
        assert absolute not in text
        assert absolute not in page
    r = results_of(folder)
    assert r["test_slow_step"]["evidence_dir"].startswith("../cx-artifacts/")
    # Messages name paths as the terminal showed them: relative to where pytest ran.
    assert "in cx-artifacts/test_failures.py-test_slow_step-" in r["test_slow_step"]["message"]
    (action,) = [f for s in r["blocked"]["steps"] for f in s["findings"] if f["kind"] == "action"]
    assert action["data"]["file"] == "blocked.journey.yaml"
    result.stdout.fnmatch_lines(["evidence in cx-artifacts/test_failures.py-test_slow_home-*"])
