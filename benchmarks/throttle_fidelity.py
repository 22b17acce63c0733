"""Throttling fidelity: measured fetch times under each network preset vs the theory.

For every throttled preset of the built-in catalogue, a page fetches two payloads from a server on
127.0.0.1, downloading and uploading: a small one (1 KB: latency dominates, median of 5) and a
large one sized so that the transfer takes 3 s in theory. Theory = latency + size / throughput,
the model Chromium's DevTools protocol applies per request. Throttling goes through cxcheck's
own ``Throttle``, exactly as in a test. Target: every measurement within ±10% of theory.

    python benchmarks/throttle_fidelity.py            # every throttled preset (~4 min)
    python benchmarks/throttle_fidelity.py slow-4g 3g # just these
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from _common import browser, median, page_server
from cxcheck.browser.throttle import Throttle
from cxcheck.config.matrix import needs_cdp
from cxcheck.config.profiles import NetworkProfile, load_catalogue
from cxcheck.model.text import table
from pageserver import DOWNLOAD_JS as DOWNLOAD
from pageserver import UPLOAD_JS as UPLOAD

TARGET = 0.10
SMALL = 1_000
LARGE_SECONDS = 3.0


def _timings(page: Any, script: str, size: int, repeats: int) -> float:
    return median([float(page.evaluate(script, size)) for _ in range(repeats)])


def measure(b: Any, url: str, network: NetworkProfile) -> list[list[str]]:
    rows: list[list[str]] = []
    throttled = b.new_context(base_url=url)
    plain = b.new_context(base_url=url)
    try:
        Throttle(network).attach(throttled)
        page = throttled.new_page()
        page.goto("/index.html")
        baseline_page = plain.new_page()
        baseline_page.goto("/index.html")
        for direction, script, rate in (
            ("down", DOWNLOAD, network.down_bytes_per_s),
            ("up", UPLOAD, network.up_bytes_per_s),
        ):
            assert rate is not None
            large = int(rate * LARGE_SECONDS)
            for size, repeats in ((SMALL, 5), (large, 1)):
                theory = network.latency_ms / 1000 + size / rate
                # The same fetch unthrottled: the harness's own time (JS, IPC, server), which
                # throttling adds to rather than replaces.
                baseline = _timings(baseline_page, script, size, 3)
                took = _timings(page, script, size, repeats)
                error = (took - baseline) / theory - 1
                off_ms = (took - baseline - theory) * 1000
                rows.append(
                    [
                        network.name,
                        direction,
                        f"{size:,}",
                        f"{theory:.3f}",
                        f"{took:.3f}",
                        f"{baseline:.3f}",
                        f"{error:+.1%}",
                        f"{off_ms:+.0f}",
                        "ok" if abs(error) <= TARGET else "MISS",
                    ]
                )
    finally:
        throttled.close()
        plain.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="*", help="preset names (default: every throttled one)")
    args = parser.parse_args()
    catalogue = load_catalogue()
    networks = (
        catalogue.resolve_networks(args.networks)
        if args.networks
        else [n for n in catalogue.networks.values() if needs_cdp(n)]
    )
    rows: list[list[str]] = []
    with page_server() as url, browser() as b:
        for network in networks:
            if not (network.down_bytes_per_s and network.up_bytes_per_s):
                print(f"skipped {network.name}: no throughput to measure", file=sys.stderr)
                continue
            rows.extend(measure(b, url, network))
            print(f"  measured {network.name}", file=sys.stderr, flush=True)
    headers = [
        "preset",
        "dir",
        "bytes",
        "theory s",
        "measured s",
        "unthrottled s",
        "error",
        "off ms",
        "±10%",
    ]
    print(table(headers, rows))
    print("error = (measured - unthrottled) / theory - 1; theory = latency + bytes / throughput")
    worst = max(rows, key=lambda r: abs(float(r[6].rstrip("%"))))
    misses = sum(r[8] == "MISS" for r in rows)
    large = rows[1::2]
    print(
        f"large payloads (2-5 s in theory): "
        f"{sum(r[8] == 'ok' for r in large)}/{len(large)} within ±{TARGET:.0%}; "
        f"small (1 KB): worst {max(abs(int(r[7])) for r in rows[0::2])} ms off"
    )
    print(
        f"\nworst error: {worst[6]} ({worst[0]} {worst[1]} {worst[2]} B); "
        f"{len(rows) - misses}/{len(rows)} within ±{TARGET:.0%}"
    )
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
