"""Resources every domain uses: where artifacts live, and the IO manager that hands them from one asset
to the next. Built from the environment (GLAIVE_DATA_DIR, GLAIVE_WORK_DIR) when the code location loads.

GLAIVE_DATA_DIR may be a local folder or an object store (s3://bucket/prefix). With an object store,
steps write into a local working copy as they would into a local data dir; the IO manager publishes
each finished artifact to the store and fetches upstream ones from it (storage/remote.py)."""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from glaive_assets.config.settings import data_location_from_env, is_object_store_url, work_dir_from_env
from glaive_assets.defs.run_checks import run_settings_problems
from glaive_assets.storage.artifacts import Artifact
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.lock import DataDirBusy
from glaive_assets.storage.manifest import load_artifact, read_manifest, update_manifest
from glaive_assets.storage.reconcile import stale_artifacts, stale_by_entries
from glaive_assets.storage.remote import ObjectStoreDataDir, default_work_dir, object_store
from glaive_assets.storage.session import writer_session
from glaive_assets.storage.shards import scratch_root

SHARD_IO_MANAGER = "shard_io_manager"


class GlaiveStorage(dg.ConfigurableResource):
    """The data dir (GLAIVE_DATA_DIR, default `data/` under the working directory): a local folder, or
    an object store with a local working copy (`work_dir`, default one per store under the temp dir)."""

    data_dir: str
    work_dir: str = ""

    @property
    def store(self) -> ObjectStoreDataDir | None:
        """The object store, or None for a local data dir."""
        return object_store(self.data_dir) if is_object_store_url(self.data_dir) else None

    @property
    def root(self) -> Path:
        """Where steps read and write files: the data dir itself, or the store's local working copy."""
        if not is_object_store_url(self.data_dir):
            return Path(self.data_dir)
        return Path(self.work_dir) if self.work_dir else default_work_dir(self.data_dir)

    def manifest(self) -> dict[str, Any]:
        """The data dir's manifest: the store's when it is an object store."""
        store = self.store
        return store.manifest() if store is not None else read_manifest(self.root)

    def stale(self, manifest: dict[str, Any]) -> dict[str, list[str]]:
        """Artifact -> the upstream artifacts that changed (or are stale) since it was built."""
        return stale_by_entries(manifest) if is_object_store_url(self.data_dir) else stale_artifacts(self.root, manifest)


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
            store = self.storage.store
            if store is not None:
                store.publish(self.storage.root, obj.name)
                context.log.info(f"published {obj.name} to {store.url}")
        except StorageError as error:
            raise dg.Failure(description=str(error)) from None

    def load_input(self, context: dg.InputContext) -> Artifact:
        name = context.asset_key.path[-1]
        try:
            store = self.storage.store
            if store is not None and store.fetch(self.storage.root, name):
                context.log.info(f"fetched {name} from {store.url}")
            return load_artifact(self.storage.root, name)
        except StorageError as error:
            raise dg.Failure(description=str(error)) from None


def _upstream_names(context: dg.OutputContext) -> list[str]:
    """The assets this output was built from, as the asset graph declares them."""
    try:
        spec = context.asset_spec
    except dg.DagsterInvariantViolationError:  # a bare build_output_context: no asset graph
        return []
    return [dep.asset_key.path[-1] for dep in spec.deps]


def shard_io_manager(scratch_base: Path) -> dg.FilesystemIOManager:
    """Keeps what passes between the transform's steps (shard plans and results, a few hundred bytes
    each, pickled: they are not artifacts) under the scratch folder of the local data dir or working
    copy, beside the shard files, where every step of the run reaches it; the merge step removes the
    run's folder."""
    return dg.FilesystemIOManager(base_dir=str(scratch_root(scratch_base)))


def storage_resources(data_dir: str, work_dir: str = "") -> dict[str, Any]:
    """The storage resource and the IO managers over it; tests pass their own data dir."""
    storage = GlaiveStorage(data_dir=data_dir, work_dir=work_dir)
    return {"storage": storage, "io_manager": ArtifactIOManager(storage=storage),
            SHARD_IO_MANAGER: shard_io_manager(storage.root)}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=storage_resources(data_location_from_env(), work_dir_from_env()))
