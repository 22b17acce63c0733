"""``cxcheck timeline RESULTS.json``: where a run's time went, and what more workers would buy.

Per worker its busy and idle time and its longest idle gaps, the run's wall time, its critical
path (the longest cell: no number of workers or shards finishes the run sooner), the cells'
total, the lower bound for N workers or shards, and the CPU the cells used when it was measured.
:mod:`cxcheck.model.timeline` does the arithmetic, :mod:`cxcheck.outputs.timelinelines` the text.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cxcheck.model.errors import CxError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "timeline",
        help="where a run's time went: workers' busy and idle time, the longest cell, "
        "what more workers or shards would buy",
    )
    parser.add_argument("results", type=Path, metavar="RESULTS.json",
                        help="a results file written by --cx-json")  # fmt: skip
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cxcheck.model.results import RunResults
    from cxcheck.model.timeline import timeline
    from cxcheck.outputs.timelinelines import timeline_lines

    path: Path = args.results
    try:
        results = RunResults.read_json(path)
    except FileNotFoundError:
        raise CxError(f"{path}: no such file; give the file --cx-json wrote") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CxError(f"{path}: cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CxError(f"{path}:{exc.lineno}: not JSON ({exc.msg}); give the file --cx-json "
                      "wrote") from None  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise CxError(f"{path}: {exc}; give the file --cx-json wrote") from None
    print(f"cxcheck timeline of {path}")
    for line in timeline_lines(timeline(results)):
        print(line)
    return 0
