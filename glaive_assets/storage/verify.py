"""Check every artifact file against its manifest entry: sha256, size, rows, strict JSON, freshness.

Reads every byte (unlike reconcile.py, which trusts an entry while its file's inode and mtime match).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS, artifact_files, artifact_path, set_sha256
from glaive_assets.storage.manifest import MANIFEST_PATH, describes_file, read_manifest
from glaive_assets.storage.reconcile import propagate_stale
from glaive_assets.storage.temps import TEMP_NAME

# What makes `--verify` exit non-zero; "unknown_lineage", "temp_file" and "companion_unused" are reported only.
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


def _expected_paths(data_dir: Path, name: str) -> list[Path]:
    return list(artifact_files(data_dir, name).values()) if name in ARTIFACT_FILES else [artifact_path(data_dir, name)]


def _check_files(data_dir: Path, name: str, entry: dict[str, Any]) -> tuple[list[Finding], _Scan | None]:
    """Each of the entry's files against its own entry; the artifact as scanned (None when a file is missing)."""
    files = entry["files"] if "files" in entry else {None: entry}
    findings: list[Finding] = []
    scans: dict[str | None, _Scan] = {}
    for part, file in files.items():
        path = data_dir / file["path"]
        if not path.is_file():
            findings.append(Finding(name, "missing", f"{path} does not exist"))
            continue
        scans[part] = _scan(path)
        findings.extend(_check_entry(name if part is None else f"{name}/{part}", file, path, scans[part]))
    if "checked" in entry:  # glaive_processed's view for the schema suite (the staged ChatML is moved away)
        findings.extend(_check_view(f"{name}/checked", entry["checked"], data_dir / entry["checked"]["path"]))
    if len(scans) < len(files):
        return findings, None
    if None in scans:
        return findings, scans[None]
    return findings, _Scan(set_sha256({part: scan.sha256 for part, scan in scans.items()}),
                           sum(scan.size_bytes for scan in scans.values()),
                           sum(scan.rows for part, scan in scans.items() if files[part]["path"].endswith(".jsonl")),
                           None)


def _check_view(name: str, entry: dict[str, Any], path: Path) -> list[Finding]:
    """The suite's view beside processed: reported, never failing, when it is not the recorded file (a
    transform that failed after replacing it): the steps then read processed instead."""
    if not path.is_file():
        problem = f"{path} does not exist"
    else:
        found = _check_entry(name, entry, path, _scan(path))
        if not found:
            return []
        problem = found[0].message
    return [Finding(name, "companion_unused", f"{problem}; not used: the schema suite reads processed instead")]


def verify_data_dir(data_dir: Path) -> list[Finding]:
    """Every finding about the data dir; an artifact with no problem gets one "ok" finding."""
    manifest = read_manifest(data_dir)
    entries = manifest["artifacts"]
    findings: list[Finding] = []
    scans: dict[str, _Scan] = {}
    for name, entry in entries.items():
        checked, scan = _check_files(data_dir, name, entry)
        findings.extend(checked)
        if scan is not None:
            scans[name] = scan
    for name in [*ARTIFACT_PATHS, *ARTIFACT_FILES]:
        present = [path for path in _expected_paths(data_dir, name) if path.is_file()]
        if name not in entries and present:
            findings.append(Finding(name, "unrecorded", f"{present[0]} exists but {MANIFEST_PATH} has no entry for it"))
            if len(present) == 1 and name in ARTIFACT_PATHS:
                scans[name] = _scan(present[0])
    shas = {name: scan.sha256 for name, scan in scans.items()}
    freshness = [finding for name, entry in entries.items() if name in scans
                 for finding in _freshness(name, entry, shas)]
    findings.extend(freshness)
    changed = {finding.name: [] for finding in freshness if finding.kind == "stale"}
    findings.extend(Finding(name, "stale", f"built from stale {', '.join(upstreams)}")
                    for name, upstreams in propagate_stale(changed, manifest).items() if name not in changed)
    for path in sorted(data_dir.rglob(".*.tmp")):
        if TEMP_NAME.match(path.name):
            findings.append(Finding(path.name, "temp_file", f"{path}: a temp file ({path.stat().st_size:,} bytes) "
                                    "of a run in progress, or of a dead one (the next run removes it)"))
    problems = {finding.name.split("/")[0] for finding in findings if finding.kind in FAILING_KINDS}
    findings.extend(Finding(name, "ok", _summary(entries[name], scans[name]))
                    for name in entries if name in scans and name not in problems)
    order = {name: position for position, name in enumerate([*ARTIFACT_PATHS, *ARTIFACT_FILES])}
    return sorted(findings, key=lambda finding: (order.get(finding.name.split("/")[0], len(order)), finding.name))


def _summary(entry: dict[str, Any], scan: _Scan) -> str:
    if "files" in entry:
        rows = f"{scan.rows:,} rows in {len(entry['files'])} files"
    else:
        rows = f"{scan.rows:,} rows" if entry["path"].endswith(".jsonl") else "report"
    return f"{rows}, sha256 {_short(scan.sha256)}, written by run {entry.get('run_id') or '(unknown)'}"
