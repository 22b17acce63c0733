"""Collection: a test's device × network cells, journey files as tests, and what was collected.

``pytest_generate_tests`` expands a test that uses a cxcheck fixture over its cells
(:func:`parametrize`); ``*.journey.yaml`` files become :class:`JourneyFile` collectors of
:class:`JourneyItem` tests; :func:`planned` describes a collected item as data (its file, test,
variant, parameters and cell) for the results and the controller's collection manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxcheck.model.names import JOURNEY_SUFFIX
from cxcheck.plugin.adopt import BROWSER_PARAM
from cxcheck.plugin.checks import MARKER_KEYS
from cxcheck.plugin.state import (
    ARTIFACTS_KEY,
    CELL_FIXTURE,
    CELL_KEY,
    JOURNEY_KEY,
    ROW_KEY,
    state_of,
)

if TYPE_CHECKING:
    from cxcheck.config.hosts import HostRule
    from cxcheck.config.matrix import Cell
    from cxcheck.outputs.manifest import PlannedItem
    from cxcheck.plugin.state import CxState


def is_cx(item: pytest.Item) -> bool:
    """Whether an item is a cxcheck test: it has a cell, or it is a load test (without one)."""
    names = getattr(item, "fixturenames", ())
    return (
        CELL_FIXTURE in names
        or "cx_load" in names
        or item.get_closest_marker("cx_load") is not None
    )


def parametrize(metafunc: pytest.Metafunc) -> None:
    """Expand a test that uses a cxcheck fixture over the cells its cx marker or the run chose."""
    from cxcheck.config.matrix import cells_for, marker_names
    from cxcheck.model.errors import CxError

    state = state_of(metafunc.config)
    try:
        marker = metafunc.definition.get_closest_marker("cx")
        chosen = marker_names(marker.args, marker.kwargs, MARKER_KEYS) if marker else {}
        cells = cells_for(
            state.catalogue,
            state.settings.selection,
            chosen.get("devices"),
            chosen.get("networks"),
            state.settings.browser.engine,
            hosts=hosts_for(state, marker.kwargs.get("hosts") if marker else None),
        )
        error = None
    except CxError as exc:
        error = f"cxcheck: {metafunc.definition.nodeid}: {exc}"
    if error:  # failed outside the except block, so no chained traceback is printed
        pytest.fail(error, pytrace=False)
    metafunc.parametrize(CELL_FIXTURE, cells, ids=[c.id for c in cells], indirect=True)


def hosts_for(state: CxState, own: object, where: str = "") -> tuple[HostRule, ...]:
    """A test's per-host networks: its own (a cx marker's ``hosts``, or a journey file's
    entries, ``own``), else ini cx_hosts; checked against the catalogue."""
    from cxcheck.config.hosts import HostEntry, host_rules, ini_entries, marker_entries

    if own is None:
        entries = ini_entries(state.settings.hosts)
    elif isinstance(own, list | tuple) and all(isinstance(e, HostEntry) for e in own):
        entries = list(own)
    else:
        entries = marker_entries(own, where or "@pytest.mark.cx(hosts=...)")
    return host_rules(entries, state.catalogue)


def cell_of(item: pytest.Item) -> Cell | None:
    """The item's cell: its parameter (a Python test) or what its journey file gave it."""
    from cxcheck.config.matrix import Cell

    callspec = getattr(item, "callspec", None)
    cell = callspec.params.get(CELL_FIXTURE) if callspec is not None else None
    cell = cell or item.stash.get(CELL_KEY, None)
    return cell if isinstance(cell, Cell) else None


def planned(item: pytest.Item) -> PlannedItem:
    """A collected cxcheck item as data: the same wherever it is made."""
    from cxcheck.outputs.itemresults import param_text, variant
    from cxcheck.outputs.manifest import PlannedItem

    cell = cell_of(item)
    callspec = getattr(item, "callspec", None)
    params = dict(callspec.params) if callspec is not None else {}
    params.pop(CELL_FIXTURE, None)
    callspec_id = callspec.id if callspec is not None else ""
    if cell is not None and BROWSER_PARAM in params:
        # pytest-playwright's engine, in the id of an adopted test (test_x[chromium-<cell>]):
        # the engine of every cell, not a parameter of the test's own.
        engine = str(params.pop(BROWSER_PARAM))
        callspec_id = callspec_id.replace(engine, "", 1)
    file_node = next((n for n in reversed(item.listchain()) if isinstance(n, pytest.File)), None)
    return PlannedItem(
        nodeid=item.nodeid,
        file=file_node.nodeid if file_node is not None else str(item.path),
        # A journey file's items are named "<journey>[<cell>]" by cxcheck itself.
        test=getattr(item, "originalname", item.name).partition("[")[0],
        variant=variant(callspec_id, cell.id if cell else None)
        if callspec is not None
        else item.stash.get(ROW_KEY, ""),
        params={k: param_text(v) for k, v in params.items()},
        cell=cell.id if cell else None,
        device=cell.device.name if cell else None,
        network=cell.network.name if cell else None,
    )


def manifest(items: Iterable[pytest.Item]) -> list[PlannedItem]:
    """The collection manifest: every cxcheck item, in collection order."""
    return [planned(i) for i in items if is_cx(i)]


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(JOURNEY_SUFFIX):
        return JourneyFile.from_parent(parent, path=file_path)
    return None


class JourneyItem(pytest.Function):
    """One cell of a journey file, reported as the file's own item (``todos[desktop-3g]``),
    not as the Python function that runs it (whose dotted location pytest would show)."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        """A failure in plain words: file:line, step, action, expected and seen, the step's page
        errors and failed requests, and the evidence; the Python traceback with --tb=long."""
        from cxcheck.journeyfiles.failures import plain_failure
        from cxcheck.model import masking

        if self.config.getoption("tbstyle", "auto") in ("long", "native"):
            return masking.mask(str(super().repr_failure(excinfo)))
        journey = self.stash.get(JOURNEY_KEY, None)
        text = plain_failure(
            excinfo.value,
            journey.steps if journey is not None else [],
            self.stash.get(ARTIFACTS_KEY, None),
            self.config.rootpath,
        )
        return masking.mask(text) if text else super().repr_failure(excinfo)


class JourneyFile(pytest.File):
    """A ``*.journey.yaml`` file: one test item per examples row × device × network cell."""

    def collect(self) -> Iterator[pytest.Item]:
        from cxcheck.config.matrix import cells_for
        from cxcheck.journeyfiles.loader import check_profiles, load_all
        from cxcheck.journeyfiles.player import as_test, with_timeout
        from cxcheck.model.errors import CxError

        state = state_of(self.config)
        try:
            specs = load_all(self.path)
            for spec in specs:
                check_profiles(spec, state.catalogue)
            cells = cells_for(
                state.catalogue,
                state.settings.selection,
                specs[0].devices,
                specs[0].networks,
                state.settings.browser.engine,
                where=self.path.name,
                hosts=hosts_for(state, specs[0].hosts),
            )
        except CxError as exc:
            raise self.CollectError(f"cxcheck: {exc}") from None
        for tag in specs[0].tags:
            # Registered, so --strict-markers passes and `pytest --markers` lists them.
            self.config.addinivalue_line("markers", f"{tag}: a journey file tag (cxcheck)")
        for spec in specs:
            settings = state.settings
            spec = with_timeout(spec, settings.action_timeout, settings.expect_timeout,
                                settings.scale_timeouts)  # fmt: skip
            name = spec.name.replace(" ", "-")
            test = as_test(spec, state.catalogue)
            row = f"{spec.example}-" if spec.example else ""
            for cell in cells:
                item = JourneyItem.from_parent(self, name=f"{name}[{row}{cell.id}]", callobj=test)
                item.stash[CELL_KEY] = cell
                if spec.example:
                    item.stash[ROW_KEY] = spec.example
                for tag in spec.tags:
                    item.add_marker(tag)
                if spec.ignore_requests or spec.ignore_console:
                    # The file's known noise reaches cx_journey as a Python test's marker does.
                    noise = pytest.mark.cx(
                        ignore_requests=list(spec.ignore_requests),
                        ignore_console=list(spec.ignore_console),
                    )
                    item.add_marker(noise)
                yield item
