"""``cxcheck demo``: the example journeys against the bundled demo storefront.

It runs pytest on ``examples/`` (whose ``pytest.ini`` makes cxcheck start the storefront for the
run) over the default device × network matrix, so a newcomer sees cxcheck prove something real.
``--defects`` switches on the storefront's deliberate defects to show what failures look like.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from cxcheck.model.errors import CxError

DEMO_DEPENDENCIES = ("cxshop", "starlette", "uvicorn", "PIL")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the example journeys against the bundled demo storefront"
    )
    parser.add_argument(
        "--defects",
        nargs="?",
        const="all",
        metavar="NAMES",
        help="switch on the storefront's deliberate defects (all, or comma-separated names)",
    )
    parser.add_argument("--devices", metavar="NAMES", help="devices instead of the default three")
    parser.add_argument("--networks", metavar="NAMES", help="networks instead of the default two")
    parser.add_argument(
        "--report",
        metavar="DIR",
        default="cx-report",
        help="where the HTML report and results.json go (default cx-report)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="say what changed since the previous demo run into the same --report folder (its "
        "results.json, kept as results.prev.json)",
    )
    parser.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="more pytest arguments, after --"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    extra = [a for a in args.pytest_args if a != "--"]
    return run_demo(args.defects, args.devices, args.networks, extra, report=Path(args.report),
                    compare=args.compare)  # fmt: skip


def examples_dir() -> Path:
    """The example tests: shipped in the wheel as ``cxcheck/examples``, else the checkout's."""
    packaged = resources.files("cxcheck").joinpath("examples")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "examples"


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
    results: Path | None = None,
    artifacts: Path | None = None,
    report: Path | None = None,
) -> list[str]:
    """The pytest command line of the demo."""
    folder = examples_dir()
    args = [sys.executable, "-m", "pytest", str(folder), "--rootdir", str(folder), "-v",
            "--tb=short", "-rfE", "-o", "cx_terminal_grid=false"]  # fmt: skip
    if defects:
        args += ["-o", f"cx_server_env=CXSHOP_DEFECTS={defects}"]
    if devices:
        args += ["--cx-devices", devices]
    if networks:
        args += ["--cx-networks", networks]
    # Paths as one token each: pytest takes a separate path argument into account when it looks
    # for the ini file, and would then find the one above examples/ instead of examples/pytest.ini.
    if results:
        args += [f"--cx-json={results}"]
    if artifacts:
        args += [f"--cx-artifacts={artifacts}"]
    if report:
        args += [f"--cx-report={report}"]
    return [*args, *extra]


def runs_on_workers(extra: Sequence[str]) -> bool:
    """Whether the demo's pytest runs on xdist workers (-n N, -n auto, --numprocesses) and
    names no durations of its own."""
    if any(a.startswith("--cx-durations") for a in extra):
        return False
    return any(a == "-n" or (a.startswith("-n") and a[2:].lstrip("=").isalnum()) or
               a.startswith("--numprocesses") for a in extra)  # fmt: skip


def _pass_sigterm_to(child: subprocess.Popen[bytes]) -> Any:
    """A CI's SIGTERM to the demo goes to its pytest, which stops and writes its results; the
    demo then prints its summary as after Ctrl-C. Returns the handler it replaced."""
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return None
        return signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    except (ValueError, AttributeError):  # not the main thread, or no SIGTERM (Windows)
        return None


def run_demo(
    defects: str | None = None,
    devices: str | None = None,
    networks: str | None = None,
    extra: Sequence[str] = (),
    artifacts: Path = Path("cx-artifacts"),
    report: Path = Path("cx-report"),
    compare: bool = False,
) -> int:
    """Run the demo; returns pytest's exit code. ``compare``: against the previous demo run's
    results in the same report folder."""
    check_dependencies()
    results = report.resolve() / "results.json"
    earlier = results.with_name("results.prev.json")
    if results.is_file():
        results.replace(earlier)  # never summarise an older run; keep it to compare with
    if compare and earlier.is_file():
        extra = [f"--cx-compare={earlier}", *extra]
    elif compare:
        print(f"cxcheck demo: no earlier demo run in {report.resolve()} to compare with")
    if runs_on_workers(extra) and earlier.is_file():
        # The examples keep no pytest cache: the previous demo run's cells size -n auto and
        # go longest first.
        extra = [f"--cx-durations={earlier}", *extra]
    args = pytest_args(defects, devices, networks, extra, results, artifacts.resolve(),
                       report.resolve())  # fmt: skip
    print("cxcheck demo: " + " ".join(args[1:]), flush=True)
    if defects:
        print(f"cxcheck demo: storefront defects switched on: {defects} (expect failures)")
    child = subprocess.Popen(args)
    previous = _pass_sigterm_to(child)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached pytest too: it stops its run and writes the results; wait for them.
        code = child.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if results.is_file():
        from cxcheck.model.results import RunResults
        from cxcheck.outputs.grid import grid

        # The summary comes from the results the plugin wrote, as every report does.
        width = max(shutil.get_terminal_size((120, 24)).columns, 120)
        run = RunResults.read_json(results)
        print("\n" + grid(run, width=width))
        if run.comparison is not None:
            from cxcheck.outputs.comparelines import comparison_lines

            print("\n" + "\n".join(comparison_lines(run.comparison)))
        print(f"\nreport: {report.resolve() / 'index.html'} (open it in a browser)")
        print(f"results: {results}")
        print(f"evidence (screenshots, steps.json, traces of failures): {artifacts.resolve()}")
    if defects and code == 1:
        print("cxcheck demo: the failures above are the storefront's deliberate defects.")
    return code
