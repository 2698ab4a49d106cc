"""The manifest against the files on disk: repair it at the start of a run, and tell stale artifacts.

A run replaces each file first and records its manifest entry after, so a run killed between the two
(or failing after it wrote a file, e.g. on broken row accounting) leaves an entry that describes the
previous file. Each entry records the file's inode and mtime: a file that no longer matches is hashed
again, and its entry rebuilt from it (its lineage then unknown). An artifact is stale when an upstream
file it was built from (by sha256, in its entry's `upstream`) has changed since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glaive_assets.storage.artifacts import ARTIFACT_PATHS, artifact_path, file_facts
from glaive_assets.storage.manifest import (
    read_manifest_locked, describes_file, entry_from_file, file_identity, manifest_lock, read_manifest, write_manifest,
)

REPLACED_NOTE = "rebuilt from the file: it was replaced without its manifest entry (a run killed or failed in between)"


def _reconcile_entry(data_dir: Path, name: str, entry: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """(the entry to keep or None to drop it, a message when something was repaired)."""
    path = data_dir / entry["path"]
    if not path.is_file():
        return None, f"{name}: {path} is gone; its manifest entry was removed"
    if describes_file(entry, path):
        return entry, None
    facts = file_facts(path)
    if facts.sha256 == entry["sha256"]:
        return {**entry, **file_identity(path)}, None  # the same bytes (a copy, a touch): nothing to say
    rebuilt = entry_from_file(data_dir, path, REPLACED_NOTE)
    return rebuilt, (f"{name}: {path} was replaced without its manifest entry (a run was killed or failed "
                     f"between the two); the entry now describes the file ({facts.rows:,} rows, sha256 "
                     f"{facts.sha256[:12]}), and its lineage is unknown")


def reconcile_manifest(data_dir: Path) -> list[str]:
    """Make every manifest entry describe the file on disk; return what was repaired (one line each)."""
    messages: list[str] = []
    with manifest_lock(data_dir):
        manifest = read_manifest_locked(data_dir, notes=messages)
        before = {name: dict(entry) for name, entry in manifest["artifacts"].items()}
        artifacts: dict[str, Any] = {}
        for name, entry in before.items():
            kept, message = _reconcile_entry(data_dir, name, entry)
            if kept is not None:
                artifacts[name] = kept
            if message:
                messages.append(message)
        for name in ARTIFACT_PATHS:
            path = artifact_path(data_dir, name)
            if name not in artifacts and path.is_file():
                artifacts[name] = entry_from_file(data_dir, path, "rebuilt from the file: it had no manifest entry")
                messages.append(f"{name}: {path} had no manifest entry; one was made from the file")
        if artifacts != before:
            manifest["artifacts"] = artifacts
            write_manifest(data_dir, manifest)
    return messages


def current_sha256(data_dir: Path, name: str, manifest: dict[str, Any]) -> str | None:
    """The sha256 of artifact `name`'s file on disk (from its entry while the entry describes the
    file, else hashed now); None when there is no file."""
    entry = manifest["artifacts"].get(name)
    path = data_dir / entry["path"] if entry else artifact_path(data_dir, name) if name in ARTIFACT_PATHS else None
    if path is None or not path.is_file():
        return None
    if entry is not None and describes_file(entry, path):
        return entry["sha256"]
    return file_facts(path).sha256


def stale_artifacts(data_dir: Path, manifest: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Artifact -> the upstream artifacts whose file on disk is no longer the one it was built from."""
    manifest = read_manifest(data_dir) if manifest is None else manifest
    shas: dict[str, str | None] = {}
    stale: dict[str, list[str]] = {}
    for name, entry in manifest["artifacts"].items():
        changed = []
        for upstream, built_from in (entry.get("upstream") or {}).items():
            if upstream not in shas:
                shas[upstream] = current_sha256(data_dir, upstream, manifest)
            if shas[upstream] != built_from:
                changed.append(upstream)
        if changed:
            stale[name] = sorted(changed)
    return stale


def unknown_lineage(manifest: dict[str, Any]) -> list[str]:
    """Artifacts whose entry does not say what they were built from (rebuilt from the file, or older)."""
    return [name for name, entry in manifest["artifacts"].items() if entry.get("upstream") is None]
