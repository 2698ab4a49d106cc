"""The asset graph end to end, in process: real sources, real GX, a temporary data dir and DAGSTER_HOME."""

import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg
import orjson
import pytest

from glaive_assets.core import reasons
from glaive_assets.storage.artifacts import ARTIFACT_FILES, ARTIFACT_PATHS
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets_tests.harness.dagster_helpers import (
    check_results,
    materializations,
    materialize,
    read_lines,
    run_config,
    sample_rows,
    write_jsonl_source,
)

ALL_ARTIFACTS = [*ARTIFACT_PATHS, *ARTIFACT_FILES]


def test_whole_graph_on_the_sample(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=300, seed=11))
    assert result.success

    # Every artifact exists, and the manifest's hash and row count are the file's.
    manifest = read_manifest(data_dir)["artifacts"]
    assert set(manifest) == set(ALL_ARTIFACTS)
    recorded = [(name, manifest[name], relative) for name, relative in ARTIFACT_PATHS.items()]
    recorded += [(f"{name}/{part}", manifest[name]["files"][part], relative)
                 for name, files in ARTIFACT_FILES.items() for part, relative in files.items()]
    for name, entry, relative in recorded:
        body = (data_dir / relative).read_bytes()
        assert entry["sha256"] == hashlib.sha256(body).hexdigest(), name
        assert entry["size_bytes"] == len(body), name
    raw, processed, rejects, chatml = (read_lines(data_dir / ARTIFACT_PATHS[name]) for name in
                                       ("glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml"))

    # Nothing dropped: every raw row is processed or rejected, exactly once.
    assert len(raw) == 300
    raw_indices = [line["source_index"] for line in raw]
    assert raw_indices == sorted(set(raw_indices))
    assert sorted([r["source_index"] for r in processed] + [r["source_index"] for r in rejects]) == raw_indices
    assert len(chatml) == len(processed) == manifest["glaive_processed"]["rows"]
    assert [c["metadata"]["source_index"] for c in chatml] == [r["source_index"] for r in processed]
    assert all(reject["reasons"] for reject in rejects)

    # Data versions are the artifacts' content hashes; metadata carries row counts and accounting.
    materialized = materializations(result)
    for name in ("glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml"):
        event = materialized[name]
        assert event.tags["dagster/data_version"] == manifest[name]["sha256"], name
        assert event.metadata["dagster/row_count"].value == manifest[name]["rows"], name
    assert materialized["glaive_processed"].metadata["raw_rows"].value == 300
    assert materialized["glaive_processed"].metadata["processed_rows"].value == len(processed)
    schema_columns = {c.name for c in materialized["glaive_processed"].metadata["dagster/column_schema"].value.columns}
    assert {"complexity_tier", "function_calls", "has_error_handling", "record_id"} <= schema_columns

    # Every check ran, each on its report; the schema suite passed on good data.
    checks = check_results(result)
    assert checks["schema_suite"].passed
    assert checks["schema_suite"].asset_key == dg.AssetKey("validation_report")
    assert {f"bias_{family}" for family in ("complexity", "conversation", "capability", "domain")} <= set(checks)
    assert len([name for name in checks if name.startswith("anomaly_")]) == 8
    # Every artifact on disk was written by this run, the summary (which goes last) included.
    assert {entry["run_id"] for entry in manifest.values()} == {result.run_id}

    summary = orjson.loads((data_dir / ARTIFACT_PATHS["pipeline_summary"]).read_bytes())
    assert summary["stages"]["transform"]["accounted"] is True
    assert summary["stages"]["training_outputs"] == {"status": "ok", "withheld": False, "withheld_by": None,
                                                     "chatml_rows": len(chatml), "processed_rows": len(processed)}
    assert summary["stages"]["schema_validation"]["status"] == "ok"
    assert summary["from_older_runs"] == []
    assert summary["source"] == {"source": "sample", "requested_sample_size": 300, "seed": 11}


def test_local_jsonl_source_keeps_every_row_including_bad_ones(instance, data_dir, tmp_path):
    rows = sample_rows(40)
    source = write_jsonl_source(
        tmp_path / "rows.jsonl", [*rows, None, 12, {"system": "SYSTEM: hi", "chat": None}],
        extra_lines=[b'{"system": "SYSTEM: cut', b"[" * 20_000],
    )
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=0))
    assert result.success

    raw = read_lines(data_dir / ARTIFACT_PATHS["glaive_raw"])
    assert [line["source_index"] for line in raw] == list(range(45))
    assert [line["row"] for line in raw[:40]] == rows
    assert "unreadable" in raw[43] and "unreadable" in raw[44]

    processed = read_lines(data_dir / ARTIFACT_PATHS["glaive_processed"])
    rejects = {r["source_index"]: r for r in read_lines(data_dir / ARTIFACT_PATHS["glaive_rejects"])}
    assert len(processed) + len(rejects) == 45
    assert rejects[40]["reasons"] == [reasons.ROW_NOT_OBJECT]
    assert rejects[41]["reasons"] == [reasons.ROW_NOT_OBJECT]
    assert reasons.MISSING_CHAT in rejects[42]["reasons"]
    assert rejects[43]["reasons"] == [reasons.UNREADABLE_ROW]
    assert rejects[44]["reasons"] == [reasons.UNREADABLE_ROW]


def test_hf_source_reads_a_local_dataset_folder_through_datasets(instance, data_dir, tmp_path, monkeypatch):
    rows = sample_rows(25, seed=5)
    folder = tmp_path / "glaive-function-calling-v2"
    folder.mkdir()
    (folder / "glaive-function-calling-v2.json").write_bytes(orjson.dumps(rows))
    monkeypatch.setenv("GLAIVE_HF_DATASET", str(folder))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf_cache"))

    result = materialize(instance, data_dir, run_config(source="hf", sample_size=0), selection="glaive_raw")
    assert result.success
    raw = read_lines(data_dir / ARTIFACT_PATHS["glaive_raw"])
    assert [line["row"] for line in raw] == rows


@pytest.mark.parametrize("failure", ["missing_file", "hub_unreachable"])
def test_failing_source_leaves_the_previous_raw_artifact_whole(instance, data_dir, tmp_path, monkeypatch, failure):
    assert materialize(instance, data_dir, run_config(sample_size=50), selection="glaive_raw").success
    raw_path = data_dir / ARTIFACT_PATHS["glaive_raw"]
    before = raw_path.read_bytes()

    if failure == "missing_file":
        source, expected = str(tmp_path / "no-such-file.jsonl"), str(tmp_path / "no-such-file.jsonl")
    else:
        # This machine has no route to the hub; a closed loopback port makes that certain and fast.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        monkeypatch.delenv("GLAIVE_HF_DATASET", raising=False)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
        source, expected = "hf", "GLAIVE_SOURCE=sample"
    result = materialize(instance, data_dir, run_config(source=source, sample_size=0),
                         selection="glaive_raw", raise_on_error=False)
    assert not result.success
    failure_message = result.get_step_failure_events()[0].step_failure_data.error.message
    assert expected in failure_message
    assert raw_path.read_bytes() == before
    assert sorted(p.name for p in raw_path.parent.iterdir()) == ["glaive_raw.jsonl"]


def test_failed_schema_suite_blocks_chatml_but_not_the_reports_or_the_summary(instance, data_dir, tmp_path):
    # 10 of 40 rows are not Glaive records (and one sample row is rejected): 29 processed, below 32..40.
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), raise_on_error=False)

    checks = check_results(result)
    assert checks["schema_suite"].passed is False
    assert checks["schema_suite"].severity == dg.AssetCheckSeverity.ERROR
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert materialized == {"glaive_raw", "glaive_processed", "glaive_rejects", "validation_report",
                            "anomaly_report", "bias_report", "pipeline_summary"}
    assert not (data_dir / ARTIFACT_PATHS["glaive_chatml"]).exists()
    assert [event.step_key for event in result.get_step_failure_events()] == ["validation_report_schema_suite"]
    report = orjson.loads((data_dir / ARTIFACT_PATHS["validation_report"]).read_bytes())
    row_count = [e for e in report["expectations"] if e["expectation"] == "expect_table_row_count_to_be_between"][0]
    assert row_count["success"] is False and report["row_count_bounds"] == [32, 40]


def test_cli_materializes_every_row_of_a_jsonl_file(tmp_path):
    rows = sample_rows(60, seed=9)
    source = write_jsonl_source(tmp_path / "rows.jsonl", rows)
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "GLAIVE_SOURCE": str(source), "GLAIVE_SAMPLE_SIZE": "0",
           "GLAIVE_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).with_name("dagster")
    completed = subprocess.run([str(dagster), "asset", "materialize", "-m", "glaive_assets", "--select", "*"],
                               env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    manifest = read_manifest(tmp_path / "data")["artifacts"]
    assert manifest["glaive_raw"]["rows"] == 60
    assert manifest["glaive_processed"]["rows"] + manifest["glaive_rejects"]["rows"] == 60
    assert manifest["glaive_chatml"]["rows"] == manifest["glaive_processed"]["rows"]
    assert (tmp_path / "data" / MANIFEST_PATH).exists()


def test_a_source_smaller_than_the_request_passes_the_schema_suite_and_warns(instance, data_dir, tmp_path):
    source = write_jsonl_source(tmp_path / "small.jsonl", sample_rows(60, seed=2))
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=5000))
    assert result.success  # every row the source has is what a request for more can yield
    checks = check_results(result)
    assert checks["schema_suite"].passed
    assert checks["anomaly_row_count"].passed is False  # still far below the 4,000 asked for
    assert (data_dir / ARTIFACT_PATHS["glaive_chatml"]).exists()


def test_a_raw_file_that_disagrees_with_its_manifest_fails_the_split(instance, data_dir):
    assert materialize(instance, data_dir, run_config(sample_size=20), selection="glaive_raw").success
    raw_path = data_dir / ARTIFACT_PATHS["glaive_raw"]
    with open(raw_path, "ab") as handle:  # a line added behind the pipeline's back
        handle.write(b'{"source_index": 999999, "row": null}\n')
    result = materialize(instance, data_dir, {}, selection=["glaive_processed", "glaive_rejects"], raise_on_error=False)
    assert not result.success
    # The run's start finds the file changed and rebuilds its entry, which cannot say how it was read.
    assert any(entry.user_message.startswith(f"glaive_raw: {raw_path} was replaced without its manifest entry")
               for entry in instance.all_logs(result.run_id))
    error = result.get_step_failure_events()[0].step_failure_data.error
    assert "Error occurred while loading input \"glaive_raw\"" in error.message
    assert "glaive_raw's manifest entry lacks the run settings" in error.cause.message
