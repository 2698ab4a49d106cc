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

from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.storage.manifest import (
    artifact_on_disk, describes_files, entry_from_files, identified_entry, manifest_lock, read_manifest,
    read_manifest_locked, write_manifest,
)

REPLACED_NOTE = "rebuilt from the file: it was replaced without its manifest entry (a run killed or failed in between)"


def _reconcile_entry(data_dir: Path, name: str, entry: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """(the entry to keep or None to drop it, a message when something was repaired)."""
    if describes_files(data_dir, entry):
        return entry, None
    on_disk = artifact_on_disk(data_dir, name) if name in ARTIFACT_PATHS or name in ARTIFACT_FILES else None
    if on_disk is None:
        return None, f"{name}: {data_dir / entry['path']} is gone; its manifest entry was removed"
    if on_disk.sha256 == entry["sha256"]:  # the same bytes (a copy, a touch): nothing to say
        return {**entry, **{key: value for key, value in identified_entry(data_dir, on_disk).items()
                            if key in ("inode", "mtime_ns", "files")}}, None
    rebuilt = entry_from_files(data_dir, on_disk, REPLACED_NOTE)
    return rebuilt, (f"{name}: {on_disk.path} was replaced without its manifest entry (a run was killed or failed "
                     f"between the two); the entry now describes the file ({on_disk.rows:,} rows, sha256 "
                     f"{on_disk.sha256[:12]}), and its lineage is unknown")


def reconcile_manifest(data_dir: Path) -> list[str]:
    """Make every manifest entry describe the files on disk; return what was repaired (one line each)."""
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
        for name in [*ARTIFACT_PATHS, *ARTIFACT_FILES]:
            on_disk = None if name in artifacts else artifact_on_disk(data_dir, name)
            if on_disk is not None:
                artifacts[name] = entry_from_files(data_dir, on_disk, "rebuilt from the file: it had no manifest entry")
                messages.append(f"{name}: {on_disk.path} had no manifest entry; one was made from the file")
        if artifacts != before:
            manifest["artifacts"] = artifacts
            write_manifest(data_dir, manifest)
    return messages


def current_sha256(data_dir: Path, name: str, manifest: dict[str, Any]) -> str | None:
    """The sha256 of artifact `name` on disk (from its entry while the entry describes its files, else
    hashed now); None when a file is missing."""
    entry = manifest["artifacts"].get(name)
    if entry is not None and describes_files(data_dir, entry):
        return entry["sha256"]
    if name not in ARTIFACT_PATHS and name not in ARTIFACT_FILES:
        return None
    on_disk = artifact_on_disk(data_dir, name)
    return on_disk.sha256 if on_disk is not None else None


def stale_artifacts(data_dir: Path, manifest: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Artifact -> its upstream artifacts whose file on disk is no longer the one it was built from, or
    that are stale themselves (so everything built on a changed file is reported, however far down)."""
    manifest = read_manifest(data_dir) if manifest is None else manifest
    shas: dict[str, str | None] = {}
    changed: dict[str, list[str]] = {}
    for name, entry in manifest["artifacts"].items():
        for upstream, built_from in (entry.get("upstream") or {}).items():
            if upstream not in shas:
                shas[upstream] = current_sha256(data_dir, upstream, manifest)
            if shas[upstream] != built_from:
                changed.setdefault(name, []).append(upstream)
    return propagate_stale(changed, manifest)


def stale_by_entries(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """stale_artifacts for a manifest whose entries are the current state (an object store's: each file
    is published before its entry, and there is no local file to compare with)."""
    artifacts = manifest["artifacts"]
    changed: dict[str, list[str]] = {}
    for name, entry in artifacts.items():
        for upstream, built_from in (entry.get("upstream") or {}).items():
            if (artifacts.get(upstream) or {}).get("sha256") != built_from:
                changed.setdefault(name, []).append(upstream)
    return propagate_stale(changed, manifest)


def propagate_stale(changed: dict[str, list[str]], manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Add to `changed` (artifact -> changed upstreams) every artifact built from a stale one."""
    stale = {name: set(upstreams) for name, upstreams in changed.items()}
    grew = True
    while grew:
        grew = False
        for name, entry in manifest["artifacts"].items():
            stale_upstreams = {upstream for upstream in (entry.get("upstream") or {}) if upstream in stale}
            if stale_upstreams - stale.get(name, set()):
                stale.setdefault(name, set()).update(stale_upstreams)
                grew = True
    return {name: sorted(upstreams) for name, upstreams in stale.items()}


def unknown_lineage(manifest: dict[str, Any]) -> list[str]:
    """Artifacts whose entry does not say what they were built from (rebuilt from the file, or older)."""
    return [name for name, entry in manifest["artifacts"].items() if entry.get("upstream") is None]
