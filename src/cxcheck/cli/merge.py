"""``cxcheck merge``: several shards' results (a run split across machines) as one run.

Reads each shard's ``--cx-json`` file (its evidence folders where the shard wrote them, beside
it) and writes one results JSON, one HTML report (every cell with its shard, its evidence copied
in) and one JUnit file, with the usual writers. The exit status is the merged run's, as pytest's
would be (0 passed, 1 a test failed, 2 a shard was interrupted...), so a CI merge job gates the
release on it; a bad input (:mod:`cxcheck.outputs.merge`) is exit 2 with the file and the fix.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "merge",
        help="merge the results of a run's shards into one JSON, HTML report and JUnit file "
        "(exit status: the merged run's)",
    )
    parser.add_argument("results", nargs="+", type=Path, metavar="RESULTS.json",
                        help="each shard's --cx-json file, its cx-artifacts/ where the shard "
                        "left it")  # fmt: skip
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="the merged results")
    parser.add_argument("--report", type=Path, metavar="DIR", help="the merged HTML report")
    parser.add_argument("--report-single-file", action="store_true",
                        help="with --report: index.html holds every picture")  # fmt: skip
    parser.add_argument("--junit", type=Path, metavar="OUT.xml", help="the merged JUnit XML")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.model.errors import CxError
    from cxcheck.outputs.merge import merge_runs

    if args.json is None and args.report is None and args.junit is None:
        raise CxError("cxcheck merge: nothing to write; give --json OUT.json, --report DIR "
                      "and/or --junit OUT.xml")  # fmt: skip
    if args.report is not None:  # before any work: a folder the report would damage
        from cxcheck.outputs.report.page import check_report_folder

        check_report_folder(args.report)
    merged = merge_runs(args.results)
    written = []
    if args.json is not None:
        written.append(f"JSON results: {merged.write_json(args.json)}")
    if args.report is not None:
        from cxcheck.outputs.report.page import write_report

        page = write_report(merged, args.report, single_file=args.report_single_file)
        written.append(f"HTML report: {page}")
    if args.junit is not None:
        from cxcheck.outputs.junitfile import write_junit

        written.append(f"JUnit XML: {write_junit(merged, args.junit)}")
    counts = ", ".join(f"{n} {o}" for o, n in merged.counts().items() if n)
    shards = len(args.results)
    print(f"cxcheck merge: {len(merged.results)} results of {shards} shards ({counts or 'none'})"
          f", exit status {merged.exit_status}")  # fmt: skip
    for line in written:
        print(f"cxcheck {line}")
    return int(merged.exit_status or 0)
