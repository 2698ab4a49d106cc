"""Slack alerts for what Dagster OSS does not alert on by itself: failed asset checks (dagster issue
#29896) and failed runs. Both use our Slack resource, so SLACK_API_BASE_URL and timeouts apply.

dagster-slack's make_slack_on_run_failure_sensor builds its own WebClient from a plain token string at
load time: it cannot be redirected to SLACK_API_BASE_URL, has no timeout, and raises on Slack errors,
so the run-failure sensor below is the same idea written on run_failure_sensor with our resource.
"""


from collections import defaultdict

import dagster as dg

from glaive_assets.alerts import (
    GlaiveSlackResource,
    format_check_failure_message,
    format_run_failure_message,
    send_alert,
)
from glaive_assets.settings import ui_url

# Anomaly rules already send one message from inside the run; don't post them twice.
ALERTED_IN_RUN_PREFIX = "anomaly_"
_BATCH = 200


def failed_check_evaluations(instance: dg.DagsterInstance, after_storage_id: int | None) -> tuple[dict[str, list[dict]], int | None]:
    """Failed check evaluations since the cursor, grouped by run, and the new cursor."""
    records = instance.event_log_storage.get_event_records(
        dg.EventRecordsFilter(event_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, after_cursor=after_storage_id),
        limit=_BATCH,
        ascending=True,
    )
    failures: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        if evaluation.passed or evaluation.check_name.startswith(ALERTED_IN_RUN_PREFIX):
            continue
        failures[record.run_id].append({
            "asset_key": evaluation.asset_key.to_user_string(),
            "check_name": evaluation.check_name,
            "severity": evaluation.severity.value,
            "description": evaluation.description or "",
        })
    return dict(failures), (records[-1].storage_id if records else after_storage_id)


@dg.sensor(
    name="slack_on_check_failure",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts failed asset checks (schema, bias) to Slack, one message per run.",
)
def check_failure_sensor(context: dg.SensorEvaluationContext, slack: GlaiveSlackResource) -> dg.SkipReason:
    after = int(context.cursor) if context.cursor else None
    failures, cursor = failed_check_evaluations(context.instance, after)
    for run_id, run_failures in failures.items():
        outcome = send_alert(slack, format_check_failure_message(run_failures, f"{ui_url()}/runs/{run_id}"), context.log)
        context.log.info(f"run {run_id}: {len(run_failures)} failed checks, alert {outcome.status}")
    # The cursor moves on even when Slack failed, so a Slack outage cannot cause an alert storm later.
    if cursor is not None:
        context.update_cursor(str(cursor))
    count = sum(map(len, failures.values()))
    return dg.SkipReason(f"{count} failed checks in {len(failures)} runs" if count else "no new failed checks")


@dg.run_failure_sensor(
    name="slack_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts failed runs to Slack.",
)
def run_failure_sensor(context: dg.RunFailureSensorContext, slack: GlaiveSlackResource) -> None:
    run = context.dagster_run
    message = format_run_failure_message(
        run.job_name, run.run_id, context.failure_event.message or "", f"{ui_url()}/runs/{run.run_id}"
    )
    send_alert(slack, message, context.log)
