"""slack_on_run_failure and slack_on_check_failure: a failed check posts once when it starts failing
(ERROR: every time), never the checks the run alerted on itself (anomaly rules, schema suite)."""

import dagster as dg

from glaive_assets.defs.alerts.sensors import check_failure_sensor, failed_checks_in_run, run_failure_sensor
from glaive_assets_tests.harness.dagster_helpers import check_results, materialize, run_config, sample_rows, write_jsonl_source

QUALITY = ["glaive_raw", "glaive_processed", "glaive_rejects", "validation_report", "anomaly_report", "bias_report"]


def _after_success(instance, result, slack) -> None:
    check_failure_sensor(dg.build_run_status_sensor_context(
        sensor_name="slack_on_check_failure", dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
        dagster_event=result.get_run_success_event(), resources={"slack": slack},
    ))


def test_two_consecutive_good_runs_post_at_most_one_bias_message(instance, data_dir, slack_server, slack):
    # The sample's domain and conversation slices have small values on every run; has_parallel=True is a
    # known source gap (never a failure), so bias_capability passes.
    good = run_config(sample_size=200, seed=4)
    first = materialize(instance, data_dir, good, selection=QUALITY, slack=slack)
    checks = check_results(first)
    assert (checks["bias_capability"].passed, checks["bias_domain"].passed) == (True, False)
    _after_success(instance, first, slack)
    second = materialize(instance, data_dir, good, selection=QUALITY, slack=slack)
    assert check_results(second)["bias_domain"].passed is False  # still failing: unchanged
    _after_success(instance, second, slack)

    bias_posts = [post for post in slack_server.requests_for("chat.postMessage") if "bias_" in str(post.payload)]
    assert len(bias_posts) == 1
    assert first.run_id in str(bias_posts[0].payload) and "bias_domain" in bias_posts[0].payload["text"]
    assert "bias_capability" not in bias_posts[0].payload["text"]
    assert failed_checks_in_run(instance, second.run_id) == []


def test_a_failed_run_is_posted_without_repeating_what_the_run_alerted_itself(instance, data_dir, tmp_path,
                                                                               slack_server, slack):
    # A blocking schema failure fails the run: the run-failure sensor posts it; the schema suite and the
    # anomaly rules are in the run's own message already.
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    blocked = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), selection=QUALITY,
                          raise_on_error=False, slack=slack)
    assert check_results(blocked)["schema_suite"].passed is False
    in_run = [post.payload["text"] for post in slack_server.requests_for("chat.postMessage")]
    assert len(in_run) == 1 and "Training outputs withheld" in in_run[0]

    slack_server.clear()
    failure_context = dg.build_run_status_sensor_context(
        sensor_name="slack_on_run_failure", dagster_instance=instance,
        dagster_run=instance.get_run_by_id(blocked.run_id),
        dagster_event=blocked.get_run_failure_event(), resources={"slack": slack},
    ).for_run_failure()
    run_failure_sensor(failure_context)
    texts = [post.payload["text"] for post in slack_server.requests_for("chat.postMessage")]
    assert len(texts) == 2
    assert texts[0].startswith("*Glaive run failed*") and blocked.run_id in texts[0]
    assert texts[1].startswith("*Glaive asset check failures*")
    assert "bias_" in texts[1]  # first evaluations: changed
    assert "schema_suite" not in texts[1] and "anomaly_" not in texts[1]
