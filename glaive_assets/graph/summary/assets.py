"""pipeline_summary: the run at a glance, from every artifact upstream."""

import dagster as dg

from glaive_assets.artifacts import Artifact, read_json, write_json
from glaive_assets.graph.automation import downstream_artifact
from glaive_assets.graph.metadata import output
from glaive_assets.graph.storage import GlaiveStorage
from glaive_assets.summary import build_pipeline_summary


@dg.asset(**downstream_artifact(
    "summary",
    "Each stage's status, from its own evidence (processed/pipeline_summary.json).",
))
def pipeline_summary(
    context: dg.AssetExecutionContext,
    storage: GlaiveStorage,
    glaive_raw: Artifact,
    glaive_processed: Artifact,
    glaive_rejects: Artifact,
    glaive_chatml: Artifact,
    validation_report: Artifact,
    anomaly_report: Artifact,
    bias_report: Artifact,
) -> dg.Output:
    summary = build_pipeline_summary(
        raw_rows=glaive_raw.rows,
        unreadable_rows=int(glaive_raw.extra.get("unreadable_rows", 0)),
        processed_rows=glaive_processed.rows,
        rejected_rows=glaive_rejects.rows,
        chatml_rows=glaive_chatml.rows,
        validation_report=read_json(validation_report.path),
        anomaly_report=read_json(anomaly_report.path),
        bias_report=read_json(bias_report.path),
        source={key: glaive_raw.extra.get(key) for key in ("source", "requested_sample_size", "seed")},
    )
    artifact = write_json(storage.root, "pipeline_summary", summary)
    table = "\n".join(
        ["| stage | status |", "|---|---|"] + [f"| {name} | **{stage['status']}** |" for name, stage in summary["stages"].items()]
    )
    return output(artifact, {"status": summary["status"], "stages": dg.MetadataValue.md(table),
                             "path": dg.MetadataValue.path(str(artifact.path))})
