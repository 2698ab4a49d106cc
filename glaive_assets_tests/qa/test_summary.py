"""pipeline_summary: each stage from its own evidence, the gate's verdict, and the artifacts of older runs."""

from glaive_assets.qa.summary import artifacts_by_run, build_pipeline_summary

RUN = "run-2"
PASSED_GATE = {"gate": "schema_suite", "passed": True, "withheld": False, "expectations_passed": 66,
               "expectations_total": 66, "failed_expectations": []}
FAILED_GATE = {"gate": "schema_suite", "passed": False, "withheld": True, "expectations_passed": 65,
               "expectations_total": 66, "failed_expectations": [{
                   "expectation": "expect_table_row_count_to_be_between", "column": None,
                   "expected": {"min_value": 24, "max_value": 29}, "observed": 17}]}


def _entry(run_id, rows):
    return {"run_id": run_id, "rows": rows, "sha256": "x", "path": "p", "size_bytes": 1}


MANIFEST = {
    "glaive_raw": _entry(RUN, 100), "glaive_processed": _entry(RUN, 100), "glaive_rejects": _entry(RUN, 0),
    "glaive_chatml": _entry(RUN, 100), "anomaly_report": _entry(RUN, 1), "bias_report": _entry(RUN, 1),
    "validation_report": _entry(RUN, 1), "pipeline_summary": _entry("run-1", 1),
}
GOOD = dict(
    run_id=RUN, raw_sha256="ab" * 32, raw_rows=100, unreadable_rows=0, processed_rows=100, rejected_rows=0,
    anomaly_report={"total_checks": 8, "checks": [{"check": "reject_rate", "is_anomaly": False, "severity": "WARN"}],
                    "training_outputs": PASSED_GATE},
    bias_report={"bias_detected": False, "findings_count": 0, "known_source_gaps": [
        {"slice": "has_parallel", "value": True}]},
    source={"source": "sample"},
    manifest_artifacts=MANIFEST,
    stale={},
)


def test_all_good_is_ok_and_every_artifact_is_from_this_run():
    summary = build_pipeline_summary(**GOOD)
    assert (summary["run_id"], summary["raw_sha256"], summary["status"]) == (RUN, "ab" * 32, "ok")
    assert {name: stage["status"] for name, stage in summary["stages"].items()} == {
        "ingest": "ok", "transform": "ok", "schema_validation": "ok", "anomaly_detection": "ok",
        "bias_analysis": "ok", "training_outputs": "ok",
    }
    assert summary["stages"]["training_outputs"] == {
        "status": "ok", "withheld": False, "withheld_by": None, "chatml_rows": 100, "processed_rows": 100}
    assert summary["stages"]["bias_analysis"]["known_source_gaps"] == ["has_parallel=True"]
    assert summary["from_older_runs"] == []
    assert "pipeline_summary" not in summary["artifacts"]  # the one being written now


def test_a_withheld_run_names_the_gate_its_failures_and_the_older_artifacts():
    manifest = {**MANIFEST, "glaive_chatml": _entry("run-1", 90), "train_split": _entry("run-1", 80)}
    summary = build_pipeline_summary(**{**GOOD, "processed_rows": 60, "rejected_rows": 40, "manifest_artifacts": manifest,
                                        "anomaly_report": {**GOOD["anomaly_report"], "training_outputs": FAILED_GATE},
                                        "stale": {"glaive_chatml": ["glaive_processed"]}})
    assert summary["status"] == "failed"
    assert summary["stages"]["training_outputs"] == {
        "status": "failed", "withheld": True, "withheld_by": "schema_suite",
        "reason": "the blocking check schema_suite failed: the previous training files are kept"}
    assert summary["stages"]["schema_validation"] == {
        "status": "failed", "expectations_passed": 65, "expectations_total": 66,
        "failed_expectations": ["expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29"]}
    assert summary["from_older_runs"] == ["glaive_chatml", "train_split"]
    assert summary["stale"] == {"glaive_chatml": ["glaive_processed"]}
    assert summary["artifacts"]["glaive_chatml"] == {"run_id": "run-1", "from_this_run": False, "rows": 90}


def test_each_stage_reports_its_own_evidence():
    breached = [{"check": "reject_rate", "is_anomaly": True, "severity": "WARN"},
                {"check": "row_count", "is_anomaly": False, "severity": "ERROR"}]
    summary = build_pipeline_summary(**{**GOOD, "rejected_rows": 3, "processed_rows": 97, "unreadable_rows": 1,
                                        "manifest_artifacts": {**MANIFEST, "glaive_chatml": _entry(RUN, 97)},
                                        "anomaly_report": {**GOOD["anomaly_report"], "checks": breached}})
    assert summary["status"] == "warning"
    assert summary["stages"]["ingest"] == {"status": "warning", "raw_rows": 100, "unreadable_rows": 1}
    assert summary["stages"]["transform"]["reject_rate"] == 0.03
    assert summary["stages"]["anomaly_detection"] == {
        "status": "warning", "anomalies_found": 1, "total_checks": 8, "breached": ["reject_rate"]}

    error_rule = [{**breached[1], "is_anomaly": True}]
    broken = build_pipeline_summary(**{**GOOD, "rejected_rows": 5, "anomaly_report": {
        **GOOD["anomaly_report"], "checks": error_rule}})
    assert broken["stages"]["transform"]["accounted"] is False
    assert broken["stages"]["transform"]["status"] == "failed"
    assert broken["stages"]["anomaly_detection"]["status"] == "failed"  # an ERROR rule breached
    assert broken["status"] == "failed"


def test_training_outputs_not_yet_written_by_this_run_are_a_warning():
    summary = build_pipeline_summary(**{**GOOD, "manifest_artifacts": {**MANIFEST, "glaive_chatml": _entry("run-1", 100)}})
    assert summary["stages"]["training_outputs"]["status"] == "warning"
    assert summary["from_older_runs"] == ["glaive_chatml"]
    short = build_pipeline_summary(**{**GOOD, "manifest_artifacts": {**MANIFEST, "glaive_chatml": _entry(RUN, 99)}})
    assert short["stages"]["training_outputs"]["status"] == "failed"


def test_artifacts_without_a_recorded_run_count_as_older():
    assert artifacts_by_run({"glaive_raw": {"rows": 3}, "pipeline_summary": {"rows": 1}}, RUN) == {
        "glaive_raw": {"run_id": None, "from_this_run": False, "rows": 3}}


def test_several_sources_are_accounted_each_and_one_broken_fails_the_transform():
    def entry(name, raw, done, dropped):
        return {"source": name, "format": "glaive", "raw_rows": raw, "processed_rows": done,
                "rejected_rows": dropped, "reject_rate": 0.0, "accounted": raw == done + dropped}
    by_source = [entry("a.jsonl", 60, 60, 0), entry("b.jsonl", 40, 40, 0)]
    summary = build_pipeline_summary(**{**GOOD, "bias_report": {**GOOD["bias_report"], "sources": by_source}})
    assert summary["stages"]["transform"]["by_source"] == by_source
    assert (summary["stages"]["transform"]["status"], summary["stages"]["transform"]["accounted"]) == ("ok", True)
    # The totals add up, but one source's do not: the transform fails.
    broken = [entry("a.jsonl", 60, 61, 0), entry("b.jsonl", 40, 39, 0)]
    summary = build_pipeline_summary(**{**GOOD, "bias_report": {**GOOD["bias_report"], "sources": broken}})
    assert (summary["stages"]["transform"]["status"], summary["stages"]["transform"]["accounted"]) == ("failed", False)
