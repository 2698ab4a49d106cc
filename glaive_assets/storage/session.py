"""A run's writing session on a data dir: the writer lock, then the repairs a crash may have made
necessary (temp files of dead processes, manifest entries that no longer describe their file), before
the first artifact is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from glaive_assets.storage.lock import data_dir_lock
from glaive_assets.storage.reconcile import reconcile_manifest
from glaive_assets.storage.temps import RemovedTemp, remove_orphaned_temps


@dataclass
class SessionReport:
    """What opening the session found and repaired, for the run's log."""

    removed_temps: list[RemovedTemp] = field(default_factory=list)
    manifest_repairs: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        lines = [f"removed {temp.path} ({temp.size_bytes:,} bytes), a temp file left by process {temp.pid}, "
                 "which no longer exists" for temp in self.removed_temps]
        if len(self.removed_temps) > 1:
            total = sum(temp.size_bytes for temp in self.removed_temps)
            lines.append(f"removed {len(self.removed_temps)} orphaned temp files, {total:,} bytes in all")
        return lines + self.manifest_repairs


@contextmanager
def writer_session(data_dir: Path, run_id: str) -> Iterator[SessionReport]:
    """Hold the data dir's writer lock for `run_id` (DataDirBusy if another run holds it). The first
    session of a run also removes the temp files that dead processes left anywhere in the data dir and
    reconciles the manifest with the files."""
    with data_dir_lock(data_dir, run_id) as first:
        report = SessionReport()
        if first:
            report.removed_temps = remove_orphaned_temps(data_dir, recursive=True)
            report.manifest_repairs = reconcile_manifest(data_dir)
        yield report
