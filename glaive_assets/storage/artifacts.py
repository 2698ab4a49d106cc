"""Artifact files on disk: atomic writes, content hashes and row counts.

Pure Python (no Dagster). An artifact is written to a temporary file beside its final path and moved
into place with os.replace only when complete, so a crash mid-write leaves the previous artifact whole.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.core.jsonio import dumps_line, read_jsonl
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

_WRITE_BATCH_LINES = 4096


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

    def manifest_entry(self, data_dir: Path) -> dict[str, Any]:
        return {
            **super().manifest_entry(data_dir),
            "source": self.source,
            "requested_sample_size": self.requested_sample_size,
            "seed": self.seed,
            "unreadable_rows": self.unreadable_rows,
        }


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
        listing = "".join(f"{part}\0{parts[part].sha256}\n" for part in sorted(parts))
        return cls(
            name, folders.pop(), sum(artifact.rows for artifact in parts.values() if artifact.path.suffix == ".jsonl"),
            hashlib.sha256(listing.encode()).hexdigest(), sum(artifact.size_bytes for artifact in parts.values()),
            parts,
        )

    def manifest_entry(self, data_dir: Path) -> dict[str, Any]:
        files = {part: artifact.manifest_entry(data_dir) for part, artifact in self.parts.items()}
        return {**super().manifest_entry(data_dir), "files": files}


def artifact_path(data_dir: Path, name: str) -> Path:
    return data_dir / ARTIFACT_PATHS[name]


def artifact_files(data_dir: Path, name: str) -> dict[str, Path]:
    """Each file of a multi-file artifact (ARTIFACT_FILES), by part."""
    return {part: data_dir / relative for part, relative in ARTIFACT_FILES[name].items()}


def artifact_folder(data_dir: Path, name: str) -> Path:
    """The folder that holds a multi-file artifact's files."""
    return data_dir / Path(next(iter(ARTIFACT_FILES[name].values()))).parent


@contextmanager
def atomic_file(path: Path) -> Iterator[Any]:
    """Yield a binary handle on a temp file that replaces `path` only if the block completes.
    First removes the temp files that dead processes left in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphaned_temps(path.parent)
    tmp = temp_path_for(path)
    handle = open(tmp, "wb")
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(tmp, path)
    except BaseException:
        handle.close()
        tmp.unlink(missing_ok=True)
        raise


class JsonlWriter:
    """Streams JSON lines into an artifact, hashing and counting as it goes."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._pending: list[bytes] = []
        self._hash = hashlib.sha256()
        self.rows = 0
        self.size_bytes = 0
        self.artifact: Artifact | None = None  # set once the file is complete and in place

    def write_line(self, line: bytes) -> None:
        """Write one already-encoded line (must end with a newline)."""
        self._pending.append(line)
        self.rows += 1
        if len(self._pending) >= _WRITE_BATCH_LINES:
            self._flush()

    def write(self, obj: Any) -> None:
        self.write_line(dumps_line(obj))

    def _flush(self) -> None:
        if not self._pending:
            return
        chunk = b"".join(self._pending)
        self._pending.clear()
        self._hash.update(chunk)
        self._handle.write(chunk)
        self.size_bytes += len(chunk)

    def _finish(self) -> str:
        self._flush()
        return self._hash.hexdigest()


@contextmanager
def write_jsonl(data_dir: Path, name: str) -> Iterator[JsonlWriter]:
    """Write artifact `name` atomically; afterwards `writer.artifact` describes the finished file."""
    path = artifact_path(data_dir, name)
    with atomic_file(path) as handle:
        writer = JsonlWriter(handle)
        yield writer
        digest = writer._finish()
    writer.artifact = Artifact(name, path, writer.rows, digest, writer.size_bytes)


def write_json(data_dir: Path, name: str, obj: Any) -> Artifact:
    """Write a JSON report atomically (strict JSON, indented for people)."""
    path = artifact_path(data_dir, name)
    body = orjson.dumps(orjson.loads(dumps_line(obj)), option=orjson.OPT_INDENT_2) + b"\n"
    with atomic_file(path) as handle:
        handle.write(body)
    return Artifact(name, path, 1, hashlib.sha256(body).hexdigest(), len(body))


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())
