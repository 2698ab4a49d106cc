"""The code location: everything under glaive_assets/defs/, autoloaded, plus the two things every
domain shares and none owns: the executor and the policy of the artifact assets.

`dg` (pyproject's [tool.dg]) loads this module; `dagster ... -m glaive_assets` reaches the same `defs`
through glaive_assets/__init__.py.
"""

import functools
import os
import warnings
from pathlib import Path

import dagster as dg

from glaive_assets.alerts.send import TOKEN_ENV_VAR
from glaive_assets.config.settings import dask_scheduler_from_env, executor_from_env

# observable source assets and Output(data_version=...) are marked beta; we use them on purpose.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

RAW = dg.AssetKey("glaive_raw")
# Every artifact asset: glaive_raw and everything downstream of it (not the observed glaive_source).
ARTIFACT_ASSETS = dg.AssetSelection.assets(RAW).downstream()
ARTIFACT_KINDS = {"python", "json"}
ARTIFACT_CODE_VERSION = "1"  # an asset whose output changes declares its own, higher one

# Refresh when an upstream asset updates, but never past a failed blocking check: plain eager()
# ignores failed blocking checks, hence the second condition.
REFRESH_WHEN_UPSTREAM_UPDATES = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("eager, unless an upstream blocking check failed")


def artifact_policy(spec: dg.AssetSpec) -> dg.AssetSpec:
    """What every artifact asset shares: its kinds, its code version (unless it declares one) and,
    downstream of glaive_raw, the refresh condition. glaive_raw has none: the source sensor, the
    schedule, the UI and the CLI drive it."""
    spec = spec.replace_attributes(code_version=spec.code_version or ARTIFACT_CODE_VERSION)
    spec = spec.merge_attributes(kinds=ARTIFACT_KINDS)
    if spec.key == RAW:
        return spec
    return spec.replace_attributes(automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES)


FORKSERVER_PRELOAD = "glaive_assets.forkserver"  # the module the fork server imports (forkserver.py)


def executor() -> dg.ExecutorDefinition:
    # In-process by default: one process pays the imports once and GX's import overlaps the transform;
    # each multiprocess step starts 0.3-0.6 s after the one before here, and the two finish within ~10%
    # at 113k rows (README: Executor).
    chosen = executor_from_env()
    if chosen == "dask":
        return dask_executor()
    if chosen == "in_process":
        return dg.in_process_executor
    # Steps fork from a server that has built the code location once (glaive_assets/forkserver.py).
    return dg.multiprocess_executor.configured(
        {"start_method": {"forkserver": {"preload_modules": [FORKSERVER_PRELOAD]}}})


def dask_executor() -> dg.ExecutorDefinition:
    """Each step a task on a Dask cluster: the one at GLAIVE_DASK_SCHEDULER, else a local cluster that
    each run starts (a worker per core). The steps hand artifacts over through the data dir, so on more
    than one machine it must be an object store."""
    import dask  # imported only when chosen: dask is heavy
    from dagster_dask import dask_executor as executor_def

    # The schema suite runs GX in a child process (qa/schema_worker.py), and a daemonic process may not
    # have children: the workers of the local cluster are made non-daemonic (a cluster of your own
    # needs the same, DASK_DISTRIBUTED__WORKER__DAEMON=False).
    dask.config.set({"distributed.worker.daemon": False})
    address = dask_scheduler_from_env()
    return executor_def.configured({"cluster": {"existing": {"address": address}} if address else {"local": {}}})


@dg.definitions
def defs() -> dg.Definitions:
    # Built once per process and settings: a step process loads the location twice (its plan, then its
    # run context), about 0.3 s each, and one forked from the preloaded server (forkserver.py) finds it built.
    return _code_location(settings_read_while_loading())


def settings_read_while_loading() -> tuple[tuple[str, str | bool], ...]:
    """The environment the location is built from: GLAIVE_* and the Slack settings. The token counts
    only as set or not (the resource reads its value when a run starts), so the cache never holds it."""
    named = sorted((name, value) for name, value in os.environ.items()
                   if name.startswith(("GLAIVE_", "SLACK_")) and name != TOKEN_ENV_VAR)
    return (*named, (TOKEN_ENV_VAR, bool(os.environ.get(TOKEN_ENV_VAR, "").strip())))


@functools.lru_cache(maxsize=4)
def _code_location(settings: tuple[tuple[str, str | bool], ...]) -> dg.Definitions:
    """The location for these settings."""
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    location = dg.Definitions.merge(loaded, dg.Definitions(executor=executor()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # map_resolved_asset_specs: used on purpose
        return location.map_resolved_asset_specs(func=artifact_policy, selection=ARTIFACT_ASSETS)
