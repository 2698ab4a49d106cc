"""Temporary files of the atomic writer, and the removal of those whose writer died.

A temp file is named `.<final name>.<pid>.tmp` beside its final path. A crash (kill -9, OOM killer)
leaves it behind: about 2 KB per row written. Its pid says whose it was: when that process no longer
exists (or the pid now belongs to a process that started after the file was last written), the
file is an orphan and is removed.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from glaive_assets.storage.processes import process_alive

log = logging.getLogger("glaive_assets.storage")
TEMP_NAME = re.compile(r"^\..+\.(\d+)\.tmp$")


@dataclass(frozen=True)
class RemovedTemp:
    path: Path
    size_bytes: int
    pid: int


def temp_path_for(path: Path) -> Path:
    """This process's temp file for `path`."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def remove_orphaned_temps(folder: Path, recursive: bool = False) -> list[RemovedTemp]:
    """Remove the temp files under `folder` whose writing process is gone; log and return each."""
    if not folder.is_dir():
        return []
    candidates = folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp")
    removed = []
    for path in candidates:
        match = TEMP_NAME.match(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            stat = path.lstat()
        except FileNotFoundError:
            continue  # its writer just finished or removed it
        if process_alive(pid, started_by=stat.st_mtime):
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        log.warning("removed %s (%d bytes): a temp file left by process %d, which no longer exists",
                    path, stat.st_size, pid)
        removed.append(RemovedTemp(path, stat.st_size, pid))
    return removed
