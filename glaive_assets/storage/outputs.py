"""`python -m glaive_assets.storage.outputs [--verify] [--data-dir DIR]`.

Without --verify: where each artifact is, its row count (from the manifest), and whether it is stale
(an upstream file changed since it was built). A multi-file artifact (the training set, each export)
gets one line per file: `name/part`. With --verify: every file checked against its entry
(sha256, size, rows, strict JSON on each line) and its upstream files; exit 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glaive_assets.config.settings import data_dir_from_env
from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.storage.reconcile import stale_artifacts
from glaive_assets.storage.verify import FAILING_KINDS, verify_data_dir


def _state(entry: dict | None, relative: str, whole_file: str) -> str:
    if not entry:
        return "(not materialized)"
    return f"{entry['rows']:,} rows" if relative.endswith(".jsonl") else whole_file


def output_lines(artifacts: dict[str, dict]) -> list[tuple[str, str, str, str]]:
    """(artifact, label, state, path under the data dir) for every file of every artifact, in the layout's order."""
    lines = [(name, name, _state(artifacts.get(name), relative, "report"), relative)
             for name, relative in ARTIFACT_PATHS.items()]
    for name, files in ARTIFACT_FILES.items():
        recorded = (artifacts.get(name) or {}).get("files", {})
        lines += [(name, f"{name}/{part}", _state(recorded.get(part), relative, "written"), relative)
                  for part, relative in files.items()]
    return lines


def print_outputs(data_dir: Path) -> None:
    manifest = read_manifest(data_dir)
    stale = stale_artifacts(data_dir, manifest)
    lines = output_lines(manifest["artifacts"])
    width = max(len(label) for _, label, _, _ in lines)
    print(f"Outputs under {data_dir}:")
    for name, label, state, relative in lines:
        note = f"  STALE: built from {', '.join(stale[name])}, changed or stale since" if name in stale else ""
        print(f"  {label:<{width}} {state:>18}  {data_dir / relative}{note}")
    print(f"  {'manifest':<{width}} {'sha256, sizes':>18}  {data_dir / MANIFEST_PATH}")


def print_verification(data_dir: Path) -> int:
    """Print every finding; return the exit status (1 when any finding fails the check)."""
    findings = verify_data_dir(data_dir)
    print(f"Verifying {data_dir} against {MANIFEST_PATH}:")
    for finding in findings:
        print(f"  {finding.kind.upper():<16} {finding.name:<20} {finding.message}")
    failing = [finding for finding in findings if finding.kind in FAILING_KINDS]
    print(f"{len(failing)} problem(s)" if failing else "every artifact matches its manifest entry and is fresh")
    return 1 if failing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m glaive_assets.storage.outputs", description=__doc__.split("\n\n")[1])
    parser.add_argument("--verify", action="store_true", help="check every file against the manifest; exit 1 on a mismatch")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: GLAIVE_DATA_DIR, else ./data")
    args = parser.parse_args(argv)
    data_dir = (args.data_dir or data_dir_from_env()).resolve()
    try:
        if args.verify:
            return print_verification(data_dir)
        print_outputs(data_dir)
        return 0
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
