"""A JUnit XML file written from results, for a run pytest did not write one for as a whole:
``cxcheck merge`` of several shards.

It says what pytest's ``--junitxml`` says of a cxcheck test (pytest's classname and name, the
time, a failure, an error or a skip) with the same ``<property>`` tags
(:func:`~cxcheck.outputs.itemresults.junit_properties`) and the same ``[[ATTACHMENT|path]]``
lines (:mod:`cxcheck.outputs.junit`), so a CI system reads a merged file as it reads a shard's.
"""

from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from cxcheck.model.results import ItemResult, RunResults
from cxcheck.outputs.itemresults import junit_properties
from cxcheck.outputs.junit import attachment_text, attachments

__all__ = ["write_junit"]

# What XML 1.0 cannot hold (pytest's junitxml replaces them likewise).
_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write_junit(run: RunResults, path: Path, base: Path | None = None) -> Path:
    """Write ``run`` as one JUnit test suite; attachment paths relative to ``base`` (default:
    the current folder, where CI runs the merge)."""
    counts = run.counts()
    suite = ET.Element("testsuite", {
        "name": "cxcheck",
        "tests": str(len(run.results)),
        "failures": str(counts["failed"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["skipped"] + counts["not-run"]),
        "time": f"{sum(r.duration_s for r in run.results):.3f}",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(run.started_at)),
        "hostname": socket.gethostname(),
    })  # fmt: skip
    for result in run.results:
        suite.append(_case(result, base or Path.cwd()))
    root = ET.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
    tmp.replace(path)
    return path


def _case(result: ItemResult, base: Path) -> ET.Element:
    classname, name = _names(result.nodeid)
    case = ET.Element("testcase", {"classname": classname, "name": _text(name),
                                   "time": f"{result.duration_s:.3f}"})  # fmt: skip
    props = junit_properties(result, result.attempt)
    if props:
        holder = ET.SubElement(case, "properties")
        for key, value in props:
            ET.SubElement(holder, "property", {"name": key, "value": _text(value)})
    message = _text(result.message or "")
    if result.outcome in ("failed", "error"):
        tag = "failure" if result.outcome == "failed" else "error"
        ET.SubElement(case, tag, {"message": message}).text = _text(result.error or message)
    elif result.outcome in ("skipped", "not-run"):
        ET.SubElement(case, "skipped", {"type": f"cxcheck.{result.outcome}", "message": message})
    pictures = attachment_text(attachments(result), base)
    if pictures:
        ET.SubElement(case, "system-out").text = pictures + "\n"
    return case


def _names(nodeid: str) -> tuple[str, str]:
    """pytest's own: ``tests/test_x.py::Test::test_y[cell]`` is class ``tests.test_x.Test``,
    name ``test_y[cell]``; a journey file keeps its name (``x.journey.yaml``)."""
    parts = nodeid.split("::")
    parts[0] = re.sub(r"\.py$", "", parts[0].replace("/", "."))
    return ".".join(parts[:-1]), parts[-1]


def _text(text: str) -> str:
    return _ILLEGAL.sub(lambda m: f"#x{ord(m.group()):02X}", text)
