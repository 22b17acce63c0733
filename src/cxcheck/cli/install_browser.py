"""``cxcheck install-browser``: make sure a browser is available (Playwright's, else apt's)."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install-browser",
        help="make sure a browser is available: Playwright's download, else apt's chromium",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.browser.install import install_browser

    return install_browser()
