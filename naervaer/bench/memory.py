"""Peak resident memory of a server: VmHWM from /proc, summed over its process group.

Every server the app starts leads a process group of its own (naervaer.services._spawn), so workers it
forks or spawns (Sanic's worker process in the action server, multiprocessing helpers) are counted
with it. Summing peaks overstates a little: the processes need not peak at the same moment, and pages
they share are counted in each.
"""
from __future__ import annotations

from pathlib import Path

PROC = Path("/proc")


def _status_kb(status: str, field: str) -> int:
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def process_group(pgid: int, proc: Path = PROC) -> list[int]:
    """The pids whose process group is `pgid`."""
    pids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return sorted(pids)


def peak_memory(pid: int, proc: Path = PROC) -> dict:
    """{"processes", "peak_mb" (VmHWM summed), "rss_mb" (VmRSS summed now)} of pid's process group
    (pid itself when it leads no group)."""
    pids = process_group(pid, proc) or [pid]
    hwm = rss = 0
    counted = 0
    for p in pids:
        try:
            status = (proc / str(p) / "status").read_text()
        except OSError:
            continue
        hwm += _status_kb(status, "VmHWM")
        rss += _status_kb(status, "VmRSS")
        counted += 1
    return {"processes": counted, "peak_mb": round(hwm / 1024, 1), "rss_mb": round(rss / 1024, 1)}
