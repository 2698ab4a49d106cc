"""Resources every domain uses: where artifacts live, and the IO manager that hands them from one asset
to the next. Built from the environment (GLAIVE_DATA_DIR) when the code location loads."""

from pathlib import Path
from typing import Any

import dagster as dg

from glaive_assets.config.settings import data_dir_from_env
from glaive_assets.storage.artifacts import Artifact
from glaive_assets.storage.manifest import load_artifact, update_manifest


class GlaiveStorage(dg.ConfigurableResource):
    """The data dir (GLAIVE_DATA_DIR, default `data/` under the working directory)."""

    data_dir: str

    @property
    def root(self) -> Path:
        return Path(self.data_dir)


class ArtifactIOManager(dg.ConfigurableIOManager):
    """Assets write their files themselves, atomically and streaming; this records them in the
    manifest, with the id of the run that wrote them, and hands downstream assets a handle on the
    file instead of loading it into memory."""

    storage: dg.ResourceDependency[GlaiveStorage]

    def handle_output(self, context: dg.OutputContext, obj: Artifact) -> None:
        if not isinstance(obj, Artifact):
            raise TypeError(f"{context.asset_key.to_user_string()} must return an Artifact, got {type(obj).__name__}")
        update_manifest(self.storage.root, [obj], run_id=context.run_id)

    def load_input(self, context: dg.InputContext) -> Artifact:
        return load_artifact(self.storage.root, context.asset_key.path[-1])


def storage_resources(data_dir: str) -> dict[str, Any]:
    """The storage resource and the IO manager over it; tests pass their own data dir."""
    storage = GlaiveStorage(data_dir=data_dir)
    return {"storage": storage, "io_manager": ArtifactIOManager(storage=storage)}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=storage_resources(str(data_dir_from_env())))
