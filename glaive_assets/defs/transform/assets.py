"""raw -> processed + rejects -> ChatML. Each asset calls one stage function and describes its output."""

import dagster as dg

from glaive_assets.core.records import (
    CALL_BUCKETS,
    CHATML_COLUMNS,
    COMPLEXITY_TIERS,
    PROCESSED_COLUMNS,
    REJECT_COLUMNS,
    TURN_BUCKETS,
)
from glaive_assets.defs.metadata import artifact_metadata, counts_table, json_preview, output
from glaive_assets.defs.quality.schema_suite import SCHEMA_SUITE_CHECK, VALIDATION_REPORT_OUT, validate_processed
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa.schema_worker import SchemaSuiteWorker
from glaive_assets.storage.artifacts import Artifact, RawArtifact
from glaive_assets.storage.stages import SplitStats, split_raw, write_chatml

TRANSFORM_GROUP = "transform"
RAW = dg.AssetKey("glaive_raw")
PROCESSED = dg.AssetKey("glaive_processed")


@dg.multi_asset(
    outs={
        "glaive_processed": dg.AssetOut(group_name=TRANSFORM_GROUP, description=(
            "One record per usable conversation: the parsed turns, declared tools, calls validated "
            "against the row's own schemas, and engineered features (processed/glaive_processed.jsonl)."
        )),
        "glaive_rejects": dg.AssetOut(group_name=TRANSFORM_GROUP, description=(
            "Every raw row that cannot become a faithful training record, with its reason codes "
            "(processed/glaive_rejects.jsonl)."
        )),
        "validation_report": VALIDATION_REPORT_OUT,
    },
    internal_asset_deps={
        "glaive_processed": {RAW},
        "glaive_rejects": {RAW},
        "validation_report": {RAW, PROCESSED},
    },
    check_specs=[SCHEMA_SUITE_CHECK],
)
def processed_rejects_and_validation_report(
    context: dg.AssetExecutionContext, storage: GlaiveStorage, glaive_raw: RawArtifact
):
    """Split raw rows into processed and rejects, then validate processed with the GX suite.

    The suite runs in this op, not downstream: its check is blocking, and everything downstream of
    glaive_processed waits for it, so the report that feeds it must be made here.
    """
    # The GX suite's process starts now, so its ~3 s import overlaps the parsing below.
    with SchemaSuiteWorker() as schema_suite:
        processed, rejects, stats = split_raw(storage.root, glaive_raw)
        # The raw writer's count (from the manifest) against what the two outputs hold.
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
        }
        yield output(processed, {**artifact_metadata(processed, PROCESSED_COLUMNS), **accounting,
                                 **_processed_tables(stats)}, output_name="glaive_processed")
        rejects_metadata = {**artifact_metadata(rejects, REJECT_COLUMNS), **accounting,
                            "top_reject_reasons": counts_table(stats.reject_reasons, "reason", limit=15)}
        yield output(rejects, rejects_metadata, output_name="glaive_rejects")

        yield from validate_processed(storage, glaive_raw, processed, schema_suite)


def _processed_tables(stats: SplitStats) -> dict[str, dg.MetadataValue]:
    return {
        "complexity_tier": counts_table(stats.complexity_tiers, "complexity_tier", COMPLEXITY_TIERS),
        "turn_bucket": counts_table(stats.turn_buckets, "turn_bucket", TURN_BUCKETS),
        "call_bucket": counts_table(stats.call_buckets, "call_bucket", CALL_BUCKETS),
        "validation_errors": counts_table(stats.validation_errors, "validation error"),
        "structure_warnings": counts_table(stats.structure_warnings, "structure warning"),
    }


@dg.asset(
    group_name=TRANSFORM_GROUP,
    description=(
        "Training-ready ChatML (OpenAI-style messages with tool_calls, tool messages and tools), one "
        "conversation per processed record, whole and in order (processed/glaive_chatml.jsonl)."
    ),
)
def glaive_chatml(context: dg.AssetExecutionContext, storage: GlaiveStorage, glaive_processed: Artifact) -> dg.Output:
    chatml, preview = write_chatml(storage.root, glaive_processed)
    metadata = artifact_metadata(chatml, CHATML_COLUMNS)
    metadata["processed_rows"] = glaive_processed.rows
    metadata["preview"] = json_preview(preview)
    return output(chatml, metadata)
