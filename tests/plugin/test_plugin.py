"""The plugin as users run it: real pytest sessions (pytester) against a real browser."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ISSUE_EXAMPLE = """
import pytest

@pytest.mark.cx(devices=["iphone-13", "pixel-7", "desktop-1080p"],
                networks=["slow-4g", "no-throttle"])
def test_home(cx_page, cx_device, cx_network):
    cx_page.goto("/")
    assert cx_page.viewport_size["width"] == cx_device.viewport.width
    assert cx_page.evaluate("innerWidth") == cx_device.viewport.width
    if cx_network.name == "slow-4g":
        assert cx_network.latency_ms == 562.5
"""


@pytest.mark.quick  # a real-browser smoke test of the quick tier
def test_issue_example_runs_as_six_items(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile(test_home=ISSUE_EXAMPLE)
    result = run_pytest("-v")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(
        [
            "*test_home[[]iphone-13-slow-4g[]] PASSED*",
            "*test_home[[]iphone-13-no-throttle[]] PASSED*",
            "*test_home[[]pixel-7-slow-4g[]] PASSED*",
            "*test_home[[]desktop-1080p-no-throttle[]] PASSED*",
            "cxcheck browser: chromium*",
        ]
    )


PRECEDENCE = """
import pytest

@pytest.mark.cx(devices="iphone-13")
def test_marked(cx_device):
    pass

def test_unmarked(cx_page):
    pass

class TestClassMarker:
    pytestmark = pytest.mark.cx(networks=["3g", "fast-4g"])

    def test_in_class(cx_network, self=None):
        pass
"""


def test_precedence_cli_over_marker_over_ini_over_default(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(
        test_prec=PRECEDENCE.replace(
            "def test_in_class(cx_network, self=None)", "def test_in_class(self, cx_network)"
        )
    )
    result = run_pytest("--collect-only", "-q", inprocess=True)
    result.stdout.fnmatch_lines(
        [
            "test_prec.py::test_marked[[]iphone-13-no-throttle[]]",
            "test_prec.py::test_unmarked[[]desktop-1080p-no-throttle[]]",  # the built-in default
            "test_prec.py::TestClassMarker::test_in_class[[]desktop-1080p-3g[]]",
            "test_prec.py::TestClassMarker::test_in_class[[]desktop-1080p-fast-4g[]]",
        ]
    )
    pytester.makeini("[pytest]\ncx_devices = pixel-7, ipad-mini\ncx_networks = slow-4g\n")
    result = run_pytest("--collect-only", "-q", inprocess=True)
    result.stdout.fnmatch_lines(
        [
            "test_prec.py::test_marked[[]iphone-13-slow-4g[]]",  # marker beats ini
            "test_prec.py::test_unmarked[[]pixel-7-slow-4g[]]",  # ini beats default
            "test_prec.py::test_unmarked[[]ipad-mini-slow-4g[]]",
        ]
    )
    result = run_pytest(
        "--collect-only",
        "-q",
        "--cx-devices",
        "small-phone-320",
        "--cx-networks",
        "offline",
        inprocess=True,
    )
    result.stdout.fnmatch_lines(
        [
            "test_prec.py::test_marked[[]small-phone-320-offline[]]",  # CLI beats marker
            "test_prec.py::test_unmarked[[]small-phone-320-offline[]]",
            "test_prec.py::TestClassMarker::test_in_class[[]small-phone-320-offline[]]",
            "3 tests collected*",
        ]
    )


def test_sets_and_playwright_names_expand(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices=["smoke", "Galaxy S9+", "pixel-4a-5g"], networks="devtools")
        def test_x(cx_device):
            pass
    """)
    result = run_pytest("--collect-only", "-q", inprocess=True)
    result.stdout.fnmatch_lines(
        ["*test_x[[]laptop-1366-fast-4g[]]", "*test_x[[]pixel-4a-5g-3g[]]", "15 tests collected*"]
    )


def test_k_and_last_failed_select_cells(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], networks=["slow-4g", "no-throttle"])
        def test_x(cx_device, cx_network):
            assert not (cx_device.name == "iphone-13" and cx_network.name == "slow-4g")
    """)
    result = run_pytest("-k", "desktop and not slow")
    result.assert_outcomes(passed=1, deselected=3)
    result = run_pytest()
    result.assert_outcomes(passed=3, failed=1)
    result = run_pytest("--lf", "-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_x[[]iphone-13-slow-4g[]] FAILED*"])


def test_runs_under_xdist_with_a_browser_per_worker(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(ISSUE_EXAMPLE)
    result = run_pytest("-n", "2", "-v")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*gw0*PASSED*", "*gw1*PASSED*"], consecutive=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--cx-devices", "iphone13"],
            "*cxcheck: unknown device 'iphone13' (in --cx-devices). Did you mean `iphone-13`*",
        ),
        (["--cx-networks", "slow4g"], "*unknown network 'slow4g'*Did you mean `slow-4g`*"),
        (["--cx-slowmo", "-5"], "*--cx-slowmo: -5 is out of range: 0 to 60000 ms*"),
        (
            ["--cx-base-url", "localhost:8000"],
            "*--cx-base-url: 'localhost:8000' is not an http(s)*",
        ),
        (["--cx-browser-endpoint", "chrome"], "*--cx-browser-endpoint: 'chrome' is not a browser*"),
        (["--cx-browser", "opera"], "*--cx-browser: invalid choice: 'opera'*"),
        (["--cx-profiles", "missing.toml"], "*missing.toml: no such profile file*"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()


def test_unknown_name_in_marker_fails_collection_with_a_suggestion(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices=["pixel7"], networks=["no-throttle"])
        def test_x(cx_page):
            pass
        @pytest.mark.cx(device="iphone-13")
        def test_y(cx_page):
            pass
    """)
    result = run_pytest(inprocess=True)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*test_x: unknown device 'pixel7' (in @pytest.mark.cx(devices=...)). "
            "Did you mean `pixel-7`*",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()


def test_user_profiles_from_ini_apply_in_the_browser(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.mkdir("cx")
    pytester.path.joinpath("cx", "profiles.toml").write_text(
        '[devices.kiosk-dark]\nextends = "ipad-mini"\ncolor_scheme = "dark"\n'
        'reduced_motion = "reduce"\nlocale = "de-DE"\n'
        "[networks.hotel-wifi]\nlatency_ms = 300\ndown_kbps = 2000\nup_kbps = 500\n"
    )
    pytester.makeini("[pytest]\ncx_profiles = cx/profiles.toml\n")
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices="kiosk-dark", networks="hotel-wifi")
        def test_x(cx_page, cx_network):
            cx_page.goto("/emulation.html")
            seen = cx_page.evaluate("seen()")
            assert seen["dark"] and seen["reducedMotion"] and seen["language"] == "de-DE"
            assert seen["innerWidth"] == 768
            assert cx_network.latency_ms == 300
    """)
    run_pytest("-v").assert_outcomes(passed=1)
    listing = run_pytest("--cx-list-profiles", inprocess=True)
    assert listing.ret == 0
    listing.stdout.fnmatch_lines(["kiosk-dark *768×1024*", "hotel-wifi *300 ms*2 Mbit/s*"])


def test_malformed_user_profile_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("bad.toml").write_text(
        "[devices.phone]\nviewport = { width = 390, height = 844 }\npixel_ratio = 0\n"
    )
    result = pytester.runpytest_inprocess("--cx-profiles", "bad.toml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: cxcheck: bad.toml:1: profile 'phone', field 'pixel_ratio': 0 is out of range: "
            "must be between 0.5 and 8 device px per CSS px",
        ]
    )


def test_help_fixtures_and_markers_are_documented(pytester: pytest.Pytester) -> None:
    options = [
        "--cx-devices",
        "--cx-networks",
        "--cx-profiles",
        "--cx-list-profiles",
        "--cx-base-url",
        "--cx-browser",
        "--cx-browser-path",
        "--cx-browser-endpoint",
        "--cx-headed",
        "--cx-slowmo",
        "--cx-artifacts",
        "--cx-json",
        "--cx-report",
        "--cx-report-single-file",
    ]
    result = pytester.runpytest_inprocess("--help")
    for option in options:
        result.stdout.fnmatch_lines([f"*{option}*"])
    result.stdout.fnmatch_lines(["*cx_devices*", "*cx_profiles*", "*cx_base_url*",
                                 "*cx_ignore_requests*", "*cx_ignore_console*"])  # fmt: skip
    fixtures = pytester.runpytest_inprocess("--fixtures")
    for name in (
        "cx_page",
        "cx_context",
        "cx_browser",
        "cx_device",
        "cx_network",
        "cx_base_url",
        "cx_context_options",
        "cx_catalogue",
        "cx_journey",
        "cx_artifacts",
    ):
        fixtures.stdout.fnmatch_lines([f"{name}*", "    [A-Z]*"], consecutive=True)
    markers = pytester.runpytest_inprocess("--markers")
    markers.stdout.fnmatch_lines(
        ["@pytest.mark.cx(devices=..., networks=..., hosts=..., ignore_*): run this*"]
    )


def test_base_url_that_does_not_answer_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(cx_page):\n    cx_page.goto('/')\n")
    started = time.monotonic()
    result = pytester.runpytest_subprocess("--cx-base-url", "http://127.0.0.1:9")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the base URL http://127.0.0.1:9/ does not answer*"])
    assert time.monotonic() - started < 60  # not a 30 s navigation timeout per test


def test_no_browser_is_one_clear_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.delenv("CXCHECK_BROWSER", raising=False)
    pytester.makepyfile("def test_a(cx_page):\n    pass\n\ndef test_b(cx_page):\n    pass\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*cxcheck found no chromium browser. Tried, in order:",
            "*python -m playwright install chromium*",
            "*apt-get install -y chromium*",
        ]
    )


def test_engine_that_cannot_throttle_refuses_throttled_networks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices="desktop-1080p", networks="slow-4g")
        def test_x(cx_page):
            pass
    """)
    result = pytester.runpytest_inprocess("--cx-browser", "firefox")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*network profile 'slow-4g' throttles*only Chromium*"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connects_to_a_running_browser_over_cdp(
    pytester: pytest.Pytester, run_pytest: Any, tmp_path: Path
) -> None:
    from cxcheck.browser.launch import CHROMIUM_ARGS, BrowserSettings, find_browser

    exe = find_browser(BrowserSettings(), None).executable
    if exe is None:
        pytest.skip("needs a Chromium executable to start by hand")
    port = _free_port()
    chrome = subprocess.Popen(
        [
            exe,
            "--headless",
            *CHROMIUM_ARGS,
            f"--remote-debugging-port={port}",
            "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={tmp_path / 'profile'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint + "/json/version", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        pytester.makepyfile(ISSUE_EXAMPLE)
        result = run_pytest("--cx-browser-endpoint", endpoint, "--cx-devices", "iphone-13")
        result.assert_outcomes(passed=2)
        result.stdout.fnmatch_lines([f"cxcheck browser: chromium at {endpoint}"])
        assert chrome.poll() is None  # connecting does not own it: it still runs
    finally:
        chrome.terminate()
        chrome.wait(timeout=30)


def test_unreachable_endpoint_is_a_clear_error(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("def test_x(cx_page):\n    pass\n")
    result = run_pytest("--cx-browser-endpoint", f"http://127.0.0.1:{_free_port()}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*could not connect to the browser at --cx-browser-endpoint*"])


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        ("cx_browser = opera", "*ini cx_browser = 'opera' is not an engine*"),
        ("cx_base_url = localhost", "*ini cx_base_url: 'localhost' is not an http(s) URL*"),
        ("cx_devices = phones, iphone14x", "*unknown device 'iphone14x' (in ini cx_devices)*"),
        ("cx_profiles = nowhere.toml", "*nowhere.toml: no such profile file*"),
        ("cx_trace = always", "*ini cx_trace = 'always' is not a trace mode*"),
    ],
)
def test_bad_ini_values_are_usage_errors(pytester: pytest.Pytester, ini: str, message: str) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_slowmo_slows_every_action(pytester: pytest.Pytester, run_pytest: Any) -> None:
    pytester.makepyfile("""
        import time
        def test_x(cx_page):
            cx_page.goto("/")
            started = time.monotonic()
            for _ in range(3):
                cx_page.click("h1")
            # 3 clicks at 300 ms of slow-mo each: a lower bound that load cannot break
            assert time.monotonic() - started >= 0.85
    """)
    run_pytest("--cx-slowmo", "300").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--cx-browser-path", "/no/such/chrome"],
            {},
            "*browser given by --cx-browser-path / CXCHECK_BROWSER is not an executable file: "
            "/no/such/chrome*",
        ),
        ([], {"CXCHECK_BROWSER": "/no/such/chrome"}, "*not an executable file: /no/such/chrome*"),
    ],
)
def test_an_explicit_browser_that_does_not_exist_is_named(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    pages_url: str,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    pytester.makepyfile("def test_x(cx_page):\n    pass\n")
    result = pytester.runpytest_subprocess("--cx-base-url", pages_url, *args)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_launch_and_connect_together_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = pytester.runpytest_inprocess(
        "--cx-browser-path", "/usr/bin/chromium", "--cx-browser-endpoint", "http://127.0.0.1:9222"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*give either a browser to launch*or one to connect to*"])
    monkeypatch.setenv("CXCHECK_BROWSER_ENDPOINT", "chrome")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*CXCHECK_BROWSER_ENDPOINT: 'chrome' is not a browser endpoint*"])


def test_catalogue_fixture_holds_user_profiles(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("mine.toml").write_text(
        "[devices.kiosk]\nviewport = { width = 1080, height = 1920 }\n"
    )
    pytester.makepyfile("""
        def test_x(cx_catalogue):
            assert cx_catalogue.devices["kiosk"].viewport.height == 1920
            assert "iphone-13" in cx_catalogue.devices
    """)
    pytester.runpytest_inprocess("--cx-profiles", "mine.toml").assert_outcomes(passed=1)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_run_without_cx_options_loads_cxcheck_when_it_collects_a_cx_test(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    # Nothing configures cxcheck, so it is made on first use: by the collecting process, and by
    # the xdist controller when the first worker's collection manifest or result arrives.
    pytester.makepyfile("""
        import pytest
        @pytest.mark.cx(devices=["iphone-13", "desktop-1080p"], networks="no-throttle")
        @pytest.mark.parametrize("size", ["s", "l"])
        def test_cell(cx_device, cx_catalogue, size):
            assert cx_device.name in cx_catalogue.devices
        def test_plain():
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly", *workers)
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*cxcheck matrix*", "*iphone-13*"])


def test_items_stopped_before_they_ran_keep_their_cells_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The controller never collects; the workers' collection manifest tells it every cell.
    pytester.makepyfile("""
        import time
        import pytest
        @pytest.mark.cx(devices=["iphone-13", "pixel-7"], networks=["slow-4g", "no-throttle"])
        @pytest.mark.parametrize("n", range(10))
        def test_cell(cx_device, n):
            if n == 0:
                raise AssertionError("stop here")
            time.sleep(0.2)
    """)
    temp = tmp_path / "temp"  # the run's own temp folder: where the manifests go
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-n", "2", "-x", "--cx-json", "r.json"
    )
    # pytest-xdist ends a run stopped by -x as interrupted.
    assert result.ret in (pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED)
    data = json.loads((pytester.path / "r.json").read_text())
    not_run = [r for r in data["results"] if r["outcome"] == "not-run"]
    assert not_run and len(data["results"]) == 40
    for r in not_run:
        assert r["device"] in ("iphone-13", "pixel-7") and r["network"] in (
            "slow-4g",
            "no-throttle",
        )
        assert r["cell"] == f"{r['device']}-{r['network']}" and r["test"] == "test_cell"
        assert r["file"] == "test_items_stopped_before_they_ran_keep_their_cells_under_xdist.py"
        assert r["nodeid"] == f"{r['file']}::test_cell[{r['cell']}-{r['variant']}]"
        assert r["params"] == {"n": r["variant"]}
    assert not list(temp.glob("cxcheck-run-*")), "a manifest folder left behind"


def test_only_a_run_that_configures_cxcheck_is_checked_up_front(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxcheck.plugin.options import ENV_NAMES, cx_configured

    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    assert not cx_configured(pytester.parseconfig())
    assert cx_configured(pytester.parseconfig("--cx-devices", "iphone-13"))
    assert cx_configured(pytester.parseconfig("--cx-headed"))
    pytester.makeini("[pytest]\ncx_trace = on\n")
    assert cx_configured(pytester.parseconfig())
    pytester.makeini("[pytest]\n")
    assert not cx_configured(pytester.parseconfig())
    monkeypatch.setenv("CXCHECK_BROWSER", "/usr/bin/chromium")
    assert cx_configured(pytester.parseconfig())
    monkeypatch.delenv("CXCHECK_BROWSER")
    pytester.path.joinpath("cx-a11y-baseline.json").write_text("{}")
    assert cx_configured(pytester.parseconfig())


def test_every_check_is_wired_by_its_declaration_alone(pytester: pytest.Pytester) -> None:
    # The one protocol: a check's options, ini settings, marker keys, settings and fixture come
    # from its own wiring.py, registered with one line in plugin/checks.py.
    from cxcheck.plugin import checks, options

    names = {c.name for c in checks.CHECKS}
    assert names == {"a11y", "layout", "visual", "load"}
    ini = {name for name, *_ in options.all_ini()}
    for check in checks.CHECKS:
        assert {s.name for s in check.ini} <= ini
        assert set(check.marker_keys) <= set(checks.MARKER_KEYS)
    help_text = pytester.runpytest_inprocess("--help").stdout.str()
    for check in checks.CHECKS:
        for option in check.options:
            assert option.flag in help_text
        for setting in check.ini:
            assert setting.name in help_text
    fixtures = pytester.runpytest_inprocess("--fixtures").stdout.str()
    for module in checks.FIXTURE_MODULES:
        assert f"fixtures defined from {module}" in fixtures
    # Settings read by the checks themselves, validated with the value and the fix.
    pytester.makeini("[pytest]\ncx_layout_target_size = huge\n")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cx_layout_target_size = 'huge' must be a size in CSS px*"])
    # A test's marker keys reach its check's settings, and unknown ones are refused by name.
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(
        test_good="""
        import pytest
        @pytest.mark.cx(a11y_impact="critical")
        def test_x(_cx_test):
            assert _cx_test.settings("a11y").settings.impact == "critical"
            assert _cx_test.settings("layout").target_size == 24
        """,
        test_bad="""
        import pytest
        @pytest.mark.cx(a11y_impactt="critical")
        def test_y(cx_device):
            pass
        """,
    )
    pytester.runpytest_inprocess("test_good.py").assert_outcomes(passed=1)
    result = pytester.runpytest_inprocess("test_bad.py")
    result.stdout.fnmatch_lines(["*unknown argument 'a11y_impactt'*Did you mean `a11y_impact`*"])
