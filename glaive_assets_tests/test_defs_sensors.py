"""Sensors, automation conditions and in-run Slack alerts, against real instances and a loopback Slack."""

import dagster as dg
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.alerts.resources import GlaiveSlackResource
from glaive_assets.defs.alerts.sensors import check_failure_sensor, run_failure_sensor
from glaive_assets.defs.ingest.sensors import glaive_source_changed
from glaive_assets.sources.fingerprint import source_fingerprint
from glaive_assets_tests.harness.dagster_helpers import (
    check_results,
    graph_definitions,
    materialize,
    run_config,
    sample_rows,
    write_jsonl_source,
)
from glaive_assets_tests.harness.slack_server import LoopbackSlackServer

TOKEN = "test-token-for-loopback-7c41"  # fake, never a real Slack token


@pytest.fixture
def slack_server():
    with LoopbackSlackServer("ok", expected_token=TOKEN) as server:
        yield server


def _slack(server: LoopbackSlackServer) -> GlaiveSlackResource:
    return GlaiveSlackResource(token=TOKEN, channel="#glaive-test", base_url=server.base_url, timeout_seconds=3)


def test_source_sensor_requests_a_run_only_when_the_file_changes(tmp_path, monkeypatch, instance):
    source = write_jsonl_source(tmp_path / "rows.jsonl", sample_rows(5))
    monkeypatch.setenv("GLAIVE_SOURCE", str(source))

    first = glaive_source_changed(dg.build_sensor_context(instance=instance))
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    assert first.asset_events[0].asset_key == dg.AssetKey("glaive_source")
    version = first.cursor
    assert version.startswith(first.asset_events[0].tags["dagster/data_version"] + "|")

    unchanged = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=version))
    assert isinstance(unchanged, dg.SkipReason) and "unchanged" in unchanged.skip_message

    write_jsonl_source(source, sample_rows(6))
    changed = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=version))
    assert isinstance(changed, dg.SensorResult) and len(changed.run_requests) == 1
    assert changed.cursor != version

    source.unlink()
    missing = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=changed.cursor))
    assert isinstance(missing, dg.SkipReason) and "cannot be read" in missing.skip_message

    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "many")
    invalid = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=changed.cursor))
    assert isinstance(invalid, dg.SkipReason) and "GLAIVE_SAMPLE_SIZE='many'" in invalid.skip_message


def test_first_tick_skips_when_glaive_raw_already_holds_the_source(tmp_path, monkeypatch, instance, data_dir):
    source = write_jsonl_source(tmp_path / "rows.jsonl", sample_rows(5))
    monkeypatch.setenv("GLAIVE_SOURCE", str(source))
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "0")
    assert materialize(instance, data_dir, {}, selection="glaive_raw").success  # as `make run` does

    first = glaive_source_changed(dg.build_sensor_context(instance=instance))
    assert isinstance(first, dg.SensorResult) and not first.run_requests
    assert "already up to date" in first.skip_reason.skip_message
    assert first.cursor.startswith(str(source_fingerprint(SourceSettings.from_env())["version"]))

    write_jsonl_source(source, sample_rows(6))
    changed = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert isinstance(changed, dg.SensorResult) and len(changed.run_requests) == 1


def test_new_sample_size_requests_a_run_even_for_an_unchanged_file(tmp_path, monkeypatch, instance):
    monkeypatch.setenv("GLAIVE_SOURCE", str(write_jsonl_source(tmp_path / "rows.jsonl", sample_rows(5))))
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "0")
    every_row = glaive_source_changed(dg.build_sensor_context(instance=instance)).cursor
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "3")
    three_rows = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=every_row))
    assert isinstance(three_rows, dg.SensorResult) and three_rows.cursor != every_row


def test_sample_source_version_follows_the_generator_settings(monkeypatch, instance):
    monkeypatch.setenv("GLAIVE_SOURCE", "sample")
    monkeypatch.setenv("GLAIVE_SEED", "1")
    seed_one = glaive_source_changed(dg.build_sensor_context(instance=instance)).cursor
    monkeypatch.setenv("GLAIVE_SEED", "2")
    seed_two = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=seed_one))
    assert isinstance(seed_two, dg.SensorResult) and seed_two.cursor != seed_one


def test_automation_refreshes_downstream_of_a_new_raw_artifact(instance, data_dir):
    defs = graph_definitions(data_dir)
    baseline = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert baseline.total_requested == 0  # nothing runs while glaive_raw is missing

    assert materialize(instance, data_dir, run_config(sample_size=40), selection="glaive_raw").success
    after_raw = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=baseline.cursor)
    requested = {key.to_user_string() for key in after_raw.get_requested_asset_keys()} if hasattr(
        after_raw, "get_requested_asset_keys") else {
        r.key.to_user_string() for r in after_raw.results if r.true_subset.size}
    assert {"glaive_processed", "glaive_rejects", "validation_report"} <= requested
    assert "glaive_raw" not in requested  # the source sensor, the UI, the CLI or the schedule drive it


def test_automation_never_builds_chatml_past_a_failed_schema_suite(instance, data_dir, tmp_path):
    defs = graph_definitions(data_dir)
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), raise_on_error=False)
    assert check_results(result)["schema_suite"].passed is False

    evaluation = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    requested = {r.key.to_user_string() for r in evaluation.results if r.true_subset.size}
    assert "glaive_chatml" not in requested


def test_anomalies_send_one_slack_message_per_run(instance, data_dir, slack_server):
    # A reject-rate ceiling of 0 is breached by any reject; the sample always has some.
    result = materialize(instance, data_dir, run_config(sample_size=200, max_reject_rate=0.0),
                         slack=_slack(slack_server))
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


def test_a_bad_severity_fails_the_report_step_with_its_reason(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=50, severities={"reject_rate": "PANIC"}),
                         raise_on_error=False)
    assert not result.success
    failure = result.get_step_failure_events()[0]
    assert failure.step_key == "anomaly_and_bias_reports"
    assert "anomaly config: severity must be one of ('WARN', 'ERROR')" in failure.step_failure_data.error.message


def test_anomaly_alert_failures_never_fail_the_run(instance, data_dir, slack_server):
    slack_server.mode = "http_500"
    result = materialize(instance, data_dir, run_config(sample_size=100, max_reject_rate=0.0),
                         slack=_slack(slack_server))
    assert result.success
    metadata = check_results(result)["anomaly_reject_rate"].metadata
    assert metadata["slack_alert_status"].value == "failed"
    assert metadata["slack_error"].value == "http_500"


def test_failed_checks_are_posted_once_per_run(instance, data_dir, tmp_path, slack_server):
    # A blocking schema failure fails the run: the run-failure sensor posts the run and its failed check.
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    blocked = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), raise_on_error=False)
    assert check_results(blocked)["schema_suite"].passed is False
    slack = _slack(slack_server)
    failure_context = dg.build_run_status_sensor_context(
        sensor_name="slack_on_run_failure", dagster_instance=instance,
        dagster_run=instance.get_run_by_id(blocked.run_id),
        dagster_event=blocked.get_run_failure_event(), resources={"slack": slack},
    ).for_run_failure()
    run_failure_sensor(failure_context)
    posts = [str(p.payload) for p in slack_server.requests_for("chat.postMessage")]
    assert len(posts) == 2
    assert blocked.run_id in posts[0] and "schema_suite" in posts[1]

    # A successful run whose WARN checks failed: the check-failure sensor posts them, anomalies excluded.
    slack_server.clear()
    ok = materialize(instance, data_dir, run_config(sample_size=60, max_reject_rate=0.0))
    failed_names = {name for name, e in check_results(ok).items() if not e.passed}
    assert "anomaly_reject_rate" in failed_names and "bias_capability" in failed_names
    success_context = dg.build_run_status_sensor_context(
        sensor_name="slack_on_check_failure", dagster_instance=instance,
        dagster_run=instance.get_run_by_id(ok.run_id),
        dagster_event=ok.get_run_success_event(), resources={"slack": slack},
    )
    check_failure_sensor(success_context)
    posts = slack_server.requests_for("chat.postMessage")
    assert len(posts) == 1
    body = str(posts[0].payload)
    assert "bias_capability" in body and ok.run_id in body
    assert "anomaly_reject_rate" not in body  # already alerted from inside the run
