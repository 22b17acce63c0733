#!/usr/bin/env python3
"""One command per job, on a fresh machine with only Python 3.11+ and pip.

    python dev.py test          # the whole suite (what CI runs), then ruff, mypy, lint-imports
    python dev.py test --quick  # the quick tier: pure logic and a few real-browser smoke tests
    python dev.py demo          # the example journeys against the demo storefront

Each command first makes ``.venv`` (unless a virtualenv is already active), installs cxcheck
with its test extras into it, and makes sure a browser is there (``cxcheck install-browser``:
Playwright's own Chromium where it can download one, else Debian's ``chromium`` through apt).
Extra arguments go to pytest: ``python dev.py test -k throttl -x``. ``python dev.py test --quick``
runs only the quick tier (``-m quick``, under 2 minutes on 2 cores), without the lint steps.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def step(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def python() -> str:
    """The interpreter to use: the active virtualenv, else ./.venv (made on first use)."""
    if sys.prefix != sys.base_prefix:
        return sys.executable
    env_dir = ROOT / ".venv"
    exe = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not exe.exists():
        step(f"creating a virtualenv in {env_dir}")
        venv.create(env_dir, with_pip=True)
    return str(exe)


def run(*command: str) -> None:
    print("$ " + " ".join(command), flush=True)
    code = subprocess.call(command, cwd=ROOT)
    if code != 0:
        sys.exit(code)


def prepare(py: str) -> None:
    step("installing cxcheck, test tools and the load extra (pip install -e '.[test,lint,load]')")
    run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", ".[test,lint,load]")
    step("making sure a browser is there (cxcheck install-browser)")
    run(py, "-m", "cxcheck.cli", "install-browser")


def test(py: str, args: list[str]) -> None:
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    prepare(py)
    workers = ["-n", "auto"] if not any(a.startswith("-n") for a in args) else []
    if quick:
        # The `quick` marker: tests/conftest.py sets it on every test that needs neither a
        # browser nor a nested pytest session, and a few real-browser smoke tests carry it.
        step("running the quick tier of the test suite (-m quick; no lint)")
        run(py, "-m", "pytest", *workers, "-m", "quick", *args)
        step("quick tier green (the whole suite and lint: python dev.py test)")
        return
    step("running the test suite")
    run(py, "-m", "pytest", *workers, *args)
    step("lint, types and import layers (ruff, mypy, lint-imports)")
    run(py, "-m", "ruff", "check", ".")
    run(py, "-m", "ruff", "format", "--check", ".")
    run(py, "-m", "mypy")
    run(lint_imports(py))
    step("all green")


def lint_imports(py: str) -> str:
    """import-linter's command, beside the interpreter (it has no ``python -m`` entry)."""
    bindir = Path(py).parent
    exe = bindir / ("lint-imports.exe" if os.name == "nt" else "lint-imports")
    return str(exe)


def demo(py: str, args: list[str]) -> None:
    prepare(py)
    step("running the example journeys against the demo storefront")
    run(py, "-m", "cxcheck.cli", "demo", *args)


def main() -> None:
    commands = {"test": test, "demo": demo}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](python(), sys.argv[2:])


if __name__ == "__main__":
    main()
