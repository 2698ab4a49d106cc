"""slack_on_run_failure and slack_on_check_failure: each failed check is posted once per run."""

import dagster as dg

from glaive_assets.defs.alerts.sensors import check_failure_sensor, run_failure_sensor
from glaive_assets_tests.harness.dagster_helpers import check_results, materialize, run_config, sample_rows, write_jsonl_source


def test_failed_checks_are_posted_once_per_run(instance, data_dir, tmp_path, slack_server, slack):
    # A blocking schema failure fails the run: the run-failure sensor posts the run and its failed check.
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    blocked = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), raise_on_error=False)
    assert check_results(blocked)["schema_suite"].passed is False
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
