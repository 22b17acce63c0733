"""The report of real runs, opened in the real browser: a mixed run (passes, a budget failure, a
page error, a flaky cell) and a run against a page full of script payloads; pytest-html's extra;
a context that fails to set up is closed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog


def open_report(browser: Browser, folder: Path) -> tuple[Any, list[str], list[str]]:
    """The report page, its console errors and page errors, and every URL it requested."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        problems.append("dialog: " + dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", on_dialog)
    page.on("request", lambda request: requests.append(request.url))
    page.goto((folder / "index.html").as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


def test_a_mixed_run_writes_a_report_that_opens_with_the_expected_cells(
    mixed_run: tuple[Path, pytest.RunResult], cx_browser: Browser
) -> None:
    run_folder, result = mixed_run  # MIXED from tests/model/test_results.py, run once
    assert result.parseoutcomes()["failed"] == 2
    result.stdout.fnmatch_lines(["cxcheck HTML report: *report*index.html"])
    folder = run_folder / "report"
    page, problems, requests = open_report(cx_browser, folder)
    try:
        assert problems == []
        assert all(url.startswith("file://") for url in requests), requests
        html = page.content()
        for text in ("test_shop", "test_budget", "test_flaky", "iphone-13-no-throttle",
                     "basket total is NaN", "its budget is 0.1 s"):  # fmt: skip
            assert text in html, text
        outcomes = page.eval_on_selector_all(
            "[data-outcome]", "els => els.map(e => e.getAttribute('data-outcome'))"
        )
        assert {"failed", "flaky", "passed"} <= set(outcomes)
        images = page.eval_on_selector_all("img", "els => els.length")
        assert images >= 1
        # Screenshots are files beside the report, so the folder travels as a CI artifact.
        assert list((folder / "files").rglob("*.jpg"))
    finally:
        page.context.close()


def test_the_report_of_a_hostile_page_runs_none_of_its_payloads(
    pytester: pytest.Pytester, run_pytest: Any, cx_browser: Browser
) -> None:
    pytester.makepyfile("""
        def test_hostile(cx_journey):
            page = cx_journey.page
            page.goto("/hostile.html")
            with cx_journey.step(page.title()):
                page.click("#attack")
                page.wait_for_timeout(500)
    """)
    result = run_pytest("--cx-report", "report", "--cx-json", "r.json")
    result.assert_outcomes(failed=1)
    data = json.loads((pytester.path / "r.json").read_text())
    messages = json.dumps(data)
    assert "window.__pwned=3" in messages and "onerror" in messages  # the payloads are in there
    page, problems, requests = open_report(cx_browser, pytester.path / "report")
    try:
        # Open every panel, so that every payload is on screen.
        for summary in page.query_selector_all("details > summary"):
            summary.click()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert problems == [], problems
        assert all(url.startswith("file://") for url in requests), requests
        assert "window.__pwned=3" in page.inner_text("body")  # shown as text
    finally:
        page.context.close()


def test_pytest_html_gets_the_failing_step_screenshot(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytest.importorskip("pytest_html")
    pytester.makepyfile("""
        def test_x(cx_journey):
            with cx_journey.step("find the button"):
                cx_journey.page.goto("/index.html")
                cx_journey.page.click("#missing", timeout=300)
    """)
    result = run_pytest("--html", "html/report.html", "--self-contained-html")
    result.assert_outcomes(failed=1)
    html = (pytester.path / "html" / "report.html").read_text()
    assert "data:image/jpeg;base64," in html or "image/jpeg" in html
    assert "filmstrip" in html  # the journey's filmstrip too
    assert "the page when it failed" in html


def test_pytest_html_gets_the_page_when_a_plain_test_failed(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytest.importorskip("pytest_html")
    pytester.makepyfile("""
        def test_x(cx_page):
            cx_page.goto("/index.html")
            assert cx_page.title() == "not this one"
    """)
    result = run_pytest("--html", "html/report.html", "--self-contained-html")
    result.assert_outcomes(failed=1)
    html = (pytester.path / "html" / "report.html").read_text()
    assert "the page when it failed" in html and "image/jpeg" in html


def test_a_context_whose_setup_fails_is_closed(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makeconftest("""
        import cxcheck.browser.throttle

        def broken_attach(self, context):
            raise RuntimeError("throttling could not be attached")

        cxcheck.browser.throttle.Throttle.attach = broken_attach
    """)
    pytester.makepyfile("""
        def test_setup_fails(cx_context):
            pass

        def test_no_context_is_left_open(cx_browser):
            assert cx_browser.contexts == []
    """)
    result = run_pytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
