"""Where artifacts live, and the IO manager that hands them from one asset to the next."""

from pathlib import Path

import dagster as dg

from glaive_assets.artifacts import ARTIFACT_PATHS, Artifact, artifact_path, read_manifest, update_manifest


class GlaiveStorage(dg.ConfigurableResource):
    """The data dir (GLAIVE_DATA_DIR, default `data/` under the working directory)."""

    data_dir: str

    @property
    def root(self) -> Path:
        return Path(self.data_dir)


class ArtifactIOManager(dg.ConfigurableIOManager):
    """Assets write their files themselves, atomically and streaming; this records them in the
    manifest and hands downstream assets a handle on the file instead of loading it into memory."""

    storage: dg.ResourceDependency[GlaiveStorage]

    def handle_output(self, context: dg.OutputContext, obj: Artifact) -> None:
        if not isinstance(obj, Artifact):
            raise TypeError(f"{context.asset_key.to_user_string()} must return an Artifact, got {type(obj).__name__}")
        update_manifest(self.storage.root, [obj])

    def load_input(self, context: dg.InputContext) -> Artifact:
        name = context.asset_key.path[-1]
        if name not in ARTIFACT_PATHS:
            raise KeyError(f"no artifact file is defined for asset {name!r}")
        path = artifact_path(self.storage.root, name)
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: materialize {name} first")
        entry = dict(read_manifest(self.storage.root)["artifacts"].get(name, {}))
        rows = entry.pop("rows", -1)
        sha256 = entry.pop("sha256", "")
        size_bytes = entry.pop("size_bytes", path.stat().st_size)
        for key in ("path", "written_at"):
            entry.pop(key, None)
        return Artifact(name, path, rows, sha256, size_bytes, entry)
