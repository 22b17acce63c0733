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

from cxcheck.journey.broken import BrokenPage
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
)
from cxcheck.journeyfiles.spec import JourneySpec, LoadSpec, Step
from cxcheck.journeyfiles.timeouts import Limit, Timeouts
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
    timeouts = Timeouts(spec.timeout, spec.expect_timeout, spec.scale_timeouts)

    def play_steps(steps: tuple[Step, ...]) -> None:
        for step in steps:
            with journey.step(step.name, budget=step.budget):
                for action in step.actions:
                    play(runner, step, action, timeouts)

    if spec.session is not None and session is not None:
        login = spec.session
        session.enter(login.key, lambda: play_steps(login.steps), login.file, len(login.steps))
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


def with_timeout(
    spec: JourneySpec,
    seconds: float | None,
    expect_seconds: float | None = None,
    scale: bool = True,
) -> JourneySpec:
    """``spec`` with the run's default action and expect timeouts (ini cx_action_timeout,
    cx_expect_timeout) where the file sets none, and whether actions' are scaled for the network
    (ini cx_scale_timeouts)."""
    return replace(
        spec,
        timeout=spec.timeout if spec.timeout is not None else seconds or None,
        expect_timeout=(
            spec.expect_timeout if spec.expect_timeout is not None else expect_seconds or None
        ),
        scale_timeouts=scale,
    )


class ActionFailed(JourneyStepError):
    """An action of a journey file could not be done, said in plain words (``finding``)."""


# How long one slice of a wait lasts: between slices a page error, or a page the app broke
# (a 5xx or failed navigation), ends the wait early, since the step fails for it anyway (no more
# waiting out 30 s timeouts after the page broke). Short, so that the wait ends well within a
# second of the 5xx arriving; each slice costs one round trip to the browser.
_SLICE_S = 0.25
# A page error leaves the page half working (the element may still come), and on a busy machine
# one short slice can time out on a healthy page: a wait on a page with an error still gets
# this long before it stops. A 5xx page never shows what the customer waited for.
_ERROR_GRACE_S = 2.0
NAVIGATIONS = frozenset({"goto", "reload", "back", "forward"})


def play(runner: Runner, step: Step, action: Action, timeouts: Timeouts) -> None:
    """Play one action; a Playwright failure becomes an :class:`ActionFailed` naming the file,
    line, step and action, what was expected and what the page showed."""
    __tracebackhide__ = True
    limit = timeouts.limit(action, runner.journey.network)
    seconds = limit.seconds
    record = runner.journey.steps[-1] if runner.journey.steps else None
    started = time.monotonic()
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
        raise _failed(runner, step, action, broken.cause, waited, limit, broken) from (broken.cause)
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
        raise _failed(runner, step, action, exc, waited, limit, None) from exc
    if action.kind in NAVIGATIONS:
        # Playwright opens a page the app answered with a 500 as any other: said here, at the
        # action that opened it, rather than by the next wait or at the step's end.
        page = runner.journey.broken_page()
        if page is not None and page.at >= started:
            waited = round(time.monotonic() - started, 1)
            raise _failed(runner, step, action, None, waited, limit, _Broken(page))


class _Broken(Exception):
    """Why a sliced wait ended early: the page threw an uncaught error (``error``), or the app
    broke the page's document (``page``)."""

    def __init__(
        self, page: BrokenPage | None = None, error: str = "", cause: BaseException | None = None
    ) -> None:
        self.page = page
        self.error = error
        self.reason = page.describe() if page else f"the page threw an uncaught error: {error}"
        super().__init__(self.reason)
        self.cause = cause


def _sliced(
    runner: Runner, attempt: Callable[[float], object], deadline: float, record: Any
) -> None:
    """``attempt(seconds)`` in slices until it passes or the deadline comes; stops at once when
    the step has an uncaught page error, or the page's document is a 5xx or failed request of
    the app (the step fails for either anyway)."""
    journey = runner.journey
    started = time.monotonic()
    while True:
        began = time.monotonic()
        left = deadline - began
        try:
            attempt(max(0.05, min(_SLICE_S, left)))
            return
        except Exception as exc:
            if isinstance(exc, JourneyStepError) or not _timed_out(exc):
                raise
            errors = record.page_errors if record is not None else []
            graced = time.monotonic() - started >= _ERROR_GRACE_S
            if errors and journey.fail_on_page_errors and graced:
                raise _Broken(error=errors[0], cause=exc) from exc
            page = journey.broken_page()
            # The error page gets one whole slice first: a journey may check what it says.
            if page is not None and page.at <= began:
                raise _Broken(page, cause=exc) from exc
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
    exc: BaseException | None,
    waited: float,
    limit: Limit,
    broken: _Broken | None,
) -> ActionFailed:
    saw = seen(runner, action, waited)
    if broken is not None and exc is None:  # a navigation that opened a broken page
        saw = f"{broken.reason} ({saw})"
    elif broken is not None:
        saw += (
            f"; cxcheck stopped waiting after {waited:g} s of {limit.seconds:g} s because "
            f"{broken.reason}"
        )
    if action.kind in NAVIGATIONS and exc is not None:
        saw = f"{first_line(exc)} ({saw})"
    if exc is not None and _timed_out(exc) and broken is None:
        saw += f" ({limit.note()})"
    first = (
        next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        if exc is not None
        else broken.reason
        if broken is not None
        else ""
    )
    lines = [
        f"{_where(action)}: step {step.name!r}, {action.describe()}",
        f"  expected: {expected(action)}",
        f"  seen:     {saw}",
    ]
    # Why Playwright could not act, from the call log its timeout carries ("… intercepts pointer
    # events"): "seen" alone says the element was there, never why the click did not happen.
    stuck = calllog.parse(str(exc)) if exc is not None else None
    why = None
    if stuck is not None and not (stuck.cause == "missing" and "matched 0 elements" in saw):
        why = stuck.line(_named(action), limit.seconds)
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
            "timeout_s": limit.seconds,
            **limit.data(),
            **({"stopped_because": broken.reason} if broken is not None else {}),
            **({"broken_page": broken.page.data()} if broken and broken.page else {}),
            "playwright": first,
            **({"why": why, **stuck.data()} if stuck is not None and why else {}),
        }),
    )  # fmt: skip
    return ActionFailed(message, [finding])
