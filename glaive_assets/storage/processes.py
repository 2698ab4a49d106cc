"""Is a process (by pid) still alive? Used to tell a dead run worker, a stale writer lock and an
orphaned temp file from live ones. Pure Python, this host only (Linux /proc, else os.kill).

A pid can be reused: given the time a process must have started by (a run's start, a lock's
acquisition), a live process that started later is another program, and the original one is dead.
"""

from __future__ import annotations

import os
from pathlib import Path

# /proc's boot time is whole seconds and process start times are clock ticks: allow for both.
_START_TIME_SLACK_SECONDS = 2.0


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def process_start_time(pid: int) -> float | None:
    """When process `pid` started (epoch seconds), or None if unknown (no /proc, or no such process)."""
    boot = _boot_time()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    if boot is None:
        return None
    # Fields after the parenthesised command name start at field 3 (state); starttime is field 22.
    fields = stat[stat.rindex(")") + 2 :].split()
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, started_by: float | None = None) -> bool:
    """True if process `pid` exists (and, when `started_by` is given, started no later than that)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    if _is_zombie(pid):
        return False
    if started_by is not None:
        started = process_start_time(pid)
        if started is not None and started > started_by + _START_TIME_SLACK_SECONDS:
            return False  # the pid was reused by a later process
    return True


def _is_zombie(pid: int) -> bool:
    """A zombie has exited and only waits for its parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] == "Z"
