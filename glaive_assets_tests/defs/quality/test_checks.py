"""The quality checks: schema_suite (blocking, on validation_report) from the report it reads, and the
anomaly and bias results quality_reports yields, known source gaps named but never failed."""

import dagster as dg

from glaive_assets.defs.quality.alert import QualityAlert
from glaive_assets.defs.quality.checks import anomaly_check_results, bias_check_results, schema_suite
from glaive_assets.alerts import AlertOutcome
from glaive_assets.storage.artifacts import write_json

ROW_COUNT = {"expectation": "expect_table_row_count_to_be_between", "column": None, "success": False,
             "kwargs": {"min_value": 24, "max_value": 29}, "observed_value": 17, "errors": [],
             "element_count": 17, "unexpected_count": None, "unexpected_examples": []}


def _validation(data_dir, success: bool):
    entries = [] if success else [ROW_COUNT]
    return write_json(data_dir, "validation_report", {
        "run_id": "run-9", "raw_sha256": "cd" * 32, "success": success, "total": 66,
        "passed": 66 if success else 65, "failed": 0 if success else 1, "expectations": entries})


def test_schema_suite_is_a_blocking_check_on_the_validation_report():
    [spec] = schema_suite.check_specs
    assert (spec.name, spec.asset_key, spec.blocking) == ("schema_suite", dg.AssetKey("validation_report"), True)


def test_schema_suite_passes_on_a_passing_report(data_dir):
    result = schema_suite(validation_report=_validation(data_dir, success=True))
    assert (result.passed, result.severity, result.description) == (True, dg.AssetCheckSeverity.ERROR,
                                                                    "66/66 expectations passed")
    assert result.metadata["failed_expectations"] == dg.MetadataValue.md("none")


def test_schema_suite_fails_at_error_naming_each_failed_expectation_and_what_it_observed(data_dir):
    result = schema_suite(validation_report=_validation(data_dir, success=False))
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert result.description == "65/66 expectations passed; the training outputs are withheld"
    assert result.metadata["failed_expectations"].value == (
        "- `expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29`")
    assert (result.metadata["run_id"].value, result.metadata["raw_sha256"].value) == ("run-9", "cd" * 32)


def test_bias_results_fail_on_findings_and_name_known_source_gaps_without_failing():
    report = {
        "findings": [
            {"family": "capability", "slice": "has_refusal", "value": True, "share": 0.012},
            {"family": "domain", "slice": "function_domain", "value": "travel", "share": 0.03},
        ],
        "known_source_gaps": [{"family": "capability", "slice": "has_parallel", "value": True, "share": 0.0}],
    }
    results = {result.check_name: result for result in bias_check_results(report)}
    assert {name: result.passed for name, result in results.items()} == {
        "bias_complexity": True, "bias_conversation": True, "bias_capability": False, "bias_domain": False}
    capability = results["bias_capability"]
    assert (capability.asset_key, capability.severity) == (dg.AssetKey("bias_report"), dg.AssetCheckSeverity.WARN)
    assert capability.description == "1 under-represented slice values; known source gaps: has_parallel=True"
    assert capability.metadata["flagged"].value == "has_refusal=True (1.20%)"
    assert capability.metadata["known_source_gaps"].value == "has_parallel=True (0.00%)"
    assert results["bias_complexity"].description == "balanced"

    only_gap = {"findings": [], "known_source_gaps": report["known_source_gaps"]}
    capability = {r.check_name: r for r in bias_check_results(only_gap)}["bias_capability"]
    assert (capability.passed, capability.description) == (True, "balanced; known source gaps: has_parallel=True")


def test_anomaly_results_carry_what_became_of_the_alert():
    checks = [
        {"check": "reject_rate", "value": 0.4, "threshold": 0.05, "comparison": ">", "is_anomaly": True,
         "severity": "WARN", "message": "reject_rate 40.00% is above the maximum 5.00%"},
        {"check": "avg_turns", "value": 12.0, "threshold": 10.0, "comparison": ">", "is_anomaly": True,
         "severity": "ERROR", "message": "avg_turns 12 is above the maximum 10"},
        {"check": "avg_calls", "value": 1.0, "threshold": 5.0, "comparison": ">", "is_anomaly": False,
         "severity": "WARN", "message": "avg_calls 1 is within the maximum 5"},
    ]
    alert = QualityAlert(posted_rules=["avg_turns"], unchanged_rules=["reject_rate"],
                         outcome=AlertOutcome(status="sent", channel="#c", message_ts="1.2"))
    results = {r.check_name: r for r in anomaly_check_results({"checks": checks}, alert)}
    assert {name: (r.passed, r.severity) for name, r in results.items()} == {
        "anomaly_reject_rate": (False, dg.AssetCheckSeverity.WARN),
        "anomaly_avg_turns": (False, dg.AssetCheckSeverity.ERROR),
        "anomaly_avg_calls": (True, dg.AssetCheckSeverity.WARN)}
    assert results["anomaly_avg_turns"].metadata["slack_alert_status"].value == "sent"
    assert results["anomaly_reject_rate"].metadata["slack_alert_status"].value == "not_sent_unchanged"
    assert "slack_alert_status" not in results["anomaly_avg_calls"].metadata
    assert results["anomaly_reject_rate"].asset_key == dg.AssetKey("anomaly_report")
