from glaive_assets.qa.summary import build_pipeline_summary

GOOD = dict(
    raw_rows=100, unreadable_rows=0, processed_rows=100, rejected_rows=0, chatml_rows=100,
    validation_report={"success": True, "passed": 20, "failed": 0},
    anomaly_report={"pipeline_healthy": True, "anomalies_found": 0, "total_checks": 8},
    bias_report={"bias_detected": False, "findings_count": 0},
    source={"source": "sample"},
)


def test_all_good_is_ok():
    summary = build_pipeline_summary(**GOOD)
    assert summary["status"] == "ok"
    assert {name: stage["status"] for name, stage in summary["stages"].items()} == {
        "ingest": "ok", "transform": "ok", "chatml": "ok",
        "schema_validation": "ok", "anomaly_detection": "ok", "bias_analysis": "ok",
    }


def test_each_stage_reports_its_own_evidence():
    summary = build_pipeline_summary(**{**GOOD, "rejected_rows": 3, "processed_rows": 97, "chatml_rows": 97,
                                        "anomaly_report": {"pipeline_healthy": False, "anomalies_found": 2}})
    assert summary["status"] == "warning"
    assert summary["stages"]["transform"]["status"] == "warning"
    assert summary["stages"]["transform"]["reject_rate"] == 0.03
    assert summary["stages"]["anomaly_detection"]["anomalies_found"] == 2

    broken = build_pipeline_summary(**{**GOOD, "rejected_rows": 5, "chatml_rows": 90,
                                       "validation_report": {"success": False, "passed": 19, "failed": 1}})
    assert broken["status"] == "failed"
    assert broken["stages"]["transform"]["accounted"] is False
    assert broken["stages"]["transform"]["status"] == "failed"
    assert broken["stages"]["chatml"]["status"] == "failed"
    assert broken["stages"]["schema_validation"]["status"] == "failed"
