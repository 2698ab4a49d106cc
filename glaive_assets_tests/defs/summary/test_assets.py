"""pipeline_summary: every stage's status from its own artifact, the run settings from glaive_raw, the
gate's verdict from the anomaly report, and the run that wrote each artifact from the manifest."""

import dagster as dg
import orjson

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.summary.assets import pipeline_summary
from glaive_assets.sources.errors import UnreadableRow
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, write_json, write_jsonl
from glaive_assets.storage.manifest import update_manifest
from glaive_assets.storage.stages import write_raw

THIS_RUN = "EPHEMERAL"  # the run id of a directly invoked asset
GATE = {"gate": "schema_suite", "passed": False, "withheld": True, "expectations_passed": 65,
        "expectations_total": 66, "failed_expectations": [{
            "expectation": "expect_table_row_count_to_be_between", "column": None,
            "expected": {"min_value": 2, "max_value": 3}, "observed": 1}]}


def _jsonl(data_dir, name, rows):
    with write_jsonl(data_dir, name) as out:
        for index in range(rows):
            out.write({"source_index": index})
    return out.artifact


def test_the_summary_of_a_withheld_run_names_the_gate_and_the_older_artifacts(data_dir):
    raw = write_raw(data_dir, [(0, {"system": "s", "chat": "c"}), (1, {}), (2, UnreadableRow("{", "bad"))],
                    SourceSettings("/rows.jsonl", 3, 11))
    inputs = {
        "glaive_raw": raw,
        "glaive_processed": _jsonl(data_dir, "glaive_processed", 1),
        "glaive_rejects": _jsonl(data_dir, "glaive_rejects", 2),
        "anomaly_report": write_json(data_dir, "anomaly_report", {"total_checks": 8, "checks": [
            {"check": "reject_rate", "is_anomaly": True, "severity": "WARN"}], "training_outputs": GATE}),
        "bias_report": write_json(data_dir, "bias_report", {"bias_detected": True, "findings_count": 4}),
    }
    update_manifest(data_dir, [_jsonl(data_dir, "glaive_chatml", 5)], run_id="older-run")
    update_manifest(data_dir, list(inputs.values()), run_id=THIS_RUN)
    context = dg.build_asset_context(resources={"storage": GlaiveStorage(data_dir=str(data_dir))})
    written = pipeline_summary(context, **inputs)

    summary = orjson.loads((data_dir / ARTIFACT_PATHS["pipeline_summary"]).read_bytes())
    assert (summary["run_id"], summary["raw_sha256"], summary["status"]) == (THIS_RUN, raw.sha256, "failed")
    assert summary["source"] == {"source": "/rows.jsonl", "requested_sample_size": 3, "seed": 11}
    assert {name: stage["status"] for name, stage in summary["stages"].items()} == {
        "ingest": "warning", "transform": "warning", "schema_validation": "failed",
        "anomaly_detection": "warning", "bias_analysis": "warning", "training_outputs": "failed",
    }
    assert summary["stages"]["ingest"] == {"status": "warning", "raw_rows": 3, "unreadable_rows": 1}
    assert summary["stages"]["training_outputs"]["withheld_by"] == "schema_suite"
    assert summary["from_older_runs"] == ["glaive_chatml"]
    assert summary["artifacts"]["glaive_chatml"] == {"run_id": "older-run", "from_this_run": False, "rows": 5}

    assert written.metadata["status"] == dg.MetadataValue.text("failed")
    assert written.metadata["run_id"] == dg.MetadataValue.text(THIS_RUN)
    assert written.metadata["raw_sha256"] == dg.MetadataValue.text(raw.sha256)
    assert written.metadata["training_outputs_withheld_by"] == dg.MetadataValue.text("schema_suite")
    assert written.metadata["from_older_runs"] == dg.MetadataValue.text("glaive_chatml")
    assert "| training_outputs | **failed** |" in written.metadata["stages"].value


def test_the_summary_waits_for_nothing_that_the_gate_holds_back_and_goes_last():
    [deps] = pipeline_summary.asset_deps.values()
    assert {key.to_user_string() for key in deps} == {
        "glaive_raw", "glaive_processed", "glaive_rejects", "anomaly_report", "bias_report"}
    assert pipeline_summary.op.tags["dagster/priority"] == "-1"
