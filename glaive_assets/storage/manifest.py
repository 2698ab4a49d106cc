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
    ARTIFACT_PATHS, Artifact, RawArtifact, artifact_path, atomic_file, file_facts,
)
from glaive_assets.storage.errors import StorageError, path_error

MANIFEST_PATH = "processed/manifest.json"
RAW = "glaive_raw"
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


def entry_from_file(data_dir: Path, path: Path, note: str) -> dict[str, Any]:
    """An entry rebuilt from the file alone: its figures are exact, its run and lineage unknown."""
    facts = file_facts(path)
    return {"path": str(path.relative_to(data_dir)), "sha256": facts.sha256, "size_bytes": facts.size_bytes,
            "rows": facts.rows, "written_at": utc_now(), "run_id": None, "upstream": None,
            **file_identity(path), "recovered": note}


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
    for name in ARTIFACT_PATHS:
        path = artifact_path(data_dir, name)
        if path.is_file():
            artifacts[name] = entry_from_file(data_dir, path, "rebuilt from the file: the manifest was unreadable")
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
    upstream_names = [name for name in upstream_names if name in ARTIFACT_PATHS]
    with manifest_lock(data_dir):
        manifest = read_manifest_locked(data_dir)
        recorded = manifest["artifacts"]
        for artifact in artifacts:
            entry = artifact.manifest_entry(data_dir)
            identity = file_identity(artifact.path)
            if artifact.path.stat().st_size != artifact.size_bytes:
                raise StorageError(f"{artifact.path} changed after {artifact.name} wrote it "
                                   f"({artifact.size_bytes} bytes written): another process writes this data dir",
                                   artifact.path, None)
            upstream = {name: recorded[name]["sha256"] if name in recorded else None for name in upstream_names}
            recorded[artifact.name] = {**entry, "written_at": utc_now(), "run_id": run_id, "upstream": upstream,
                                       **identity}
        write_manifest(data_dir, manifest)
    return data_dir / MANIFEST_PATH


def load_artifact(data_dir: Path, name: str) -> Artifact:
    """The handle on artifact `name` as its writer recorded it; glaive_raw comes back as a RawArtifact."""
    if name not in ARTIFACT_PATHS:
        raise KeyError(f"no artifact file is defined for asset {name!r}")
    path = artifact_path(data_dir, name)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: materialize {name} first")
    entry = read_manifest(data_dir)["artifacts"].get(name)
    if entry is None:
        raise FileNotFoundError(f"{data_dir / MANIFEST_PATH} has no entry for {name}: materialize {name} again")
    if "inode" in entry and not describes_file(entry, path):
        raise ManifestMismatch(
            f"{path} is not the file its manifest entry describes (written by run {entry.get('run_id')}): it was "
            "replaced without its entry. The next run reconciles the manifest; "
            "`python -m glaive_assets.storage.outputs --verify` shows what changed")
    counted = (name, path, entry["rows"], entry["sha256"], entry["size_bytes"])
    if name != RAW:
        return Artifact(*counted)
    missing = [key for key in RAW_SETTINGS if key not in entry]
    if missing:
        raise FileNotFoundError(f"glaive_raw's manifest entry lacks the run settings {missing} (it was rebuilt "
                                f"from the file): materialize glaive_raw again")
    return RawArtifact(*counted, **{key: entry[key] for key in RAW_SETTINGS})
