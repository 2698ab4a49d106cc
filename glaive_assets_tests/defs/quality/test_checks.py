"""The anomaly and bias checks on glaive_processed, and the one Slack message a run with anomalies sends."""

import dagster as dg

from glaive_assets.defs.quality.checks import bias_checks
from glaive_assets.storage.artifacts import write_json
from glaive_assets_tests.harness.dagster_helpers import check_results, materialize, run_config


def test_anomalies_send_one_slack_message_per_run(instance, data_dir, slack_server, slack):
    # A reject-rate ceiling of 0 is breached by any reject; the sample always has some.
    result = materialize(instance, data_dir, run_config(sample_size=200, max_reject_rate=0.0),
                         slack=slack)
    assert result.success
    checks = check_results(result)
    assert checks["anomaly_reject_rate"].passed is False
    assert checks["anomaly_reject_rate"].metadata["threshold"].value == 0.0
    assert checks["anomaly_reject_rate"].metadata["slack_alert_status"].value == "sent"

    posts = slack_server.requests_for("chat.postMessage")
    assert len(posts) == 1
    payload = posts[0].payload
    assert payload["channel"] == "#glaive-test"
    assert "reject_rate" in payload["text"]
    assert f"/runs/{result.run_id}" in str(payload)


def test_anomaly_alert_failures_never_fail_the_run(instance, data_dir, slack_server, slack):
    slack_server.mode = "http_500"
    result = materialize(instance, data_dir, run_config(sample_size=100, max_reject_rate=0.0),
                         slack=slack)
    assert result.success
    metadata = check_results(result)["anomaly_reject_rate"].metadata
    assert metadata["slack_alert_status"].value == "failed"
    assert metadata["slack_error"].value == "http_500"


def test_bias_checks_report_each_family_from_the_bias_report(data_dir):
    findings = [
        {"family": "capability", "slice": "has_parallel", "value": True, "share": 0.0},
        {"family": "capability", "slice": "has_refusal", "value": True, "share": 0.012},
        {"family": "domain", "slice": "function_domain", "value": "travel", "share": 0.03},
    ]
    report = write_json(data_dir, "bias_report", {"findings": findings})
    results = {result.check_name: result for result in bias_checks(bias_report=report)}
    assert sorted(results) == ["bias_capability", "bias_complexity", "bias_conversation", "bias_domain"]
    assert {name: result.passed for name, result in results.items()} == {
        "bias_capability": False, "bias_complexity": True, "bias_conversation": True, "bias_domain": False}
    capability = results["bias_capability"]
    assert (capability.asset_key, capability.severity) == (dg.AssetKey("glaive_processed"), dg.AssetCheckSeverity.WARN)
    assert capability.description == "2 under-represented slice values"
    assert capability.metadata["flagged"].value == "has_parallel=True (0.00%), has_refusal=True (1.20%)"
    assert results["bias_complexity"].description == "balanced"
