"""``cxcheck check``: validate journey files without a browser (a pre-commit hook, a CI pre-step).

Problems go to standard error one per line, as ``file:line: what is wrong; the fix``, with a
count; exit status 1 when there is any. Warnings (``file:line: warning: …``, like an unquoted
``No`` where a text goes, which YAML 1.1 reads as false) go there too but leave the status 0.
:mod:`cxcheck.journeyfiles.validate` does the checking.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cxcheck.cli.arguments import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check", help="validate journey files without a browser (exit 1 on a problem)"
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="journey files, or folders to search for *.journey.yaml",
    )
    add_profiles_option(parser, "TOML files of your own profiles, as in ini cx_profiles")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.journeyfiles.validate import check_paths

    notes: list[str] = []
    warnings: list[str] = []
    count, problems = check_paths(args.paths, args.profiles, notes, warnings)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for warning in warnings:  # valid, so the exit status stays 0 for them alone
        print(warning, file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    word = "file" if count == 1 else "files"
    if problems:
        print(
            f"cxcheck check: {len(problems)} problem(s) in {count} journey {word}",
            file=sys.stderr,
        )
        return 1
    said = f" ({len(warnings)} warning(s) above)" if warnings else ""
    print(f"cxcheck check: {count} journey {word} valid{said}")
    return 0
