"""The anomaly and bias reports as assets (the validation report is made with glaive_processed: schema_suite.py)."""

from typing import Optional

import dagster as dg
from pydantic import Field

from glaive_assets.defs.metadata import output
from glaive_assets.defs.quality.schema_suite import QUALITY_GROUP
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa import anomaly, bias
from glaive_assets.qa.stats import compute_pipeline_stats
from glaive_assets.storage.artifacts import Artifact, RawArtifact, write_json

_DEFAULT_THRESHOLDS = anomaly.AnomalyThresholds()


class QualityConfig(dg.Config):
    """Anomaly thresholds (defaults from the old pipeline) and the bias threshold, per run."""

    max_malformed_rate: float = _DEFAULT_THRESHOLDS.max_malformed_rate
    max_reject_rate: float = _DEFAULT_THRESHOLDS.max_reject_rate
    max_validation_error_rate: float = _DEFAULT_THRESHOLDS.max_validation_error_rate
    max_none_tier_share: float = _DEFAULT_THRESHOLDS.max_none_tier_share
    min_row_fraction: float = _DEFAULT_THRESHOLDS.min_row_fraction
    max_avg_turns: float = _DEFAULT_THRESHOLDS.max_avg_turns
    max_avg_calls: float = _DEFAULT_THRESHOLDS.max_avg_calls
    min_defined_functions_share: float = _DEFAULT_THRESHOLDS.min_defined_functions_share
    severities: Optional[dict[str, str]] = Field(
        default=None, description="rule -> WARN | ERROR; unlisted rules are WARN"
    )
    bias_threshold: float = Field(default=bias.DEFAULT_THRESHOLD, gt=0, lt=1)

    def thresholds(self) -> anomaly.AnomalyThresholds:
        values = self.model_dump(exclude={"bias_threshold", "severities"})
        return anomaly.AnomalyThresholds(**values, severities=self.severities or {})


@dg.multi_asset(
    outs={
        "anomaly_report": dg.AssetOut(
            group_name=QUALITY_GROUP,
            description="Each anomaly rule's value against its threshold (processed/validation/anomaly_report.json).",
        ),
        "bias_report": dg.AssetOut(group_name=QUALITY_GROUP, description=(
            "Representation of every slice value, the under-represented ones, and mitigations with "
            "concrete weights and target counts (processed/validation/bias_report.json)."
        )),
    },
)
def anomaly_and_bias_reports(
    context: dg.AssetExecutionContext,
    config: QualityConfig,
    storage: GlaiveStorage,
    glaive_raw: RawArtifact,
    glaive_processed: Artifact,
    glaive_rejects: Artifact,
):
    try:
        thresholds = config.thresholds()
    except ValueError as error:  # e.g. an unknown rule or severity in `severities`
        raise dg.Failure(description=f"anomaly config: {error}") from None
    # One pass over processed and rejects feeds both reports.
    stats = compute_pipeline_stats(glaive_processed.iter_records(), glaive_rejects.iter_records())
    anomaly_report = anomaly.evaluate_anomalies(stats, thresholds, glaive_raw.requested_sample_size)
    anomaly_artifact = write_json(storage.root, "anomaly_report", anomaly_report)
    yield output(anomaly_artifact, {
        "anomalies_found": anomaly_report["anomalies_found"],
        "pipeline_healthy": anomaly_report["pipeline_healthy"],
        "rules": dg.MetadataValue.md(anomaly.markdown_table(anomaly_report)),
        "path": dg.MetadataValue.path(str(anomaly_artifact.path)),
    }, output_name="anomaly_report")

    bias_report = bias.analyze_bias(stats, config.bias_threshold)
    bias_artifact = write_json(storage.root, "bias_report", bias_report)
    yield output(bias_artifact, {
        "bias_detected": bias_report["bias_detected"],
        "findings_count": bias_report["findings_count"],
        "slices_analyzed": bias_report["slices_analyzed"],
        "findings": dg.MetadataValue.md(bias.markdown_table(bias_report)),
        "path": dg.MetadataValue.path(str(bias_artifact.path)),
    }, output_name="bias_report")
