"""The training plan's pass on every core: the ChatML file cut at line starts into JOBS_PER_PROCESS byte
ranges a process (storage/ranges.py), scanned by Python processes side by side, each taking the next
range as it finishes one (storage/worker_processes.py), and their columns joined in file order, so the
plan is the one a single pass makes.

The exact, near and calls keys are text.run_hash values, which Python salts per process: keys made in
two processes would never match. So every worker runs with one PYTHONHASHSEED, drawn afresh for each
plan: their keys compare as if one process had made them, and stay salted per run. The parent scans
nothing itself (its salt is another).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glaive_assets.core.jsonio import JsonlLineError, parse_jsonl_lines
from glaive_assets.storage.ranges import RangeReader, cut_at_line_starts
from glaive_assets.storage.worker_processes import JOBS_PER_PROCESS, Job, run_in_processes
from glaive_assets.training.columns import COLUMNS, ScanColumns
from glaive_assets.training.config import TrainingConfig
from glaive_assets.training.decontaminate import Contamination, EvalIndex


@dataclass(frozen=True)
class ScanRange:
    name: str
    path: Path
    start_byte: int
    stop_byte: int
    identity: tuple[int, int, int]  # the file's size, inode and mtime_ns when it was cut
    eval_index: EvalIndex
    config: TrainingConfig
    folder: Path  # where its columns go, a .npy file each


class ChatmlChangedError(ValueError):
    """The ChatML file was replaced while the plan's processes read it."""


def file_identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_size, stat.st_ino, stat.st_mtime_ns


@dataclass(frozen=True)
class ScannedRange:
    column_files: dict[str, Path]  # every ScanColumns column, signatures included
    contamination: dict[int, Contamination]  # position in the range -> the eval item it matched


def scan_range(part: ScanRange) -> ScannedRange:
    """The plan's pass (plan.scan_rows) over one byte range of the ChatML file; its columns saved as
    .npy files, which the parent maps rather than unpickles (at 1M rows they are about 200 MB)."""
    from glaive_assets.training.plan import scan_rows  # plan imports this module

    with open(part.path, "rb") as handle:
        if file_identity(os.fstat(handle.fileno())) != part.identity:
            raise ChatmlChangedError(f"{part.path} was replaced while the training plan read it: rerun the step")
        lines = RangeReader(handle, part.start_byte, part.stop_byte)
        records = parse_jsonl_lines(lines, lambda number, line: f"{part.path} (the line at byte "
                                                                f"{lines.position - len(line)})")
        columns, contamination = scan_rows(records, part.eval_index, part.config)
    files = {name: part.folder / f"{part.name}.{name}.npy" for name in (*COLUMNS, "signatures")}
    for name, file in files.items():
        np.save(file, columns.column(name), allow_pickle=False)
    return ScannedRange(files, contamination)


def scan_in_processes(path: Path, eval_index: EvalIndex, config: TrainingConfig, processes: int, scratch: Path
                      ) -> tuple[ScanColumns, dict[int, Contamination]]:
    """The plan's pass over the ChatML file at `path`, in up to `processes` processes side by side (their
    files under `scratch`): the same columns and contamination as one pass."""
    identity = file_identity(path.stat())
    ranges = cut_at_line_starts(path, identity[0], processes * JOBS_PER_PROCESS)
    names = [f"scan_{index + 1}_of_{len(ranges)}" for index in range(len(ranges))]
    jobs = [Job(name, scan_range, ScanRange(name, path, start, stop, identity, eval_index, config, scratch),
                scratch, reported=(JsonlLineError, ChatmlChangedError)) for name, (start, stop) in zip(names, ranges)]
    hash_seed = str(1 + secrets.randbelow(2**32 - 1))  # 0 would turn the salt off
    joined, contamination = ScanColumns(config.minhash.num_perm), {}
    for part in run_in_processes(jobs, processes, env={"PYTHONHASHSEED": hash_seed}):
        offset = joined.rows
        joined.extend({name: np.load(file, mmap_mode="r") for name, file in part.column_files.items()})
        for file in part.column_files.values():  # copied: the scratch holds nothing through dedup
            file.unlink()
        contamination.update({offset + position: found for position, found in part.contamination.items()})
    return joined, contamination
