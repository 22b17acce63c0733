"""Storefront under load: requests/s and p95 of its product API with 50 concurrent Locust users.

The storefront (``python -m cxshop``, Starlette on uvicorn, one process) is started the way
cxcheck starts an app under test; Locust runs headless in a child process (it monkey-patches its
own process with gevent) against 127.0.0.1 only. Target: >= 300 requests/s at p95 < 200 ms.
The run is repeated with the ``slow-under-load`` defect to show what a degrading endpoint looks
like.

    pip install -e '.[load]'
    python benchmarks/storefront_load.py [--seconds 20] [--users 50]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

from cxcheck.app.server import AppServer, ServerSpec
from cxcheck.model.text import table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def load(url: str, users: int, seconds: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "run"
        done = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(HERE / "storefront_locustfile.py"),
             "--headless", "--users", str(users), "--spawn-rate", str(users),
             "--run-time", f"{seconds}s", "--host", url.rstrip("/"), "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            timeout=seconds + 120, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            sys.exit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
        with open(f"{prefix}_stats.csv", newline="") as f:
            rows = {row["Name"]: row for row in csv.DictReader(f)}
    return rows["/api/products"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    results = []
    for defects in ("", "slow-under-load"):
        spec = ServerSpec(
            "{python} -m cxshop --port {port}",
            ready_path="/healthz",
            timeout_s=60,
            env={"CXSHOP_DEFECTS": defects},
            cwd=ROOT / "fixtures",
        )
        server = AppServer(spec)
        url = server.start()
        try:
            row = load(url, args.users, args.seconds)
        finally:
            server.stop()
        rps = float(row["Requests/s"])
        p95 = float(row["95%"])
        ok = rps >= 300 and p95 < 200
        results.append([defects or "(none)", row["Request Count"], row["Failure Count"],
                        f"{rps:.0f}", f"{float(row['50%']):.0f}", f"{p95:.0f}",
                        "met" if ok else "MISSED"])  # fmt: skip
    print(f"GET /api/products, {args.users} Locust users, {args.seconds} s each, 127.0.0.1")
    print(table(["defects", "requests", "failures", "req/s", "p50 ms", "p95 ms",
                 ">=300 req/s, p95<200 ms"], results))  # fmt: skip
    return 0 if results[0][-1] == "met" else 1


if __name__ == "__main__":
    raise SystemExit(main())
