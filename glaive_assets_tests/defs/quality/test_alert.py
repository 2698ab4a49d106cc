"""The run's own quality alert (sent by quality_reports): one message at most per run, never a failed run
for Slack's sake, and the alert-fatigue rule: a WARN rule breached again stays quiet, ERROR always posts."""

import dagster as dg

from glaive_assets_tests.harness.dagster_helpers import check_results, materializations, materialize, run_config

QUALITY = ["glaive_raw", "glaive_processed", "glaive_rejects", "validation_report", "anomaly_report", "bias_report"]


def test_a_run_with_new_anomalies_sends_one_message_naming_them(instance, data_dir, slack_server, slack):
    # A reject-rate ceiling of 0 is breached by any reject; the sample always has some.
    result = materialize(instance, data_dir, run_config(sample_size=200, max_reject_rate=0.0), selection=QUALITY,
                         slack=slack)
    assert result.success
    checks = check_results(result)
    assert checks["anomaly_reject_rate"].passed is False
    assert checks["anomaly_reject_rate"].metadata["threshold"].value == 0.0
    assert checks["anomaly_reject_rate"].metadata["slack_alert_status"].value == "sent"
    assert materializations(result)["anomaly_report"].metadata["slack_alert_rules"].value == "reject_rate"

    posts = slack_server.requests_for("chat.postMessage")
    assert len(posts) == 1
    payload = posts[0].payload
    assert payload["channel"] == "#glaive-test"
    assert "• *reject_rate* [WARN]" in payload["text"]
    assert "withheld" not in payload["text"]
    assert f"/runs/{result.run_id}" in str(payload)


def test_an_alert_that_fails_never_fails_the_run(instance, data_dir, slack_server, slack):
    slack_server.mode = "http_500"
    result = materialize(instance, data_dir, run_config(sample_size=100, max_reject_rate=0.0), selection=QUALITY,
                         slack=slack)
    assert result.success
    metadata = check_results(result)["anomaly_reject_rate"].metadata
    assert metadata["slack_alert_status"].value == "failed"
    assert metadata["slack_error"].value == "http_500"


def test_a_warn_rule_breached_again_stays_quiet_and_an_error_rule_posts_every_run(instance, data_dir, slack_server,
                                                                                   slack):
    breached = run_config(sample_size=100, max_reject_rate=0.0)
    first = materialize(instance, data_dir, breached, selection=QUALITY, slack=slack)
    second = materialize(instance, data_dir, breached, selection=QUALITY, slack=slack)
    assert len(slack_server.requests_for("chat.postMessage")) == 1  # the first run's only
    assert check_results(first)["anomaly_reject_rate"].metadata["slack_alert_status"].value == "sent"
    assert check_results(second)["anomaly_reject_rate"].metadata["slack_alert_status"].value == "not_sent_unchanged"
    assert materializations(second)["anomaly_report"].metadata["slack_alert_status"].value == "not_sent_nothing_new"

    slack_server.clear()
    as_error = run_config(sample_size=100, max_reject_rate=0.0, severities={"reject_rate": "ERROR"})
    for _ in range(2):
        result = materialize(instance, data_dir, as_error, selection=QUALITY, slack=slack)
        assert check_results(result)["anomaly_reject_rate"].severity == dg.AssetCheckSeverity.ERROR
    texts = [post.payload["text"] for post in slack_server.requests_for("chat.postMessage")]
    assert len(texts) == 2 and all("• *reject_rate* [ERROR]" in text for text in texts)
