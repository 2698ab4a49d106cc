"""An object-store data dir (GLAIVE_DATA_DIR=s3://bucket/prefix), through fsspec. Pure Python (no Dagster).

Steps still write into a local working copy of the data dir, with every local guarantee (atomic temp
file + rename, the manifest with lineage, inode and mtime, the writer lock, the temp sweep). The store
holds the published state, in the same layout under its prefix:

- `publish` uploads each file of a finished artifact to its key, then the artifact's manifest entry
  (`processed/manifest.d/<name>.json`), then `processed/manifest.json`, the merge of every entry. An
  object appears only once its upload completes (one PUT, or a multipart upload's final
  CompleteMultipartUpload): a reader sees the previous object or the new one, never a part of one.
- `fetch` brings an upstream artifact into the working copy when its local file does not have the
  sha256 its entry in the store records. It streams each object into a local temp file, checks the
  sha256 before moving it into place, and records the entry in the local manifest. An object whose
  bytes are not the ones its entry describes (it is being replaced) is never used.

Entries are read one object per artifact, and each artifact has one writer, so steps of one run
publishing at once on different machines never lose each other's entry. manifest.json is rewritten
until it matches the entries, so after the last publish it holds all of them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.storage.artifacts import (
    ARTIFACT_FILES, ARTIFACT_PATHS, COMPANION_PATHS, atomic_file, file_facts,
)
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import (
    MANIFEST_PATH, describes_files, file_entries, file_identity, manifest_lock, read_manifest, read_manifest_locked,
    write_manifest,
)

ENTRIES_FOLDER = "processed/manifest.d"
_LOCAL_ONLY = ("inode", "mtime_ns")  # a file's identity on one machine's disk: meaningless in a bucket
_MERGE_ATTEMPTS = 5
_CHUNK = 1 << 20


def default_work_dir(url: str) -> Path:
    """The local working copy of `url` when GLAIVE_WORK_DIR is unset: one folder per store and prefix."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", url.split("://", 1)[-1]).strip("_")
    return Path(tempfile.gettempdir()) / "glaive_assets_work" / f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def portable_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A manifest entry without the local file identities, nor the companions of glaive_processed (the
    run's working files in the working copy, never uploaded)."""
    portable = {key: value for key, value in entry.items() if key not in _LOCAL_ONLY and key not in COMPANION_PATHS}
    if "files" in entry:
        portable["files"] = {part: {key: value for key, value in file.items() if key not in _LOCAL_ONLY}
                             for part, file in entry["files"].items()}
    return portable


def _local_entry(work_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """A store entry as the working copy records it: with each local file's inode and mtime."""
    local = orjson.loads(orjson.dumps(entry))
    for file in file_entries(local):
        file.update(file_identity(work_dir / file["path"]))
    return local


_stores: dict[tuple[str, int], ObjectStoreDataDir] = {}


def object_store(url: str) -> ObjectStoreDataDir:
    """The store at `url`, one client per process (a new one costs a session and its connections)."""
    key = (url, os.getpid())
    if key not in _stores:
        _stores[key] = ObjectStoreDataDir(url)
    return _stores[key]


class ObjectStoreDataDir:
    """The data dir at `url` (s3://bucket/prefix, gs://..., memory://... in tests)."""

    def __init__(self, url: str, filesystem: Any = None) -> None:
        import fsspec  # only an object-store data dir needs it

        self.url = url.rstrip("/")
        if filesystem is None:
            # A fresh instance: fsspec's cache would hand a forked process its parent's connections.
            filesystem, _ = fsspec.core.url_to_fs(self.url, skip_instance_cache=True)
        self.fs = filesystem
        self.prefix = self.fs._strip_protocol(self.url).rstrip("/")

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}"

    def where(self, relative: str) -> str:
        return f"{self.url}/{relative}"

    def _error(self, error: Exception, relative: str, doing: str) -> StorageError:
        return StorageError(f"cannot {doing} {self.where(relative)}: {type(error).__name__}: {error}",
                            Path(relative), getattr(error, "errno", None))

    # The entries: one object per artifact, the truth that manifest.json mirrors.

    def entries(self) -> dict[str, dict[str, Any]]:
        """Every artifact's entry in the store, by name."""
        names = {self.fs._strip_protocol(self.key(f"{ENTRIES_FOLDER}/{name}.json")): name
                 for name in [*ARTIFACT_PATHS, *ARTIFACT_FILES]}
        try:  # one concurrent read of all (an absent entry is omitted)
            bodies = self.fs.cat(list(names), on_error="omit")
        except Exception as error:  # noqa: BLE001 - each store's client raises its own kinds
            raise self._error(error, ENTRIES_FOLDER, "read the manifest entries at") from None
        found = {self.fs._strip_protocol(key): body for key, body in bodies.items()}
        return {name: orjson.loads(found[key]) for key, name in names.items() if key in found}

    def entry(self, name: str) -> dict[str, Any] | None:
        """Artifact `name`'s entry in the store, or None."""
        relative = f"{ENTRIES_FOLDER}/{name}.json"
        try:
            return orjson.loads(self.fs.cat_file(self.key(relative)))
        except FileNotFoundError:
            return None
        except Exception as error:  # noqa: BLE001
            raise self._error(error, relative, "read the manifest entry at") from None

    def manifest(self) -> dict[str, Any]:
        """The store's manifest, from its entries."""
        return {"artifacts": self.entries()}

    def _put_bytes(self, relative: str, body: bytes) -> None:
        try:
            self.fs.pipe_file(self.key(relative), body)
        except Exception as error:  # noqa: BLE001
            raise self._error(error, relative, "write") from None

    def _merge_manifest(self, entries: dict[str, dict[str, Any]]) -> None:
        """Write manifest.json from `entries`, then again from the store's entries until they match: a
        publish on another machine may land in between, and whichever writes last then includes it."""
        for _ in range(_MERGE_ATTEMPTS):
            body = orjson.dumps({"artifacts": entries}, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
            self._put_bytes(MANIFEST_PATH, body)
            stored = self.entries()
            if stored == entries:
                return
            entries = stored

    # Publishing a finished artifact from the working copy.

    def publish(self, work_dir: Path, name: str) -> dict[str, Any]:
        """Upload artifact `name` as the working copy's manifest records it: its files, then its entry
        (with the upstream sha256s the store holds now), then manifest.json. Returns the entry."""
        local = read_manifest(work_dir)["artifacts"].get(name)
        if local is None or not describes_files(work_dir, local):
            raise StorageError(f"{name} has no current entry in {work_dir / MANIFEST_PATH}: nothing to publish",
                               work_dir / MANIFEST_PATH, None)
        entry = portable_entry(local)
        published = self.entries()
        entry["upstream"] = {upstream: published.get(upstream, {}).get("sha256")
                             for upstream in (local.get("upstream") or {})}
        for file in file_entries(entry):
            try:
                self.fs.put_file(str(work_dir / file["path"]), self.key(file["path"]))
            except Exception as error:  # noqa: BLE001
                raise self._error(error, file["path"], "upload") from None
        self._put_bytes(f"{ENTRIES_FOLDER}/{name}.json", orjson.dumps(entry, option=orjson.OPT_SORT_KEYS) + b"\n")
        self._merge_manifest({**published, name: entry})
        return entry

    # Fetching an upstream artifact into the working copy.

    def fetch(self, work_dir: Path, name: str) -> bool:
        """Make the working copy hold artifact `name` as the store publishes it; True when a file was
        downloaded. FileNotFoundError when the store has no entry for it."""
        entry = self.entry(name)
        if entry is None:
            raise FileNotFoundError(f"{self.where(ENTRIES_FOLDER)}/{name}.json does not exist: materialize {name} first")
        local = read_manifest(work_dir)["artifacts"].get(name)
        if local is not None and portable_entry(local) == entry and describes_files(work_dir, local):
            return False
        downloaded = False
        for file in file_entries(entry):
            path = work_dir / file["path"]
            if path.is_file() and file_facts(path).sha256 == file["sha256"]:
                continue
            self._download(file["path"], path, file["sha256"])
            downloaded = True
        with manifest_lock(work_dir):
            manifest = read_manifest_locked(work_dir)
            manifest["artifacts"][name] = _local_entry(work_dir, entry)
            write_manifest(work_dir, manifest)
        return downloaded

    def _download(self, relative: str, path: Path, sha256: str) -> None:
        """Stream the object at `relative` into `path` (atomically), refusing bytes of another sha256."""
        with atomic_file(path, relative) as handle:
            digest = hashlib.sha256()
            try:
                with self.fs.open(self.key(relative), "rb") as source:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        handle.write(chunk)
            except Exception as error:  # noqa: BLE001
                raise self._error(error, relative, "download") from None
            if digest.hexdigest() != sha256:
                raise StorageError(
                    f"{self.where(relative)} is not the object its manifest entry describes (sha256 "
                    f"{digest.hexdigest()[:12]}, entry {sha256[:12]}): another run is publishing it, or one died "
                    "between uploading it and its entry. Materialize it again", Path(relative), None)
