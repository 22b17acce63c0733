"""``cx_load``: load scenarios from a pytest test, and the customer's view while they run.

A scenario is a locustfile (yours), stages (ramp up / hold / ramp down, through Locust's
``LoadTestShape``), or a browser journey recorded once as a HAR and replayed by every Locust user
(:mod:`cxcheck.load.har`). Locust itself runs in child processes (:mod:`cxcheck.load.runner`);
what it measured comes back as a :class:`~cxcheck.load.results.LoadResult` and, like every other
check, as findings of the test: the run's summary (with its time series, for the report's
charts), each threshold, and each journey step's slowdown under load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcheck.load.results import LoadResult
from cxcheck.load.runner import LoadSettings, run
from cxcheck.load.stats import Progress, Stage
from cxcheck.load.summary import SlowdownData
from cxcheck.model.errors import CxError
from cxcheck.model.findings import record
from cxcheck.model.results import Finding

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from cxcheck.journey.journey import Journey

Scenario = str | Path


@dataclass
class Background:
    """A load run going on while the test does something else; ``result`` once it ended."""

    result: LoadResult | None = None
    error: BaseException | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


class LoadTest:
    """What the ``cx_load`` fixture gives a test."""

    def __init__(
        self,
        *,
        base_url: str | None,
        artifacts: Path,
        settings: LoadSettings,
        progress: Callable[[str], None] | None = None,
        root: Path | None = None,
    ) -> None:
        self.base_url = base_url
        self.artifacts = artifacts
        self.settings = settings
        self.progress = progress
        self.root = root or Path.cwd()
        self.runs = 0

    def run(
        self,
        scenario: Scenario,
        *,
        users: int = 10,
        spawn_rate: float = 10,
        run_time: float | str = "10s",
        host: str | None = None,
        workers: int = 0,
        stages: Sequence[Stage] | None = None,
    ) -> LoadResult:
        """Run a load scenario to its end and return what Locust measured.

        ``scenario`` is a locustfile (relative to the rootdir, or absolute); ``host`` defaults
        to the run's base URL. Load only goes to loopback addresses unless the host is allowed
        with ``--cx-load-allow-host``. The summary becomes a finding of the test; call
        ``result.check(p95="500ms", failure_ratio=0.01)`` for thresholds.
        """
        target = self._host(host)
        self.runs += 1
        folder = self.artifacts / f"load-{self.runs}"
        result = run(
            self._locustfile(scenario),
            host=target,
            users=users,
            spawn_rate=spawn_rate,
            run_time=run_time,
            workers=workers,
            stages=stages,
            settings=self.settings,
            progress=self._progress(target) if self.progress else None,
            artifacts=folder,
        )
        if self.progress:
            self._done(target, result)
        record([result.summary_finding()])
        return result

    def read(self, folder: str | Path, **labels: Any) -> LoadResult:
        """The results of a Locust run made elsewhere (a distributed run's master, started with
        ``--json-file locust --csv locust --csv-full-history``), as a finding of this test;
        ``labels``: ``host``, ``users``, ``workers``, ``prefix``."""
        from cxcheck.load.locust_output import read_results

        path = Path(folder)
        result = read_results(path if path.is_absolute() else self.root / path, **labels)
        record([result.summary_finding()])
        return result

    @contextmanager
    def background(self, scenario: Scenario, **options: Any) -> Iterator[Background]:
        """Run a scenario while the body runs (a journey, say); the result is there after the
        ``with`` block, which waits for the load's run time to end."""
        state = Background()

        def target() -> None:
            try:
                state.result = self.run_quietly(scenario, **options)
            except BaseException as exc:  # handed to the test's thread below
                state.error = exc

        state.thread = threading.Thread(target=target, name="cxcheck-load", daemon=True)
        state.thread.start()
        try:
            yield state
        except BaseException:
            from cxcheck.load.processes import stop_all

            stop_all()  # the body failed: the load has no reason to go on
            state.thread.join(timeout=30)
            raise
        state.thread.join()
        if state.error is not None:
            raise state.error
        if state.result is not None:
            record([state.result.summary_finding()])

    def run_quietly(self, scenario: Scenario, **options: Any) -> LoadResult:
        """:meth:`run` without recording its summary (the caller records it on its thread)."""
        target = self._host(options.pop("host", None))
        self.runs += 1
        return run(
            self._locustfile(scenario),
            host=target,
            settings=self.settings,
            artifacts=self.artifacts / f"load-{self.runs}",
            **options,
        )

    def under_load(
        self,
        journey: Journey,
        steps: Callable[[], object],
        scenario: Scenario,
        *,
        max_slowdown: float | None = 2.0,
        thresholds: dict[str, Any] | None = None,
        settle_s: float = 2.0,
        **options: Any,
    ) -> LoadResult:
        """The customer's view under load: ``steps()`` (a journey's steps on ``journey``) runs
        once without load, then again while the scenario runs; each step's time under load is
        compared with its time without, and a step more than ``max_slowdown`` times slower
        fails (``None``: compare and report only). ``thresholds`` (``{"p95": "500ms"}``) are
        checked on the load run. Every finding is recorded on the test; returns the run."""
        from cxcheck.load.thresholds import LoadThresholdError
        from cxcheck.model.findings import raise_failing

        before = len(journey.steps)
        steps()
        baseline = journey.steps[before:]
        if not baseline:
            raise CxError("cx_load.under_load: steps() ran no journey steps to compare")
        with self.background(scenario, **options) as state:
            _settle(journey.page, settle_s)
            middle = len(journey.steps)
            steps()
        loaded = journey.steps[middle:]
        findings = slowdowns(baseline, loaded, max_slowdown)
        result = state.result
        assert result is not None  # background() raised otherwise
        if thresholds:
            try:
                findings += result.check(**thresholds)
            except LoadThresholdError as exc:
                findings += exc.findings
        # Info findings go on the test now (check() recorded the thresholds that held); the
        # failing ones travel with the error and are recorded where it lands.
        record([f for f in findings if f.severity == "info" and f.check != "load-threshold"])
        raise_failing([f for f in findings if f.severity != "info"])
        return result

    def record_journey(
        self,
        browser: Browser,
        steps: Callable[[Page], object],
        *,
        context_options: dict[str, Any] | None = None,
        include_static: bool = False,
        think_factor: float = 1.0,
    ) -> Path:
        """Play ``steps(page)`` once in a fresh context recording a HAR, and turn the HAR into
        a Locust scenario replaying the journey's page and API requests; returns its
        locustfile (for :meth:`run`)."""
        from cxcheck.load.har import scenario_from_har

        base = self._host(None)
        self.runs += 1
        folder = self.artifacts / f"recorded-{self.runs}"
        folder.mkdir(parents=True, exist_ok=True)
        har = folder / "journey.har"
        options = {"base_url": base, **(context_options or {})}
        context = browser.new_context(record_har_path=str(har), record_har_content="omit",
                                      **options)  # fmt: skip
        try:
            steps(context.new_page())
        finally:
            context.close()  # writes the HAR
        return scenario_from_har(har, base, folder, include_static=include_static,
                                 think_factor=think_factor)  # fmt: skip

    # --- helpers ---

    def _host(self, host: str | None) -> str:
        chosen = host or self.base_url
        if not chosen:
            raise CxError(
                "cx_load needs a host: pass host='http://127.0.0.1:8000', or set --cx-base-url "
                "/ ini cx_base_url / cx_server_command"
            )
        return chosen

    def _locustfile(self, scenario: Scenario) -> Path:
        path = Path(scenario)
        return path if path.is_absolute() else self.root / path

    def _progress(self, host: str) -> Callable[[Progress], None]:
        write = self.progress
        assert write is not None

        def show(p: Progress) -> None:
            p95 = f"{p.p95_ms:.0f} ms" if p.p95_ms is not None else "-"
            write(
                f"cx_load {host}: {p.elapsed_s:5.0f} s  {p.users:4d} users  {p.rps:8.1f} req/s  "
                f"p95 {p95}  failures {p.failures}"
            )

        return show

    def _done(self, host: str, result: LoadResult) -> None:
        """The run's own totals once it ended: the numbers its thresholds are judged on (the
        last progress line is only as recent as Locust's last history row)."""
        assert self.progress is not None
        total = result.total
        self.progress(
            f"cx_load {host}: done in {result.duration_s:g} s  {result.users} users  "
            f"{total.rps:.1f} req/s  p95 {total.p95_ms:.0f} ms  failures {total.failures} "
            f"of {total.requests}"
        )


THRESHOLDS = ("p50", "p90", "p95", "p99", "max", "avg", "failure_ratio", "min_rps")


@contextmanager
def while_running(tester: LoadTest, scenario: Scenario, **options: Any) -> Iterator[None]:
    """``@pytest.mark.cx_load(scenario, users=…, p95="500ms")``: the body runs while the load
    runs; the thresholds among ``options`` are checked once the load has ended."""
    thresholds = {k: options.pop(k) for k in THRESHOLDS if k in options}
    with tester.background(scenario, **options) as state:
        yield
    if thresholds and state.result is not None:
        state.result.check(**thresholds)


def slowdowns(
    baseline: Sequence[Any], loaded: Sequence[Any], max_slowdown: float | None
) -> list[Finding]:
    """One finding per step: its time under load against its time without (by position)."""
    out = []
    for before, after in zip(baseline, loaded, strict=False):
        base = max(float(before.duration_s), 0.001)
        ratio = float(after.duration_s) / base
        slow = max_slowdown is not None and ratio > max_slowdown
        limit = f"limit {max_slowdown:g}×" if max_slowdown is not None else "no limit"
        out.append(
            Finding(
                "load",
                f"step {after.name!r} under load took {after.duration_s:.2f} s, {ratio:.1f}× its "
                f"{before.duration_s:.2f} s without load ({limit})",
                "error" if slow else "info",
                check="load-slowdown",
                target=after.name,
                data=SlowdownData(
                    step=after.name,
                    baseline_s=round(before.duration_s, 3),
                    under_load_s=round(after.duration_s, 3),
                    ratio=round(ratio, 2),
                    max_slowdown=max_slowdown,
                ).to_data(),
            )
        )
    return out


def _settle(page: Page, seconds: float) -> None:
    """Let the users spawn before the journey measures (the page's clock, not a sleep)."""
    if seconds > 0:
        page.wait_for_timeout(seconds * 1000)
