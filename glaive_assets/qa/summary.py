"""pipeline_summary: what each stage of one run did, from its own evidence (no Dagster).

Written on every run, including one whose training outputs the schema suite withheld, so it never
reads glaive_chatml or the validation report as inputs: the gate's verdict comes inside the anomaly
report (qa/gate.py), and the manifest says which run wrote each artifact on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glaive_assets.qa.gate import describe_failure

OK, WARNING, FAILED = "ok", "warning", "failed"
SUMMARY = "pipeline_summary"
CHATML = "glaive_chatml"


def _stage(status: str, **details: Any) -> dict[str, Any]:
    return {"status": status, **details}


def artifacts_by_run(manifest_artifacts: Mapping[str, Mapping[str, Any]], run_id: str) -> dict[str, dict[str, Any]]:
    """Each artifact on disk (but the summary itself) with the run that wrote it and whether that is `run_id`."""
    return {
        name: {"run_id": entry.get("run_id"), "from_this_run": entry.get("run_id") == run_id, "rows": entry.get("rows")}
        for name, entry in sorted(manifest_artifacts.items())
        if name != SUMMARY
    }


def _training_outputs(gate: Mapping[str, Any], chatml: Mapping[str, Any] | None, processed_rows: int) -> dict[str, Any]:
    if gate.get("withheld", True):
        return _stage(FAILED, withheld=True, withheld_by=gate.get("gate"),
                      reason=f"the blocking check {gate.get('gate')} failed: the previous training files are kept")
    if chatml is None or not chatml["from_this_run"]:
        return _stage(WARNING, withheld=False, withheld_by=None,
                      reason=f"{CHATML} was not written by this run before this summary")
    return _stage(OK if chatml["rows"] == processed_rows else FAILED, withheld=False, withheld_by=None,
                  chatml_rows=chatml["rows"], processed_rows=processed_rows)


def _anomaly_stage(anomaly_report: Mapping[str, Any]) -> dict[str, Any]:
    breached = [check for check in anomaly_report.get("checks", []) if check.get("is_anomaly")]
    status = FAILED if any(check.get("severity") == "ERROR" for check in breached) else WARNING if breached else OK
    return _stage(status, anomalies_found=len(breached), total_checks=anomaly_report.get("total_checks"),
                  breached=[check["check"] for check in breached])


def build_pipeline_summary(
    *,
    run_id: str,
    raw_sha256: str,
    raw_rows: int,
    unreadable_rows: int,
    processed_rows: int,
    rejected_rows: int,
    anomaly_report: Mapping[str, Any],
    bias_report: Mapping[str, Any],
    source: dict[str, Any],
    manifest_artifacts: Mapping[str, Mapping[str, Any]],
    stale: Mapping[str, list[str]],
) -> dict[str, Any]:
    """Summarize run `run_id`. A stage fails when its own evidence says so; nothing here is a constant."""
    by_source = bias_report.get("sources")  # several sources: the accounting of each
    accounted = raw_rows == processed_rows + rejected_rows and all(entry["accounted"] for entry in by_source or ())
    gate = anomaly_report.get("training_outputs", {})
    artifacts = artifacts_by_run(manifest_artifacts, run_id)
    stages = {
        "ingest": _stage(
            FAILED if raw_rows == 0 else WARNING if unreadable_rows else OK,
            raw_rows=raw_rows,
            unreadable_rows=unreadable_rows,
        ),
        "transform": _stage(
            FAILED if not accounted else WARNING if rejected_rows else OK,
            processed_rows=processed_rows,
            rejected_rows=rejected_rows,
            accounted=accounted,
            reject_rate=round(rejected_rows / raw_rows, 6) if raw_rows else None,
            **({"by_source": by_source} if by_source else {}),
        ),
        "schema_validation": _stage(
            OK if gate.get("passed") else FAILED,
            expectations_passed=gate.get("expectations_passed"),
            expectations_total=gate.get("expectations_total"),
            failed_expectations=[describe_failure(failure) for failure in gate.get("failed_expectations", [])],
        ),
        "anomaly_detection": _anomaly_stage(anomaly_report),
        "bias_analysis": _stage(
            WARNING if bias_report.get("bias_detected") else OK,
            findings_count=bias_report.get("findings_count"),
            known_source_gaps=[f"{gap['slice']}={gap['value']}" for gap in bias_report.get("known_source_gaps", [])],
        ),
        "training_outputs": _training_outputs(gate, artifacts.get(CHATML), processed_rows),
    }
    statuses = {stage["status"] for stage in stages.values()}
    overall = FAILED if FAILED in statuses else WARNING if WARNING in statuses else OK
    return {
        "run_id": run_id,
        "raw_sha256": raw_sha256,
        "status": overall,
        "source": source,
        "stages": stages,
        "artifacts": artifacts,
        "from_older_runs": [name for name, artifact in artifacts.items() if not artifact["from_this_run"]],
        "stale": dict(stale),
    }
