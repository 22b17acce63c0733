"""Arguments several subcommands share."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_profiles_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--profiles FILE`` (repeatable): TOML files of the user's own profiles."""
    parser.add_argument(
        "--profiles", action="append", default=[], type=Path, metavar="FILE", help=help_text
    )
