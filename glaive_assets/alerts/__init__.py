"""Slack alerting: the resource, the message formatters and a send that never fails the run."""

from glaive_assets.alerts.messages import (
    format_anomaly_message,
    format_check_failure_message,
    format_run_failure_message,
)
from glaive_assets.alerts.resource import GlaiveSlackResource, slack_resource_from_env
from glaive_assets.alerts.send import AlertOutcome, send_alert

__all__ = [
    "AlertOutcome",
    "GlaiveSlackResource",
    "format_anomaly_message",
    "format_check_failure_message",
    "format_run_failure_message",
    "send_alert",
    "slack_resource_from_env",
]
