"""Per-host networks in real pytest runs: a single point of failure (SPOF) journey, a host
pattern with a port, the info finding for a pattern nothing matched, and bad input.

The third party of the SPOF pages is the page server reached as ``localhost`` (see
fixtures/pages/spof-*.html); the one of the port pattern is a second page server on another
127.0.0.1 port.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pageserver

INI = """\
[pytest]
cx_devices = desktop-1080p
cx_networks = no-throttle
cx_hosts =
    nothing.example.test = 3g
"""
SPOF = """\
name: spof {page}
hosts:
  localhost: blackhole
start: {{url: /spof-{page}.html, timeout: 4s}}
steps:
  - name: pay
    actions:
      - expect_text: {{selector: "#total", text: "Total: 42.00"}}
      - click: {{role: button, name: Pay now}}
"""
PORT_TEST = """\
import pytest

THIRD = "{third}"


@pytest.mark.cx(hosts={{"127.0.0.1:{port}": "blackhole", "typo.example.test": "3g"}})
def test_port(cx_page):
    cx_page.goto("/index.html")
    ended = cx_page.evaluate(
        "url => fetch(url, {{mode: 'no-cors', signal: AbortSignal.timeout(2000)}})"
        ".then(() => 'answered', e => e.name)", THIRD + "index.html")
    assert ended == "TimeoutError"
    assert cx_page.evaluate("() => fetch('/index.html').then(r => r.status)") == 200


def test_ini(cx_page):
    cx_page.goto("/index.html")
"""
STEPS = "steps:\n  - name: s\n    actions:\n      - goto: /\n"


def _results(root: Path) -> dict[str, dict[str, Any]]:
    return {r["nodeid"]: r for r in json.loads((root / "r.json").read_text())["results"]}


def _hosts_findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f.get("check") == "host-conditions"]


def test_spof_journey_port_pattern_and_unmatched_hosts(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makefile(".ini", pytest=INI)
    for page in ("fixed", "blocking"):
        (pytester.path / f"spof-{page}.journey.yaml").write_text(SPOF.format(page=page))
    with pageserver.serve() as third:
        port = third.rstrip("/").rsplit(":", 1)[1]
        pytester.makepyfile(test_hosts=PORT_TEST.format(third=third, port=port))
        result = run_pytest("--cx-json", "r.json", "--cx-report", "report", "-p", "no:randomly")
    results = _results(pytester.path)
    outcomes = {nodeid.split("[")[0]: r["outcome"] for nodeid, r in results.items()}
    assert outcomes == {
        "spof-fixed.journey.yaml::spof-fixed": "passed",
        "spof-blocking.journey.yaml::spof-blocking": "failed",
        "test_hosts.py::test_port": "passed",
        "test_hosts.py::test_ini": "passed",
    }, result.stdout.str()
    # The blocking page never finished loading: the start step's navigation timed out.
    blocking = next(r for k, r in results.items() if k.startswith("spof-blocking"))
    assert "Timeout 4000ms exceeded" in json.dumps(blocking["steps"][0]["findings"])
    # A pattern no request matched is said (info: the test still passes), ini's as the marker's.
    port_test = next(r for k, r in results.items() if "test_port" in k)
    (typo,) = _hosts_findings(port_test)
    assert typo["severity"] == "info" and typo["target"] == "typo.example.test"
    assert (
        "host 'typo.example.test' (3g, @pytest.mark.cx(hosts=...)) matched no request"
        in (typo["message"])
    )
    # The report shows it on the test's panel, as the JSON has it.
    report = (pytester.path / "report" / "index.html").read_text()
    assert "typo.example.test" in report and "matched no request" in report
    (ini,) = _hosts_findings(next(r for k, r in results.items() if "test_ini" in k))
    assert ini["target"] == "nothing.example.test" and "ini cx_hosts" in ini["message"]
    # The journey file's host did match (the tag was asked for): nothing to say.
    fixed = next(r for k, r in results.items() if k.startswith("spof-fixed"))
    assert _hosts_findings(fixed) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "test_a.py": "import pytest\n\n@pytest.mark.cx(hosts={'cdn.example.test': '3gg'})"
                "\ndef test_a(cx_page):\n    pass\n"
            },
            "test_a.py::test_a: @pytest.mark.cx(hosts=...): host 'cdn.example.test': '3gg' is "
            "not a network profile. Did you mean `3g`?",
        ),
        (
            {
                "a.journey.yaml": "name: a\nhosts:\n  cdn.example.test: 3g\n  'https://x.test/': "
                "offline\n" + STEPS
            },
            "a.journey.yaml:4: hosts: 'https://x.test/' is a URL; give its host only, e.g. "
            "'x.test'",
        ),
        (
            {"a.journey.yaml": "name: a\nhosts:\n  cdn.example.test: blackhol\n" + STEPS},
            "a.journey.yaml:3: hosts: host 'cdn.example.test': 'blackhol' is not a network "
            "profile. Did you mean `blackhole`?",
        ),
        (
            {
                "pytest.ini": "[pytest]\ncx_hosts = cdn.example.test\n",
                "test_b.py": "def test_b(cx_page):\n    pass\n",
            },
            "ini cx_hosts: 'cdn.example.test' needs the form pattern = network",
        ),
    ],
)
def test_bad_hosts_are_clear_errors(
    pytester: pytest.Pytester, run_pytest: Any, files: dict[str, str], expected: str
) -> None:
    for name, text in files.items():
        (pytester.path / name).write_text(text)
    result = run_pytest("--collect-only", "-q", inprocess=True)
    assert result.ret != 0
    assert expected in result.stdout.str()
