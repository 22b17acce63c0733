"""CPU time of a process tree: the test's process, its Playwright driver and the browser.

A cell's CPU is mostly spent outside the test's process: in the Playwright driver (Node) and the
browser's processes (browser, GPU, network service, one renderer per page). All of them descend
from the test's process, so the CPU of a cell is the change, from its start to its end, of the
CPU of that process tree: each living process's user + system time, plus what the processes it
has reaped used (the kernel adds a reaped child's times to its parent's ``cutime``/``cstime``,
so a renderer that closed with its page still counts).

Read from Linux's ``/proc`` (no dependency): elsewhere there is no number rather than a wrong one.
What it does not see: a process that left the tree before it was reaped by a member of it (an
orphan re-parented to init), and the app under test when the run started it (its subtree is
excluded: its CPU is the app's, not the test's).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

__all__ = ["tree_cpu_s"]

PROC = Path("/proc")


def tree_cpu_s(root: int, exclude: Collection[int] = (), proc: Path = PROC) -> float | None:
    """CPU seconds used so far by ``root`` and its descendants, except the subtrees of
    ``exclude``; None where ``/proc`` is not there (not Linux)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return None
    table = _processes(proc)
    if root not in table:
        return None
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, skip = 0, [root], set(exclude)
    while todo:
        pid = todo.pop()
        if pid in skip:
            continue
        total += table[pid][1]
        todo.extend(children.get(pid, ()))
    return total / ticks


def _processes(proc: Path) -> dict[int, tuple[int, int]]:
    """Every process's parent and CPU ticks (its own and its reaped children's)."""
    out: dict[int, tuple[int, int]] = {}
    try:
        entries = os.listdir(proc)
    except OSError:
        return out
    for name in entries:
        if not name.isdigit():
            continue
        try:
            # Plain os calls: this runs twice per cell over every process of the machine.
            fd = os.open(f"{proc}/{name}/stat", os.O_RDONLY)
            try:
                raw = os.read(fd, 4096)
            finally:
                os.close(fd)
        except OSError:  # it ended while we looked
            continue
        # The command name is in parentheses and may hold spaces and ")": split after the last.
        fields = raw[raw.rfind(b")") + 2 :].split()
        try:
            # state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
            # cutime cstime: utime is the 12th field after the name.
            ppid = int(fields[1])
            ticks = sum(int(f) for f in fields[11:15])
        except (IndexError, ValueError):
            continue
        out[int(name)] = (ppid, ticks)
    return out
