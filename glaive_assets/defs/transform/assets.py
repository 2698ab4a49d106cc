"""raw -> processed + rejects -> ChatML. Each asset calls one stage function and describes its output;
processed + rejects are made in shards side by side: under the multiprocess executor each its own step
(shards.py), published by one merge step; under the in-process and dask executors the transform is one
step whose N processes work through 4N shards, each taking the next as it finishes one. That one pass
over raw also
stages the ChatML lines, writes the schema suite's view of processed and gathers the QA statistics,
so no later step reads processed again (storage/stages.py).

Between the two sits the quality step (defs/quality): glaive_chatml depends on validation_report, so it
waits for that report's blocking schema_suite check and is skipped when the check fails."""

import dagster as dg

from glaive_assets.config.settings import executor_from_env
from glaive_assets.core.records import (
    CALL_BUCKETS,
    CHATML_COLUMNS,
    COMPLEXITY_TIERS,
    PROCESSED_COLUMNS,
    REJECT_COLUMNS,
    TURN_BUCKETS,
)
from glaive_assets.defs.metadata import artifact_metadata, counts_table, json_preview, output, sources_table
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.transform.shards import (
    ShardConfig, plan_run_shards, plan_transform_shards, shard_config, shard_table, transform_shard, whole_table,
)
from glaive_assets.storage.artifacts import Artifact, ProcessedArtifact, RawArtifact
from glaive_assets.storage.by_source import source_accounting
from glaive_assets.storage.shard_processes import ShardProcessError, transform_in_processes
from glaive_assets.storage.worker_processes import JOBS_PER_PROCESS
from glaive_assets.storage.shards import (
    ShardAccountingError, ShardResult, merge_shards, merge_while_running, remove_run_scratch,
)
from glaive_assets.storage.stages import RowAccountingError, SplitStats, split_raw, write_chatml

TRANSFORM_GROUP = "transform"
# glaive_chatml waits for the blocking schema_suite check on this report (defs/quality/checks.py).
VALIDATION_REPORT = dg.AssetKey("validation_report")


_OUTS = {
    "glaive_processed": dg.AssetOut(group_name=TRANSFORM_GROUP, description=(
        "One record per usable conversation: the parsed turns, declared tools, calls validated "
        "against the row's own schemas, and engineered features (processed/glaive_processed.jsonl)."
    )),
    "glaive_rejects": dg.AssetOut(group_name=TRANSFORM_GROUP, description=(
        "Every raw row that cannot become a faithful training record, with its reason codes "
        "(processed/glaive_rejects.jsonl)."
    )),
}


def _published(glaive_raw: RawArtifact, processed: Artifact, rejects: Artifact, stats: SplitStats,
               extra: dict[str, dg.MetadataValue]):
    """The two outputs with their metadata, once the raw writer's count (from the manifest) matches
    what they hold."""
    if glaive_raw.rows != processed.rows + rejects.rows:
        raise dg.Failure(
            description=f"row accounting broken: glaive_raw has {glaive_raw.rows} rows, but "
            f"{processed.rows} processed + {rejects.rows} rejects were written from its file"
        )
    accounting = {
        "raw_rows": glaive_raw.rows,
        "processed_rows": processed.rows,
        "rejected_rows": rejects.rows,
        "accounted (raw = processed + rejects)": True,
        **extra,
    }
    if glaive_raw.sources:  # several sources: the same accounting for each
        by_source = source_accounting(glaive_raw.sources, stats.processed_by_source, stats.rejected_by_source)
        broken = [entry["source"] for entry in by_source if not entry["accounted"]]
        if broken:
            raise dg.Failure(description=f"row accounting broken for the sources {broken}: {by_source}")
        accounting["rows_by_source"] = sources_table(by_source)
    yield output(processed, {**artifact_metadata(processed, PROCESSED_COLUMNS), **accounting,
                             **_processed_tables(stats)}, output_name="glaive_processed")
    rejects_metadata = {**artifact_metadata(rejects, REJECT_COLUMNS), **accounting,
                        "top_reject_reasons": counts_table(stats.qa.reject_reasons, "reason", limit=15)}
    yield output(rejects, rejects_metadata, output_name="glaive_rejects")


@dg.op(
    out={"glaive_processed": dg.Out(), "glaive_rejects": dg.Out()},
    description="Publish the shards' files, in shard order, as glaive_processed and glaive_rejects.",
)
def merge_transform_shards(context: dg.OpExecutionContext, storage: GlaiveStorage, glaive_raw: RawArtifact,
                           shards: list[ShardResult]):
    try:
        processed, rejects, stats = merge_shards(storage.root, glaive_raw, shards)
    except ShardAccountingError as error:
        raise dg.Failure(description=f"row accounting broken: {error}") from None
    remove_run_scratch(storage.root, context.run.run_id)
    yield from _published(glaive_raw, processed, rejects, stats, {"shards": shard_table(shards)})


def sharded_transform() -> dg.AssetsDefinition:
    @dg.graph_multi_asset(outs=_OUTS, config=shard_config, group_name=TRANSFORM_GROUP)
    def processed_and_rejects(glaive_raw):
        """Split raw rows into processed and rejects, every row into exactly one of them: in shards, each
        its own step (shards.py), merged in source_index order."""
        plans = plan_transform_shards(glaive_raw)
        processed, rejects = merge_transform_shards(glaive_raw, plans.map(transform_shard).collect())
        return {"glaive_processed": processed, "glaive_rejects": rejects}

    return processed_and_rejects


def one_step_transform() -> dg.AssetsDefinition:
    @dg.multi_asset(outs=_OUTS)
    def processed_and_rejects(context: dg.AssetExecutionContext, config: ShardConfig, storage: GlaiveStorage,
                              glaive_raw: RawArtifact):
        """Split raw rows into processed and rejects, every row into exactly one of them, in one step: N
        processes side by side (storage/shard_processes.py) work through JOBS_PER_PROCESS x N shards, each
        taking the next as it finishes one (a slower core does fewer), merged in source_index order while
        they run; N = 1 is one pass in the step's own process."""
        processes = config.resolve()
        plans = plan_run_shards(context, storage, glaive_raw, processes * JOBS_PER_PROCESS if processes > 1 else 1)
        try:
            if len(plans) == 1:
                processed, rejects, stats = split_raw(storage.root, glaive_raw)
                table = whole_table(glaive_raw, processed, rejects)
            else:
                processed, rejects, stats, shards = merge_while_running(
                    storage.root, glaive_raw, plans,
                    lambda shards: transform_in_processes(plans, processes, shards.finish, shards.check))
                remove_run_scratch(storage.root, context.run.run_id)
                table = shard_table(shards)
        except RowAccountingError as error:
            raise dg.Failure(description=f"row accounting broken: {error}") from None
        except ShardProcessError as error:
            raise dg.Failure(description=str(error)) from None
        yield from _published(glaive_raw, processed, rejects, stats, {"shards": table})

    return processed_and_rejects


# Under the multiprocess executor each shard is a step of its own, on its own core. The in-process
# executor runs one step at a time, so there the transform is one step whose shards are processes; so
# is it under dask, which does not run dynamic outputs (it skips the mapped steps and reports success:
# dagster issue 9785). Every form writes the same files.
processed_and_rejects = sharded_transform() if executor_from_env() == "multiprocess" else one_step_transform()


def _processed_tables(stats: SplitStats) -> dict[str, dg.MetadataValue]:
    qa = stats.qa
    return {
        "complexity_tier": counts_table(qa.slice_counts("complexity_tier"), "complexity_tier", COMPLEXITY_TIERS),
        "turn_bucket": counts_table(qa.slice_counts("turn_bucket"), "turn_bucket", TURN_BUCKETS),
        "call_bucket": counts_table(qa.slice_counts("call_bucket"), "call_bucket", CALL_BUCKETS),
        "validation_errors": counts_table(qa.validation_error_codes, "validation error"),
        "structure_warnings": counts_table(qa.structure_warning_codes, "structure warning"),
    }


@dg.asset(
    group_name=TRANSFORM_GROUP,
    deps=[VALIDATION_REPORT],
    description=(
        "Training-ready ChatML (OpenAI-style messages with tool_calls, tool messages and tools), one "
        "conversation per processed record, whole and in order (processed/glaive_chatml.jsonl). "
        "The transform's pass stages it; it is published only when the blocking schema_suite check on "
        "validation_report passed; otherwise the previous file, and everything built from it, stays as it was."
    ),
)
def glaive_chatml(context: dg.AssetExecutionContext, storage: GlaiveStorage, glaive_processed: Artifact) -> dg.Output:
    staged = isinstance(glaive_processed, ProcessedArtifact) and glaive_processed.staged_chatml is not None
    chatml, preview = write_chatml(storage.root, glaive_processed)
    metadata = artifact_metadata(chatml, CHATML_COLUMNS)
    metadata["processed_rows"] = glaive_processed.rows
    metadata["written_by"] = "the transform's pass (staged)" if staged else "converting glaive_processed"
    metadata["preview"] = json_preview(preview)
    return output(chatml, metadata)
