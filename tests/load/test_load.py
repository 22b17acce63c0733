"""Load runs: real Locust (in child processes) against the demo storefront on 127.0.0.1.

Runs are a few seconds with a few users, so the file stays short on a busy CI machine; the
storefront and one plain run are shared by the tests that only read a result.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxcheck.app.server import AppServer, ServerSpec
from cxcheck.load import read_results
from cxcheck.load import runner as load
from cxcheck.load.hosts import LoadHostError, check_host
from cxcheck.load.locust_output import LoadRunError
from cxcheck.load.processes import stop_all
from cxcheck.load.results import LoadResult
from cxcheck.load.runner import LoadSettings
from cxcheck.load.stats import EndpointStats, HistoryPoint, LoadError, Progress, Stage
from cxcheck.load.summary import EndpointSummary, HistoryEntry, LoadSummary
from cxcheck.load.thresholds import LoadThresholdError
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError, collecting, record
from tests.helpers import leftovers, wait_for_no_leftovers

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "data" / "locustfiles" / "shop.py"
ENDPOINTS = {"/api/products", "/api/products/[slug]", "/api/orders/[id]"}

pytestmark = pytest.mark.skipif(
    not Path("/proc").is_dir() or not hasattr(os, "killpg"), reason="reads /proc, needs killpg"
)
# find_spec locates the package without importing it (an import would patch pytest with gevent).
needs_locust = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="needs Locust: pip install -e '.[load]'"
)


@pytest.fixture(scope="module")
def shop_url() -> Iterator[str]:
    if importlib.util.find_spec("locust") is None:
        pytest.skip("needs Locust: pip install -e '.[load]'")
    server = AppServer(
        ServerSpec(
            "{python} -m cxshop --port {port}",
            ready_path="/healthz",
            timeout_s=60,
            cwd=ROOT / "fixtures",
        )
    )
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def progress_seen() -> list[Progress]:
    return []


@pytest.fixture(scope="module")
def result(
    shop_url: str, tmp_path_factory: pytest.TempPathFactory, progress_seen: list[Progress]
) -> LoadResult:
    """3 users for 3 s: two endpoints that answer and one that always 404s."""
    return load.run(
        SHOP,
        host=shop_url,
        users=3,
        spawn_rate=10,
        run_time="3s",
        settings=LoadSettings(progress_interval_s=1.0),
        progress=progress_seen.append,
        artifacts=tmp_path_factory.mktemp("load"),
    )


# --- a plain run ---------------------------------------------------------------------------


def test_run_reports_endpoints_total_and_history(result: LoadResult, shop_url: str) -> None:
    assert result.host == shop_url.rstrip("/")
    assert (result.users, result.workers, result.duration_s) == (3, 0, 3.0)
    assert result.exit_code == 1  # the 404s are failed requests: still a result to judge
    by_name = {e.name: e for e in result.endpoints}
    assert set(by_name) == ENDPOINTS
    assert all(e.method == "GET" and e.requests > 0 for e in result.endpoints)
    total = result.total
    assert (total.name, total.method) == ("Aggregated", "")
    assert total.requests == sum(e.requests for e in result.endpoints)
    assert total.failures == by_name["/api/orders/[id]"].failures
    assert by_name["/api/orders/[id]"].failures == by_name["/api/orders/[id]"].requests
    assert by_name["/api/products"].failures == 0
    assert 0 < result.failure_ratio < 1
    for e in [*result.endpoints, total]:
        assert 0 < e.p50_ms <= e.p90_ms <= e.p95_ms <= e.p99_ms <= e.max_ms
        assert 0 < e.avg_ms <= e.max_ms and e.rps > 0
    assert result.history and result.history[0].t_s == 0
    assert [h.t_s for h in result.history] == sorted(h.t_s for h in result.history)
    assert max(h.users for h in result.history) == 3
    assert any(h.rps > 0 and h.p95_ms is not None for h in result.history)
    assert any("404" in e.error and e.name == "/api/orders/[id]" for e in result.errors)
    for name in ("locust.json", "locust_stats_history.csv", "locust.log", "_cxcheck_stages.py"):
        assert (result.folder / name).is_file(), name


def test_progress_is_reported_while_running(
    progress_seen: list[Progress], result: LoadResult
) -> None:
    # Locust writes its history to disk every 5 s, so a 3 s run may show none; what shows was
    # measured with users running, never a "0 users 0.0 req/s" made up before the first row.
    assert all(isinstance(p, Progress) and p.elapsed_s > 0 for p in progress_seen)
    assert all(p.users > 0 for p in progress_seen)
    assert [p.elapsed_s for p in progress_seen] == sorted(p.elapsed_s for p in progress_seen)


def test_locust_never_runs_in_this_process(result: LoadResult) -> None:
    assert "locust" not in sys.modules  # it would monkey-patch pytest with gevent


def test_table_and_summary(result: LoadResult) -> None:
    table = result.table()
    assert table.splitlines()[0].split()[:4] == ["endpoint", "reqs", "fails", "rps"]
    for name in ENDPOINTS:
        assert f"GET {name}" in table
    assert table.splitlines()[-1].startswith("all requests")
    summary = result.summary_finding()
    assert (summary.kind, summary.check, summary.severity) == ("load", "load-run", "info")
    t = result.total
    assert summary.message == (
        f"{t.requests} requests, {t.rps:.1f} rps, p95 {t.p95_ms:.0f} ms, {t.failures} failures "
        f"over 3 s with 3 users"
    )
    assert summary.data == result.to_data()


def test_to_data_is_plain_json(result: LoadResult) -> None:
    data = json.loads(json.dumps(result.to_data(), allow_nan=False))
    assert data["total"]["requests"] == result.total.requests
    assert {e["name"] for e in data["endpoints"]} == ENDPOINTS
    assert set(data["total"]) == {"name", "method", "requests", "failures", "rps", "p50_ms",
                                  "p90_ms", "p95_ms", "p99_ms", "max_ms", "avg_ms"}  # fmt: skip
    assert set(data["history"][0]) == {"t_s", "users", "rps", "failures_per_s", "p50_ms",
                                       "p95_ms"}  # fmt: skip
    assert data["folder"] == str(result.folder)
    # what the plugin will do with it: record it as a finding of the running test
    with collecting([]) as into:
        record([result.summary_finding()])
    assert into[0].data["total"] == data["total"]


def test_data_reads_back_typed(result: LoadResult) -> None:
    """What the results file keeps is what the report reads: the same summary, typed."""
    data = json.loads(json.dumps(result.to_data(), allow_nan=False))
    summary = LoadSummary.from_data(data)
    assert summary == result.summary()
    assert summary.to_data() == data
    assert summary.total is not None and summary.total.requests == result.total.requests


def test_staged_run_data_round_trips() -> None:
    """Stages and errors too, without running Locust."""
    stats = EndpointStats("/a", "GET", 10, 1, 2.5, 10.0, 20.0, 30.0, 40.0, 50.0, 12.5)
    staged = LoadResult(
        endpoints=[stats], total=stats, history=[HistoryPoint(0.0, 2, 0.0, 0.0, None, None)],
        duration_s=4.0, users=3, workers=0, host="http://127.0.0.1:9", folder=Path("/tmp/x"),
        errors=[LoadError("GET", "/a", "500", 1)], stages=[Stage(2, 3, 1.5), Stage(2, 0, 1)],
    )  # fmt: skip
    data = json.loads(json.dumps(staged.to_data()))
    assert LoadSummary.from_data(data) == staged.summary()
    assert LoadSummary.from_data(data).to_data() == staged.to_data()


def test_odd_data_reads_as_what_it_can() -> None:
    odd = {"users": "many", "total": "?", "endpoints": [None, {"name": 3, "rps": "fast"}],
           "history": [{"users": 1}, 2, {"t_s": 5, "rps": True, "p95_ms": float("nan")}],
           "stages": [{"users": 1}], "errors": [{"error": "x"}]}  # fmt: skip
    summary = LoadSummary.from_data(odd)
    assert (summary.users, summary.total, summary.stages, summary.errors) == (None, None, (), ())
    assert summary.endpoints == (EndpointSummary(name="3"),)
    assert summary.history == (HistoryEntry(5),)


# --- thresholds ----------------------------------------------------------------------------


def test_thresholds_that_hold_give_info_findings(result: LoadResult) -> None:
    findings = result.check(p95="10s", max=60, avg="5000ms", failure_ratio="60%", min_rps=0.01)
    assert [f.severity for f in findings] == ["info"] * 5
    assert all(f.kind == "load" and f.check == "load-threshold" for f in findings)
    assert all(f.target == "all requests" for f in findings)
    p95 = findings[0]
    assert p95.data == {"metric": "p95", "limit": 10000.0, "measured": result.total.p95_ms,
                        "unit": "ms"}  # fmt: skip
    assert findings[3].data == {"metric": "failure_ratio", "limit": 0.6,
                                "measured": result.failure_ratio, "unit": "ratio"}  # fmt: skip
    assert findings[4].data == {"metric": "min_rps", "limit": 0.01,
                                "measured": result.total.rps, "unit": "req/s"}  # fmt: skip
    assert p95.message.startswith("load threshold p(95) ≤ 10000 ms met: measured ")


def test_broken_threshold_raises_a_table(result: LoadResult, shop_url: str) -> None:
    with pytest.raises(LoadThresholdError) as caught:
        result.check(p95="0.001ms", failure_ratio="60%", min_rps=1e9)
    error = caught.value
    assert isinstance(error, AssertionError) and isinstance(error, JourneyStepError)
    lines = str(error).splitlines()
    host = shop_url.rstrip("/")
    t = result.total
    # the first line, all a one-line summary shows, names what broke
    assert lines[0] == (
        f"load threshold broken: p(95) ≤ 0.001 ms (measured {_ms(t.p95_ms)}); rps ≥ 1e+09 "
        f"(measured {t.rps:.1f}); on {host} (3 users, 3 s), 2 of 3 failed"
    )
    assert lines[1].split() == ["✗", "p(95)", "≤", "0.001", "ms", "measured",
                                *_ms(t.p95_ms).split(), "(all", "requests)"]  # fmt: skip
    assert lines[2].split() == ["✓", "failure", "ratio", "≤", "60%", "measured",
                                f"{t.failure_ratio * 100:.1f}%", "(all", "requests)"]  # fmt: skip
    assert lines[3].split() == ["✗", "rps", "≥", "1e+09", "measured", f"{t.rps:.1f}", "(all",
                                "requests)"]  # fmt: skip
    assert len({line.index("measured") for line in lines[1:]}) == 1  # a column
    assert [f.severity for f in error.findings] == ["error", "info", "error"]
    assert error.findings[0].data["measured"] == t.p95_ms


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def test_thresholds_per_endpoint(result: LoadResult) -> None:
    ok = result.check(failure_ratio=0, endpoint="/api/products")
    assert ok[0].target == "/api/products" and ok[0].data["measured"] == 0.0
    with pytest.raises(LoadThresholdError, match=r"\(GET /api/orders/\[id\]\)"):
        result.check(failure_ratio="99%", endpoint="GET /api/orders/[id]")
    with pytest.raises(LoadThresholdError, match="1 of 1 failed"):
        result.check(failure_ratio=0)  # all requests include the 404s


def test_unknown_endpoint_suggests_names(result: LoadResult) -> None:
    with pytest.raises(CxError, match=r"no endpoint '/api/product'\. Did you mean '/api/products'"):
        result.check(p95="1s", endpoint="/api/product")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs at least one threshold"),
        ({"p95": "fast"}, "load threshold p95: 'fast' is not a duration"),
        ({"failure_ratio": 2}, "load threshold failure_ratio: 2 is not a ratio"),
        ({"failure_ratio": "lots"}, "is not a ratio"),
        ({"min_rps": -1}, "load threshold min_rps: -1 is not a rate"),
        ({"min_rps": True}, "is not a number"),
    ],
)
def test_bad_thresholds(result: LoadResult, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(CxError, match=message):
        result.check(**kwargs)


# --- stages and workers --------------------------------------------------------------------


def test_stages_end_by_themselves(shop_url: str, tmp_path: Path) -> None:
    stages = [Stage(2, 2, 10), Stage(2, 4, 10)]
    res = load.run(SHOP, host=shop_url, stages=stages, run_time=600, artifacts=tmp_path)
    assert (res.duration_s, res.users, res.stages) == (4.0, 4, stages)
    assert res.elapsed_s < 4 + load.GRACE_S  # ended with its stages, not the 600 s run_time
    users = [h.users for h in res.history if h.users]
    assert 2 in users and 4 in users
    assert users.index(2) < users.index(4)
    assert "(2.0, 2, 10.0), (2.0, 4, 10.0)" in (tmp_path / "_cxcheck_stages.py").read_text()
    assert res.to_data()["stages"] == [
        {"duration_s": 2, "users": 2, "spawn_rate": 10},
        {"duration_s": 2, "users": 4, "spawn_rate": 10},
    ]


def test_workers_run_as_master_and_workers(shop_url: str, tmp_path: Path) -> None:
    res = load.run(SHOP, host=shop_url, users=4, run_time=3, workers=2, artifacts=tmp_path)
    assert res.workers == 2 and res.total.requests > 0
    assert {e.name for e in res.endpoints} <= ENDPOINTS
    assert (tmp_path / "worker-1.log").is_file() and (tmp_path / "worker-2.log").is_file()
    assert res.summary_finding().message.endswith("with 4 users on 2 workers")
    assert wait_for_no_leftovers(str(tmp_path), in_cmdline=True) == []


# --- where load may go ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/", "http://127.9.8.7", "http://localhost:3000", "http://[::1]:8000/",
     "https://LOCALHOST/"],
)  # fmt: skip
def test_loopback_hosts_are_accepted(url: str) -> None:
    check_host(url, ())


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://example.com", "example.com could not be resolved"),
        ("http://10.0.0.1:8000/", "10.0.0.1 is not a loopback address"),
        ("http://[2001:db8::1]/", "[2001:db8::1] is not a loopback address"),
    ],
)
def test_other_hosts_are_refused_with_the_fix(url: str, why: str) -> None:
    with pytest.raises(LoadHostError) as caught:
        check_host(url, ())
    message = str(caught.value)
    assert message.startswith("cxcheck only sends load to loopback addresses")
    assert why in message
    assert "--cx-load-allow-host" in message and "cx_load_allow_host =" in message


def test_allowed_hosts() -> None:
    check_host("https://staging.example.com/shop", ["staging.example.com"])
    check_host("http://staging.example.com:8443", ["Staging.Example.com:8443"])
    check_host("http://10.0.0.1:8000", ["10.0.0.1"])
    with pytest.raises(LoadHostError, match=r"--cx-load-allow-host staging\.example\.com"):
        check_host("http://staging.example.com:9000", ["staging.example.com:8443"])


def test_a_name_must_resolve_to_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: object, *args: object) -> list[Any]:
        addresses = {"dev.test": ["127.0.0.1", "::1"], "split.test": ["127.0.0.1", "10.1.2.3"]}
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    check_host("http://dev.test:8000", ())
    with pytest.raises(LoadHostError, match=r"split\.test resolves to 10\.1\.2\.3"):
        check_host("http://split.test:8000", ())


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "127.0.0.1:8000", "http://:80/"])
def test_not_a_url(url: str) -> None:
    with pytest.raises(LoadHostError, match="is not an http"):
        check_host(url, ())


def test_run_refuses_before_starting_anything(tmp_path: Path) -> None:
    with pytest.raises(LoadHostError):
        load.run(SHOP, host="http://10.0.0.1:8000", artifacts=tmp_path)
    assert not (tmp_path / "locust.log").exists()


# --- bad input and broken locustfiles ------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"users": 0}, "users must be a whole number of at least 1, got 0"),
        ({"workers": -1}, "workers must be a whole number, 0 or more, got -1"),
        ({"run_time": "soon"}, "load run_time: 'soon' is not a duration"),
        ({"run_time": 0}, "load run_time: 0 is out of range"),
        ({"spawn_rate": 0}, "spawn_rate must be more than 0"),
        ({"stages": [Stage(1, 0, 1)]}, "at least one stage with 1 or more users"),
        ({"stages": [Stage(0, 2, 1)]}, r"stages\[0\]\.duration_s must be more than 0"),
    ],
)
@needs_locust
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(CxError, match=message):
        load.run(SHOP, host="http://127.0.0.1:9", **kwargs)


@needs_locust
def test_missing_locustfile_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.py"
    with pytest.raises(CxError, match=re.escape(f"locustfile {missing} does not exist")):
        load.run(missing, host="http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("import no_such_module_for_cxcheck\n", "ModuleNotFoundError: No module named "
         "'no_such_module_for_cxcheck'"),
        ("def broken(:\n    pass\n", "SyntaxError: invalid syntax"),
    ],
)  # fmt: skip
@needs_locust
def test_a_broken_locustfile_is_quoted(tmp_path: Path, source: str, error: str) -> None:
    locustfile = tmp_path / "broken_users.py"
    locustfile.write_text(source)
    with pytest.raises(LoadRunError) as caught:
        load.run(locustfile, host="http://127.0.0.1:9", run_time=2, artifacts=tmp_path / "out")
    message = str(caught.value)
    first = message.splitlines()[0]
    assert first.startswith(f"locust could not run {locustfile} (exit code 1)")
    assert first.endswith(error)
    assert f"last lines of {tmp_path / 'out' / 'locust.log'} (locust):" in message
    assert f'File "{locustfile}", line 1' in message


def test_without_locust_the_fix_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)
    with pytest.raises(LoadRunError, match=r"load runs need Locust: pip install 'cxcheck\[load\]'"):
        load.run(SHOP, host="http://127.0.0.1:9")


# --- no process survives -------------------------------------------------------------------


def test_an_interrupted_run_leaves_no_process(shop_url: str, tmp_path: Path) -> None:
    running: list[list[str]] = []

    def interrupt(progress: Progress) -> None:
        running.append(leftovers(str(tmp_path), in_cmdline=True))
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a run

    with pytest.raises(KeyboardInterrupt):
        load.run(SHOP, host=shop_url, users=2, run_time=60, workers=1, artifacts=tmp_path,
                 settings=LoadSettings(progress_interval_s=1.0), progress=interrupt)  # fmt: skip
    assert len(running) == 1 and len(running[0]) == 2, running  # the master and its worker ran
    assert wait_for_no_leftovers(str(tmp_path), seconds=2, in_cmdline=True) == []


def test_a_run_that_overruns_is_stopped(
    shop_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "GRACE_S", 0.2)  # Locust alone takes longer than that to start
    with pytest.raises(
        LoadRunError, match=r"^locust did not finish within 1\.2 s \(the planned 1 s"
    ):
        load.run(SHOP, host=shop_url, users=1, run_time=1, artifacts=tmp_path)
    assert wait_for_no_leftovers(str(tmp_path), seconds=2, in_cmdline=True) == []


def test_stop_all_stops_a_run_in_progress(shop_url: str, tmp_path: Path) -> None:
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(load.run(SHOP, host=shop_url, users=2, run_time=60, artifacts=tmp_path))
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    log = tmp_path / "locust.log"
    deadline = time.monotonic() + 30
    while "users spawned" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "locust never started its users"
        time.sleep(0.1)
    assert leftovers(str(tmp_path), in_cmdline=True)
    stop_all()  # what the plugin calls at session end and on Ctrl-C
    thread.join(timeout=20)
    assert not thread.is_alive(), "run() should return once its processes are stopped"
    assert len(outcome) == 1 and isinstance(outcome[0], LoadRunError), outcome
    assert "was stopped before it ended (cxcheck.load.stop_all" in str(outcome[0])
    assert wait_for_no_leftovers(str(tmp_path), seconds=2, in_cmdline=True) == []


def test_results_written_elsewhere_are_read_back(result: LoadResult, tmp_path: Path) -> None:
    """A distributed run's master elsewhere writes the same files; cxcheck reads them."""
    again = read_results(result.folder, host="http://shop.example", workers=4)
    assert again.total == result.total and again.endpoints == result.endpoints
    assert (again.host, again.workers, again.history) == ("http://shop.example", 4, result.history)
    assert again.check(failure_ratio=1.0)[0].severity == "info"
    with pytest.raises(LoadRunError, match=r"no Locust results in .*--json-file locust"):
        read_results(tmp_path)
