"""Artifact files on disk: atomic writes, content hashes and row counts.

Pure Python (no Dagster). An artifact is written to a temporary file beside its final path and moved
into place with os.replace only when complete, so a crash mid-write leaves the previous artifact whole.
"""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.core.jsonio import dumps_line, read_jsonl
from glaive_assets.storage.errors import path_error
from glaive_assets.storage.temps import remove_orphaned_temps, temp_path_for

# Asset key -> file under the data dir. One table, so assets, the IO manager and the docs agree.
ARTIFACT_PATHS: dict[str, str] = {
    "glaive_raw": "raw/glaive_raw.jsonl",
    "glaive_processed": "processed/glaive_processed.jsonl",
    "glaive_rejects": "processed/glaive_rejects.jsonl",
    "glaive_chatml": "processed/glaive_chatml.jsonl",
    "validation_report": "processed/validation/validation_report.json",
    "anomaly_report": "processed/validation/anomaly_report.json",
    "bias_report": "processed/validation/bias_report.json",
    "pipeline_summary": "processed/pipeline_summary.json",
    "training_report": "training/training_report.json",
}

# The companion files of glaive_processed (ProcessedArtifact), written by the pass that writes it.
COMPANION_PATHS: dict[str, str] = {
    "checked": "processed/glaive_processed.checked.jsonl",
    "staged_chatml": "processed/.staged/glaive_chatml.jsonl",
}

_SPLITS = ("train", "validation", "test")


def _export_files(folder: str, extra_part: str, extra_file: str) -> dict[str, str]:
    return {**{split: f"{folder}/{split}.jsonl" for split in _SPLITS}, extra_part: f"{folder}/{extra_file}"}


# Asset key -> part -> file under the data dir, for the assets whose artifact is several files
# (an ArtifactSet). Their files all sit in one folder.
ARTIFACT_FILES: dict[str, dict[str, str]] = {
    "training_set": {
        "train": "training/train.jsonl",
        "validation": "training/validation.jsonl",
        "test": "training/test.jsonl",
        "dropped": "training/dropped.jsonl",
    },
    "export_hf": _export_files("training/hf", "card", "README.md"),
    "export_openai": _export_files("training/openai", "card", "README.md"),
    "export_sharegpt": _export_files("training/sharegpt", "dataset_info", "dataset_info.json"),
}

# Pending lines are written once they hold this many bytes. By bytes, not lines: a bytes object from
# orjson keeps its whole working buffer (a 5.5 KB processed line holds about 27 KB), so the 4,096 pending
# lines this used to count held about 110 MB for processed alone, once in every shard process.
WRITE_BATCH_BYTES = 1 << 20
SYNC_EVERY_BYTES = 64 << 20
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


@dataclass(frozen=True)
class Artifact:
    """A finished artifact file: where it is, what it holds, and its content hash."""

    name: str
    path: Path
    rows: int
    sha256: str
    size_bytes: int

    def iter_lines(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            yield from handle

    def iter_records(self) -> Iterator[Any]:
        return read_jsonl(self.path)

    def manifest_entry(self, data_dir: Path) -> dict[str, Any]:
        return {
            "path": str(self.path.relative_to(data_dir)) if self.path.is_relative_to(data_dir) else str(self.path),
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "rows": self.rows,
        }


@dataclass(frozen=True)
class RawArtifact(Artifact):
    """glaive_raw's file and what it was read with. The run settings travel with the artifact (and its
    manifest entry), so every downstream step reads them from its glaive_raw input."""

    source: str
    requested_sample_size: int  # 0: every row
    seed: int
    unreadable_rows: int
    # Several sources only: one dict per source, in order (storage/mixed.py SOURCE_KEYS); () for one.
    sources: tuple[dict[str, Any], ...] = ()

    def manifest_entry(self, data_dir: Path) -> dict[str, Any]:
        entry = {
            **super().manifest_entry(data_dir),
            "source": self.source,
            "requested_sample_size": self.requested_sample_size,
            "seed": self.seed,
            "unreadable_rows": self.unreadable_rows,
        }
        if self.sources:
            entry["sources"] = list(self.sources)
        return entry


@dataclass(frozen=True)
class ProcessedArtifact(Artifact):
    """glaive_processed's file, and what the pass that wrote it made beside it from the same records, so
    that no later step reads the whole file again (storage/stages.py):
    - `checked`: the schema suite's view of each record (processed/glaive_processed.checked.jsonl);
    - `staged_chatml`: the ChatML lines, published as glaive_chatml once the blocking checks pass;
    - `qa_stats`: the QA statistics of processed and rejects (storage/stages.SplitStats.qa_json).
    Each companion is None when the entry has none (an entry written by an older version, or by hand);
    then the steps that want it read processed instead."""

    checked: Artifact | None = None
    staged_chatml: Artifact | None = None
    qa_stats: dict[str, Any] | None = None

    def companions(self) -> dict[str, Artifact]:
        """The companion files it has, by COMPANION_PATHS key."""
        return {key: getattr(self, key) for key in COMPANION_PATHS if getattr(self, key) is not None}

    def manifest_entry(self, data_dir: Path) -> dict[str, Any]:
        entry = super().manifest_entry(data_dir)
        for key, companion in self.companions().items():
            entry[key] = companion.manifest_entry(data_dir)
        if self.qa_stats is not None:
            entry["qa_stats"] = self.qa_stats
        return entry


@dataclass(frozen=True)
class ArtifactSet(Artifact):
    """An artifact of several files (ARTIFACT_FILES): `path` is their folder, `rows` the lines of its
    JSON-lines files summed, `sha256` a hash of the parts' names and hashes; `parts` holds each file."""

    parts: dict[str, Artifact]

    @classmethod
    def of(cls, name: str, parts: dict[str, Artifact]) -> ArtifactSet:
        folders = {artifact.path.parent for artifact in parts.values()}
        if len(folders) != 1:
            raise ValueError(f"the files of {name} must share one folder, got {sorted(map(str, folders))}")
        return cls(
            name, folders.pop(), sum(artifact.rows for artifact in parts.values() if artifact.path.suffix == ".jsonl"),
            set_sha256({part: artifact.sha256 for part, artifact in parts.items()}),
            sum(artifact.size_bytes for artifact in parts.values()), parts,
        )

    def manifest_entry(self, data_dir: Path) -> dict[str, Any]:
        files = {part: artifact.manifest_entry(data_dir) for part, artifact in self.parts.items()}
        return {**super().manifest_entry(data_dir), "files": files}


def set_sha256(part_sha256s: dict[str, str]) -> str:
    """A multi-file artifact's hash: of its parts' names and hashes."""
    listing = "".join(f"{part}\0{part_sha256s[part]}\n" for part in sorted(part_sha256s))
    return hashlib.sha256(listing.encode()).hexdigest()


def artifact_path(data_dir: Path, name: str) -> Path:
    return data_dir / ARTIFACT_PATHS[name]


def artifact_files(data_dir: Path, name: str) -> dict[str, Path]:
    """Each file of a multi-file artifact (ARTIFACT_FILES), by part."""
    return {part: data_dir / relative for part, relative in ARTIFACT_FILES[name].items()}


def artifact_folder(data_dir: Path, name: str) -> Path:
    """The folder that holds a multi-file artifact's files."""
    return data_dir / Path(next(iter(ARTIFACT_FILES[name].values()))).parent


@contextmanager
def atomic_file(path: Path, what: str | None = None) -> Iterator[Any]:
    """Yield a binary handle on a temp file that replaces `path` only if the block completes.
    First removes the temp files that dead processes left in the same folder. A file-system error on
    the file (permission, read-only, missing folder, disk full) is a StorageError naming `what` and
    `path` in one line."""
    what = what or path.name
    tmp = temp_path_for(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_orphaned_temps(path.parent)
        handle = open(tmp, "wb")
    except OSError as error:
        raise path_error(error, path, what, ours=(tmp,)) from None
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(tmp, path)
    except BaseException as error:
        _discard(handle, tmp)
        if isinstance(error, OSError) and _on_this_file(error, tmp, path):
            raise path_error(error, path, what, ours=(tmp,)) from None
        raise


def _discard(handle: Any, tmp: Path) -> None:
    try:
        handle.close()  # may flush, and fail again on a full disk
    except OSError:
        pass
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


def _on_this_file(error: OSError, tmp: Path, path: Path) -> bool:
    """An error of our writes (a write names no file: only a full or read-only disk is taken as ours)."""
    if error.filename is None:
        return error.errno in _DISK_ERRNOS
    return str(error.filename) in (str(tmp), str(path))


class LineBatch:
    """Encoded lines gathered into chunks of about WRITE_BATCH_BYTES, so that a file gets few large writes."""

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._bytes = 0

    def add(self, line: bytes) -> bytes | None:
        """Gather a line; the chunk to write when the batch is full, else None."""
        self._lines.append(line)
        self._bytes += len(line)
        return self.take() if self._bytes >= WRITE_BATCH_BYTES else None

    def take(self) -> bytes:
        """The lines gathered so far, joined (b"" when none); the batch starts again empty."""
        chunk = b"".join(self._lines)
        self._lines.clear()
        self._bytes = 0
        return chunk


class BackgroundSync:
    """An fdatasync in a thread after every SYNC_EVERY_BYTES written, so the disk takes a large file's
    pages while it is still being written, and the fsync that publishes it finds little left to do.
    Each sync works on a duplicate of the file descriptor, so whoever closes the file may do so at any
    time; wait() raises a failed sync's error (Linux reports a writeback error to one fsync only)."""

    def __init__(self, handle: Any) -> None:
        self._fd = handle.fileno()
        self._unsynced = 0
        self._thread: threading.Thread | None = None
        self._error: OSError | None = None

    def wrote(self, size: int) -> None:
        self._unsynced += size
        if self._unsynced >= SYNC_EVERY_BYTES and not (self._thread and self._thread.is_alive()):
            self._raise()
            self._unsynced = 0
            self._thread = threading.Thread(target=self._sync, args=(os.dup(self._fd),), name="background-sync",
                                            daemon=True)
            self._thread.start()

    def _sync(self, fd: int) -> None:
        try:
            _fdatasync(fd)
        except OSError as error:
            self._error = error
        finally:
            os.close(fd)

    def wait(self) -> None:
        """The sync in flight done; its error, if any, raised."""
        if self._thread is not None:
            self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error


_fdatasync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


class JsonlWriter:
    """Streams JSON lines into an artifact, hashing and counting as it goes."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._background_sync = BackgroundSync(handle)
        self._batch = LineBatch()
        self._hash = hashlib.sha256()
        self.rows = 0
        self.size_bytes = 0
        self.artifact: Artifact | None = None  # set once the file is complete and in place

    def write_line(self, line: bytes) -> None:
        """Write one already-encoded line (must end with a newline)."""
        self.rows += 1
        chunk = self._batch.add(line)
        if chunk is not None:
            self._write(chunk)

    def write(self, obj: Any) -> None:
        self.write_line(dumps_line(obj))

    def write_block(self, block: bytes | memoryview) -> None:
        """Write bytes of JSON lines as they are (another JSON-lines file copied in blocks, which may cut a
        line). Its rows are not counted here: the caller, which knows the file's, adds them (add_rows)."""
        self._flush()
        self._write(block)

    def add_rows(self, rows: int) -> None:
        self.rows += rows

    def sync(self) -> None:
        """Everything written so far on disk (atomic_file's own fsync then finds nothing left to write)."""
        self._flush()
        self._background_sync.wait()
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def _write(self, chunk: bytes | memoryview) -> None:
        self._hash.update(chunk)
        self._handle.write(chunk)
        self.size_bytes += len(chunk)
        self._background_sync.wrote(len(chunk))

    def _flush(self) -> None:
        chunk = self._batch.take()
        if chunk:
            self._write(chunk)

    def _finish(self) -> str:
        self._flush()
        self._background_sync.wait()
        return self._hash.hexdigest()


@contextmanager
def write_jsonl(data_dir: Path, name: str) -> Iterator[JsonlWriter]:
    """Write artifact `name` atomically; afterwards `writer.artifact` describes the finished file."""
    with write_jsonl_at(artifact_path(data_dir, name), name) as writer:
        yield writer


@contextmanager
def write_jsonl_at(path: Path, name: str) -> Iterator[JsonlWriter]:
    """write_jsonl for a file outside ARTIFACT_PATHS (a companion file of an artifact)."""
    with atomic_file(path, name) as handle:
        writer = JsonlWriter(handle)
        yield writer
        digest = writer._finish()
    writer.artifact = Artifact(name, path, writer.rows, digest, writer.size_bytes)


def write_json(data_dir: Path, name: str, obj: Any) -> Artifact:
    """Write a JSON report atomically (strict JSON, indented for people)."""
    path = artifact_path(data_dir, name)
    body = orjson.dumps(orjson.loads(dumps_line(obj)), option=orjson.OPT_INDENT_2) + b"\n"
    with atomic_file(path, name) as handle:
        handle.write(body)
    return Artifact(name, path, 1, hashlib.sha256(body).hexdigest(), len(body))


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


@dataclass(frozen=True)
class FileFacts:
    """What a file on disk holds now: its content hash, size and rows (lines of a .jsonl, else 1)."""

    sha256: str
    size_bytes: int
    rows: int


def file_facts(path: Path) -> FileFacts:
    """Hash and count `path` in one streamed pass."""
    digest = hashlib.sha256()
    size = newlines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
    return FileFacts(digest.hexdigest(), size, newlines if path.suffix == ".jsonl" else 1)
