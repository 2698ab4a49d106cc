"""Anomaly and bias checks on glaive_processed. Each reads the report asset that computed it, so the
statistics run once per run, and the UI shows the verdicts beside glaive_processed. (The blocking
schema check is in schema_suite.py.)"""

from collections.abc import Iterator

import dagster as dg

from glaive_assets.alerts import format_anomaly_message, send_alert
from glaive_assets.config.settings import run_url
from glaive_assets.defs.alerts.resources import GlaiveSlackResource
from glaive_assets.qa import anomaly, bias
from glaive_assets.qa.markdown import format_share
from glaive_assets.storage.artifacts import Artifact, read_json

PROCESSED = dg.AssetKey("glaive_processed")
SEVERITY = {"WARN": dg.AssetCheckSeverity.WARN, "ERROR": dg.AssetCheckSeverity.ERROR}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(name=f"anomaly_{rule}", asset=PROCESSED, additional_deps=["anomaly_report"], description=meaning)
        for rule, meaning in anomaly.RULES.items()
    ],
    ins={"anomaly_report": dg.AssetIn("anomaly_report")},
    description="One result per anomaly rule; a run that finds anomalies sends one Slack message.",
)
def anomaly_checks(
    context: dg.AssetCheckExecutionContext, slack: GlaiveSlackResource, anomaly_report: Artifact
) -> Iterator[dg.AssetCheckResult]:
    report = read_json(anomaly_report.path)
    alert_metadata: dict[str, str] = {}
    if report["anomalies_found"]:
        run_id = context.run.run_id
        message = format_anomaly_message(report, run_id, run_url(run_id))
        alert_metadata = send_alert(slack, message, context.log).as_metadata()
    for check in report["checks"]:
        yield dg.AssetCheckResult(
            asset_key=PROCESSED,
            check_name=f"anomaly_{check['check']}",
            passed=not check["is_anomaly"],
            severity=SEVERITY[check["severity"]],
            description=check["message"],
            metadata={
                "value": check["value"],
                "threshold": check["threshold"],
                "comparison": check["comparison"],
                **(alert_metadata if check["is_anomaly"] else {}),
            },
        )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(name=f"bias_{family}", asset=PROCESSED, additional_deps=["bias_report"],
                          description=f"No under-represented slice value in the {family} slices")
        for family in bias.FAMILIES
    ],
    ins={"bias_report": dg.AssetIn("bias_report")},
    description="Representation bias, one check per family of slices (WARN).",
)
def bias_checks(bias_report: Artifact) -> Iterator[dg.AssetCheckResult]:
    report = read_json(bias_report.path)
    for family, findings in bias.bias_findings_by_family(report).items():
        yield dg.AssetCheckResult(
            asset_key=PROCESSED,
            check_name=f"bias_{family}",
            passed=not findings,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{len(findings)} under-represented slice values" if findings else "balanced",
            metadata={
                "findings": len(findings),
                "flagged": ", ".join(f"{f['slice']}={f['value']} ({format_share(f['share'])})" for f in findings) or "none",
            },
        )
