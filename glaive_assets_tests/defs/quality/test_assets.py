"""quality_reports: its run config, its three reports for this run's data (with the run id and the raw
sha256 they describe), and the anomaly and bias checks it evaluates whatever the schema suite says."""

import dataclasses

import dagster as dg
import orjson
import pytest

from glaive_assets.defs.quality.assets import QualityConfig, expected_processed_rows, quality_reports
from glaive_assets.qa.anomaly import RULES, AnomalyThresholds
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, RawArtifact
from glaive_assets.storage.manifest import read_manifest
from glaive_assets_tests.harness.dagster_helpers import (
    check_results,
    materializations,
    materialize,
    run_config,
    run_start_failure,
    sample_rows,
    write_jsonl_source,
)

REPORTS = ("validation_report", "anomaly_report", "bias_report")
QUALITY = ["glaive_raw", "glaive_processed", "glaive_rejects", *REPORTS]


def _report(data_dir, name):
    return orjson.loads((data_dir / ARTIFACT_PATHS[name]).read_bytes())


def test_the_step_outputs_the_three_reports_and_evaluates_the_anomaly_and_bias_checks():
    assert {key.to_user_string() for key in quality_reports.keys} == set(REPORTS)
    assert sorted(key.to_user_string() for key in quality_reports.check_keys) == sorted(
        [f"anomaly_report:anomaly_{rule}" for rule in RULES]
        + [f"bias_report:bias_{family}" for family in ("capability", "complexity", "conversation", "domain")])


def test_quality_config_offers_every_anomaly_threshold():
    threshold_fields = {field.name: field.default for field in dataclasses.fields(AnomalyThresholds)}
    config_defaults = QualityConfig().model_dump()
    assert set(config_defaults) - {"bias_threshold"} == set(threshold_fields)
    for name, default in threshold_fields.items():
        if name != "severities":
            assert config_defaults[name] == default, name
    assert QualityConfig(severities={"reject_rate": "ERROR"}).thresholds().severities == {"reject_rate": "ERROR"}


def _raw(rows: int, requested: int) -> RawArtifact:
    return RawArtifact("glaive_raw", None, rows, "", 0, source="sample", requested_sample_size=requested, seed=1,
                       unreadable_rows=0)


@pytest.mark.parametrize(("raw_rows", "requested", "expected"), [(5000, 5000, 5000), (60, 5000, 60), (900, 0, 0)])
def test_the_suite_expects_the_request_or_what_a_smaller_source_has(raw_rows, requested, expected):
    assert expected_processed_rows(_raw(raw_rows, requested)) == expected


def test_the_reports_use_the_requested_sample_size_and_the_configured_thresholds(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=120, seed=5, max_avg_turns=0.5, bias_threshold=0.2),
                         selection=QUALITY)
    assert result.success
    anomaly = _report(data_dir, "anomaly_report")
    assert anomaly["requested_size"] == 120
    avg_turns = next(check for check in anomaly["checks"] if check["check"] == "avg_turns")
    assert (avg_turns["threshold"], avg_turns["is_anomaly"]) == (0.5, True)
    bias = _report(data_dir, "bias_report")
    assert bias["threshold"] == 0.2
    materialized = materializations(result)
    assert bias["total_records"] == materialized["glaive_processed"].metadata["processed_rows"].value
    assert materialized["anomaly_report"].metadata["anomalies_found"].value == anomaly["anomalies_found"]
    assert materialized["bias_report"].metadata["findings_count"].value == bias["findings_count"]
    assert _report(data_dir, "validation_report")["row_count_bounds"] == [96, 120]


def test_every_report_names_the_run_and_the_raw_file_it_describes(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=40, seed=3), selection=QUALITY)
    raw_sha256 = read_manifest(data_dir)["artifacts"]["glaive_raw"]["sha256"]
    materialized = materializations(result)
    for name in REPORTS:
        report = _report(data_dir, name)
        assert (report["run_id"], report["raw_sha256"]) == (result.run_id, raw_sha256), name
        assert list(report)[:2] == ["run_id", "raw_sha256"], name
        metadata = materialized[name].metadata
        assert (metadata["run_id"].value, metadata["raw_sha256"].value) == (result.run_id, raw_sha256), name
        assert read_manifest(data_dir)["artifacts"][name]["run_id"] == result.run_id


def test_a_failing_suite_still_writes_every_report_and_evaluates_every_check(instance, data_dir, tmp_path):
    # 10 of 40 rows are not Glaive records, and one sample row is rejected: 29 processed, below 32..40.
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), selection=QUALITY,
                         raise_on_error=False)
    step_failures = {event.step_key for event in result.get_step_failure_events()}
    assert step_failures == {"validation_report_schema_suite"}  # the gate; quality_reports itself succeeded
    assert set(materializations(result)) == {"glaive_raw", "glaive_processed", "glaive_rejects", *REPORTS}
    assert len(check_results(result)) == 13
    gate = _report(data_dir, "anomaly_report")["training_outputs"]
    assert (gate["gate"], gate["withheld"]) == ("schema_suite", True)
    assert gate["failed_expectations"] == [{"expectation": "expect_table_row_count_to_be_between", "column": None,
                                            "expected": {"min_value": 32, "max_value": 40}, "observed": 29}]
    assert materializations(result)["anomaly_report"].metadata["training_outputs_withheld"].value is True


def test_a_bad_severity_fails_the_report_step_with_its_reason(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=50, severities={"reject_rate": "PANIC"}),
                         selection=QUALITY, raise_on_error=False)
    # Checked when the run starts (defs/run_checks.py), before any step writes anything.
    assert "ops.quality_reports.config: severity must be one of ('WARN', 'ERROR')" in run_start_failure(result)
