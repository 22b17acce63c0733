"""Playing a validated journey file: each action as the Playwright call a Python test would make,
inside named steps of a :class:`cxcheck.journey.Journey`, so budgets and evidence work the same
way. A failed action becomes an :class:`ActionFailed` in plain words: the file, line, step and
action, what was expected and what the page showed. Waits run in slices, so that an uncaught
page error ends them early; actions that change the page are never retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cxcheck.journeyfiles.actions import (
    ACTS,
    RETRYABLE,
    Action,
    Runner,
    expected,
    first_line,
    perform,
    seen,
    wait_attached,
    wait_seconds,
)
from cxcheck.journeyfiles.spec import JourneySpec, LoadSpec, Step
from cxcheck.model import calllog, masking
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError
from cxcheck.model.results import Finding

if TYPE_CHECKING:
    from cxcheck.checks.a11y.check import A11y
    from cxcheck.checks.layout.check import Layout
    from cxcheck.checks.visual.check import Visual
    from cxcheck.config.profiles import Catalogue
    from cxcheck.journey.journey import Journey
    from cxcheck.journey.session import Session
    from cxcheck.load.tester import LoadTest


def run(
    spec: JourneySpec,
    journey: Journey,
    a11y: A11y,
    layout: Layout,
    visual: Visual,
    catalogue: Catalogue | None = None,
    session: Session | None = None,
) -> None:
    """Play the journey's steps on the journey's page (``a11y``/``layout``/``visual`` for their
    actions); a failed action is an :class:`ActionFailed` in plain words. With ``session:``,
    its steps come first, once per device per worker (``session`` keeps the login)."""
    runner = Runner(journey, a11y, layout, visual, catalogue)

    def play_steps(steps: tuple[Step, ...]) -> None:
        for step in steps:
            with journey.step(step.name, budget=step.budget):
                for action in step.actions:
                    play(runner, step, action, spec.timeout)

    if spec.session is not None and session is not None:
        login = spec.session
        session.enter(login.key, lambda: play_steps(login.steps), login.file)
    play_steps(spec.steps)


def as_test(spec: JourneySpec, catalogue: Catalogue | None = None) -> Any:
    """A test function playing ``spec``, for pytest to collect with cxcheck's fixtures."""
    if spec.load is not None:
        return _under_load_test(spec, spec.load, catalogue)

    def journey_test(
        cx_journey: Journey,
        cx_a11y: A11y,
        cx_layout: Layout,
        cx_visual: Visual,
        cx_session: Session,
    ) -> None:
        run(spec, cx_journey, cx_a11y, cx_layout, cx_visual, catalogue, cx_session)

    return journey_test


def _under_load_test(spec: JourneySpec, load: LoadSpec, catalogue: Catalogue | None) -> Any:
    """The journey once without load, then again under ``load:`` (the customer's view)."""

    def journey_under_load_test(
        cx_journey: Journey,
        cx_a11y: A11y,
        cx_layout: Layout,
        cx_visual: Visual,
        cx_load: LoadTest,
        cx_session: Session,
    ) -> None:
        passes = iter(("", " (under load)"))

        def steps() -> None:
            label = next(passes)
            named = replace(spec, steps=tuple(replace(s, name=s.name + label) for s in spec.steps))
            run(named, cx_journey, cx_a11y, cx_layout, cx_visual, catalogue, cx_session)

        cx_load.under_load(
            cx_journey,
            steps,
            load.scenario,
            max_slowdown=load.max_slowdown,
            thresholds={k: float(v) if k == "min_rps" else v for k, v in load.thresholds.items()}
            or None,
            users=load.users,
            spawn_rate=load.spawn_rate,
            run_time=load.run_time,
            workers=load.workers,
        )

    return journey_under_load_test


def with_timeout(spec: JourneySpec, seconds: float | None) -> JourneySpec:
    """``spec`` with the run's default action timeout, unless the file sets its own."""
    return spec if spec.timeout is not None or not seconds else replace(spec, timeout=seconds)


class ActionFailed(JourneyStepError):
    """An action of a journey file could not be done, said in plain words (``finding``)."""


# How long one slice of a wait lasts: between slices a page error ends the wait early, since the
# step fails for that error anyway (no more waiting out 30 s timeouts after the page broke).
_SLICE_S = 2.0


def play(runner: Runner, step: Step, action: Action, default_timeout: float | None) -> None:
    """Play one action; a Playwright failure becomes an :class:`ActionFailed` naming the file,
    line, step and action, what was expected and what the page showed."""
    __tracebackhide__ = True
    seconds = wait_seconds(action, default_timeout)
    record = runner.journey.steps[-1] if runner.journey.steps else None
    started = time.monotonic()
    gave_up = ""
    try:
        if action.kind in RETRYABLE:
            _sliced(runner, lambda ms: perform(runner, action, ms), started + seconds, record)
        elif action.kind in ACTS:
            _sliced(runner, lambda ms: wait_attached(runner, action, ms), started + seconds,
                    record)  # fmt: skip
            perform(runner, action, max(0.05, started + seconds - time.monotonic()))
        else:
            perform(runner, action, seconds)
    except _Broken as broken:
        waited = round(time.monotonic() - started, 1)
        raise _failed(runner, step, action, broken.cause, waited, seconds, broken.first) from (
            broken.cause
        )
    except Exception as exc:
        if isinstance(exc, CxError):  # cxcheck's own words already (tap on a desktop, …)
            message = f"{_where(action)}: step {step.name!r}, {action.describe()}: {exc}"
            finding = Finding("action", masking.mask(message), check=action.kind,
                              data={"file": str(action.path), "line": action.line})  # fmt: skip
            raise ActionFailed(finding.message, [finding]) from None
        if not isinstance(exc, AssertionError | _playwright_error()):
            raise
        if isinstance(exc, JourneyStepError):
            exc.add_note(f"cxcheck: in {_where(action)}: {masking.mask(action.describe())}")
            raise
        waited = round(time.monotonic() - started, 1)
        raise _failed(runner, step, action, exc, waited, seconds, gave_up) from exc


class _Broken(Exception):
    """A sliced wait ended early: the page threw an uncaught error (``first``)."""

    def __init__(self, first: str, cause: BaseException) -> None:
        super().__init__(first)
        self.first = first
        self.cause = cause


def _sliced(
    runner: Runner, attempt: Callable[[float], object], deadline: float, record: Any
) -> None:
    """``attempt(seconds)`` in slices until it passes or the deadline comes; stops at once when
    the step has an uncaught page error (the step fails for it anyway)."""
    while True:
        left = deadline - time.monotonic()
        try:
            attempt(max(0.05, min(_SLICE_S, left)))
            return
        except Exception as exc:
            if isinstance(exc, JourneyStepError) or not _timed_out(exc):
                raise
            if record is not None and record.page_errors and runner.journey.fail_on_page_errors:
                raise _Broken(record.page_errors[0], exc) from exc
            if deadline - time.monotonic() <= 0.01:
                raise


def _playwright_error() -> type[Exception]:
    # Imported here: `cxcheck check` validates files without loading Playwright at all.
    from playwright.sync_api import Error

    return Error


def _timed_out(exc: BaseException) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if not isinstance(exc, AssertionError | PlaywrightTimeout):
        return False
    return isinstance(exc, PlaywrightTimeout) or (
        isinstance(exc, AssertionError) and "timeout" in str(exc).lower()
    )


def _named(action: Action) -> str | None:
    """The element or page an action is on, as the file names it."""
    if action.kind == "goto":
        return action.text("url")
    key = "from" if action.kind == "drag" else "selector"
    return str(action.locator(key)) if key in action.args else None


def _where(action: Action) -> str:
    return f"{action.path.name if action.path else '?'}:{action.line}"


def _failed(
    runner: Runner,
    step: Step,
    action: Action,
    exc: BaseException,
    waited: float,
    limit: float,
    gave_up: str,
) -> ActionFailed:
    saw = seen(runner, action, waited)
    if gave_up:
        saw += (
            f"; cxcheck stopped waiting after {waited:g} s of {limit:g} s because the page threw "
            f"an uncaught error: {gave_up}"
        )
    if action.kind in ("goto", "reload", "back", "forward"):
        saw = f"{first_line(exc)} ({saw})"
    elif _timed_out(exc) and not gave_up:
        saw += f" (its time limit: {limit:g} s; `timeout:` on the action or the file changes it)"
    first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    lines = [
        f"{_where(action)}: step {step.name!r}, {action.describe()}",
        f"  expected: {expected(action)}",
        f"  seen:     {saw}",
    ]
    # Why Playwright could not act, from the call log its timeout carries ("… intercepts pointer
    # events"): "seen" alone says the element was there, never why the click did not happen.
    stuck = calllog.parse(str(exc))
    why = None
    if stuck is not None and not (stuck.cause == "missing" and "matched 0 elements" in saw):
        why = stuck.line(_named(action), limit)
        lines.append(f"  why:      {why}")
    message = masking.mask("\n".join(lines))
    finding = Finding(
        "action",
        message,
        check=action.kind,
        target=str(action.locator()) if "selector" in action.args else None,
        data=masking.mask_data({
            "file": str(action.path),
            "line": action.line,
            "step": step.name,
            "action": action.describe(),
            "expected": expected(action),
            "seen": saw,
            "waited_s": waited,
            "timeout_s": limit,
            "playwright": first,
            **({"why": why, **stuck.data()} if stuck is not None and why else {}),
        }),
    )  # fmt: skip
    return ActionFailed(message, [finding])
