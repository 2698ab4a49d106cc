"""anomaly_and_bias_reports: its run config, its two reports from one pass, and the requested sample
size it takes from glaive_raw's typed record."""

import dagster as dg
import dataclasses

import orjson

from glaive_assets.defs.quality.assets import QualityConfig
from glaive_assets.qa.anomaly import AnomalyThresholds
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets_tests.harness.dagster_helpers import materializations, materialize, run_config

REPORT_STEP = ["glaive_raw", "glaive_processed", "glaive_rejects", "validation_report", "anomaly_report", "bias_report"]


def test_quality_config_offers_every_anomaly_threshold():
    threshold_fields = {field.name: field.default for field in dataclasses.fields(AnomalyThresholds)}
    config_defaults = QualityConfig().model_dump()
    assert set(config_defaults) - {"bias_threshold"} == set(threshold_fields)
    for name, default in threshold_fields.items():
        if name != "severities":
            assert config_defaults[name] == default, name
    assert QualityConfig(severities={"reject_rate": "ERROR"}).thresholds().severities == {"reject_rate": "ERROR"}


def test_the_reports_use_the_requested_sample_size_and_the_configured_thresholds(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=120, seed=5, max_avg_turns=0.5, bias_threshold=0.2),
                         selection=REPORT_STEP)
    assert result.success
    anomaly = orjson.loads((data_dir / ARTIFACT_PATHS["anomaly_report"]).read_bytes())
    assert anomaly["requested_size"] == 120
    avg_turns = next(check for check in anomaly["checks"] if check["check"] == "avg_turns")
    assert (avg_turns["threshold"], avg_turns["is_anomaly"]) == (0.5, True)
    bias = orjson.loads((data_dir / ARTIFACT_PATHS["bias_report"]).read_bytes())
    assert bias["threshold"] == 0.2
    materialized = materializations(result)
    assert bias["total_records"] == materialized["glaive_processed"].metadata["processed_rows"].value
    assert materialized["anomaly_report"].metadata["anomalies_found"].value == anomaly["anomalies_found"]
    assert materialized["bias_report"].metadata["findings_count"].value == bias["findings_count"]


def test_a_bad_severity_fails_the_report_step_with_its_reason(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=50, severities={"reject_rate": "PANIC"}),
                         raise_on_error=False)
    assert not result.success
    # Checked when the run starts (defs/run_checks.py), before any step writes anything.
    assert result.get_step_failure_events() == []
    [failure] = [event.event_specific_data.error for event in result.all_events
                 if event.event_type == dg.DagsterEventType.RESOURCE_INIT_FAILURE]
    assert "ops.anomaly_and_bias_reports.config: severity must be one of ('WARN', 'ERROR')" in failure.message
