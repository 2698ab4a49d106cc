"""The quality checks. Each sits on the report that holds its evidence:

- schema_suite on validation_report: blocking, ERROR. glaive_chatml depends on validation_report, so it
  is built only when the suite passed. A step of its own, so that nothing else waits for it.
- anomaly_<rule> (8) on anomaly_report and bias_<family> (4) on bias_report: evaluated by
  quality_reports itself (assets.py), on every run, whatever the schema suite says.
"""

from collections.abc import Iterator

import dagster as dg

from glaive_assets.defs.quality.alert import QualityAlert
from glaive_assets.qa import anomaly, bias
from glaive_assets.qa.gate import GATE_CHECK, describe_failure, training_gate
from glaive_assets.qa.markdown import format_share
from glaive_assets.storage.artifacts import Artifact, read_json

VALIDATION_REPORT = dg.AssetKey("validation_report")
ANOMALY_REPORT = dg.AssetKey("anomaly_report")
BIAS_REPORT = dg.AssetKey("bias_report")
SEVERITY = {"WARN": dg.AssetCheckSeverity.WARN, "ERROR": dg.AssetCheckSeverity.ERROR}

ANOMALY_CHECKS = [
    dg.AssetCheckSpec(name=f"anomaly_{rule}", asset=ANOMALY_REPORT, description=meaning)
    for rule, meaning in anomaly.RULES.items()
]
BIAS_CHECKS = [
    dg.AssetCheckSpec(name=f"bias_{family}", asset=BIAS_REPORT,
                      description=f"No under-represented slice value in the {family} slices (known source gaps excepted)")
    for family in bias.FAMILIES
]


@dg.asset_check(
    asset=VALIDATION_REPORT,
    name=GATE_CHECK,
    blocking=True,
    description=(
        "The GX schema suite passed. Blocking at ERROR: glaive_chatml, and everything built from it, "
        "is not written from records that fail it; the previous files stay as they were."
    ),
)
def schema_suite(validation_report: Artifact) -> dg.AssetCheckResult:
    report = read_json(validation_report.path)
    gate = training_gate(report)
    failures = [describe_failure(failure) for failure in gate["failed_expectations"]]
    return dg.AssetCheckResult(
        passed=gate["passed"],
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"{report['passed']}/{report['total']} expectations passed"
        + ("; the training outputs are withheld" if gate["withheld"] else ""),
        metadata={
            "passed": report["passed"],
            "failed": report["failed"],
            "failed_expectations": dg.MetadataValue.md("\n".join(f"- `{line}`" for line in failures) or "none"),
            "run_id": report["run_id"],
            "raw_sha256": report["raw_sha256"],
        },
    )


def anomaly_check_results(report: dict, alert: QualityAlert) -> Iterator[dg.AssetCheckResult]:
    """One result per anomaly rule; a breached one carries what became of the Slack alert."""
    for check in report["checks"]:
        yield dg.AssetCheckResult(
            asset_key=ANOMALY_REPORT,
            check_name=f"anomaly_{check['check']}",
            passed=not check["is_anomaly"],
            severity=SEVERITY[check["severity"]],
            description=check["message"],
            metadata={
                "value": check["value"],
                "threshold": check["threshold"],
                "comparison": check["comparison"],
                **alert.metadata_for(check["check"]),
            },
        )


def _listed(entries: list[dict]) -> str:
    return ", ".join(f"{entry['slice']}={entry['value']} ({format_share(entry['share'])})" for entry in entries) or "none"


def bias_check_results(report: dict) -> Iterator[dg.AssetCheckResult]:
    """One result per family of slices: fails on findings; known source gaps are named, never failed."""
    known_gaps = bias.known_gaps_by_family(report)
    for family, findings in bias.bias_findings_by_family(report).items():
        gaps = known_gaps.get(family, [])
        description = f"{len(findings)} under-represented slice values" if findings else "balanced"
        if gaps:
            description += "; known source gaps: " + ", ".join(f"{gap['slice']}={gap['value']}" for gap in gaps)
        yield dg.AssetCheckResult(
            asset_key=BIAS_REPORT,
            check_name=f"bias_{family}",
            passed=not findings,
            severity=dg.AssetCheckSeverity.WARN,
            description=description,
            metadata={"findings": len(findings), "flagged": _listed(findings), "known_source_gaps": _listed(gaps)},
        )
