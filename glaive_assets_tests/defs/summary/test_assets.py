"""pipeline_summary: every stage's status from its own artifact, and the run settings from glaive_raw."""

import dagster as dg
import orjson

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.summary.assets import pipeline_summary
from glaive_assets.sources.errors import UnreadableRow
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, write_json, write_jsonl
from glaive_assets.storage.stages import write_raw


def _jsonl(data_dir, name, rows):
    with write_jsonl(data_dir, name) as out:
        for index in range(rows):
            out.write({"source_index": index})
    return out.artifact


def test_the_summary_reads_each_stage_and_the_typed_raw_record(data_dir):
    raw = write_raw(data_dir, [(0, {"system": "s", "chat": "c"}), (1, {}), (2, UnreadableRow("{", "bad"))],
                    SourceSettings("/rows.jsonl", 3, 11))
    inputs = {
        "glaive_raw": raw,
        "glaive_processed": _jsonl(data_dir, "glaive_processed", 2),
        "glaive_rejects": _jsonl(data_dir, "glaive_rejects", 1),
        "glaive_chatml": _jsonl(data_dir, "glaive_chatml", 2),
        "validation_report": write_json(data_dir, "validation_report", {"success": True, "passed": 20, "failed": 0}),
        "anomaly_report": write_json(data_dir, "anomaly_report", {"pipeline_healthy": True, "anomalies_found": 0,
                                                                  "total_checks": 8}),
        "bias_report": write_json(data_dir, "bias_report", {"bias_detected": True, "findings_count": 4}),
    }
    context = dg.build_asset_context(resources={"storage": GlaiveStorage(data_dir=str(data_dir))})
    written = pipeline_summary(context, **inputs)

    summary = orjson.loads((data_dir / ARTIFACT_PATHS["pipeline_summary"]).read_bytes())
    assert summary["source"] == {"source": "/rows.jsonl", "requested_sample_size": 3, "seed": 11}
    assert {name: stage["status"] for name, stage in summary["stages"].items()} == {
        "ingest": "warning", "transform": "warning", "chatml": "ok",
        "schema_validation": "ok", "anomaly_detection": "ok", "bias_analysis": "warning",
    }
    assert summary["stages"]["ingest"] == {"status": "warning", "raw_rows": 3, "unreadable_rows": 1}
    assert written.metadata["status"] == dg.MetadataValue.text("warning")
    assert "| bias_analysis | **warning** |" in written.metadata["stages"].value
