"""`python -m glaive_assets.storage.outputs`: print where each artifact is, with its row count (from the manifest)."""

from __future__ import annotations

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.config.settings import data_dir_from_env


def main() -> None:
    data_dir = data_dir_from_env()
    artifacts = read_manifest(data_dir)["artifacts"]
    print(f"Outputs under {data_dir}:")
    for name, relative in ARTIFACT_PATHS.items():
        entry = artifacts.get(name)
        if not entry:
            state = "(not materialized)"
        elif relative.endswith(".jsonl"):
            state = f"{entry['rows']:,} rows"
        else:
            state = "report"
        print(f"  {name:<18} {state:>18}  {data_dir / relative}")
    print(f"  {'manifest':<18} {'sha256, sizes':>18}  {data_dir / MANIFEST_PATH}")


if __name__ == "__main__":
    main()
