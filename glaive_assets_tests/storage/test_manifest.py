"""The manifest: what each writer counted, and the handles rebuilt from it (glaive_raw with its settings)."""

import hashlib

import orjson
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.errors import UnreadableRow
from glaive_assets.storage.artifacts import Artifact, ArtifactSet, RawArtifact, artifact_files, write_json
from glaive_assets.storage.manifest import MANIFEST_PATH, ManifestMismatch, load_artifact, read_manifest, update_manifest
from glaive_assets.storage.stages import write_raw


def test_raw_settings_are_recorded_beside_the_hash_and_read_back_typed(tmp_path):
    raw = write_raw(tmp_path, [(0, {"system": "s", "chat": "c"}), (4, UnreadableRow("{", "not JSON"))],
                    SourceSettings("/rows.jsonl", 40, -3))
    update_manifest(tmp_path, [raw], run_id="run-1")
    entry = read_manifest(tmp_path)["artifacts"]["glaive_raw"]
    stat = raw.path.stat()
    assert {key: value for key, value in entry.items() if key != "written_at"} == {
        "path": "raw/glaive_raw.jsonl", "rows": 2, "sha256": raw.sha256, "size_bytes": raw.size_bytes,
        "source": "/rows.jsonl", "requested_sample_size": 40, "seed": -3, "unreadable_rows": 1,
        "run_id": "run-1", "upstream": {}, "inode": stat.st_ino, "mtime_ns": stat.st_mtime_ns,
    }
    loaded = load_artifact(tmp_path, "glaive_raw")
    assert loaded == raw
    assert isinstance(loaded, RawArtifact)
    assert (loaded.requested_sample_size, loaded.unreadable_rows) == (40, 1)


def test_other_artifacts_come_back_as_plain_artifacts(tmp_path):
    report = write_json(tmp_path, "bias_report", {"findings": []})
    update_manifest(tmp_path, [report])
    assert load_artifact(tmp_path, "bias_report") == report
    assert type(load_artifact(tmp_path, "bias_report")) is Artifact


def test_the_manifest_is_sorted_strict_json_with_a_timestamp(tmp_path):
    update_manifest(tmp_path, [write_json(tmp_path, "anomaly_report", {"a": 1})])
    body = (tmp_path / MANIFEST_PATH).read_bytes()
    manifest = orjson.loads(body)
    assert list(manifest["artifacts"]["anomaly_report"]) == [
        "inode", "mtime_ns", "path", "rows", "run_id", "sha256", "size_bytes", "upstream", "written_at"]
    assert manifest["artifacts"]["anomaly_report"]["written_at"].endswith("Z")
    assert body.endswith(b"}\n")


def test_the_run_that_wrote_an_artifact_is_recorded_when_given(tmp_path):
    update_manifest(tmp_path, [write_json(tmp_path, "anomaly_report", {"a": 1})], run_id="run-1")
    update_manifest(tmp_path, [write_json(tmp_path, "bias_report", {"b": 2})], run_id="run-2")
    artifacts = read_manifest(tmp_path)["artifacts"]
    assert (artifacts["anomaly_report"]["run_id"], artifacts["bias_report"]["run_id"]) == ("run-1", "run-2")


@pytest.mark.parametrize(("name", "prepare", "error", "message"), [
    ("no_such_asset", None, KeyError, "no artifact file is defined for asset 'no_such_asset'"),
    ("glaive_chatml", None, FileNotFoundError, "glaive_chatml.jsonl does not exist: materialize glaive_chatml first"),
    ("anomaly_report", "file_only", FileNotFoundError, "has no entry for anomaly_report: materialize anomaly_report again"),
])
def test_an_artifact_that_was_not_written_is_a_clear_error(tmp_path, name, prepare, error, message):
    if prepare == "file_only":
        write_json(tmp_path, name, {})  # written, but never recorded
    with pytest.raises(error, match=message):
        load_artifact(tmp_path, name)


def test_an_empty_data_dir_has_an_empty_manifest(tmp_path):
    assert read_manifest(tmp_path) == {"artifacts": {}}


def _written_training_set(data_dir) -> ArtifactSet:
    parts = {}
    for part, path in artifact_files(data_dir, "training_set").items():
        path.parent.mkdir(parents=True, exist_ok=True)
        body = b'{"id": "a"}\n' * (len(part) % 3)
        path.write_bytes(body)
        parts[part] = Artifact(part, path, len(part) % 3, hashlib.sha256(body).hexdigest(), len(body))
    return ArtifactSet.of("training_set", parts)


def test_a_multi_file_artifact_comes_back_as_the_set_its_writer_recorded(tmp_path):
    written = _written_training_set(tmp_path)
    update_manifest(tmp_path, [written])
    loaded = load_artifact(tmp_path, "training_set")
    assert loaded == written and isinstance(loaded, ArtifactSet)
    assert {part: artifact.rows for part, artifact in loaded.parts.items()} == {
        "train": 2, "validation": 1, "test": 1, "dropped": 1}
    assert read_manifest(tmp_path)["artifacts"]["training_set"]["files"]["train"]["path"] == "training/train.jsonl"


def test_a_multi_file_artifact_with_a_file_missing_or_unrecorded_is_a_clear_error(tmp_path):
    written = _written_training_set(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"has no entry for training_set \(train\): materialize training_set again"):
        load_artifact(tmp_path, "training_set")
    update_manifest(tmp_path, [written])
    written.parts["dropped"].path.unlink()
    with pytest.raises(FileNotFoundError, match="dropped.jsonl does not exist: materialize training_set first"):
        load_artifact(tmp_path, "training_set")


def test_each_entry_records_its_run_and_the_sha256_of_each_upstream_artifact(tmp_path):
    raw = write_raw(tmp_path, [(0, {"system": "s", "chat": "c"})], SourceSettings("sample", 1, 1))
    update_manifest(tmp_path, [raw], run_id="run-1", upstream_names=["glaive_source"])  # not an artifact
    report = write_json(tmp_path, "anomaly_report", {"a": 1})
    update_manifest(tmp_path, [report], run_id="run-2", upstream_names=["glaive_raw", "glaive_processed"])
    artifacts = read_manifest(tmp_path)["artifacts"]
    assert artifacts["glaive_raw"]["upstream"] == {}
    assert (artifacts["anomaly_report"]["run_id"], artifacts["anomaly_report"]["upstream"]) == (
        "run-2", {"glaive_raw": raw.sha256, "glaive_processed": None})


@pytest.mark.parametrize("body", [b"", b'{"artifacts": {"glaive_raw": {"path": "raw/gl', b"[]", b'{"artifacts": 3}',
                                  b'{"artifacts": {"x": {"path": "p"}}}', b"\xff\xfe{"])
def test_a_corrupt_manifest_is_set_aside_and_rebuilt_from_the_files_with_a_warning(tmp_path, body, caplog):
    raw = write_raw(tmp_path, [(0, {"system": "s", "chat": "c"}), (1, None)], SourceSettings("sample", 2, 1))
    report = write_json(tmp_path, "bias_report", {"findings": []})
    manifest_path = tmp_path / MANIFEST_PATH
    manifest_path.write_bytes(body)
    with caplog.at_level("WARNING", logger="glaive_assets.storage"):
        artifacts = read_manifest(tmp_path)["artifacts"]
    assert sorted(artifacts) == ["bias_report", "glaive_raw"]
    assert (artifacts["glaive_raw"]["sha256"], artifacts["glaive_raw"]["rows"]) == (raw.sha256, 2)
    assert (artifacts["bias_report"]["sha256"], artifacts["bias_report"]["rows"]) == (report.sha256, 1)
    assert {entry["run_id"] for entry in artifacts.values()} == {None}
    assert {entry["upstream"] for entry in artifacts.values()} == {None}
    [aside] = manifest_path.parent.glob("manifest.json.corrupt-*")
    assert aside.read_bytes() == body
    assert caplog.messages == [
        f"{manifest_path} could not be read ({len(body)} bytes, not a manifest): set aside as {aside.name} and "
        "rebuilt from the 2 artifact files present; their lineage is unknown until they are written again"]
    assert read_manifest(tmp_path)["artifacts"] == artifacts  # rebuilt once, then read as usual
    # A rebuilt raw entry has no run settings: a clear error, not a KeyError.
    with pytest.raises(FileNotFoundError, match=r"lacks the run settings .*materialize glaive_raw again"):
        load_artifact(tmp_path, "glaive_raw")


def test_a_file_replaced_without_its_entry_is_refused_when_loaded(tmp_path):
    report = write_json(tmp_path, "bias_report", {"findings": []})
    update_manifest(tmp_path, [report], run_id="run-1")
    write_json(tmp_path, "bias_report", {"findings": [1]})  # replaced; the entry still describes the first
    with pytest.raises(ManifestMismatch, match=r"is not the file its manifest entry describes \(written by run run-1\)"):
        load_artifact(tmp_path, "bias_report")
