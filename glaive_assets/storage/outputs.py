"""`python -m glaive_assets.storage.outputs [--verify] [--data-dir DIR]`.

Without --verify: where each artifact is, its row count (from the manifest), and whether it is stale
(an upstream file changed since it was built). With --verify: every file checked against its entry
(sha256, size, rows, strict JSON on each line) and its upstream files; exit 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glaive_assets.config.settings import data_dir_from_env
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.storage.reconcile import stale_artifacts
from glaive_assets.storage.verify import FAILING_KINDS, verify_data_dir


def print_outputs(data_dir: Path) -> None:
    manifest = read_manifest(data_dir)
    artifacts = manifest["artifacts"]
    stale = stale_artifacts(data_dir, manifest)
    print(f"Outputs under {data_dir}:")
    for name, relative in ARTIFACT_PATHS.items():
        entry = artifacts.get(name)
        if not entry:
            state = "(not materialized)"
        elif relative.endswith(".jsonl"):
            state = f"{entry['rows']:,} rows"
        else:
            state = "report"
        note = f"  STALE: {', '.join(stale[name])} changed since" if name in stale else ""
        print(f"  {name:<18} {state:>18}  {data_dir / relative}{note}")
    print(f"  {'manifest':<18} {'sha256, sizes':>18}  {data_dir / MANIFEST_PATH}")


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
