"""An existing pytest-playwright suite, unchanged, on cxcheck's device × network matrix.

Real pytest sessions (pytester) with pytest-playwright loaded, against the page server: the
suite's tests take ``page``, ``context`` and ``new_context``; the matrix comes from the command
line or the ini file only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_playwright")

CONFTEST = """
import json, pathlib
import pytest

LAUNCHES = []

@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The suite's own options: a viewport (the device wins it), a locale and a header (kept).
    return {**browser_context_args, "viewport": {"width": 800, "height": 600},
            "locale": "de-DE", "extra_http_headers": {"X-Suite": "yes"}}

@pytest.fixture(scope="session")
def launch_browser(launch_browser):
    def counted(**kwargs):
        LAUNCHES.append(kwargs)
        return launch_browser(**kwargs)
    return counted

def pytest_sessionfinish(session):
    pathlib.Path("launches.json").write_text(json.dumps(len(LAUNCHES)))
"""

SUITE = """
import json, pathlib
import pytest
from playwright.sync_api import Page, expect

def seen(page, name):
    page_info = page.evaluate(
        "async () => ({ua: navigator.userAgent, lang: navigator.language, w: innerWidth,"
        " headers: await (await fetch('/headers')).json()})")
    folder = pathlib.Path("seen"); folder.mkdir(exist_ok=True)
    (folder / (name + ".json")).write_text(json.dumps(page_info))

def test_page(page: Page, request):
    page.goto("/index.html")
    # the document's own request to response end (Chromium's emulated latency lands there), not
    # the wall time a loaded machine adds to
    took = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                         " return (n.responseEnd - n.requestStart) / 1000; }")
    expect(page).to_have_title("cxcheck test page")
    seen(page, request.node.callspec.id)
    pathlib.Path("seen", "took-" + request.node.callspec.id).write_text(str(took))

def test_context(context):
    page = context.new_page()
    page.goto("/index.html")
    assert page.viewport_size["width"] in (390, 1920, 800)

def test_new_context(new_context):
    context = new_context(timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto("/index.html")
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/Paris"

@pytest.mark.browser_context_args(color_scheme="dark")
def test_marker(page):
    page.goto("/index.html")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")

def test_same_page_and_browser(page, cx_page, cx_browser):
    assert page is cx_page and page.context.browser is cx_browser

def test_journey(page, cx_journey):
    with cx_journey.step("open"):
        page.goto("/journey.html")

def test_cx_page(cx_page):
    cx_page.goto("/index.html")

def test_not_a_browser_test():
    pass
"""


@pytest.fixture
def adopted_run(pytester: pytest.Pytester, run_pytest: Any, pages_url: str) -> Any:
    def run(*args: str, suite: str = SUITE, conftest: str = CONFTEST) -> pytest.RunResult:
        pytester.makeconftest(conftest)
        pytester.makepyfile(test_suite=suite)
        result: pytest.RunResult = run_pytest(
            "--base-url", pages_url, "-p", "no:randomly", *args, base_url=False
        )
        return result

    return run


def test_a_suite_runs_on_the_matrix_from_the_command_line(
    adopted_run: Any, pytester: pytest.Pytester
) -> None:
    result = adopted_run("-o", "cx_devices=iphone-13 desktop-1080p",
                         "-o", "cx_networks=no-throttle slow-4g", "--cx-json", "r.json",
                         "--junitxml", "j.xml", "--cx-report", "report")  # fmt: skip
    # 7 browser tests × 4 cells, plus the one that takes no browser
    result.assert_outcomes(passed=29)
    data = json.loads((pytester.path / "r.json").read_text())
    cells = {(r["test"], r["device"], r["network"]) for r in data["results"]}
    assert len(cells) == 28 and {r["variant"] for r in data["results"]} == {""}
    assert ("test_page", "iphone-13", "slow-4g") in cells
    # The grid shows the suite's tests as it shows cx_page tests: one row each, no "[chromium]".
    result.stdout.fnmatch_lines(["test_page *ok*ok*ok*ok*", "test_cx_page *ok*ok*ok*ok*"])
    assert "test_page[chromium]" not in result.stdout.str()
    # The device won the viewport and user agent; the suite's locale and header stayed.
    phone = json.loads((pytester.path / "seen" / "chromium-iphone-13-no-throttle.json").read_text())
    desktop = json.loads(
        (pytester.path / "seen" / "chromium-desktop-1080p-no-throttle.json").read_text()
    )
    assert phone["w"] == 390 and "iPhone" in phone["ua"] and desktop["w"] == 1920
    assert phone["lang"] == "de-DE" and phone["headers"].get("X-Suite") == "yes"
    result.stdout.fnmatch_lines(["*the suite's browser context options set viewport*"])
    assert result.stdout.str().count("the suite's browser context options set") == 1
    # Throttled for real: the slow-4g cell's document takes at least its 562 ms latency from
    # request to response end, the unthrottled one a loopback round trip (a few ms). Wall time
    # is not compared: on a loaded machine the unthrottled goto once took as long as the other.
    slow = float((pytester.path / "seen" / "took-chromium-iphone-13-slow-4g").read_text())
    fast = float((pytester.path / "seen" / "took-chromium-iphone-13-no-throttle").read_text())
    assert slow > 0.5 and slow > fast + 0.25, (slow, fast)
    # One browser for the run: pytest-playwright's fixtures and cxcheck's share it.
    assert json.loads((pytester.path / "launches.json").read_text()) == 1
    result.stdout.fnmatch_lines(["cxcheck browser: chromium *"])
    # A journey on the suite's page records its steps like cx_page's.
    journey = next(r for r in data["results"] if r["test"] == "test_journey")
    assert [s["name"] for s in journey["steps"]] == ["open"]
    assert 'name="test_page[chromium-iphone-13-slow-4g]"' in (pytester.path / "j.xml").read_text()
    html = (pytester.path / "report" / "index.html").read_text()
    assert "test_page" in html and "test_page[chromium]" not in html


def test_without_a_matrix_the_suite_runs_as_before(adopted_run: Any) -> None:
    suite = SUITE.split("def test_same_page_and_browser")[0]  # the tests without cxcheck
    result = adopted_run("-v", suite=suite)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_page[[]chromium[]] PASSED*",
                                 "*test_marker[[]chromium[]] PASSED*"])  # fmt: skip
    assert "cxcheck matrix" not in result.stdout.str()


def test_the_cx_marker_puts_one_test_in_the_matrix(adopted_run: Any) -> None:
    suite = """
import pytest

@pytest.mark.cx(devices="iphone-13", networks=["no-throttle", "3g"])
def test_marked(page):
    page.goto("/index.html")

def test_unmarked(page):
    page.goto("/index.html")
"""
    result = adopted_run("-v", suite=suite)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*test_marked[[]chromium-iphone-13-no-throttle[]] PASSED*",
                                 "*test_marked[[]chromium-iphone-13-3g[]] PASSED*",
                                 "*test_unmarked[[]chromium[]] PASSED*"])  # fmt: skip


def test_pytest_playwrights_device_is_a_one_device_matrix(
    adopted_run: Any, run_pytest: Any, pytester: pytest.Pytester
) -> None:
    suite = "def test_page(page):\n    page.goto('/index.html')\n"
    result = adopted_run("-v", "--device", "iPhone 13", "-o", "cx_networks=no-throttle",
                         suite=suite, conftest="")  # fmt: skip
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_page[[]chromium-iphone-13-no-throttle[]] PASSED*"])
    both = run_pytest("--device", "iPhone 13", "--cx-devices", "pixel-7", inprocess=True)
    assert both.ret == pytest.ExitCode.USAGE_ERROR
    both.stderr.fnmatch_lines(["*--device 'iPhone 13' and --cx-devices pixel-7 both choose*"])


def test_the_suites_own_evidence_options_and_cxchecks_evidence(
    adopted_run: Any, pytester: pytest.Pytester
) -> None:
    suite = """
def test_fails(page):
    page.goto("/index.html")
    assert page.title() == "another title"
"""
    args = ("-o", "cx_devices=iphone-13", "-o", "cx_networks=no-throttle")
    # (--video too, where Playwright's ffmpeg is installed: it cannot be downloaded here.)
    theirs = adopted_run(*args, "--tracing", "retain-on-failure", "--screenshot",
                         "only-on-failure", "--output", "pw-out", suite=suite)  # fmt: skip
    theirs.assert_outcomes(failed=1)
    (folder,) = (pytester.path / "pw-out").iterdir()
    assert {p.name for p in folder.iterdir()} >= {"trace.zip", "test-failed-1.png"}
    # cxcheck's evidence as for cx_page. pytest-playwright records the trace (no second one
    # starts), and it joins the evidence, so the report links it like cxcheck's own.
    (ours,) = (pytester.path / "cx-artifacts").iterdir()
    assert (ours / "failure.jpg").is_file()
    assert (ours / "trace.zip").read_bytes() == (folder / "trace.zip").read_bytes()
    # Without --tracing, cxcheck's own trace of the failed cell (its default, retain-on-failure).
    alone = adopted_run(*args, suite=suite)
    alone.assert_outcomes(failed=1)
    (ours,) = (pytester.path / "cx-artifacts").iterdir()
    assert (ours / "trace.zip").is_file() and (ours / "failure.jpg").is_file()
    alone.stdout.fnmatch_lines(["evidence in cx-artifacts/*: failure.jpg, trace.zip"])


REVEAL = """
from playwright.sync_api import expect

def test_reveal(page):
    page.goto("/reveal.html")
    expect(page.locator("#ready")).to_be_visible()
"""


def test_expect_timeouts_scale_with_the_cells_network(adopted_run: Any) -> None:
    # On 3g, #ready shows after three more round trips of 2 s: past expect()'s default 5 s.
    args = ("-o", "cx_devices=desktop-1080p", "-o", "cx_networks=no-throttle 3g")
    scaled = adopted_run(*args, suite=REVEAL, conftest="")
    scaled.assert_outcomes(passed=2)
    fixed = adopted_run(*args, "-o", "cx_scale_timeouts=false", suite=REVEAL, conftest="")
    fixed.assert_outcomes(passed=1, failed=1)
    fixed.stdout.fnmatch_lines(["*with timeout 5000ms*"])
    assert "timeouts in this cell" not in fixed.stdout.str()


NEVER = """
from playwright.sync_api import expect

def test_never(page):
    page.goto("/reveal.html")
    expect(page.locator("#nowhere")).to_be_visible()
"""


def test_a_scaled_timeout_that_runs_out_says_so(
    adopted_run: Any, pytester: pytest.Pytester
) -> None:
    result = adopted_run("-o", "cx_devices=desktop-1080p", "-o", "cx_networks=fast-4g",
                         "--cx-json", "r.json", "--cx-report", "report", suite=NEVER,
                         conftest="")  # fmt: skip
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*with timeout 6500ms*",
            "*timeouts in this cell*",
            "the 6.5 s that ran out is expect()'s default, ×1.3 for fast-4g*",
        ]
    )
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    (note,) = [f for f in item["findings"] if f["check"] == "scaled-timeout"]
    assert note["severity"] == "info" and note["data"] == {"factor": 1.3, "waited_ms": 6500.0}
    # The report shows the note with the test's findings, as it shows every finding.
    html = (pytester.path / "report" / "index.html").read_text()
    assert "scaled-timeout" in html and "×1.3 for fast-4g" in html


def test_bad_combinations_are_usage_errors(run_pytest: Any, pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_page(page):\n    pass\n")
    engines = run_pytest("--browser", "chromium", "--cx-browser", "firefox", inprocess=True)
    assert engines.ret == pytest.ExitCode.USAGE_ERROR
    engines.stderr.fnmatch_lines(["*--browser chromium and cxcheck's --cx-browser firefox*"])
    urls = run_pytest("--base-url", "http://127.0.0.1:1", inprocess=True)  # and --cx-base-url
    assert urls.ret == pytest.ExitCode.USAGE_ERROR
    urls.stderr.fnmatch_lines(["*--base-url http://127.0.0.1:1 and --cx-base-url * different*"])
    many = run_pytest("--browser", "chromium", "--browser", "firefox", "--cx-networks", "3g",
                      inprocess=True)  # fmt: skip
    assert many.ret == pytest.ExitCode.INTERRUPTED
    many.stdout.fnmatch_lines(["*--browser is given 2 times*one engine*"])


def test_both_plugins_options_show_in_help(run_pytest: Any) -> None:
    result = run_pytest("--help", inprocess=True, base_url=False)
    result.stdout.fnmatch_lines(["*--browser=*", "*--device=*", "*--cx-devices=*",
                                 "*cx_scale_timeouts*"])  # fmt: skip


CHECKS = """
import pytest

def test_a11y_on_the_suites_page(page, cx_a11y):
    page.goto("/a11y.html?broken=alt")
    cx_a11y.check(page)

def test_layout_on_the_suites_page(page, cx_layout):
    page.goto("/layout.html?broken=reflow")
    cx_layout.check(checks=["reflow"])

def test_visual_on_the_suites_page(page, cx_visual):
    page.goto("/index.html")
    cx_visual.assert_matches("home")
"""


def test_cxchecks_checks_work_on_the_suites_page(
    adopted_run: Any, pytester: pytest.Pytester
) -> None:
    args = ("-o", "cx_devices=iphone-13", "-o", "cx_networks=no-throttle", "--cx-json", "r.json")
    result = adopted_run(*args, "--cx-update-snapshots", suite=CHECKS, conftest="")
    result.assert_outcomes(passed=1, failed=2)
    results = {r["test"]: r for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    a11y = results["test_a11y_on_the_suites_page"]["findings"]
    assert any(f["kind"] == "a11y" and f["check"] == "image-alt" for f in a11y), a11y
    layout = results["test_layout_on_the_suites_page"]["findings"]
    assert any(f["kind"] == "layout" and f["severity"] == "error" for f in layout), layout
    assert list((pytester.path / "__cx_snapshots__").rglob("home-iphone-13.png"))


ASYNC_PLUGIN = Path(__file__).parents[1] / "data" / "thirdparty" / "pytest_playwright_asyncio"


def test_an_async_page_in_the_matrix_is_a_clear_error(
    pytester: pytest.Pytester, run_pytest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ASYNC_PLUGIN))  # both plugins, vendored there
    pytester.makepyfile("""
        import pytest

        @pytest.mark.asyncio(loop_scope="session")
        async def test_async(page):
            await page.goto("/index.html")
    """)
    plugins = ("-p", "no:playwright", "-p", "pytest_asyncio.plugin",
               "-p", "pytest_playwright_asyncio.pytest_playwright",
               "-o", "asyncio_default_fixture_loop_scope=session")  # fmt: skip
    result = run_pytest(*plugins, "--cx-networks", "slow-4g")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["*test_async takes pytest-playwright-asyncio's async 'page', which cxcheck cannot run*"]
    )
    # Outside the matrix the async suite is left alone (its own plugin runs it).
    alone = run_pytest(*plugins, "--collect-only", "-q", base_url=False)
    alone.stdout.fnmatch_lines(["*test_async*"])
    assert alone.ret == pytest.ExitCode.OK


def test_a_context_shared_between_tests_cannot_be_a_cell(adopted_run: Any) -> None:
    conftest = """
import pytest

@pytest.fixture(scope="session")
def context(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()
"""
    suite = "def test_page(page):\n    page.goto('/index.html')\n"
    result = adopted_run("--cx-networks", "slow-4g", suite=suite, conftest=conftest)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*test_page: its 'context' fixture is session-scoped, so one*"])
    assert adopted_run(suite=suite, conftest=conftest).ret == pytest.ExitCode.OK  # no matrix


def test_cx_browser_naming_another_engine_is_that_engine(adopted_run: Any) -> None:
    # pytest-playwright's launcher starts its own engine (chromium here): cxcheck's firefox must
    # not quietly become a chromium. Playwright's Firefox cannot be had here: the finder says so.
    suite = "def test_home(cx_page):\n    cx_page.goto('/index.html')\n"
    result = adopted_run("--cx-browser", "firefox", "--cx-networks", "no-throttle", suite=suite,
                         conftest="")  # fmt: skip
    result.assert_outcomes(errors=1)
    # It looked for Playwright's Firefox, not for the Chromium pytest-playwright would launch.
    result.stdout.fnmatch_lines(
        [
            "*cxcheck found no firefox browser*",
            "*Playwright's own firefox: not installed (looked for *firefox*",
        ]
    )


def test_an_adopted_test_gets_its_hosts_networks(
    adopted_run: Any, pytester: pytest.Pytester
) -> None:
    # An offline host: the browser is asked once, on a context of its own (not the cell's).
    suite = """
import pytest

@pytest.mark.cx(devices="iphone-13", networks="no-throttle",
                hosts={"localhost": "offline", "typo.example.test": "3g"})
def test_hosts(page):
    page.goto("/index.html")
    port = page.evaluate("location.port")
    ended = page.evaluate("url => fetch(url).then(() => 'answered', e => e.name)",
                          f"http://localhost:{port}/index.html")
    assert ended == "TypeError"
"""
    result = adopted_run("--cx-json", "r.json", suite=suite)
    result.assert_outcomes(passed=1)
    (only,) = json.loads((pytester.path / "r.json").read_text())["results"]
    unused = [f["target"] for f in only["findings"] if f.get("check") == "host-conditions"]
    assert unused == ["typo.example.test"]
