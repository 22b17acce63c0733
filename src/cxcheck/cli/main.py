"""The ``cxcheck`` command: one module of this package per subcommand.

Each subcommand module has ``add_parser(subparsers)``, which declares its arguments, and
``run(args) -> int``, which does the work and returns the exit status; a :class:`CxError` it
raises is printed as ``cxcheck: error: …`` with status 2. Subcommand modules import what they
need inside ``run``, so that ``cxcheck check`` starts without Playwright or the report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cxcheck.cli import (
    check,
    demo,
    durations,
    install_browser,
    merge,
    profiles,
    record,
    schema,
    timeline,
)
from cxcheck.model.errors import CxError

# In the order `cxcheck --help` lists them.
SUBCOMMANDS = (profiles, demo, check, schema, install_browser, record, timeline, durations, merge)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cxcheck`` console script."""
    parser = argparse.ArgumentParser(
        prog="cxcheck", description="cxcheck: customer journeys on any device at any bandwidth"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.add_parser(subparsers)
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CxError as exc:
        print(f"cxcheck: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
