"""`session:` and `cx_session`: a login done once per device per worker, reused by every later
cell of that device (counted by the storefront itself), its secret masked, and a failed login
failing the later cells at once for its one reason."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cxcheck.journey.session import PREFIX, Key, Login, Store
from cxcheck.journeyfiles.loader import JourneyFileError, load_all

SHOP_INI = """\
[pytest]
cx_server_command = {python} -m cxshop --port {port}
cx_server_ready_path = /healthz
cx_server_timeout = 60
cx_devices = iphone-13 laptop-1366
cx_networks = slow-4g no-throttle
"""
SIGN_IN = """\
- name: sign in
  actions:
    - goto: /account/login
    - fill: {label: "Email:", value: "${email}"}
    - fill: {label: "Password:", value: "${password}"}
    - click: {role: button, name: Sign in}
    - expect_visible: "#signed-in"
"""
JOURNEY = """\
name: account
vars: {{email: ada@example.com}}
secrets: {{password: {password}}}
session: steps/sign-in.steps.yaml
timeout: {timeout}
start: /account/orders
steps:
  - name: see the orders
    actions:
      - expect_visible: "#no-orders"
"""
PYTHON = """\
from playwright.sync_api import expect


def log_in(page):
    page.goto("/account/login")
    page.get_by_label("Email:").fill("ada@example.com")
    page.get_by_label("Password:").fill({password!r})
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in")).to_be_visible(timeout={timeout_ms})


def test_profile(cx_session, cx_journey):
    cx_session.use(log_in, key="shop-user")
    with cx_journey.step("open the account"):
        cx_journey.page.goto("/account")
        expect(cx_journey.page.locator("#display-name")).to_be_visible()
"""
# Runs last (-p no:randomly, files in name order): what the shop counted, for the test to read.
STATS = """\
import json, urllib.request


def test_zz_stats(cx_base_url):
    with urllib.request.urlopen(cx_base_url.rstrip("/") + "/account/stats") as answer:
        open("stats.json", "w").write(answer.read().decode())
"""
GOOD_PASSWORD = "correct-horse-battery"


def _write(root: Path, password: str, python_password: str, timeout_s: float) -> None:
    root.joinpath("pytest.ini").write_text(SHOP_INI)
    root.joinpath("steps").mkdir()
    root.joinpath("steps/sign-in.steps.yaml").write_text(SIGN_IN)
    root.joinpath("account.journey.yaml").write_text(
        JOURNEY.format(password=password, timeout=f"{timeout_s:g}s")
    )
    root.joinpath("test_account.py").write_text(
        PYTHON.format(password=python_password, timeout_ms=int(timeout_s * 1000))
    )
    root.joinpath("test_zz_stats.py").write_text(STATS)


def _run(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p", "xdist", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider",
        "--cx-json", "r.json", "--cx-report", "report", "--junitxml", "j.xml", timeout=300,
    )  # fmt: skip


def _results(root: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((root / "r.json").read_text())["results"]
    return {r["nodeid"]: r for r in data if "stats" not in r["nodeid"]}


def _session_findings(result: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["kind"] == "session" and f["check"] == check]


def test_one_login_per_device_per_worker_reused_by_every_later_cell(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester.path, GOOD_PASSWORD, GOOD_PASSWORD, 15)
    result = _run(pytester)
    result.assert_outcomes(passed=9)  # 2 × 4 cells, and the stats
    # The shop counted one sign-in per device for each of the two sessions: not one per cell.
    stats = json.loads((pytester.path / "stats.json").read_text())
    assert stats == {"logins": 4, "failed_logins": 0}
    results = _results(pytester.path)
    assert len(results) == 8
    for test in ("account.journey.yaml::account", "test_account.py::test_profile"):
        for device in ("iphone-13", "laptop-1366"):
            cells = {k: r for k, r in results.items() if k.startswith(f"{test}[{device}-")}
            logged = [k for k, r in cells.items() if _session_findings(r, "session-login")]
            reused = [r for r in cells.values() if _session_findings(r, "session-reused")]
            assert len(logged) == 1 and len(reused) == 1, (test, device)
            first = cells[logged[0]]
            # The login's cost shows once, as the first cell's own steps.
            assert first["steps"][0]["name"].startswith(PREFIX)
            assert not any(s["name"].startswith(PREFIX) for s in reused[0]["steps"])
            (note,) = _session_findings(reused[0], "session-reused")
            assert note["severity"] == "info"
            assert f"logged in once by {logged[0]} in " in note["message"]
            assert note["message"].endswith("s; no steps replayed")
            assert note["data"]["seconds"] == pytest.approx(
                sum(s["duration_s"] for s in first["steps"] if s["name"].startswith(PREFIX)),
                abs=0.01,
            )
    assert GOOD_PASSWORD not in (pytester.path / "r.json").read_text()


def test_a_failed_login_fails_every_later_cell_at_once_for_its_one_reason(
    pytester: pytest.Pytester,
) -> None:
    timeout_s = 10.0
    _write(pytester.path, "wrong-horse-battery", "another-wrong-one", timeout_s)
    result = _run(pytester)
    result.assert_outcomes(failed=8, passed=1)
    stats = json.loads((pytester.path / "stats.json").read_text())
    assert stats == {"logins": 0, "failed_logins": 4}  # one attempt per device per session
    results = _results(pytester.path)
    for test, shown in (("account.journey.yaml::account", "steps/sign-in.steps.yaml"),
                        ("test_account.py::test_profile", "shop-user")):  # fmt: skip
        for device in ("iphone-13", "laptop-1366"):
            cells = {k: r for k, r in results.items() if k.startswith(f"{test}[{device}-")}
            fast = {k: r for k, r in cells.items() if _session_findings(r, "session-failed")}
            assert len(fast) == 1, (test, device)
            (first_id,) = set(cells) - set(fast)
            (later,) = fast.values()
            (finding,) = _session_findings(later, "session-failed")
            assert finding["severity"] == "error"
            assert finding["message"].startswith(
                f"session {shown!r} failed in {first_id}, the first cell on {device} on this "
                "worker; not tried again here: "
            ), finding["message"]
            # The first cell's own reason, all of it: the check that failed and the HTTP 401.
            assert f"'{PREFIX}" in finding["message"]
            assert "/account/login (HTTP 401)" in finding["message"]
            # The item's message is the finding's after "SessionFailed: " (a long one is cut).
            shown_message = later["message"].removeprefix("SessionFailed: ")
            assert finding["message"].startswith(shown_message.split("…")[0])
            # No timeout waited again: the later cell played no step, and took less than the
            # one wait a retry would have cost (its set-up and evidence are all it spent; the
            # margin is for a machine other jobs keep busy).
            assert later["steps"] == []
            assert cells[first_id]["duration_s"] >= timeout_s
            assert later["duration_s"] < timeout_s, later["duration_s"]
    result.stdout.fnmatch_lines(["*SessionFailed: session 'steps/sign-in.steps.yaml' failed in*"])
    written = [result.stdout.str(), (pytester.path / "r.json").read_text(),
               (pytester.path / "j.xml").read_text()]  # fmt: skip
    written += [p.read_text() for p in pytester.path.rglob("steps.json")]
    written += [p.read_text() for p in (pytester.path / "report").rglob("*.html")]
    assert all("wrong-horse-battery" not in text for text in written)


# --- the store and the file, without a browser ---


def test_the_store_counts_logins_per_session_and_device_and_remembers_failures() -> None:
    store = Store()
    phone = Key("shop-user", "iphone-13", "http://127.0.0.1:1/")
    laptop = Key("shop-user", "laptop-1366", "http://127.0.0.1:1/")
    other_app = Key("shop-user", "iphone-13", "http://127.0.0.1:2/")
    assert store.get(phone) is None and store.logins("shop-user") == 0
    state = {"cookies": [{"name": "cxshop_account"}], "origins": []}
    store.put(phone, Login("t[iphone-13-3g]", 1.5, state))
    store.put(laptop, Login("t[laptop-1366-3g]", 2.0, failure="wrong password"))
    assert store.get(phone) == Login("t[iphone-13-3g]", 1.5, state)
    assert store.get(other_app) is None  # another base URL is another login
    failed = store.get(laptop)
    assert failed is not None and failed.failure == "wrong password" and failed.state is None
    assert store.logins("shop-user") == 1  # a failed login is not a login
    assert store.logins("shop-user", "iphone-13") == 1
    assert store.logins("shop-user", "laptop-1366") == 0
    assert store.logins("admin") == 0
    store.clear()
    assert store.get(phone) is None and store.logins("shop-user") == 0


def _journey(root: Path, session: str, steps_file: str | None = SIGN_IN, **variables: str) -> Path:
    if steps_file is not None:
        root.joinpath("steps").mkdir(exist_ok=True)
        root.joinpath("steps/sign-in.steps.yaml").write_text(steps_file)
    values = ", ".join(f"{k}: {v}" for k, v in {"email": "ada@example.com", **variables}.items())
    path = root / "account.journey.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: account
        vars: {{{values}}}
        secrets: {{password: hunter2}}
        session: {session}
        steps:
          - name: orders
            actions:
              - goto: /account/orders
        """))  # fmt: skip
    return path


def test_a_session_file_is_read_like_an_include_with_the_journeys_vars(tmp_path: Path) -> None:
    (spec,) = load_all(_journey(tmp_path, "steps/sign-in.steps.yaml"))
    assert spec.session is not None
    assert spec.session.file == "steps/sign-in.steps.yaml"
    assert [s.name for s in spec.session.steps] == [PREFIX + "sign in"]
    fills = [a.args["value"] for a in spec.session.steps[0].actions if a.kind == "fill"]
    assert fills == ["ada@example.com", "hunter2"]
    assert spec.session.steps[0].path == tmp_path / "steps/sign-in.steps.yaml"
    assert [s.name for s in spec.steps] == ["orders"]  # not replayed among the journey's steps
    assert "hunter2" not in spec.session.key  # a digest tells logins apart, not the secret
    # Another user is another login; the same file and values are the same one.
    (other,) = load_all(_journey(tmp_path, "steps/sign-in.steps.yaml", email="bob@example.com"))
    (same,) = load_all(_journey(tmp_path, "steps/sign-in.steps.yaml"))
    assert other.session is not None and same.session is not None
    assert other.session.key != spec.session.key == same.session.key


@pytest.mark.parametrize(
    ("session", "steps_file", "message"),
    [
        ("steps/sign-on.steps.yaml", SIGN_IN,
         "account.journey.yaml:4: session: 'steps/sign-on.steps.yaml' is not a file (paths are "
         "relative to account.journey.yaml's folder"),
        ("[a, b]", SIGN_IN,
         "account.journey.yaml:4: session must be a text, not a list; like session: "
         "sign-in.steps.yaml"),
        ("steps/sign-in.steps.yaml", "name: sign in\nsteps: []\n",
         "sign-in.steps.yaml:1: an included file holds a list of steps"),
        ("steps/sign-in.steps.yaml", "- name: sign in\n  actions:\n    - clik: '#go'\n",
         "sign-in.steps.yaml:3: unknown action 'clik'. Did you mean `click`?"),
        ("steps/sign-in.steps.yaml", "- name: sign in\n  actions:\n    - fill: {label: a, "
         "value: '${pasword}'}\n",
         "sign-in.steps.yaml:3: fill value uses ${pasword}, which is not defined. Did you mean "
         "`${password}`?"),
    ],
)  # fmt: skip
def test_a_missing_or_malformed_session_file_is_a_load_error_naming_file_and_line(
    tmp_path: Path, session: str, steps_file: str, message: str
) -> None:
    with pytest.raises(JourneyFileError) as info:
        load_all(_journey(tmp_path, session, steps_file))
    assert message in str(info.value), info.value


def test_session_is_in_the_schema_and_the_file_keys_reference() -> None:
    from cxcheck.journeyfiles.reference import action_reference, journey_schema

    assert "session" in journey_schema()["properties"]
    assert "`session:`" in action_reference()
