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

from glaive_assets.config.settings import data_location_from_env, is_object_store_url
from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.storage.reconcile import stale_artifacts, stale_by_entries
from glaive_assets.storage.remote import object_store
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
    _print_lines(str(data_dir), manifest, stale_artifacts(data_dir, manifest))


def print_store_outputs(url: str) -> None:
    """print_outputs for an object-store data dir: its published manifest, its objects' URLs."""
    manifest = object_store(url).manifest()
    _print_lines(url, manifest, stale_by_entries(manifest))


def _print_lines(location: str, manifest: dict, stale: dict[str, list[str]]) -> None:
    lines = output_lines(manifest["artifacts"])
    width = max(len(label) for _, label, _, _ in lines)
    print(f"Outputs under {location}:")
    for name, label, state, relative in lines:
        note = f"  STALE: built from {', '.join(stale[name])}, changed or stale since" if name in stale else ""
        print(f"  {label:<{width}} {state:>18}  {location}/{relative}{note}")
    print(f"  {'manifest':<{width}} {'sha256, sizes':>18}  {location}/{MANIFEST_PATH}")


def print_verification(data_dir: Path) -> int:
    """Print every finding; return the exit status (1 when any finding fails the check, 2 when there is
    nothing to verify: a mistyped data dir must not pass)."""
    findings = verify_data_dir(data_dir)
    if not findings:
        print(f"error: {data_dir} holds no {MANIFEST_PATH} and no artifact: nothing to verify "
              "(run the graph first, or check GLAIVE_DATA_DIR / --data-dir)", file=sys.stderr)
        return 2
    print(f"Verifying {data_dir} against {MANIFEST_PATH}:")
    for finding in findings:
        print(f"  {finding.kind.upper():<16} {finding.name:<20} {finding.message}")
    failing = [finding for finding in findings if finding.kind in FAILING_KINDS]
    print(f"{len(failing)} problem(s)" if failing else "every artifact matches its manifest entry and is fresh")
    return 1 if failing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m glaive_assets.storage.outputs", description=__doc__.split("\n\n")[1])
    parser.add_argument("--verify", action="store_true", help="check every file against the manifest; exit 1 on a mismatch")
    parser.add_argument("--data-dir", default=None, help="a folder or an object-store URL; default: GLAIVE_DATA_DIR, else ./data")
    args = parser.parse_args(argv)
    location = args.data_dir or data_location_from_env()
    if is_object_store_url(location) and args.verify:
        print("error: --verify checks local files: give --data-dir the store's working copy (GLAIVE_WORK_DIR)",
              file=sys.stderr)
        return 2
    if not is_object_store_url(location) and not Path(location).is_dir():
        print(f"error: the data dir {Path(location).resolve()} does not exist (GLAIVE_DATA_DIR or --data-dir)",
              file=sys.stderr)
        return 2
    try:
        if is_object_store_url(location):
            print_store_outputs(location)
            return 0
        if args.verify:
            return print_verification(Path(location).resolve())
        print_outputs(Path(location).resolve())
        return 0
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
