"""The ``cxcheck`` command and what the wheel ships."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cxcheck.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_profiles_command_prints_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "iphone-13" in out and "562.5 ms" in out and "mobile-networks" in out
    assert "Playwright's registry" in out


def test_profiles_command_lists_playwright_devices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "--playwright"]) == 0
    assert "Galaxy S9+ landscape" in capsys.readouterr().out


def test_profiles_command_explains_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text("[networks.x]\nlatency_ms = -1\n")
    assert main(["profiles", "--profiles", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: profile 'x', field 'latency_ms'" in err


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("cxcheck")
    done = subprocess.run([str(exe), "profiles"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "desktop-4k" in done.stdout


@pytest.mark.slow
def test_wheel_ships_profiles_typing_and_the_plugin_entry_point(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=600,
    )
    wheel = next(tmp_path.glob("cxcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("devices.toml", "networks.toml", "sets.toml"):
        assert f"cxcheck/profiles/{name}" in names
    assert "cxcheck/py.typed" in names
    # The published schemas and the report's own CSS and script.
    for name in (
        "model/results.schema.json",
        "journeyfiles/journey.schema.json",
        "outputs/report/assets/report.css",
        "outputs/report/assets/report.js",
    ):
        assert f"cxcheck/{name}" in names
    # The demo works from a wheel too: the storefront and the examples ship inside it.
    assert "cxshop/app.py" in names
    assert "cxshop/static/app.css" in names
    assert "cxcheck/examples/pytest.ini" in names
    assert "cxcheck/examples/test_checkout.py" in names
    assert "cxcheck/examples/ci/github-actions.yml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[pytest11]" in text and "cxcheck = cxcheck.plugin.hooks" in text


HEAVY = ("playwright", "locust", "PIL", "numpy", "axe_playwright_python")
# What a session that uses no cxcheck may not load: the profiles, checks, load, report, journeys.
NOT_IN_A_PLAIN_SESSION = ("cxcheck.config", "cxcheck.checks", "cxcheck.load", "cxcheck.journey",
                          "cxcheck.journeyfiles", "cxcheck.outputs", "cxcheck.browser",
                          "cxcheck.app", "cxcheck.plugin.settings")  # fmt: skip
# What each check declares to the plugin (options, ini settings, marker keys) and its fixture
# are read whenever pytest starts: declarations only (they import the check itself when used),
# and their packages' empty or lazy __init__ modules.
WIRING = ("cxcheck.checks", "cxcheck.checks.protocol", "cxcheck.load", "cxcheck.load.wiring",
          *(f"cxcheck.checks.{c}{m}" for c in ("a11y", "layout", "visual")
            for m in ("", ".wiring", ".fixture")))  # fmt: skip


def test_plugin_import_is_light() -> None:
    code = (
        "import atexit, sys, pytest\n"
        "before = atexit._ncallbacks()  # pytest's own imports register one\n"
        "import cxcheck.plugin.hooks, cxcheck.plugin.fixtures\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert atexit._ncallbacks() == before, 'an atexit handler registered at import'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_session_that_uses_no_cxcheck_loads_none_of_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(
        test_plain="import pytest\n\n@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_x(n):\n    assert n\n"
    )

    def heavy_modules(*args: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "pytest", "--collect-only", "-q",
             "-p", "no:cacheprovider", *args],
            cwd=pytester.path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "2 tests collected" in done.stdout
        lines = done.stderr.splitlines()
        loaded = {line.rsplit("|", 1)[-1].strip() for line in lines if "|" in line}
        return {
            m for m in loaded
            if m.split(".")[0] in HEAVY
            or any(m == p or m.startswith(p + ".") for p in NOT_IN_A_PLAIN_SESSION)
            if m not in WIRING
        }  # fmt: skip

    # Other installed plugins may load heavy modules of their own (pytest-playwright imports
    # Playwright): cxcheck adds none to what the session loads without it.
    assert sorted(heavy_modules() - heavy_modules("-p", "no:cxcheck")) == []
    assert sorted(heavy_modules("-p", "no:playwright")) == []
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q"],
                          cwd=pytester.path, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    # The plugin is loaded all the same: its options are there.
    assert "cxcheck" not in done.stdout
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--cx-devices=NAMES*"])


def test_ci_recipes_install_a_browser_run_the_suite_keep_the_report_and_gate() -> None:
    import yaml

    github = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text())
    steps = github["jobs"]["journeys"]["steps"]
    commands = " ".join(str(s.get("run", "")) for s in steps)
    assert "playwright install" in commands and "--cx-report" in commands
    upload = next(s for s in steps if "upload-artifact" in str(s.get("uses", "")))
    assert upload["if"] == "always()" and "cx-report" in upload["with"]["path"]
    gitlab = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text())["cxcheck"]
    assert any("chromium" in line for line in gitlab["script"])
    assert gitlab["artifacts"]["when"] == "always"
    assert gitlab["artifacts"]["reports"]["junit"].endswith("junit.xml")
    # Both keep a history folder between runs, so each run says what changed since the last.
    assert "--cx-history cx-history" in commands
    assert "cxcheck timeline cx-report/results.json" in commands  # where the time went
    restore, save = (next(s for s in steps if f"cache/{verb}" in str(s.get("uses", "")))
                     for verb in ("restore", "save"))  # fmt: skip
    assert restore["with"]["path"] == save["with"]["path"] == "cx-history"
    assert save["if"] == "always()" and save["with"]["key"] == restore["with"]["key"]
    assert steps.index(restore) < steps.index(save)
    assert any("--cx-history cx-history" in line for line in gitlab["script"])
    history = next(c for c in gitlab["cache"] if c.get("key") == "cxcheck-history")
    assert history["paths"] == ["cx-history/"] and history["when"] == "always"
