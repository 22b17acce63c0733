"""``cxcheck profiles``: print the device and network catalogue."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("profiles", help="print the device and network catalogue")
    parser.add_argument(
        "--profiles",
        action="append",
        default=[],
        metavar="FILE",
        help="also load this TOML file of profiles (repeatable)",
    )
    parser.add_argument(
        "--playwright", action="store_true", help="also list the devices of Playwright's registry"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.config.listing import render_catalogue
    from cxcheck.config.profiles import load_catalogue

    print(render_catalogue(load_catalogue(args.profiles), args.playwright))
    return 0
