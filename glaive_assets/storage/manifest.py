"""processed/manifest.json: each artifact's sha256, size, row count and lineage, and the handles read back
from it.

Pure Python (no Dagster). The Dagster IO manager records every artifact here and hands downstream
steps the handle `load_artifact` rebuilds, so what a step receives is what the writer counted.

An entry also records:
- `run_id`: the run that wrote the file (null when unknown);
- `upstream`: {artifact: sha256} of each upstream artifact it was built from ({} for none; null when
  unknown, e.g. for an entry rebuilt from the file);
- `inode` and `mtime_ns` of the file it describes: a file replaced without its entry (a run killed
  between the two, or failing after writing) no longer matches, and reconcile.py repairs the entry.
  A multi-file artifact (ARTIFACT_FILES: the training set, each export) has one entry whose `files`
  give each file's path, sha256, size, rows, inode and mtime.

A manifest that cannot be read (truncated, not JSON, not the expected shape) is set aside as
`manifest.json.corrupt-<UTC time>` and rebuilt from the files, with a warning: never fatal.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.storage.artifacts import (
    ARTIFACT_FILES, ARTIFACT_PATHS, Artifact, ArtifactSet, ProcessedArtifact, RawArtifact, artifact_files, artifact_path,
    atomic_file, file_facts,
)
from glaive_assets.storage.errors import StorageError, path_error

MANIFEST_PATH = "processed/manifest.json"
RAW = "glaive_raw"
PROCESSED = "glaive_processed"
RAW_SETTINGS = ("source", "requested_sample_size", "seed", "unreadable_rows")
_ENTRY_TYPES = {"path": str, "sha256": str, "size_bytes": int, "rows": int}
log = logging.getLogger("glaive_assets.storage")


class ManifestMismatch(RuntimeError):
    """An artifact's file is not the one its manifest entry describes."""


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@contextmanager
def manifest_lock(data_dir: Path) -> Iterator[None]:
    """Serialize manifest updates (assets may run in parallel under the multiprocess executor)."""
    lock_path = (data_dir / MANIFEST_PATH).with_name(".manifest.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a+b")
    except OSError as error:
        raise path_error(error, lock_path, "the manifest's lock") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def file_identity(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"inode": stat.st_ino, "mtime_ns": stat.st_mtime_ns}


def describes_file(entry: dict[str, Any], path: Path) -> bool:
    """True if `entry` was written for the file now at `path` (same size, inode and mtime)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_ino, stat.st_mtime_ns) == (
        entry.get("size_bytes"), entry.get("inode"), entry.get("mtime_ns"))


def file_entries(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of the files an artifact entry describes: itself, or each of a multi-file artifact's."""
    return list(entry["files"].values()) if "files" in entry else [entry]


def describes_files(data_dir: Path, entry: dict[str, Any]) -> bool:
    """True if every file of the entry is the one it was written for."""
    return all(describes_file(file, data_dir / file["path"]) for file in file_entries(entry))


def records_identity(entry: dict[str, Any]) -> bool:
    """Entries written before lineage was recorded carry no inode/mtime to compare."""
    return all("inode" in file for file in file_entries(entry))


def identified_entry(data_dir: Path, artifact: Artifact) -> dict[str, Any]:
    """The artifact's manifest entry with the inode and mtime of each of its files."""
    entry = artifact.manifest_entry(data_dir)
    if isinstance(artifact, ArtifactSet):
        for part, file in entry["files"].items():
            file.update(file_identity(artifact.parts[part].path))
    else:
        entry.update(file_identity(artifact.path))
    if isinstance(artifact, ProcessedArtifact):
        for key, companion in artifact.companions().items():
            entry[key].update(file_identity(companion.path))
    return entry


def artifact_on_disk(data_dir: Path, name: str) -> Artifact | None:
    """Artifact `name` as its files on disk are now (hashed and counted), or None when a file is missing."""
    if name in ARTIFACT_FILES:
        paths = artifact_files(data_dir, name)
        if not all(path.is_file() for path in paths.values()):
            return None
        return ArtifactSet.of(name, {part: Artifact(part, path, *_counted(path)) for part, path in paths.items()})
    path = artifact_path(data_dir, name)
    return Artifact(name, path, *_counted(path)) if path.is_file() else None


def _counted(path: Path) -> tuple[int, str, int]:
    facts = file_facts(path)
    return facts.rows, facts.sha256, facts.size_bytes


def entry_from_files(data_dir: Path, artifact: Artifact, note: str) -> dict[str, Any]:
    """An entry rebuilt from the files alone: its figures are exact, its run and lineage unknown."""
    return {**identified_entry(data_dir, artifact), "written_at": utc_now(), "run_id": None, "upstream": None,
            "recovered": note}


def _parse(body: bytes) -> dict[str, Any] | None:
    """The manifest, or None when it is not one (truncated, not JSON, wrong shape)."""
    try:
        manifest = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        return None
    for entry in artifacts.values():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), t) for k, t in _ENTRY_TYPES.items()):
            return None
    return manifest


def rebuild_manifest(data_dir: Path) -> dict[str, Any]:
    """A manifest from the artifact files present, each entry with its lineage unknown."""
    artifacts = {}
    for name in [*ARTIFACT_PATHS, *ARTIFACT_FILES]:
        on_disk = artifact_on_disk(data_dir, name)
        if on_disk is not None:
            artifacts[name] = entry_from_files(data_dir, on_disk, "rebuilt from the file: the manifest was unreadable")
    return {"artifacts": artifacts}


def _set_aside(manifest_path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = manifest_path.with_name(f"{manifest_path.name}.corrupt-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = manifest_path.with_name(f"{manifest_path.name}.corrupt-{stamp}-{counter}")
    os.replace(manifest_path, aside)
    return aside


def read_manifest_locked(data_dir: Path, notes: list[str] | None = None) -> dict[str, Any]:
    """The manifest (call with manifest_lock held); a corrupt one is set aside and rebuilt, and the
    warning also appended to `notes`."""
    manifest_path = data_dir / MANIFEST_PATH
    try:
        body = manifest_path.read_bytes()
    except FileNotFoundError:
        return {"artifacts": {}}
    except OSError as error:
        raise path_error(error, manifest_path, "the manifest", doing="read") from None
    manifest = _parse(body)
    if manifest is not None:
        return manifest
    aside = _set_aside(manifest_path)
    manifest = rebuild_manifest(data_dir)
    write_manifest(data_dir, manifest)
    warning = (f"{manifest_path} could not be read ({len(body)} bytes, not a manifest): set aside as "
               f"{aside.name} and rebuilt from the {len(manifest['artifacts'])} artifact files present; their "
               "lineage is unknown until they are written again")
    log.warning(warning)
    if notes is not None:
        notes.append(warning)
    return manifest


def read_manifest(data_dir: Path) -> dict[str, Any]:
    """The manifest ({"artifacts": {}} when there is none yet); a corrupt one is recovered, never fatal."""
    manifest_path = data_dir / MANIFEST_PATH
    try:
        manifest = _parse(manifest_path.read_bytes())
    except FileNotFoundError:
        return {"artifacts": {}}
    except OSError as error:
        raise path_error(error, manifest_path, "the manifest", doing="read") from None
    if manifest is not None:
        return manifest
    with manifest_lock(data_dir):
        return read_manifest_locked(data_dir)


def write_manifest(data_dir: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically (call with manifest_lock held)."""
    manifest_path = data_dir / MANIFEST_PATH
    body = orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    with atomic_file(manifest_path, "the manifest") as handle:
        handle.write(body)


def update_manifest(data_dir: Path, artifacts: Iterable[Artifact], run_id: str | None = None,
                    upstream_names: Iterable[str] = ()) -> Path:
    """Record each artifact with the run that wrote it and the sha256 of each upstream artifact (as
    the manifest holds them now: under the run's writer lock, the files it read)."""
    upstream_names = [name for name in upstream_names if name in ARTIFACT_PATHS or name in ARTIFACT_FILES]
    with manifest_lock(data_dir):
        manifest = read_manifest_locked(data_dir)
        recorded = manifest["artifacts"]
        for artifact in artifacts:
            files = artifact.parts.values() if isinstance(artifact, ArtifactSet) else [artifact]
            for file in files:
                if file.path.stat().st_size != file.size_bytes:
                    raise StorageError(f"{file.path} changed after {artifact.name} wrote it "
                                       f"({file.size_bytes} bytes written): another process writes this data dir",
                                       file.path, None)
            upstream = {name: recorded[name]["sha256"] if name in recorded else None for name in upstream_names}
            recorded[artifact.name] = {**identified_entry(data_dir, artifact), "written_at": utc_now(),
                                       "run_id": run_id, "upstream": upstream}
        write_manifest(data_dir, manifest)
    return data_dir / MANIFEST_PATH


def load_artifact(data_dir: Path, name: str) -> Artifact:
    """The handle on artifact `name` as its writer recorded it; glaive_raw comes back as a RawArtifact,
    a multi-file artifact (ARTIFACT_FILES) as an ArtifactSet."""
    if name in ARTIFACT_FILES:
        return _load_artifact_set(data_dir, name)
    if name not in ARTIFACT_PATHS:
        raise KeyError(f"no artifact file is defined for asset {name!r}")
    path = artifact_path(data_dir, name)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: materialize {name} first")
    entry = read_manifest(data_dir)["artifacts"].get(name)
    if entry is None:
        raise FileNotFoundError(f"{data_dir / MANIFEST_PATH} has no entry for {name}: materialize {name} again")
    _refuse_replaced(entry, path, entry)
    counted = (name, path, entry["rows"], entry["sha256"], entry["size_bytes"])
    if name == PROCESSED:
        return ProcessedArtifact(*counted, checked=_companion(data_dir, entry, "checked"),
                                 staged_chatml=_companion(data_dir, entry, "staged_chatml"),
                                 qa_stats=entry.get("qa_stats"))
    if name != RAW:
        return Artifact(*counted)
    missing = [key for key in RAW_SETTINGS if key not in entry]
    if missing:
        raise FileNotFoundError(f"glaive_raw's manifest entry lacks the run settings {missing} (it was rebuilt "
                                f"from the file): materialize glaive_raw again")
    return RawArtifact(*counted, **{key: entry[key] for key in RAW_SETTINGS}, sources=tuple(entry.get("sources", ())))


def _companion(data_dir: Path, entry: dict[str, Any], key: str) -> Artifact | None:
    """A companion file of the entry, if it is still the file that was recorded (else None: its
    consumers fall back to the artifact itself)."""
    recorded = entry.get(key)
    if recorded is None or not describes_file(recorded, data_dir / recorded["path"]):
        return None
    return Artifact(key, data_dir / recorded["path"], recorded["rows"], recorded["sha256"], recorded["size_bytes"])


def _load_artifact_set(data_dir: Path, name: str) -> ArtifactSet:
    entry = read_manifest(data_dir)["artifacts"].get(name)
    recorded = (entry or {}).get("files", {})
    parts = {}
    for part, path in artifact_files(data_dir, name).items():
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: materialize {name} first")
        if part not in recorded:
            raise FileNotFoundError(f"{data_dir / MANIFEST_PATH} has no entry for {name} ({part}): materialize {name} again")
        counted = recorded[part]
        _refuse_replaced(counted, path, entry)
        parts[part] = Artifact(part, path, counted["rows"], counted["sha256"], counted["size_bytes"])
    return ArtifactSet.of(name, parts)


def _refuse_replaced(file_entry: dict[str, Any], path: Path, entry: dict[str, Any]) -> None:
    if "inode" in file_entry and not describes_file(file_entry, path):
        raise ManifestMismatch(
            f"{path} is not the file its manifest entry describes (written by run {entry.get('run_id')}): it was "
            "replaced without its entry. The next run reconciles the manifest; "
            "`python -m glaive_assets.storage.outputs --verify` shows what changed")
