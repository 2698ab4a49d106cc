"""pipeline_summary: the run at a glance, from every artifact upstream."""

import dagster as dg

from glaive_assets.defs.metadata import output
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa.summary import build_pipeline_summary
from glaive_assets.storage.artifacts import Artifact, RawArtifact, read_json, write_json


@dg.asset(
    group_name="summary",
    description="Each stage's status, from its own evidence (processed/pipeline_summary.json).",
)
def pipeline_summary(
    context: dg.AssetExecutionContext,
    storage: GlaiveStorage,
    glaive_raw: RawArtifact,
    glaive_processed: Artifact,
    glaive_rejects: Artifact,
    glaive_chatml: Artifact,
    validation_report: Artifact,
    anomaly_report: Artifact,
    bias_report: Artifact,
) -> dg.Output:
    summary = build_pipeline_summary(
        raw_rows=glaive_raw.rows,
        unreadable_rows=glaive_raw.unreadable_rows,
        processed_rows=glaive_processed.rows,
        rejected_rows=glaive_rejects.rows,
        chatml_rows=glaive_chatml.rows,
        validation_report=read_json(validation_report.path),
        anomaly_report=read_json(anomaly_report.path),
        bias_report=read_json(bias_report.path),
        source={
            "source": glaive_raw.source,
            "requested_sample_size": glaive_raw.requested_sample_size,
            "seed": glaive_raw.seed,
        },
    )
    artifact = write_json(storage.root, "pipeline_summary", summary)
    table = "\n".join(
        ["| stage | status |", "|---|---|"] + [f"| {name} | **{stage['status']}** |" for name, stage in summary["stages"].items()]
    )
    return output(artifact, {"status": summary["status"], "stages": dg.MetadataValue.md(table),
                             "path": dg.MetadataValue.path(str(artifact.path))})
