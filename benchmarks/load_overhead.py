"""Load runs: cxcheck's wrapper vs plain ``locust --headless``, and ``workers=2`` vs ``workers=0``.

The demo storefront is started once (on 127.0.0.1) and receives every run. Two measurements:

1. Wrapper overhead. Plain ``python -m locust -f FILE --headless -u U -r U -t Ts --host URL
   --csv P --json-file P --only-summary`` in a child process vs ``cxcheck.load.run(FILE,
   host=URL, users=U, spawn_rate=U, run_time=T)``, same locustfile, users, time and target,
   alternating which side goes first each round, median of N rounds. What the wrapper changes
   in the Locust process is its generated ``LoadTestShape`` instead of ``-u/-r/-t``,
   ``--csv-full-history`` (a history row a second), ``--stop-timeout`` and a poll from the
   parent every 0.2 s. Target: rps ratio cxcheck/plain >= 0.95; the p95 difference is printed.
2. Workers: ``run(..., workers=2)`` (a master and two worker processes) vs ``workers=0``, same
   users; the ratio is printed with whether the target was the bottleneck (no target, so it
   never fails the benchmark).

Workload: ``examples/load/storefront.py`` (requests-based ``HttpUser``, 0.1 s between tasks,
200 users), not ``benchmarks/storefront_locustfile.py`` (``FastHttpUser``, no wait). The
HttpUser client costs more CPU per request than the storefront spends answering it (about
1 core of Locust to 0.35-0.45 core of storefront on a 2-core machine), so one Locust process is
the bottleneck and the storefront keeps headroom. That is what both measurements need: any
CPU the wrapper adds to the Locust process shows up as fewer requests (if the server were the
bottleneck, client overhead would hide in the client's idle time), and extra worker processes
can only raise the rate when the client, not the target, is what limits it. The FastHttpUser
with no wait instead saturates the machine, Locust and the storefront about a core each, and
its rate mostly measures how the two share the cores. On a 2-core machine the storefront, the
master and the workers all share those two cores, so ``workers=2`` can gain little: the
per-run lines show the storefront's CPU and how busy the whole machine was (other jobs
included) to read the ratio by.

Both sides' figures come from Locust's ``--json-file`` (final counts and histogram, written at
shutdown; its ``_stats.csv`` misses the last second), read by the same function here: requests
over Locust's own span (first request's start to last request), p95 by Locust's histogram
method. That is how ``cxcheck.load`` computes ``LoadResult.total``; a wall-clock duration would
count interpreter start-up and shut-down (and the workers' connection), and ``-t`` can end a
run a second early on a busy machine where the wrapper's shape ends on the clock.

    pip install -e '.[load]'
    python benchmarks/load_overhead.py [--repeats 3] [--seconds 10] [--users 200]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from _common import median, storefront
from cxcheck.load.runner import run

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "examples" / "load" / "storefront.py"
TARGET_RATIO = 0.95
WARM_UP_S = 3
SERVER_SATURATED = 0.9
"""The storefront is one process with one event loop: at this many cores it is the limit."""
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Figures:
    """One run's totals, as read from its ``--json-file``, and the CPU it took."""

    requests: int
    failures: int
    span_s: float
    p95_ms: float
    wall_s: float
    locust_cpu_s: float
    server_cores: float | None
    machine_cores: float | None

    @property
    def rps(self) -> float:
        return self.requests / self.span_s if self.span_s > 0 else 0.0

    def line(self) -> str:
        server = "n/a" if self.server_cores is None else f"{self.server_cores:.2f}"
        machine = "n/a" if self.machine_cores is None else f"{self.machine_cores:.2f}"
        return (
            f"{self.rps:6.0f} req/s  p95 {self.p95_ms:4.0f} ms  {self.requests:6d} reqs "
            f"({self.failures} failed) in {self.span_s:4.1f} s; storefront {server} cores, "
            f"locust {self.locust_cpu_s:4.1f} cpu-s, machine {machine}/{CORES} cores busy"
        )


def totals(report: Path) -> tuple[int, int, float, float]:
    """Requests, failures, span (s) and p95 (ms) of all endpoints in a ``--json-file``."""
    entries: list[Mapping[str, Any]] = json.loads(report.read_text(encoding="utf-8"))
    starts = [float(e["start_time"]) for e in entries]
    lasts = [float(e["last_request_timestamp"]) for e in entries if e["last_request_timestamp"]]
    span = max(lasts) - min(starts) if starts and lasts else 0.0
    requests = sum(int(e["num_requests"]) for e in entries)
    timed = requests - sum(int(e.get("num_none_requests") or 0) for e in entries)
    times: dict[float, int] = {}
    for e in entries:
        for key, count in e["response_times"].items():
            times[float(key)] = times.get(float(key), 0) + int(count)
    below, processed, p95 = int(timed * 0.95), 0, 0.0
    for rt in sorted(times, reverse=True):  # as locust.stats: walk down from the slowest
        processed += times[rt]
        if timed - processed <= below:
            p95 = rt
            break
    slowest = max((float(e["max_response_time"]) for e in entries), default=0.0)
    mins = [float(e["min_response_time"]) for e in entries if e["min_response_time"] is not None]
    p95 = max(min(mins, default=0.0), min(slowest, p95))
    return requests, sum(int(e["num_failures"]) for e in entries), span, p95


# --- CPU accounting (Linux /proc; "n/a" elsewhere) -------------------------------------------


def server_pid(port: int) -> int | None:
    """The storefront's process: ``python -m cxshop --port PORT``."""
    wanted = [b"cxshop", b"--port", str(port).encode()]
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if all(w in argv for w in wanted):
                    return int(entry)
    return None


def process_cpu(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def machine_busy() -> float | None:
    """CPU-seconds all cores spent busy since boot (every process on the machine)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK  # all but idle and iowait


def load_average() -> str:
    with contextlib.suppress(OSError, AttributeError):
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    return "n/a"


def children_cpu() -> float:
    """CPU-seconds of the Locust processes this one started and reaped."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(server: int | None, go: Callable[[], Path]) -> Figures:
    """Run ``go`` (which returns its ``--json-file``) and read its figures and CPU use."""
    cpu0, busy0, locust0 = process_cpu(server), machine_busy(), children_cpu()
    started = time.monotonic()
    report = go()
    wall = time.monotonic() - started
    cpu1, busy1, locust1 = process_cpu(server), machine_busy(), children_cpu()
    requests, failures, span, p95 = totals(report)
    if requests == 0:
        sys.exit(f"a load run made no requests; see {report.parent}")
    server_cores = None if cpu0 is None or cpu1 is None or span <= 0 else (cpu1 - cpu0) / span
    machine = None if busy0 is None or busy1 is None else (busy1 - busy0) / wall
    return Figures(requests, failures, span, p95, wall, locust1 - locust0, server_cores, machine)


# --- the two sides ----------------------------------------------------------------------------


def plain(url: str, users: int, seconds: int, folder: Path) -> Path:
    """``locust --headless`` as one would type it, in its own process group; killed on the
    way out whatever happens (Ctrl-C included)."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = str(folder / "locust")
    argv = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", url.rstrip("/"),
            "--csv", prefix, "--json-file", prefix, "--only-summary"]  # fmt: skip
    with (folder / "locust.log").open("wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        code = proc.wait(timeout=seconds + 120)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=3)
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in its group
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=3)
    report = folder / "locust.json"
    if code not in (0, 1) or not report.is_file():  # 1: some requests failed
        tail = (folder / "locust.log").read_text(errors="replace")[-3000:]
        sys.exit(f"plain locust failed (exit code {code}):\n{tail}")
    return report


def wrapped(url: str, users: int, seconds: int, folder: Path, workers: int = 0) -> Path:
    """``cxcheck.load.run`` with the same numbers; checks its totals match ours."""
    result = run(LOCUSTFILE, host=url, users=users, spawn_rate=users, run_time=seconds,
                 workers=workers, artifacts=folder)  # fmt: skip
    report = result.folder / "locust.json"
    requests, _, span, p95 = totals(report)
    rps = requests / span if span > 0 else 0.0
    if abs(result.total.rps - rps) > 0.5 or abs(result.total.p95_ms - p95) > 0.5:
        print(f"  note: LoadResult.total says {result.total.rps:.1f} req/s, p95 "
              f"{result.total.p95_ms:.0f} ms; its json file {rps:.1f}, {p95:.0f}",
              file=sys.stderr)  # fmt: skip
    return report


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop processes


def rounds(
    repeats: int, sides: Sequence[tuple[str, Callable[[int], Path]]], server: int | None
) -> dict[str, list[Figures]]:
    """Each side once a round, the order reversed every other round."""
    got: dict[str, list[Figures]] = {name: [] for name, _ in sides}
    for i in range(repeats):
        order = sides if i % 2 == 0 else list(reversed(sides))
        for name, go in order:
            figures = measured(server, functools.partial(go, i))
            got[name].append(figures)
            print(f"  round {i + 1}/{repeats} {name:<9} {figures.line()}", flush=True)
    return got


def middle(runs: list[Figures]) -> Figures:
    """The run with the median rate (an odd count of runs: that run itself)."""
    ordered = sorted(runs, key=lambda f: f.rps)
    return ordered[(len(ordered) - 1) // 2]


@contextlib.contextmanager
def shop() -> Iterator[tuple[str, int | None]]:
    server = storefront()
    url = server.start()
    try:
        yield url, server_pid(server.port)
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    n, users, seconds = args.repeats, args.users, args.seconds
    signal.signal(signal.SIGTERM, _terminate)
    print(f"{LOCUSTFILE.relative_to(ROOT)}: {users} users (all spawned in 1 s), {seconds} s "
          f"a run, storefront on 127.0.0.1, {CORES} cores, median of {n} rounds; "
          f"load average {load_average()}", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, shop() as (url, server):
        out = Path(tmp)
        measured(server, lambda: plain(url, users, WARM_UP_S, out / "warm-plain"))
        measured(server, lambda: wrapped(url, users, WARM_UP_S, out / "warm-cx"))
        print("wrapper: plain `locust --headless` vs cxcheck.load.run", flush=True)
        side = rounds(n, [
            ("plain", lambda i: plain(url, users, seconds, out / f"plain-{i}")),
            ("cxcheck", lambda i: wrapped(url, users, seconds, out / f"cx-{i}")),
        ], server)  # fmt: skip
        print("workers: cxcheck.load.run workers=0 vs workers=2", flush=True)
        pool = rounds(n, [
            ("workers=0", lambda i: wrapped(url, users, seconds, out / f"w0-{i}")),
            ("workers=2", lambda i: wrapped(url, users, seconds, out / f"w2-{i}", 2)),
        ], server)  # fmt: skip

    def rate(runs: list[Figures]) -> float:
        return median([f.rps for f in runs])

    def p95(runs: list[Figures]) -> float:
        return median([f.p95_ms for f in runs])

    print(f"medians of {n}:")
    for name, runs in [*side.items(), *pool.items()]:
        print(f"  {name:<9} {rate(runs):6.0f} req/s  p95 {p95(runs):4.0f} ms")
    cx_p95, plain_p95 = p95(side["cxcheck"]), p95(side["plain"])
    ratio = rate(side["cxcheck"]) / rate(side["plain"])
    met = ratio >= TARGET_RATIO
    print(f"rps ratio cxcheck/plain = {ratio:.2f} "
          f"(target ≥ {TARGET_RATIO}: {'met' if met else 'missed'})")  # fmt: skip
    print(f"p95 difference = {cx_p95 - plain_p95:+.0f} ms "
          f"(cxcheck {cx_p95:.0f} ms, plain {plain_p95:.0f} ms)")  # fmt: skip
    scaling = rate(pool["workers=2"]) / rate(pool["workers=0"])
    print(f"rps ratio workers=2/workers=0 = {scaling:.2f} "
          f"(informational, no target; {bottleneck(pool, p95)})")  # fmt: skip
    print(f"load average at the end: {load_average()} (other jobs on the machine count too)")
    return 0 if met else 1


def bottleneck(pool: dict[str, list[Figures]], p95: Callable[[list[Figures]], float]) -> str:
    """Whether the storefront limited the workers=2 runs: its one event loop saturated, or
    its p95 rising with the rate flat; else whether the machine's cores were all busy."""
    one, two = middle(pool["workers=0"]), middle(pool["workers=2"])
    before, after = p95(pool["workers=0"]), p95(pool["workers=2"])
    server = two.server_cores
    if server is not None and server >= SERVER_SATURATED:
        return f"the target was the bottleneck: the storefront at {server:.2f} of its 1 core"
    if after > before * 1.2 and two.rps < one.rps * 1.05:
        return f"the target was the bottleneck: p95 rose {before:.0f} → {after:.0f} ms"
    busy = two.machine_cores
    shown = "n/a" if server is None else f"{server:.2f}"
    where = f"the storefront at {shown} of its 1 core, p95 {before:.0f} → {after:.0f} ms"
    if busy is not None and busy >= 0.9 * CORES:
        return (f"the target was not the bottleneck ({where}); the machine was: "
                f"{busy:.2f} of {CORES} cores busy, shared by the storefront, the master, "
                f"the workers and any other job")  # fmt: skip
    return f"the target was not the bottleneck ({where})"


if __name__ == "__main__":
    raise SystemExit(main())
