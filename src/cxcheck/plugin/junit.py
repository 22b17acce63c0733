"""A failed cxcheck test's pictures in pytest's JUnit XML (``--junitxml``), as attachments.

pytest has no public way to write a test case's ``<system-out>``: it writes one itself only
when ``junit_logging`` asks for captured output. So, on the process that writes the XML (the
controller under pytest-xdist), before pytest's own handling of each teardown report:

- when pytest will write that report's captured output (``junit_logging`` = ``system-out``,
  ``out-err`` or ``all``), the attachment lines join it as a report section named
  ``Captured stdout cxcheck``, so the test case keeps a single ``<system-out>``;
- otherwise they become the test case's ``<system-out>``, added to the element pytest is
  building for it (``LogXML.node_reporter(report).append``).

Only the teardown report: it carries the attempt's final result. An attempt that
pytest-rerunfailures reruns (a report of it came as ``rerun``) has its folder moved aside before
the next attempt starts: its lines name the pictures where they will be. Nothing happens when
pytest's JUnit plugin is not writing a file, or when its internals are not as expected (a
future pytest): the properties still carry the numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

SECTION = "Captured stdout cxcheck"
WRITES_OUTPUT = ("system-out", "out-err", "all")
"""``junit_logging`` values with which pytest writes a report's captured stdout itself."""


class JunitAttachments:
    """Registered on the process that writes the JUnit XML, when ``--junitxml`` is given."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rerun: set[tuple[str, Any]] = set()
        """(node id, xdist node) of the attempts running now that will be rerun."""

    def _logxml(self) -> Any:
        try:
            from _pytest.junitxml import xml_key
        except ImportError:
            return None
        return self.config.stash.get(xml_key, None)

    @pytest.hookimpl(tryfirst=True)  # before pytest's own JUnit plugin closes the test case
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        key = (report.nodeid, getattr(report, "node", None))
        if str(report.outcome) == "rerun":  # pytest-rerunfailures' own outcome
            self.rerun.add(key)
        data = getattr(report, "cx_result", None)
        if report.when != "teardown":
            return
        rerun = key in self.rerun
        self.rerun.discard(key)
        xml = self._logxml()
        if data is None or xml is None:
            return
        text = _attachment_text(data, self.config.invocation_params.dir, rerun)
        if not text:
            return
        logging = getattr(xml, "logging", "no")
        passing = getattr(xml, "log_passing_tests", True)
        if logging in WRITES_OUTPUT and (passing or not report.passed):
            report.sections.append((SECTION, text + "\n"))
            return
        import xml.etree.ElementTree as ET

        try:
            node = xml.node_reporter(report)
            element = ET.Element("system-out")
            element.text = text + "\n"
            node.append(element)
        except (AttributeError, TypeError):
            return  # pytest's JUnit internals changed: no attachment, nothing broken


def _attachment_text(data: Any, base: Path, rerun: bool) -> str:
    from cxcheck.model.results import ItemResult
    from cxcheck.outputs.junit import attachment_text, attachments

    return attachment_text(attachments(ItemResult.from_dict(data), rerun=rerun), base)
