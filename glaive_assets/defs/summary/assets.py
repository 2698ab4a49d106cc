"""pipeline_summary: the run at a glance, written on every run that reaches the quality reports.

It is not downstream of validation_report or glaive_chatml: whatever waits for the blocking
schema_suite check is skipped when it fails, and the summary must explain exactly that run. The
gate's verdict reaches it inside the anomaly report; the manifest says which run wrote each file.
Priority -1: among the steps ready at the same time it goes last, so under the default in-process
executor glaive_chatml (and what is built from it) is written before the summary looks.
"""

import dagster as dg

from glaive_assets.defs.metadata import output
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa.summary import build_pipeline_summary
from glaive_assets.storage.artifacts import Artifact, RawArtifact, read_json, write_json


@dg.asset(
    group_name="summary",
    op_tags={"dagster/priority": "-1"},
    description=(
        "What each stage of the run did, which check withheld the training outputs, and which artifacts "
        "on disk come from an older run or are stale (processed/pipeline_summary.json)."
    ),
)
def pipeline_summary(
    context: dg.AssetExecutionContext,
    storage: GlaiveStorage,
    glaive_raw: RawArtifact,
    glaive_processed: Artifact,
    glaive_rejects: Artifact,
    anomaly_report: Artifact,
    bias_report: Artifact,
) -> dg.Output:
    manifest = storage.manifest()
    summary = build_pipeline_summary(
        run_id=context.run_id,  # context.run is unset when a test invokes the asset directly
        raw_sha256=glaive_raw.sha256,
        raw_rows=glaive_raw.rows,
        unreadable_rows=glaive_raw.unreadable_rows,
        processed_rows=glaive_processed.rows,
        rejected_rows=glaive_rejects.rows,
        anomaly_report=read_json(anomaly_report.path),
        bias_report=read_json(bias_report.path),
        source={
            "source": glaive_raw.source,
            "requested_sample_size": glaive_raw.requested_sample_size,
            "seed": glaive_raw.seed,
        },
        manifest_artifacts=manifest["artifacts"],
        stale=storage.stale(manifest),
    )
    artifact = write_json(storage.root, "pipeline_summary", summary)
    table = "\n".join(
        ["| stage | status |", "|---|---|"] + [f"| {name} | **{stage['status']}** |" for name, stage in summary["stages"].items()]
    )
    training = summary["stages"]["training_outputs"]
    return output(artifact, {
        "run_id": summary["run_id"],
        "raw_sha256": summary["raw_sha256"],
        "status": summary["status"],
        "stages": dg.MetadataValue.md(table),
        "training_outputs_withheld_by": training["withheld_by"] or "none",
        "from_older_runs": ", ".join(summary["from_older_runs"]) or "none",
        "stale": ", ".join(summary["stale"]) or "none",
        "path": dg.MetadataValue.path(str(artifact.path)),
    })
