"""The transform's shards as Dagster steps (its form under the multiprocess executor): a plan op yields one
DynamicOutput per shard, each shard is a mapped step (the executor runs them on every core), and the merge
op (assets.py) publishes glaive_processed and glaive_rejects. The work itself is storage/shards.py. The
plan and the shards table serve the one-step form too (assets.one_step_transform).

What passes between these steps (plans, shard results: a few hundred bytes each) goes through
SHARD_IO_MANAGER, which keeps it in the run's scratch folder beside the shard files, not in the manifest:
they are not assets. The shard steps take neither glaive_raw nor the artifact IO manager, so they do not
wait for the data dir's writer lock, which the plan and merge steps hold while they run."""

from typing import Optional

import dagster as dg
from pydantic import Field

from glaive_assets.config.settings import shards_from_env
from glaive_assets.defs.resources import SHARD_IO_MANAGER, GlaiveStorage
from glaive_assets.storage.artifacts import Artifact, RawArtifact
from glaive_assets.storage.shards import (
    ShardAccountingError, ShardPlan, ShardResult, plan_shards, remove_finished_scratch, run_scratch, transform_shard as run_shard,
)


class ShardConfig(dg.Config):
    """Run config of the transform (ops.processed_and_rejects.config)."""

    shards: Optional[int] = Field(default=None, ge=1, description=(
        "shards of the transform, side by side: each its own step under the multiprocess executor; else the "
        "processes of the transform's one step, which work through 4x as many shards; default GLAIVE_SHARDS, "
        "else the CPU cores"))

    def resolve(self) -> int:
        return self.shards if self.shards is not None else shards_from_env()


@dg.config_mapping(config_schema=ShardConfig.to_config_schema())
def shard_config(config: dict) -> dict:
    """The graph's config, handed to its plan op."""
    return {"plan_transform_shards": {"config": config}}


def _run_over(instance: dg.DagsterInstance, run_id: str) -> bool:
    run = instance.get_run_by_id(run_id)
    return run is None or run.is_finished


def plan_run_shards(context: dg.OpExecutionContext | dg.AssetExecutionContext, storage: GlaiveStorage,
                    glaive_raw: RawArtifact, shards: int) -> list[ShardPlan]:
    """This run's shard plans, once the shard files of runs that are over are removed."""
    for folder in remove_finished_scratch(storage.root, lambda run_id: run_id != context.run.run_id
                                          and _run_over(context.instance, run_id)):
        context.log.info(f"removed {folder}: the shard files of a run that is over")
    plans = plan_shards(glaive_raw, shards, run_scratch(storage.root, context.run.run_id))
    context.log.info(f"{glaive_raw.rows:,} raw rows ({glaive_raw.size_bytes:,} bytes) in {len(plans)} shard(s), "
                     "raw bytes " + ", ".join(f"{plan.start_byte:,}..{plan.stop_byte:,}" for plan in plans))
    return plans


@dg.op(out=dg.DynamicOut(io_manager_key=SHARD_IO_MANAGER),
       description="Cut glaive_raw's lines into contiguous source_index ranges, one per shard.")
def plan_transform_shards(context: dg.OpExecutionContext, config: ShardConfig, storage: GlaiveStorage,
                          glaive_raw: RawArtifact):
    for plan in plan_run_shards(context, storage, glaive_raw, config.resolve()):
        yield dg.DynamicOutput(plan, mapping_key=plan.key)


@dg.op(out=dg.Out(io_manager_key=SHARD_IO_MANAGER),
       description="Route one shard's raw lines to its processed and rejects scratch files.")
def transform_shard(plan: ShardPlan) -> ShardResult:
    try:
        return run_shard(plan)
    except ShardAccountingError as error:
        raise dg.Failure(description=f"row accounting broken: {error}") from None


def shard_table(results: list[ShardResult]) -> dg.MetadataValue:
    """Each shard's raw lines and what became of them, as a Markdown table."""
    ordered = sorted(results, key=lambda result: result.plan.index)
    return _shards_markdown([(result.plan.start_byte, result.plan.stop_byte, result.rows, result.processed.rows,
                              result.rejects.rows) for result in ordered])


def whole_table(raw: RawArtifact, processed: Artifact, rejects: Artifact) -> dg.MetadataValue:
    """shard_table for a transform made in one pass: one shard, all of raw."""
    return _shards_markdown([(0, raw.size_bytes, raw.rows, processed.rows, rejects.rows)])


def _shards_markdown(shards: list[tuple[int, int, int, int, int]]) -> dg.MetadataValue:
    """(start byte, stop byte, rows, processed, rejected) of each shard, in order."""
    lines = ["| shard | raw lines | raw bytes | rows | processed | rejected |", "|---|---|---|---:|---:|---:|"]
    first = 0
    for index, (start_byte, stop_byte, rows, processed, rejected) in enumerate(shards):
        lines.append(f"| {index + 1} of {len(shards)} | {first:,}..{first + rows - 1:,} | {start_byte:,}..{stop_byte:,} "
                     f"| {rows:,} | {processed:,} | {rejected:,} |")
        first += rows
    return dg.MetadataValue.md("\n".join(lines))
