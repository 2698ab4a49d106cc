"""processed/manifest.json: each artifact's sha256, size and row count, and the handles read back from it.

Pure Python (no Dagster). The Dagster IO manager records every artifact here and hands downstream
steps the handle `load_artifact` rebuilds, so what a step receives is what the writer counted.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.storage.artifacts import (
    ARTIFACT_FILES,
    ARTIFACT_PATHS,
    Artifact,
    ArtifactSet,
    RawArtifact,
    artifact_files,
    artifact_path,
    atomic_file,
    read_json,
)

MANIFEST_PATH = "processed/manifest.json"
RAW = "glaive_raw"


def update_manifest(data_dir: Path, artifacts: Iterable[Artifact], run_id: str | None = None) -> Path:
    """Record each artifact's sha256, size and row count in processed/manifest.json (locked, atomic),
    and the id of the run that wrote it when one is given."""
    manifest_path = data_dir / MANIFEST_PATH
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = manifest_path.with_name(".manifest.lock")
    with open(lock_path, "a+b") as lock:
        # Assets may run in parallel under the multiprocess executor.
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            manifest = read_manifest(data_dir)
            for artifact in artifacts:
                entry = artifact.manifest_entry(data_dir)
                entry["written_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                if run_id is not None:
                    entry["run_id"] = run_id
                manifest["artifacts"][artifact.name] = entry
            with atomic_file(manifest_path) as handle:
                handle.write(orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return manifest_path


def read_manifest(data_dir: Path) -> dict[str, Any]:
    manifest_path = data_dir / MANIFEST_PATH
    return read_json(manifest_path) if manifest_path.exists() else {"artifacts": {}}


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
    counted = (name, path, entry["rows"], entry["sha256"], entry["size_bytes"])
    if name != RAW:
        return Artifact(*counted)
    return RawArtifact(
        *counted,
        source=entry["source"],
        requested_sample_size=entry["requested_sample_size"],
        seed=entry["seed"],
        unreadable_rows=entry["unreadable_rows"],
    )


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
        parts[part] = Artifact(part, path, counted["rows"], counted["sha256"], counted["size_bytes"])
    return ArtifactSet.of(name, parts)
