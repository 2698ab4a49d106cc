"""The processed/rejects split in shards (no Dagster): raw's bytes cut into N contiguous ranges at line
starts, each transformed on its own into scratch files, merged in shard order into glaive_processed and
glaive_rejects, with processed's companions (the suite's view and the staged ChatML: storage/stages.py).
The merge either follows shards that are still running (merge_while_running: each shard's files are
copied as they grow, so when the last shard ends only its own files are left to copy) or takes shards
that have all finished (merge_shards, the multiprocess form's merge step).

glaive_raw is written in source_index order, so each shard is a source_index range, and the merged files
hold every row in raw's order: byte-identical to a single pass, whatever N. The plan cuts by bytes, not by
rows: it seeks to each cut and reads on to the next line start, so it never reads raw through (a line
count would be a pass over the whole file), and near-equal bytes are near-equal work. Row accounting is
checked twice: each shard must read exactly its byte range and route each line to exactly one of its two
files, and the shards must cover raw's bytes once each and read raw's rows between them.

Scratch files live under the data dir (processed/.shards/<run id>/), so every step of the run, in any
process, reaches them; only the merge publishes, atomically, through the artifact writer. They are not
fsynced: a crash only costs a rerun, and the merge writes the published files durably.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glaive_assets.storage.artifacts import (
    Artifact, JsonlWriter, LineBatch, ProcessedArtifact, artifact_path, write_jsonl_at,
)
from glaive_assets.storage.errors import path_error
from glaive_assets.storage.ranges import RangeReader, cut_at_line_starts
from glaive_assets.storage.stages import (
    RowAccountingError, SplitOutputs, SplitStats, companion_path, processed_artifact, raw_sources, split_lines,
)

SCRATCH_FOLDER = "processed/.shards"
_COPY_CHUNK = 1 << 20
_FOLLOW_SECONDS = 0.05  # how often a copy looks for more of a running shard's file


class ShardAccountingError(RowAccountingError):
    """A shard, or the shards together, did not account for raw's rows exactly once."""


@dataclass(frozen=True)
class RawIdentity:
    """The raw file a plan was made for: a replaced file has another inode or mtime."""

    path: Path
    rows: int
    size_bytes: int
    inode: int
    mtime_ns: int

    @classmethod
    def of(cls, raw: Artifact) -> RawIdentity:
        stat = raw.path.stat()
        return cls(raw.path, raw.rows, raw.size_bytes, stat.st_ino, stat.st_mtime_ns)

    def check(self, stat: os.stat_result) -> None:
        if (stat.st_size, stat.st_ino, stat.st_mtime_ns) != (self.size_bytes, self.inode, self.mtime_ns):
            raise ShardAccountingError(f"{self.path} was replaced after the shards were planned: rerun the transform")


@dataclass(frozen=True)
class ShardPlan:
    """Shard `index` of `count`: raw's bytes [start_byte, stop_byte), which start and end at line starts."""

    index: int
    count: int
    raw: RawIdentity
    start_byte: int
    stop_byte: int
    scratch: Path  # this run's scratch folder
    sources: tuple[dict[str, Any], ...] = ()  # several sources: RawArtifact.sources, to count rows per source

    @property
    def key(self) -> str:
        """A name for the shard (a Dagster mapping key: letters, digits and underscores)."""
        return f"shard_{self.index + 1}_of_{self.count}"

    def file(self, kind: str) -> Path:
        return self.scratch / f"{self.key}.{kind}.jsonl"


@dataclass(frozen=True)
class ShardFile:
    path: Path
    rows: int
    size_bytes: int


# The files each shard writes, one per SplitOutputs field, merged under these artifact names.
SHARD_FILES = ("processed", "rejects", "chatml", "checked")


@dataclass(frozen=True)
class ShardResult:
    """What one shard wrote: a file for each of SHARD_FILES, and what it saw."""

    plan: ShardPlan
    rows: int  # raw lines read
    processed: ShardFile
    rejects: ShardFile
    chatml: ShardFile
    checked: ShardFile
    stats: SplitStats = field(default_factory=SplitStats)


def scratch_root(data_dir: Path) -> Path:
    return data_dir / SCRATCH_FOLDER


def run_scratch(data_dir: Path, run_id: str) -> Path:
    return scratch_root(data_dir) / run_id


def remove_finished_scratch(data_dir: Path, is_finished: Callable[[str], bool]) -> list[Path]:
    """Remove the scratch folders of runs that are over (a failed or killed run leaves its shards)."""
    root, removed = scratch_root(data_dir), []
    if not root.is_dir():
        return removed
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and is_finished(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def plan_shards(raw: Artifact, count: int, scratch: Path) -> list[ShardPlan]:
    """Cut raw's bytes into `count` contiguous ranges of near-equal size, at line starts (fewer when
    raw has fewer lines, or lines longer than a range)."""
    if count < 1:
        raise ValueError(f"the number of shards must be >= 1, got {count}")
    identity = RawIdentity.of(raw)
    count = max(1, min(count, raw.rows))
    ranges = cut_at_line_starts(raw.path, raw.size_bytes, count)
    return [ShardPlan(index, len(ranges), identity, start, stop, scratch, raw_sources(raw))
            for index, (start, stop) in enumerate(ranges)]


class _ScratchWriter:
    """Batched lines into a plain scratch file, counted."""

    def __init__(self, path: Path) -> None:
        self.path, self.rows, self.size_bytes = path, 0, 0
        path.unlink(missing_ok=True)  # a new file, never one truncated under a merge that may be reading it
        self._handle = open(path, "xb")
        self._batch = LineBatch()

    def write_line(self, line: bytes) -> None:
        self.rows += 1
        chunk = self._batch.add(line)
        if chunk is not None:
            self._write(chunk)

    def _write(self, chunk: bytes) -> None:
        self._handle.write(chunk)
        self.size_bytes += len(chunk)

    def close(self) -> ShardFile:
        self._write(self._batch.take())
        self._handle.close()
        return ShardFile(self.path, self.rows, self.size_bytes)


def transform_shard(plan: ShardPlan) -> ShardResult:
    """Route each of the shard's raw lines to its processed or rejects scratch file."""
    plan.scratch.mkdir(parents=True, exist_ok=True)
    stats = SplitStats()
    writers = {kind: _ScratchWriter(plan.file(kind)) for kind in SHARD_FILES}
    read = 0
    try:
        with open(plan.raw.path, "rb") as raw:
            plan.raw.check(os.fstat(raw.fileno()))
            lines = RangeReader(raw, plan.start_byte, plan.stop_byte)
            read = split_lines(lines, SplitOutputs(**writers), stats, plan.sources)
    finally:
        result = ShardResult(plan, read, **{kind: writer.close() for kind, writer in writers.items()}, stats=stats)
    if lines.position != plan.stop_byte:
        raise ShardAccountingError(f"{plan.key} read raw bytes {plan.start_byte}..{lines.position}, not its range "
                                   f"{plan.start_byte}..{plan.stop_byte}: the range does not end at a line start")
    if result.processed.rows + result.rejects.rows != read:
        raise ShardAccountingError(f"{plan.key} (raw bytes {plan.start_byte}..{plan.stop_byte}) read {read} rows, "
                                   f"but wrote {result.processed.rows} processed + {result.rejects.rows} rejected")
    return result


def check_coverage(results: list[ShardResult], raw: Artifact) -> list[ShardResult]:
    """The shards in order, when they cover raw's bytes once each and read its rows between them;
    otherwise raise."""
    ordered = sorted(results, key=lambda result: result.plan.index)
    ranges = [(result.plan.start_byte, result.plan.stop_byte) for result in ordered]
    stops = [0, *(stop for _, stop in ranges)]
    contiguous = all(start == stops[index] for index, (start, _) in enumerate(ranges))
    complete = [result.plan.index for result in ordered] == list(range(len(ordered))) and all(
        result.plan.count == len(ordered) for result in ordered)
    if not ordered or not contiguous or not complete or stops[-1] != raw.size_bytes:
        raise ShardAccountingError(f"the shards cover raw bytes {ranges}, not 0..{raw.size_bytes} once each")
    read = sum(result.rows for result in ordered)
    if read != raw.rows:
        raise ShardAccountingError(f"the shards read {read} rows from raw, but its manifest records {raw.rows}")
    return ordered


class FinishedShards:
    """The shards' results as their shards finish, for a merge that copies each shard's files while the
    later shards still run (merge_while_running)."""

    def __init__(self, plans: list[ShardPlan]) -> None:
        self.plans = sorted(plans, key=lambda plan: plan.index)
        self._results: dict[int, ShardResult] = {}
        self._abandoned = self._ended = False
        self._copy_error: BaseException | None = None
        self._changed = threading.Condition()

    def finish(self, result: ShardResult) -> None:
        with self._changed:
            self._results[result.plan.index] = result
            self._changed.notify_all()

    def abandon(self) -> None:
        """The shards failed: the copies stop."""
        with self._changed:
            self._abandoned = True
            self._changed.notify_all()

    def copy_ended(self, copy: Future) -> None:
        """A copy's end: its error, if any, is raised by check() (a failed copy stops the shards)."""
        error = copy.exception()
        if error is not None and not isinstance(error, _Abandoned):
            with self._changed:
                self._copy_error = self._copy_error or error

    def check(self) -> None:
        """Raise the first copy's error: the shards should stop."""
        if self._copy_error is not None:
            raise self._copy_error

    def end(self) -> None:
        """Every shard has run: a result still missing never comes."""
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait(self, index: int, seconds: float) -> ShardResult | None:
        """Shard `index`'s result, or None while its shard still runs after `seconds`."""
        with self._changed:
            if index not in self._results and not (self._abandoned or self._ended):
                self._changed.wait(seconds)
            if self._abandoned:
                raise _Abandoned
            if index not in self._results and self._ended:
                raise ShardAccountingError(f"shard {index + 1} of {len(self.plans)} ran, but reported no result")
            return self._results.get(index)

    def results(self) -> list[ShardResult]:
        with self._changed:
            return list(self._results.values())


class _Abandoned(Exception):
    """Raised in the copies when the shards failed (the caller raises the shards' own error)."""


def _concatenate(out: JsonlWriter, kind: str, finished: FinishedShards, path: Path, name: str) -> None:
    """The shards' `kind` files appended, in shard order, in blocks, then synced. A shard's file is
    copied as its shard writes it; once its shard has finished, the file must hold the bytes the shard
    wrote, so the rows its shard counted are the rows copied."""
    # One small buffer, reused: fresh 8 MiB blocks in four threads stayed in glibc's arenas (+90 MiB RSS).
    buffer = bytearray(_COPY_CHUNK)
    try:
        for plan in finished.plans:
            source, copied, handle = plan.file(kind), 0, None
            try:
                while True:
                    result = finished.wait(plan.index, _FOLLOW_SECONDS)  # before reading: then EOF is the end
                    if handle is None and (result is not None or source.exists()):
                        handle = open(source, "rb")
                    while handle is not None and (size := handle.readinto(buffer)):
                        out.write_block(memoryview(buffer)[:size])
                        copied += size
                    if result is not None:
                        break
                if os.fstat(handle.fileno()).st_ino != os.stat(source).st_ino:
                    raise ShardAccountingError(f"{source} was replaced while it was being copied")
            finally:
                if handle is not None:
                    handle.close()
            shard_file: ShardFile = getattr(result, kind)
            if copied != shard_file.size_bytes:
                raise ShardAccountingError(f"{shard_file.path} holds {copied} bytes, but its shard wrote "
                                           f"{shard_file.size_bytes}: it was changed after the shard ended")
            out.add_rows(shard_file.rows)
        out.sync()
    except OSError as error:
        if error.filename is None:  # a write names no file (a full disk): name this copy's, not another's
            raise path_error(error, path, name) from None
        raise


def merge_shards(data_dir: Path, raw: Artifact, results: list[ShardResult]) -> tuple[ProcessedArtifact, Artifact, SplitStats]:
    """Publish the finished shards' files, in shard order, as glaive_processed (with its companions) and
    glaive_rejects (the merge step of the multiprocess form)."""
    ordered = check_coverage(results, raw)
    ordered[0].plan.raw.check(raw.path.stat())
    finished = FinishedShards([result.plan for result in ordered])
    for result in ordered:
        finished.finish(result)
    processed, rejects, stats, _ = _merge(data_dir, raw, finished, lambda shards: None)
    return processed, rejects, stats


def merge_while_running(data_dir: Path, raw: Artifact, plans: list[ShardPlan],
                        run: Callable[[FinishedShards], object]
                        ) -> tuple[ProcessedArtifact, Artifact, SplitStats, list[ShardResult]]:
    """Run the shards, `run(shards)` calling `shards.finish(result)` as each ends and `shards.check()`
    while they run (it raises when a copy failed: the shards should stop), and publish their files as
    merge_shards does, copying each shard's files while it writes them: when the last shard ends, only
    its own files are left to copy. Returns the shards' results too, in order. Files an earlier attempt
    left under the shards' names are removed first, so a copy never reads them."""
    for plan in plans:
        for kind in SHARD_FILES:
            plan.file(kind).unlink(missing_ok=True)
    return _merge(data_dir, raw, FinishedShards(plans), run)


def _merge(data_dir: Path, raw: Artifact, finished: FinishedShards, run: Callable[[FinishedShards], object]):
    """The four files are copied side by side, a thread each (hashing, writing and fsync release the GIL),
    into temp files; only when every copy is complete and the shards cover raw once do they replace the
    published files, the companions first and processed and rejects last. A kill or a failed shard
    leaves every published file as it was."""
    targets = {  # kind -> (path, name), in the order they replace the published files
        "checked": (companion_path(data_dir, "checked"), "checked"),
        "chatml": (companion_path(data_dir, "staged_chatml"), "staged_chatml"),
        "processed": (artifact_path(data_dir, "glaive_processed"), "glaive_processed"),
        "rejects": (artifact_path(data_dir, "glaive_rejects"), "glaive_rejects"),
    }
    with ExitStack() as replaces:  # exits last-in first-out: enter in reverse to replace in `targets` order
        writers = {kind: replaces.enter_context(write_jsonl_at(*targets[kind])) for kind in reversed(targets)}
        with ThreadPoolExecutor(len(writers), thread_name_prefix="merge") as pool:
            copies = [pool.submit(_concatenate, writers[kind], kind, finished, *targets[kind]) for kind in targets]
            for copy in copies:
                copy.add_done_callback(finished.copy_ended)
            try:
                run(finished)
            except BaseException:
                finished.abandon()
                raise
            finished.end()
            for copy in copies:
                copy.result()
        ordered = check_coverage(finished.results(), raw)
        ordered[0].plan.raw.check(raw.path.stat())
    checked, chatml, processed, rejects = (writers[kind].artifact for kind in targets)
    stats = SplitStats()
    for result in ordered:
        stats.add(result.stats)
    return processed_artifact(raw, processed, rejects, checked, chatml, stats), rejects, stats, ordered


def remove_run_scratch(data_dir: Path, run_id: str) -> None:
    """Remove this run's shard files once the merge has published them."""
    shutil.rmtree(run_scratch(data_dir, run_id), ignore_errors=True)
