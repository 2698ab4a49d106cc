"""pipeline_summary: each stage's real status, derived from the artifacts and reports (no Dagster)."""

from __future__ import annotations

from typing import Any

OK, WARNING, FAILED = "ok", "warning", "failed"


def _stage(status: str, **details: Any) -> dict[str, Any]:
    return {"status": status, **details}


def build_pipeline_summary(
    *,
    raw_rows: int,
    unreadable_rows: int,
    processed_rows: int,
    rejected_rows: int,
    chatml_rows: int,
    validation_report: dict[str, Any],
    anomaly_report: dict[str, Any],
    bias_report: dict[str, Any],
    source: dict[str, Any],
) -> dict[str, Any]:
    """Summarize the run. A stage fails when its own evidence says so; nothing here is a constant."""
    accounted = raw_rows == processed_rows + rejected_rows
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
        ),
        "chatml": _stage(
            OK if chatml_rows == processed_rows and chatml_rows > 0 else FAILED,
            chatml_rows=chatml_rows,
            processed_rows=processed_rows,
        ),
        "schema_validation": _stage(
            OK if validation_report.get("success") else FAILED,
            passed=validation_report.get("passed"),
            failed=validation_report.get("failed"),
        ),
        "anomaly_detection": _stage(
            OK if anomaly_report.get("pipeline_healthy") else WARNING,
            anomalies_found=anomaly_report.get("anomalies_found"),
            total_checks=anomaly_report.get("total_checks"),
        ),
        "bias_analysis": _stage(
            WARNING if bias_report.get("bias_detected") else OK,
            findings_count=bias_report.get("findings_count"),
        ),
    }
    statuses = {stage["status"] for stage in stages.values()}
    overall = FAILED if FAILED in statuses else WARNING if WARNING in statuses else OK
    return {"status": overall, "source": source, "stages": stages}
