"""The manifest against the files: reconcile repairs each kind of disagreement; stale artifacts are
those whose upstream file changed since they were built."""

import os
import shutil

from glaive_assets.storage.artifacts import artifact_path, write_json, write_jsonl
from glaive_assets.storage.manifest import read_manifest, update_manifest
from glaive_assets.storage.reconcile import REPLACED_NOTE, reconcile_manifest, stale_artifacts, unknown_lineage


def jsonl(data_dir, name, rows):
    with write_jsonl(data_dir, name) as out:
        for index in range(rows):
            out.write({"i": index})
    return out.artifact


def test_a_manifest_that_describes_its_files_is_left_as_it_is(data_dir):
    update_manifest(data_dir, [jsonl(data_dir, "glaive_processed", 3)], run_id="run-1")
    before = read_manifest(data_dir)
    assert reconcile_manifest(data_dir) == []
    assert read_manifest(data_dir) == before


def test_a_file_replaced_without_its_entry_gets_an_entry_from_the_file_with_unknown_lineage(data_dir):
    update_manifest(data_dir, [jsonl(data_dir, "glaive_processed", 3)], run_id="run-1")
    replaced = jsonl(data_dir, "glaive_processed", 5)  # the crash came before update_manifest
    path = artifact_path(data_dir, "glaive_processed")
    assert reconcile_manifest(data_dir) == [
        f"glaive_processed: {path} was replaced without its manifest entry (a run was killed or failed between "
        f"the two); the entry now describes the file (5 rows, sha256 {replaced.sha256[:12]}), and its lineage is "
        "unknown"]
    entry = read_manifest(data_dir)["artifacts"]["glaive_processed"]
    assert (entry["rows"], entry["sha256"], entry["size_bytes"]) == (5, replaced.sha256, replaced.size_bytes)
    assert (entry["run_id"], entry["upstream"], entry["recovered"]) == (None, None, REPLACED_NOTE)
    assert unknown_lineage(read_manifest(data_dir)) == ["glaive_processed"]


def test_the_same_bytes_under_a_new_inode_only_refresh_the_entry(data_dir):
    update_manifest(data_dir, [jsonl(data_dir, "glaive_chatml", 2)], run_id="run-1")
    path = artifact_path(data_dir, "glaive_chatml")
    shutil.copyfile(path, path.with_name("copy"))
    os.replace(path.with_name("copy"), path)  # e.g. a data dir copied without preserving anything
    assert reconcile_manifest(data_dir) == []
    entry = read_manifest(data_dir)["artifacts"]["glaive_chatml"]
    assert (entry["run_id"], entry["inode"]) == ("run-1", path.stat().st_ino)


def test_a_missing_file_loses_its_entry_and_an_unrecorded_file_gains_one(data_dir):
    update_manifest(data_dir, [write_json(data_dir, "bias_report", {})], run_id="run-1")
    artifact_path(data_dir, "bias_report").unlink()
    unrecorded = write_json(data_dir, "anomaly_report", {"a": 1})
    assert reconcile_manifest(data_dir) == [
        f"bias_report: {artifact_path(data_dir, 'bias_report')} is gone; its manifest entry was removed",
        f"anomaly_report: {unrecorded.path} had no manifest entry; one was made from the file"]
    artifacts = read_manifest(data_dir)["artifacts"]
    assert sorted(artifacts) == ["anomaly_report"]
    assert artifacts["anomaly_report"]["sha256"] == unrecorded.sha256


def test_an_artifact_is_stale_when_an_upstream_file_changed_since_it_was_built(data_dir):
    processed = jsonl(data_dir, "glaive_processed", 3)
    update_manifest(data_dir, [processed], run_id="run-1")
    update_manifest(data_dir, [jsonl(data_dir, "glaive_chatml", 3)], run_id="run-1", upstream_names=["glaive_processed"])
    assert stale_artifacts(data_dir) == {}
    # A later run rewrote processed (recorded), but never got to chatml.
    update_manifest(data_dir, [jsonl(data_dir, "glaive_processed", 4)], run_id="run-2")
    assert stale_artifacts(data_dir) == {"glaive_chatml": ["glaive_processed"]}


def test_an_upstream_file_replaced_without_its_entry_is_seen_on_disk(data_dir):
    update_manifest(data_dir, [jsonl(data_dir, "glaive_processed", 3)], run_id="run-1")
    update_manifest(data_dir, [jsonl(data_dir, "glaive_chatml", 3)], run_id="run-1", upstream_names=["glaive_processed"])
    jsonl(data_dir, "glaive_processed", 4)  # not recorded: only the file on disk says it changed
    assert stale_artifacts(data_dir) == {"glaive_chatml": ["glaive_processed"]}
    artifact_path(data_dir, "glaive_processed").unlink()
    assert stale_artifacts(data_dir) == {"glaive_chatml": ["glaive_processed"]}
