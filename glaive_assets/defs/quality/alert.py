"""The run's own data-quality alert: one Slack message from quality_reports, so it is sent however the
run started (UI, CLI, sensor) and also when the schema suite withholds the training outputs.

The alert-fatigue rule (alerts/fatigue.py) decides what it lists: a breached rule that was breached on
its previous evaluation too, at WARN, is only named; a withheld run is ERROR and always posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from glaive_assets.alerts import AlertOutcome, format_anomaly_message, send_alert
from glaive_assets.alerts.fatigue import split_by_rule
from glaive_assets.config.settings import run_url
from glaive_assets.defs.alerts.history import previous_outcomes
from glaive_assets.defs.alerts.resources import GlaiveSlackResource

ANOMALY_REPORT = dg.AssetKey("anomaly_report")
UNCHANGED = "not_sent_unchanged"  # slack_alert_status of a rule already breached on its previous evaluation


@dataclass(frozen=True)
class QualityAlert:
    """What the run's alert listed and what became of it (outcome None: nothing was allowed to post)."""

    posted_rules: list[str] = field(default_factory=list)
    unchanged_rules: list[str] = field(default_factory=list)
    outcome: AlertOutcome | None = None

    def metadata_for(self, rule: str) -> dict[str, str]:
        """The alert's status, for the check result of `rule` (empty for a rule that held)."""
        if rule in self.unchanged_rules:
            return {"slack_alert_status": UNCHANGED}
        if rule in self.posted_rules and self.outcome is not None:
            return self.outcome.as_metadata()
        return {}

    def as_metadata(self) -> dict[str, Any]:
        status = self.outcome.status if self.outcome is not None else "not_sent_nothing_new"
        return {"slack_alert_status": status, "slack_alert_rules": ", ".join(self.posted_rules) or "none"}


def send_quality_alert(
    context: dg.AssetExecutionContext, slack: GlaiveSlackResource, anomaly_report: dict[str, Any]
) -> QualityAlert:
    """Post the anomaly report's news, if the rule lets any of it post; never raises for Slack's sake."""
    run_id = context.run.run_id
    breached = [(check["check"], check["severity"]) for check in anomaly_report["checks"] if check["is_anomaly"]]
    keys = {rule: dg.AssetCheckKey(ANOMALY_REPORT, f"anomaly_{rule}") for rule, _ in breached}
    before = previous_outcomes(context.instance, keys.values(), run_id)
    posted, unchanged = split_by_rule(breached, {rule: before[key] for rule, key in keys.items()})
    withheld = anomaly_report["training_outputs"]["withheld"]
    if not posted and not withheld:
        if unchanged:
            context.log.info(f"no Slack alert: {', '.join(unchanged)} were breached on the previous run too")
        return QualityAlert(unchanged_rules=unchanged)
    message = format_anomaly_message(anomaly_report, run_id, run_url(run_id), unchanged=set(unchanged))
    return QualityAlert(posted, unchanged, send_alert(slack, message, context.log))
