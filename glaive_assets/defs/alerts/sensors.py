"""Slack alerts for what Dagster OSS does not alert on by itself: failed asset checks (dagster issue
#29896) and failed runs. Both use our Slack resource, so SLACK_API_BASE_URL and timeouts apply.

dagster-slack's make_slack_on_run_failure_sensor builds its own WebClient from a plain token string at
load time: it cannot be redirected to SLACK_API_BASE_URL, has no timeout, and raises on Slack errors,
so the run-failure sensor below is the same idea written on run_failure_sensor with our resource.
"""

import dagster as dg

from glaive_assets.alerts import format_check_failure_message, format_run_failure_message, send_alert
from glaive_assets.alerts.fatigue import may_post
from glaive_assets.config.settings import run_url
from glaive_assets.defs.alerts.history import previous_outcome
from glaive_assets.defs.alerts.resources import GlaiveSlackResource

# The run's own quality alert (defs/quality/alert.py) already posts these: the anomaly rules, and the
# schema suite's verdict on the training outputs. Don't post them twice.
ALERTED_IN_RUN = frozenset({dg.AssetKey("anomaly_report"), dg.AssetKey("validation_report")})


def failed_checks_in_run(instance: dg.DagsterInstance, run_id: str) -> list[dict]:
    """The failed check evaluations of one run that may post: ERROR, or passing (or never evaluated)
    before this run (alerts/fatigue.py). Per-run queries work on every event log storage."""
    failures = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.asset_check_evaluation_data
        if evaluation.passed or evaluation.asset_key in ALERTED_IN_RUN:
            continue
        passed_before = previous_outcome(instance, evaluation.asset_check_key, run_id)
        if not may_post(passed=False, severity=evaluation.severity.value, passed_before=passed_before):
            continue
        failures.append({
            "asset_key": evaluation.asset_key.to_user_string(),
            "check_name": evaluation.check_name,
            "severity": evaluation.severity.value,
            "description": evaluation.description or "",
        })
    return failures


def _post_failed_checks(context, slack: GlaiveSlackResource, run_id: str) -> None:
    failures = failed_checks_in_run(context.instance, run_id)
    if failures:
        message = format_check_failure_message(failures, run_url(run_id))
        outcome = send_alert(slack, message, context.log)
        context.log.info(f"run {run_id}: {len(failures)} failed checks to post, alert {outcome.status}")


@dg.run_status_sensor(
    name="slack_on_check_failure",
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "After each successful run, posts its failed asset checks (bias, and any check not alerted from "
        "the run) to Slack in one message: only those that are ERROR or did not fail on their previous evaluation."
    ),
)
def check_failure_sensor(context: dg.RunStatusSensorContext, slack: GlaiveSlackResource) -> None:
    # A failed check does not fail its run (unless blocking), so run-failure alerts never see it.
    _post_failed_checks(context, slack, context.dagster_run.run_id)


@dg.run_failure_sensor(
    name="slack_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Posts failed runs to Slack, then their failed checks as slack_on_check_failure does (the schema "
        "suite's verdict is in the run's own quality alert)."
    ),
)
def run_failure_sensor(context: dg.RunFailureSensorContext, slack: GlaiveSlackResource) -> None:
    run = context.dagster_run
    message = format_run_failure_message(
        run.job_name, run.run_id, context.failure_event.message or "", run_url(run.run_id)
    )
    send_alert(slack, message, context.log)
    _post_failed_checks(context, slack, run.run_id)
