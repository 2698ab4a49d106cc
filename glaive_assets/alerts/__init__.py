"""Slack alerting without Dagster: the message formatters, a send that never fails the run, and the
alert-fatigue rule (alerts.fatigue). (The Dagster resource that configures it from the environment is
in defs/alerts/resources.py.)"""

from glaive_assets.alerts.messages import (
    format_anomaly_message,
    format_check_failure_message,
    format_run_failure_message,
)
from glaive_assets.alerts.send import AlertOutcome, SlackTarget, send_alert

__all__ = [
    "AlertOutcome",
    "SlackTarget",
    "format_anomaly_message",
    "format_check_failure_message",
    "format_run_failure_message",
    "send_alert",
]
