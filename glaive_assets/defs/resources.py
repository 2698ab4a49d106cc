"""Resources every domain uses: where artifacts live, and the IO manager that hands them from one asset
to the next. Built from the environment (GLAIVE_DATA_DIR) when the code location loads."""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from glaive_assets.config.settings import data_dir_from_env
from glaive_assets.defs.run_checks import run_settings_problems
from glaive_assets.storage.artifacts import Artifact
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.lock import DataDirBusy
from glaive_assets.storage.manifest import load_artifact, update_manifest
from glaive_assets.storage.session import writer_session
from glaive_assets.storage.shards import scratch_root

SHARD_IO_MANAGER = "shard_io_manager"


class GlaiveStorage(dg.ConfigurableResource):
    """The data dir (GLAIVE_DATA_DIR, default `data/` under the working directory)."""

    data_dir: str

    @property
    def root(self) -> Path:
        return Path(self.data_dir)


class ArtifactIOManager(dg.ConfigurableIOManager):
    """Assets write their files themselves, atomically and streaming; this records them in the
    manifest, with the run that wrote them and the sha256 of each upstream artifact, and hands
    downstream assets a handle on the file instead of loading it into memory.

    Every asset's output passes through it, so it holds the data dir's writer lock for the run
    (storage/lock.py), from the start of the run's first step to the end of its last."""

    storage: dg.ResourceDependency[GlaiveStorage]

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["ArtifactIOManager"]:
        """The run's writing session: its settings checked, the lock taken, a crash's leftovers repaired."""
        problems = run_settings_problems(context.run)
        if problems:
            raise dg.Failure(description="the run's settings are invalid, so it stopped before writing anything: "
                             + " | ".join(problems))
        run_id = context.run.run_id if context.run is not None else f"no-run-pid-{os.getpid()}"
        with ExitStack() as stack:
            try:
                report = stack.enter_context(writer_session(self.storage.root, run_id))
            except (DataDirBusy, StorageError) as error:
                raise dg.Failure(description=str(error)) from None
            for message in report.messages():
                context.log.warning(message)
            yield self

    def handle_output(self, context: dg.OutputContext, obj: Artifact) -> None:
        if not isinstance(obj, Artifact):
            raise TypeError(f"{context.asset_key.to_user_string()} must return an Artifact, got {type(obj).__name__}")
        try:
            update_manifest(self.storage.root, [obj], run_id=context.run_id, upstream_names=_upstream_names(context))
        except StorageError as error:
            raise dg.Failure(description=str(error)) from None

    def load_input(self, context: dg.InputContext) -> Artifact:
        try:
            return load_artifact(self.storage.root, context.asset_key.path[-1])
        except StorageError as error:
            raise dg.Failure(description=str(error)) from None


def _upstream_names(context: dg.OutputContext) -> list[str]:
    """The assets this output was built from, as the asset graph declares them."""
    try:
        spec = context.asset_spec
    except dg.DagsterInvariantViolationError:  # a bare build_output_context: no asset graph
        return []
    return [dep.asset_key.path[-1] for dep in spec.deps]


def shard_io_manager(data_dir: str) -> dg.FilesystemIOManager:
    """Keeps what passes between the transform's steps (shard plans and results, a few hundred bytes
    each, pickled: they are not artifacts) under the data dir's scratch folder, beside the shard files,
    where every step of the run reaches it; the merge step removes the run's folder."""
    return dg.FilesystemIOManager(base_dir=str(scratch_root(Path(data_dir))))


def storage_resources(data_dir: str) -> dict[str, Any]:
    """The storage resource and the IO managers over it; tests pass their own data dir."""
    storage = GlaiveStorage(data_dir=data_dir)
    return {"storage": storage, "io_manager": ArtifactIOManager(storage=storage),
            SHARD_IO_MANAGER: shard_io_manager(data_dir)}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=storage_resources(str(data_dir_from_env())))
