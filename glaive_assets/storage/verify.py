"""Check every artifact file against its manifest entry: sha256, size, rows, strict JSON, freshness.

Reads every byte (unlike reconcile.py, which trusts an entry while its file's inode and mtime match).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.storage.artifacts import ARTIFACT_PATHS, artifact_path
from glaive_assets.storage.manifest import MANIFEST_PATH, describes_file, read_manifest
from glaive_assets.storage.temps import TEMP_NAME

# What makes `--verify` exit non-zero; "unknown_lineage" and "temp_file" are reported only.
FAILING_KINDS = frozenset({"missing", "mismatch", "bad_json", "unrecorded", "stale"})


@dataclass(frozen=True)
class Finding:
    name: str
    kind: str  # ok | missing | mismatch | bad_json | unrecorded | stale | unknown_lineage | temp_file
    message: str


@dataclass(frozen=True)
class _Scan:
    sha256: str
    size_bytes: int
    rows: int
    bad_json: str | None  # the first line (or the file) that is not strict JSON


def _scan(path: Path) -> _Scan:
    """Hash, count and parse a file in one pass: each line of a .jsonl, the whole of a .json."""
    digest = hashlib.sha256()
    size = rows = 0
    bad = None
    if path.suffix == ".jsonl":
        with open(path, "rb") as handle:
            for rows, line in enumerate(handle, start=1):
                digest.update(line)
                size += len(line)
                if bad is None:
                    try:
                        orjson.loads(line)
                    except orjson.JSONDecodeError as error:
                        bad = f"line {rows}: {error}"
                if not line.endswith(b"\n") and bad is None:
                    bad = f"line {rows}: no newline at the end of the file (truncated?)"
        return _Scan(digest.hexdigest(), size, rows, bad)
    body = path.read_bytes()
    if path.suffix == ".json":
        try:
            orjson.loads(body)
        except orjson.JSONDecodeError as error:
            bad = str(error)
    return _Scan(hashlib.sha256(body).hexdigest(), len(body), 1, bad)


def _check_entry(name: str, entry: dict[str, Any], path: Path, scan: _Scan) -> list[Finding]:
    differences = [f"{field}: manifest {entry[field]}, file {actual}" for field, actual in (
        ("sha256", scan.sha256), ("size_bytes", scan.size_bytes), ("rows", scan.rows)) if entry[field] != actual]
    if differences and "inode" in entry and not describes_file(entry, path):
        differences[-1] += (" (the file was replaced after its entry was written: a run was killed or failed in "
                            "between; the next run reconciles the entry)")
    findings = [Finding(name, "mismatch", "; ".join(differences))] if differences else []
    if scan.bad_json:
        findings.append(Finding(name, "bad_json", f"not strict JSON: {scan.bad_json}"))
    return findings


def _freshness(name: str, entry: dict[str, Any], shas: dict[str, str | None]) -> list[Finding]:
    upstream = entry.get("upstream")
    if upstream is None:
        return [Finding(name, "unknown_lineage", "its entry does not say what it was built from "
                        f"({entry.get('recovered', 'written before lineage was recorded')})")]
    return [Finding(name, "stale", f"built from {up} {_short(built)}, but {up} on disk is {_short(shas.get(up))}")
            for up, built in sorted(upstream.items()) if shas.get(up) != built]


def _short(sha256: str | None) -> str:
    return sha256[:12] if sha256 else "(none)"


def verify_data_dir(data_dir: Path) -> list[Finding]:
    """Every finding about the data dir; an artifact with no problem gets one "ok" finding."""
    manifest = read_manifest(data_dir)
    entries = manifest["artifacts"]
    findings: list[Finding] = []
    scans: dict[str, _Scan] = {}
    for name, entry in entries.items():
        path = data_dir / entry["path"]
        if not path.is_file():
            findings.append(Finding(name, "missing", f"{path} does not exist"))
            continue
        scans[name] = _scan(path)
        findings.extend(_check_entry(name, entry, path, scans[name]))
    for name in ARTIFACT_PATHS:
        path = artifact_path(data_dir, name)
        if name not in entries and path.is_file():
            findings.append(Finding(name, "unrecorded", f"{path} exists but {MANIFEST_PATH} has no entry for it"))
            scans[name] = _scan(path)
    shas = {name: scan.sha256 for name, scan in scans.items()}
    for name, entry in entries.items():
        if name in scans:
            findings.extend(_freshness(name, entry, shas))
    for path in sorted(data_dir.rglob(".*.tmp")):
        if TEMP_NAME.match(path.name):
            findings.append(Finding(path.name, "temp_file", f"{path}: a temp file ({path.stat().st_size:,} bytes) "
                                    "of a run in progress, or of a dead one (the next run removes it)"))
    problems = {finding.name for finding in findings if finding.kind in FAILING_KINDS}
    findings.extend(Finding(name, "ok", _summary(entries[name], scans[name]))
                    for name in entries if name in scans and name not in problems)
    order = {name: position for position, name in enumerate(ARTIFACT_PATHS)}
    return sorted(findings, key=lambda finding: (order.get(finding.name, len(order)), finding.name))


def _summary(entry: dict[str, Any], scan: _Scan) -> str:
    rows = f"{scan.rows:,} rows" if entry["path"].endswith(".jsonl") else "report"
    return f"{rows}, sha256 {_short(scan.sha256)}, written by run {entry.get('run_id') or '(unknown)'}"
