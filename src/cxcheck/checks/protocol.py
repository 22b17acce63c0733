"""The one protocol every check follows, so that the plugin wires a check without knowing it.

A check lives in its own package (``checks/a11y``, ``checks/layout``, ``checks/visual``) and
declares, in that package's ``wiring.py``, one :class:`CheckSpec`: its ``--cx-*`` options and
``cx_*`` ini settings, the keys it reads from ``@pytest.mark.cx(...)``, how it reads its settings
once per run (validated: a bad value is a :class:`~cxcheck.model.errors.CxError` naming it) and
applies a test's marker keys on top, the module that holds its pytest fixture, and what it says
at the end of the run. Its findings carry its own ``kind`` and reach every output through
:func:`cxcheck.add_finding`, so no output changes for a new check: the report, the JSON, JUnit
and the terminal grid show them with everyone else's.

Adding a check is a package with its code, ``wiring.py`` and ``fixture.py``, and one line in
:data:`cxcheck.plugin.checks.CHECKS`. ``wiring.py`` is read whenever pytest parses options, so it
holds declarations only and imports the check itself inside its functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxcheck.model.results import RunResults

Lookup = Callable[[str], Any]


@dataclass(frozen=True)
class IniSetting:
    """One ``cx_*`` ini value, as ``parser.addini`` takes it (``default=None``: pytest's)."""

    name: str
    help: str
    type: str | None = None
    default: Any = None


@dataclass(frozen=True)
class CliOption:
    """One ``--cx-*`` command-line option, as ``group.addoption`` takes it."""

    flag: str
    dest: str
    help: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunContext:
    """What a check may know of the run when it reads its settings."""

    option: Lookup
    """A command-line value by its ``dest``."""
    ini: Lookup
    """An ini value by its name."""
    ini_dir: Path
    """The ini file's folder: files a setting names are relative to it."""
    run_id: str
    """One id for the whole run, the same on every xdist worker."""


def _no_settings(run: RunContext) -> None:
    return None


def _unchanged(settings: Any, marker: Mapping[str, Any]) -> Any:
    return settings


@dataclass(frozen=True)
class CheckSpec:
    """What a check declares to the plugin (see the module's docstring)."""

    name: str
    """Its name, also its settings' key: ``a11y``."""
    kind: str
    """The ``kind`` of the findings it adds (one of :data:`cxcheck.model.results.KINDS`)."""
    fixture_module: str | None
    """The module that holds its pytest fixture, registered as a plugin of cxcheck (None: the
    plugin's own, for load, whose marker wraps the test's call)."""
    options: tuple[CliOption, ...] = ()
    ini: tuple[IniSetting, ...] = ()
    marker_keys: tuple[str, ...] = ()
    """The keys of ``@pytest.mark.cx(...)`` it reads (``a11y_impact``...)."""
    read_settings: Callable[[RunContext], Any] = _no_settings
    """The run's settings of this check, from the options and the ini file."""
    for_test: Callable[[Any, Mapping[str, Any]], Any] = _unchanged
    """The run's settings with a test's marker keys on top (only its own keys are given)."""
    finish: Callable[[Any, RunResults], list[str]] | None = None
    """Lines for the end of the run's terminal summary, from every result."""
    follows_journeys: Callable[[Any], bool] | None = None
    """Given a test's settings, whether the check's fixture (``fixture``) follows every step of
    ``cx_journey``: its object's ``after_step(record)`` runs as each step ends."""
    fixture: str | None = None
    """The name of its fixture, for ``follows_journeys``."""


@dataclass(frozen=True)
class TestContext:
    """What a check's fixture gets from the plugin (the ``_cx_test`` fixture) about its test."""

    settings: Callable[[str], Any]
    """A check's settings for this test, by check name: the run's, with the markers' keys on top."""
    variant: str
    """The test's parameters other than its cell, as pytest spells them in its id."""
