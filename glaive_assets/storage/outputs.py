"""`python -m glaive_assets.storage.outputs`: print where each artifact is, with its row count (from the manifest).

A multi-file artifact (the training set, each export) gets one line per file: `name/part`.
"""

from __future__ import annotations

from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.config.settings import data_dir_from_env


def _state(entry: dict | None, relative: str, whole_file: str) -> str:
    if not entry:
        return "(not materialized)"
    return f"{entry['rows']:,} rows" if relative.endswith(".jsonl") else whole_file


def output_lines(artifacts: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(label, state, path under the data dir) for every file of every artifact, in the layout's order."""
    lines = [(name, _state(artifacts.get(name), relative, "report"), relative) for name, relative in ARTIFACT_PATHS.items()]
    for name, files in ARTIFACT_FILES.items():
        recorded = (artifacts.get(name) or {}).get("files", {})
        lines += [(f"{name}/{part}", _state(recorded.get(part), relative, "written"), relative) for part, relative in files.items()]
    return lines


def main() -> None:
    data_dir = data_dir_from_env()
    lines = output_lines(read_manifest(data_dir)["artifacts"])
    width = max(len(label) for label, _, _ in lines)
    print(f"Outputs under {data_dir}:")
    for label, state, relative in lines:
        print(f"  {label:<{width}} {state:>18}  {data_dir / relative}")
    print(f"  {'manifest':<{width}} {'sha256, sizes':>18}  {data_dir / MANIFEST_PATH}")


if __name__ == "__main__":
    main()
