"""quality_reports: the validation, anomaly and bias reports of every run, and the anomaly and bias checks.

The statistics come from the transform's pass (no re-read of processed), while the GX schema suite
validates the view of processed that the pass wrote, in its own process (resources.py). It never fails
for what the data holds: a failing suite is reported (and withholds the training outputs through the
schema_suite check, checks.py), and the anomaly and bias checks are evaluated whatever it says.
"""

from typing import Optional

import dagster as dg
from pydantic import Field

from glaive_assets.defs.alerts.resources import GlaiveSlackResource
from glaive_assets.defs.metadata import output, sources_table
from glaive_assets.defs.quality.alert import send_quality_alert
from glaive_assets.defs.quality.checks import ANOMALY_CHECKS, BIAS_CHECKS, anomaly_check_results, bias_check_results
from glaive_assets.defs.quality.resources import SchemaSuiteProcess
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.qa import anomaly, bias, schema
from glaive_assets.qa.gate import training_gate
from glaive_assets.storage.artifacts import Artifact, RawArtifact, write_json
from glaive_assets.storage.by_source import source_accounting
from glaive_assets.storage.stages import schema_suite_input, split_qa_stats

QUALITY_GROUP = "quality"
RAW, PROCESSED, REJECTS = dg.AssetKey("glaive_raw"), dg.AssetKey("glaive_processed"), dg.AssetKey("glaive_rejects")

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


def expected_processed_rows(raw: RawArtifact) -> int:
    """The row count the suite bounds: the request, or every raw row for a source smaller than the
    request (the anomaly rule row_count still warns against the full request); 0 when all rows were asked."""
    requested = raw.requested_sample_size
    return min(requested, raw.rows) if requested else 0


_OUTS = {
    "validation_report": dg.AssetOut(group_name=QUALITY_GROUP, description=(
        "The Great Expectations 1.x schema suite over every processed record: columns, nulls, ranges, "
        "closed sets, booleans, chat length and row-count bounds (processed/validation/validation_report.json). "
        "Its blocking check schema_suite decides whether glaive_chatml is written."
    )),
    "anomaly_report": dg.AssetOut(group_name=QUALITY_GROUP, description=(
        "Each anomaly rule's value against its threshold, and the training gate's verdict "
        "(training_outputs: withheld or not, the failed expectations) (processed/validation/anomaly_report.json)."
    )),
    "bias_report": dg.AssetOut(group_name=QUALITY_GROUP, description=(
        "Representation of every slice value, the under-represented ones, known source gaps, and "
        "mitigations with concrete weights and target counts (processed/validation/bias_report.json)."
    )),
}


@dg.multi_asset(
    outs=_OUTS,
    internal_asset_deps={
        "validation_report": {RAW, PROCESSED},
        "anomaly_report": {RAW, PROCESSED, REJECTS},
        "bias_report": {RAW, PROCESSED, REJECTS},
    },
    check_specs=[*ANOMALY_CHECKS, *BIAS_CHECKS],
)
def quality_reports(
    context: dg.AssetExecutionContext,
    config: QualityConfig,
    storage: GlaiveStorage,
    schema_suite_process: SchemaSuiteProcess,
    slack: GlaiveSlackResource,
    glaive_raw: RawArtifact,
    glaive_processed: Artifact,
    glaive_rejects: Artifact,
):
    try:
        thresholds = config.thresholds()
    except ValueError as error:  # e.g. an unknown rule or severity in `severities`
        raise dg.Failure(description=f"anomaly config: {error}") from None
    suite = schema_suite_process.worker
    suite.submit(schema_suite_input(glaive_processed), expected_processed_rows(glaive_raw), glaive_raw.rows)
    # The statistics of both other reports were gathered by the transform's pass (per source too).
    stats, processed_by_source, rejected_by_source = split_qa_stats(glaive_raw, glaive_processed, glaive_rejects)
    validation = suite.result()
    anomaly_report = {**anomaly.evaluate_anomalies(stats, thresholds, glaive_raw.requested_sample_size),
                      "training_outputs": training_gate(validation)}
    bias_report = bias.analyze_bias(stats, config.bias_threshold)
    if glaive_raw.sources:
        bias_report["sources"] = source_accounting(glaive_raw.sources, processed_by_source, rejected_by_source)

    # Which run and which raw file each report describes, in the file and in the UI.
    provenance = {"run_id": context.run.run_id, "raw_sha256": glaive_raw.sha256}
    written = {name: write_json(storage.root, name, {**provenance, **report}) for name, report in
               (("validation_report", validation), ("anomaly_report", anomaly_report), ("bias_report", bias_report))}
    alert = send_quality_alert(context, slack, anomaly_report)

    shown = {"validation_report": _validation_metadata(validation),
             "anomaly_report": {**_anomaly_metadata(anomaly_report), **alert.as_metadata()},
             "bias_report": _bias_metadata(bias_report)}
    for name, metadata in shown.items():
        path = dg.MetadataValue.path(str(written[name].path))
        yield output(written[name], {**provenance, **metadata, "path": path}, output_name=name)
    yield from anomaly_check_results(anomaly_report, alert)
    yield from bias_check_results(bias_report)


def _validation_metadata(report: dict) -> dict:
    return {
        "success": report["success"],
        "passed": report["passed"],
        "failed": report["failed"],
        "success_rate": report["success_rate"],
        "gx_version": report["gx_version"],
        "expectations": dg.MetadataValue.md(schema.markdown_table(report)),
    }


def _anomaly_metadata(report: dict) -> dict:
    return {
        "anomalies_found": report["anomalies_found"],
        "pipeline_healthy": report["pipeline_healthy"],
        "training_outputs_withheld": report["training_outputs"]["withheld"],
        "rules": dg.MetadataValue.md(anomaly.markdown_table(report)),
    }


def _bias_metadata(report: dict) -> dict:
    return {
        "bias_detected": report["bias_detected"],
        "findings_count": report["findings_count"],
        "known_source_gaps_count": report["known_source_gaps_count"],
        "slices_analyzed": report["slices_analyzed"],
        "findings": dg.MetadataValue.md(bias.markdown_table(report)),
        **({"rows_by_source": sources_table(report["sources"])} if "sources" in report else {}),
    }
