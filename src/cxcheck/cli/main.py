"""The ``cxcheck`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cxcheck.config.listing import render_catalogue
from cxcheck.config.profiles import load_catalogue
from cxcheck.model.errors import CxError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cxcheck`` console script."""
    parser = argparse.ArgumentParser(
        prog="cxcheck", description="cxcheck: customer journeys on any device at any bandwidth"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    profiles = commands.add_parser("profiles", help="print the device and network catalogue")
    profiles.add_argument(
        "--profiles",
        action="append",
        default=[],
        metavar="FILE",
        help="also load this TOML file of profiles (repeatable)",
    )
    profiles.add_argument(
        "--playwright", action="store_true", help="also list the devices of Playwright's registry"
    )
    demo = commands.add_parser(
        "demo", help="run the example journeys against the bundled demo storefront"
    )
    demo.add_argument(
        "--defects",
        nargs="?",
        const="all",
        metavar="NAMES",
        help="switch on the storefront's deliberate defects (all, or comma-separated names)",
    )
    demo.add_argument("--devices", metavar="NAMES", help="devices instead of the default three")
    demo.add_argument("--networks", metavar="NAMES", help="networks instead of the default two")
    demo.add_argument(
        "--report",
        metavar="DIR",
        default="cx-report",
        help="where the HTML report and results.json go (default cx-report)",
    )
    demo.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="more pytest arguments, after --"
    )
    check = commands.add_parser(
        "check", help="validate journey files without a browser (exit 1 on a problem)"
    )
    check.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="journey files, or folders to search for *.journey.yaml",
    )
    check.add_argument(
        "--profiles",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="TOML files of your own profiles, as in ini cx_profiles",
    )
    schema = commands.add_parser("schema", help="print the JSON Schema of journey files")
    schema.add_argument("--path", action="store_true", help="print where the file is instead")
    commands.add_parser(
        "install-browser",
        help="make sure a browser is available: Playwright's download, else apt's chromium",
    )
    record = commands.add_parser(
        "record",
        help="record a journey in a browser with Playwright's recorder and write it as YAML",
        description="Open URL in a browser with Playwright's recorder, click through the journey "
        "(the toolbar on the page adds checks), close the window: the journey is written as a "
        "journey file with accessible locators. Needs a display; --from-jsonl converts a "
        "transcript of `playwright codegen --target jsonl -o FILE URL` without one.",
    )
    record.add_argument("url", nargs="?", metavar="URL", help="the page the journey starts on")
    record.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help="the journey file to write, like checkout.journey.yaml (- for standard output)",
    )
    record.add_argument(
        "--device", metavar="NAME", help="record as this device (viewport, touch, user agent)"
    )
    record.add_argument(
        "--from-jsonl",
        type=Path,
        metavar="FILE",
        help="convert this recorder transcript instead of recording (no browser, no display)",
    )
    record.add_argument("--name", help="the journey's name (default: from the file name)")
    record.add_argument(
        "--base-url",
        metavar="URL",
        help="write addresses on this origin as paths (default: the start page's origin)",
    )
    record.add_argument(
        "--save-jsonl", type=Path, metavar="FILE", help="also keep the recorder's transcript"
    )
    record.add_argument(
        "--profiles",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="TOML files of your own profiles, for --device",
    )
    args = parser.parse_args(argv)
    if args.command == "record":
        from cxcheck.journeyfiles.codegen import command

        try:
            return command(
                args.url,
                output=args.output,
                device=args.device,
                from_jsonl=args.from_jsonl,
                name=args.name,
                base_url=args.base_url,
                profiles=args.profiles,
                save_jsonl=args.save_jsonl,
            )
        except CxError as exc:
            print(f"cxcheck: error: {exc}", file=sys.stderr)
            return 2
    if args.command == "demo":
        from cxcheck.cli.demo import run_demo

        extra = [a for a in args.pytest_args if a != "--"]
        try:
            return run_demo(
                args.defects, args.devices, args.networks, extra, report=Path(args.report)
            )
        except CxError as exc:
            print(f"cxcheck: error: {exc}", file=sys.stderr)
            return 2
    if args.command == "check":
        from cxcheck.journeyfiles.validate import check_paths

        try:
            notes: list[str] = []
            count, problems = check_paths(args.paths, args.profiles, notes)
        except CxError as exc:
            print(f"cxcheck: error: {exc}", file=sys.stderr)
            return 2
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        word = "file" if count == 1 else "files"
        if problems:
            print(
                f"cxcheck check: {len(problems)} problem(s) in {count} journey {word}",
                file=sys.stderr,
            )
            return 1
        print(f"cxcheck check: {count} journey {word} valid")
        return 0
    if args.command == "schema":
        from cxcheck.journeyfiles.reference import SCHEMA_FILE

        print(SCHEMA_FILE if args.path else SCHEMA_FILE.read_text(encoding="utf-8").rstrip())
        return 0
    if args.command == "install-browser":
        from cxcheck.browser.install import install_browser

        return install_browser()
    if args.command == "profiles":
        try:
            print(render_catalogue(load_catalogue(args.profiles), args.playwright))
        except CxError as exc:
            print(f"cxcheck: error: {exc}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
