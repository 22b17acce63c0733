"""``cxcheck durations``: pytest-split's durations file from cxcheck results.

pytest-split shards a run by each test's duration; a cell's duration is mostly its network's
throttling, which cxcheck measures per cell. This writes those measurements (one or several
results JSON files, e.g. every shard's of the last run) as pytest-split's ``.test_durations``;
see :mod:`cxcheck.outputs.durations`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "durations",
        help="write pytest-split's durations file from cxcheck results (shard by measured time)",
    )
    parser.add_argument("results", nargs="+", type=Path, metavar="RESULTS.json",
                        help="--cx-json files of earlier runs (or of every shard of one); a later "
                        "file's measurement of a test wins")  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, default=Path(".test_durations"),
                        metavar="FILE", help="pytest-split's file (its --durations-path; "
                        "default .test_durations); tests it has that these results lack are "
                        "kept")  # fmt: skip
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.outputs.durations import durations, write_durations
    from cxcheck.outputs.merge import read_shard

    measured = durations(read_shard(path) for path in args.results)
    path, total = write_durations(args.output, measured)
    print(
        f"cxcheck durations: {len(measured)} measured tests written to {path} ({total} in all); "
        "shard with: pytest --splits N --group I --splitting-algorithm least_duration"
    )
    return 0
