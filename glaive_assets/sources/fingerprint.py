"""What a run reads, as comparable values: the source's data version (its fingerprint) and the
source state (that version plus the sampling settings). The source sensor and glaive_raw use both.

Never touches the network.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.locate import HfSource, SampleSource, locate_source, source_names
from glaive_assets.sources.readers.hf import HF_REVISION, hf_dataset_target
from glaive_assets.sources.sample import SAMPLE_GENERATOR_VERSION

_DIGESTS: dict[tuple, str] = {}
_MAX_DIGESTS = 64  # the daemon lives long; each edit of a file adds a key


def source_fingerprint(settings: SourceSettings) -> dict:
    """A fingerprint of the source data (not of the sample drawn from it): {"kind", "version", ...}.

    - sample: the generator version, seed and row count (they fix every byte);
    - hf: the pinned revision and dataset id; for a local dataset folder, a hash of its files;
    - file: the sha256 of the file's bytes as stored (compressed or not), with its size, format and compression;
    - several comma-separated sources: the sha256 of their versions, in the order listed.
    sample_size and seed are reported alongside; only for "sample" does the seed enter the version.
    """
    names = source_names(settings.source)
    if len(names) > 1:
        return _mixed_fingerprint(settings, names)
    sample_size, seed = settings.sample_size, settings.seed
    located = locate_source(settings.source)
    if isinstance(located, SampleSource):
        return {
            "kind": "sample",
            "version": f"sample-v{SAMPLE_GENERATOR_VERSION}-seed{seed}-rows{located.rows}",
            "generator_version": SAMPLE_GENERATOR_VERSION,
            "seed": seed,
            "rows": located.rows,
            "sample_size": sample_size,
        }
    if isinstance(located, HfSource):
        return {**_hf_fingerprint(), "sample_size": sample_size, "seed": seed}
    digest = _file_sha256(located.path)
    return {"kind": "file", "version": digest, "sha256": digest, "format": located.format,
            "compression": located.compression or "none", "path": str(located.path), "bytes": located.path.stat().st_size,
            "sample_size": sample_size, "seed": seed}  # fmt: skip


def _mixed_fingerprint(settings: SourceSettings, names: list[str]) -> dict:
    """Several sources: a sha256 over each one's version (a file's: its sha256 as stored), in order."""
    parts = [source_fingerprint(replace(settings, source=name))["version"] for name in names]
    combined = hashlib.sha256("".join(f"{position}\0{version}\n" for position, version in enumerate(parts)).encode())
    return {"kind": "mixed", "version": combined.hexdigest(), "sources": len(names),
            "versions": ",".join(parts), "sample_size": settings.sample_size, "seed": settings.seed}


def source_state(settings: SourceSettings, version: str) -> str:
    """What a raw artifact was read from: the source's data version plus the sampling settings.
    The source sensor keeps it as its cursor, and glaive_raw records it, so either can tell a change."""
    state = f"{version}|size={settings.sample_size}|seed={settings.seed}|source={settings.source}"
    # A forced layout changes what the rows mean; "auto" is left out so existing states stay equal.
    return state if settings.source_format == "auto" else f"{state}|format={settings.source_format}"


def _hf_fingerprint() -> dict:
    target, local = hf_dataset_target()
    if local is None:
        return {"kind": "hf", "version": HF_REVISION, "dataset": target, "revision": HF_REVISION}
    files = sorted(p for p in local.rglob("*") if p.is_file() and not any(
        part.startswith(".") for part in p.relative_to(local).parts))  # fmt: skip
    combined = hashlib.sha256()
    for file in files:
        combined.update(f"{file.relative_to(local).as_posix()}\0{_file_sha256(file)}\n".encode())
    return {"kind": "hf", "version": combined.hexdigest(), "dataset": target, "revision": HF_REVISION,
            "files": len(files), "bytes": sum(f.stat().st_size for f in files)}  # fmt: skip


def _file_sha256(path: Path) -> str:
    """sha256 of the file's bytes, streamed; memoised on (path, size, mtime, inode) for repeated sensor ticks."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    digest = _DIGESTS.get(key)
    if digest is None:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if len(_DIGESTS) >= _MAX_DIGESTS:
            _DIGESTS.clear()
        _DIGESTS[key] = digest
    return digest
