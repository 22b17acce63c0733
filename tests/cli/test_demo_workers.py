"""`cxcheck demo -- -n auto`: the previous demo run's results size the workers and order the
cells (the examples keep no pytest cache), unless the command line names durations itself."""

from __future__ import annotations

import pytest

from cxcheck.cli.demo import runs_on_workers


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["-n", "auto"], True),
        (["-nauto"], True),
        (["-n=4"], True),
        (["--numprocesses=2"], True),
        (["-k", "checkout"], False),
        ([], False),
        (["-n", "auto", "--cx-durations=mine.json"], False),
    ],
)
def test_the_demo_passes_its_last_results_as_durations_onlyruns_on_workers(
    extra: list[str], expected: bool
) -> None:
    assert runs_on_workers(extra) is expected
