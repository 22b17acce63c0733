"""``cxcheck demo``: the example journeys against the bundled demo storefront.

It runs pytest on ``examples/`` (whose ``pytest.ini`` makes cxcheck start the storefront for the
run) over the default device × network matrix, so a newcomer sees cxcheck prove something real.
``--defects`` switches on the storefront's deliberate defects to show what failures look like.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cxcheck.errors import CxError
from cxcheck.journey import slug
from cxcheck.listing import table

DEMO_DEPENDENCIES = ("cxshop", "starlette", "uvicorn", "PIL")


def examples_dir() -> Path:
    """The example tests: shipped in the wheel as ``cxcheck/examples``, else the checkout's."""
    packaged = resources.files("cxcheck").joinpath("examples")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "examples"


def check_dependencies() -> None:
    missing = [m for m in DEMO_DEPENDENCIES if importlib.util.find_spec(m) is None]
    if missing:
        raise CxError(
            f"the demo needs {', '.join(missing)}; install them with "
            "pip install 'cxcheck[demo]' (from a clone: pip install -e '.[demo]')"
        )


def pytest_args(
    defects: str | None,
    devices: str | None,
    networks: str | None,
    extra: Sequence[str],
    junit: Path | None = None,
    artifacts: Path | None = None,
) -> list[str]:
    """The pytest command line of the demo."""
    folder = examples_dir()
    args = [sys.executable, "-m", "pytest", str(folder), "--rootdir", str(folder), "-v",
            "--tb=short", "-rfE"]  # fmt: skip
    if defects:
        args += ["-o", f"cx_server_env=CXSHOP_DEFECTS={defects}"]
    if devices:
        args += ["--cx-devices", devices]
    if networks:
        args += ["--cx-networks", networks]
    if junit:
        args += [f"--junitxml={junit}"]
    if artifacts:
        # One token: pytest takes a separate path argument into account when it looks for the
        # ini file, and would then find the one above examples/ instead of examples/pytest.ini.
        args += [f"--cx-artifacts={artifacts}"]
    return [*args, *extra]


@dataclass(frozen=True)
class Outcome:
    """One example test item as the summary shows it."""

    test: str
    cell: str
    result: str
    slowest: str


def outcomes(junit: Path, artifacts: Path) -> list[Outcome]:
    """Each test item's result (from pytest's JUnit XML) and slowest step (from its steps.json)."""
    rows = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "")
        test, _, cell = name.partition("[")
        result = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            result = "FAILED"
        elif case.find("skipped") is not None:
            result = "skipped"
        # Evidence folders are named after node ids, which JUnit XML splits up: match the tail.
        tail = "-" + slug(name)
        folders = (
            [f for f in artifacts.iterdir() if f.name.endswith(tail)]
            if (artifacts.is_dir())
            else []
        )
        steps_file = folders[0] / "steps.json" if len(folders) == 1 else None
        slowest = "-"
        if steps_file is not None and steps_file.is_file():
            steps = json.loads(steps_file.read_text(encoding="utf-8"))["steps"]
            if steps:
                top = max(steps, key=lambda s: s["duration_s"])
                slowest = f"{top['name']} ({top['duration_s']:.1f} s)"
        rows.append(Outcome(test, cell.rstrip("]"), result, slowest))
    return rows


def summary(rows: Sequence[Outcome]) -> str:
    """The demo's closing table: test × cell, result, slowest step."""
    failed = sum(r.result == "FAILED" for r in rows)
    body = table(["test", "device-network", "result", "slowest step"],
                 [[r.test, r.cell, r.result, r.slowest] for r in rows])  # fmt: skip
    return f"{body}\n{len(rows) - failed} passed, {failed} failed"


def run_demo(
    defects: str | None = None,
    devices: str | None = None,
    networks: str | None = None,
    extra: Sequence[str] = (),
    artifacts: Path = Path("cx-artifacts"),
) -> int:
    """Run the demo; returns pytest's exit code."""
    check_dependencies()
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        args = pytest_args(defects, devices, networks, extra, junit, artifacts.resolve())
        print("cxcheck demo: " + " ".join(args[1:]), flush=True)
        if defects:
            print(f"cxcheck demo: storefront defects switched on: {defects} (expect failures)")
        code = subprocess.call(args)
        if junit.is_file():
            print("\n" + summary(outcomes(junit, artifacts.resolve())))
            print(f"evidence (screenshots, steps.json, traces of failures): {artifacts.resolve()}")
    if defects and code == 1:
        print("cxcheck demo: the failures above are the storefront's deliberate defects.")
    return code
