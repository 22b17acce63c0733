"""What a journey file says once it is validated: its steps, its ``load:``, the journey itself.

:mod:`cxcheck.journeyfiles.loader` builds these from ``*.journey.yaml`` files;
:mod:`cxcheck.journeyfiles.player` plays them. A file that is not valid is a
:class:`JourneyFileError` naming the file, line and expected form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cxcheck.config.hosts import HostEntry
from cxcheck.journeyfiles.actions import Action
from cxcheck.model.durations import Budget
from cxcheck.model.errors import CxError
from cxcheck.model.names import JOURNEY_SUFFIX

SUFFIX = JOURNEY_SUFFIX


class JourneyFileError(CxError):
    """A journey file that is not valid; the message names the file, line and expected form."""


@dataclass(frozen=True)
class Step:
    name: str
    budget: Budget
    actions: tuple[Action, ...]
    line: int
    path: Path | None = field(default=None, compare=False)  # an included file's, else None


@dataclass(frozen=True)
class LoadSpec:
    """A journey file's ``load:``: the journey runs without load, then under this load."""

    scenario: Path
    users: int = 10
    spawn_rate: float = 10.0
    run_time: float = 10.0
    workers: int = 0
    max_slowdown: float | None = 2.0
    thresholds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionSpec:
    """A journey file's ``session:``: steps that log in once per device per worker.

    ``key`` tells logins apart: the file and a digest of its steps with ``${…}`` filled in, so
    journeys (or examples rows) that sign in as different users never share a login.
    """

    file: str  # as the journey file names it
    steps: tuple[Step, ...]
    key: str


@dataclass(frozen=True)
class JourneySpec:
    """A validated journey file (one of its ``examples:`` rows, when it has them)."""

    path: Path
    name: str
    start: str | None
    devices: tuple[str, ...] | None
    networks: tuple[str, ...] | None
    steps: tuple[Step, ...] = field(default_factory=tuple)
    ignore_requests: tuple[str, ...] = ()
    ignore_console: tuple[str, ...] = ()
    timeout: float | None = None  # seconds, for every action without its own
    expect_timeout: float | None = None  # seconds, for every expect_* check without its own
    scale_timeouts: bool = True  # the run's ini cx_scale_timeouts (player.with_timeout sets it)
    tags: tuple[str, ...] = ()
    example: str | None = None  # the examples row's id
    line: int = 1  # where the journey (or its examples row) is written
    load: LoadSpec | None = None
    session: SessionSpec | None = None
    hosts: tuple[HostEntry, ...] | None = None
    """``hosts:`` as written (None: not given, ini cx_hosts applies), each naming its line."""
