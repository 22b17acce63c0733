"""``cxcheck schema``: print the JSON Schema of journey files (or, with ``--path``, where it is)."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of journey files")
    parser.add_argument("--path", action="store_true", help="print where the file is instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.journeyfiles.reference import SCHEMA_FILE

    print(SCHEMA_FILE if args.path else SCHEMA_FILE.read_text(encoding="utf-8").rstrip())
    return 0
