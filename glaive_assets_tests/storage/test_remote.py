"""An object-store data dir: publish from one working copy, fetch into another. fsspec's in-memory store
stands in for a bucket here (same fsspec calls; test_dask_s3.py runs the whole graph against S3 itself)."""

import uuid

import orjson
import pytest

from glaive_assets.storage.artifacts import ArtifactSet, artifact_files, artifact_path, write_json, write_jsonl
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import MANIFEST_PATH, load_artifact, read_manifest, update_manifest
from glaive_assets.storage.reconcile import stale_by_entries
from glaive_assets.storage.remote import ENTRIES_FOLDER, ObjectStoreDataDir, default_work_dir, portable_entry


@pytest.fixture
def store():
    return ObjectStoreDataDir(f"memory://glaive-{uuid.uuid4().hex}/data")


def _write_processed(work_dir, rows):
    with write_jsonl(work_dir, "glaive_processed") as writer:
        for index in range(rows):
            writer.write({"source_index": index})
    update_manifest(work_dir, [writer.artifact], run_id="run-1")
    return writer.artifact


def test_an_artifact_published_from_one_working_copy_is_fetched_into_another(store, tmp_path):
    writer_copy, reader_copy = tmp_path / "machine_a", tmp_path / "machine_b"
    written = _write_processed(writer_copy, 3)
    entry = store.publish(writer_copy, "glaive_processed")

    assert entry == portable_entry(read_manifest(writer_copy)["artifacts"]["glaive_processed"])
    assert "inode" not in entry and entry["sha256"] == written.sha256 and entry["rows"] == 3
    assert store.fetch(reader_copy, "glaive_processed") is True
    assert artifact_path(reader_copy, "glaive_processed").read_bytes() == written.path.read_bytes()
    fetched = load_artifact(reader_copy, "glaive_processed")  # the local manifest now describes the copy
    assert (fetched.rows, fetched.sha256, fetched.size_bytes) == (3, written.sha256, written.size_bytes)
    assert store.fetch(reader_copy, "glaive_processed") is False  # already there, with the right sha256
    assert orjson.loads(store.fs.cat_file(store.key(MANIFEST_PATH))) == {"artifacts": {"glaive_processed": entry}}


def test_a_local_file_with_the_right_bytes_is_kept_not_downloaded(store, tmp_path):
    written = _write_processed(tmp_path / "a", 2)
    store.publish(tmp_path / "a", "glaive_processed")
    copy = artifact_path(tmp_path / "b", "glaive_processed")
    copy.parent.mkdir(parents=True)
    copy.write_bytes(written.path.read_bytes())  # e.g. this machine built it, but lost its manifest
    assert store.fetch(tmp_path / "b", "glaive_processed") is False
    assert load_artifact(tmp_path / "b", "glaive_processed").sha256 == written.sha256


def test_an_object_that_is_not_the_one_its_entry_describes_is_never_used(store, tmp_path):
    _write_processed(tmp_path / "a", 2)
    store.publish(tmp_path / "a", "glaive_processed")
    store.fs.pipe_file(store.key("processed/glaive_processed.jsonl"), b'{"source_index": 7}\n')  # replaced since
    with pytest.raises(StorageError, match="is not the object its manifest entry describes"):
        store.fetch(tmp_path / "b", "glaive_processed")
    folder = artifact_path(tmp_path / "b", "glaive_processed").parent
    assert sorted(path.name for path in folder.iterdir()) == []  # neither the file nor a temp file


def test_fetching_what_was_never_published_names_the_missing_entry(store, tmp_path):
    with pytest.raises(FileNotFoundError, match=f"{ENTRIES_FOLDER}/glaive_chatml.json does not exist"):
        store.fetch(tmp_path, "glaive_chatml")


def test_lineage_comes_from_the_store_and_tells_stale_artifacts(store, tmp_path):
    work = tmp_path / "a"
    processed = _write_processed(work, 2)
    store.publish(work, "glaive_processed")
    report = write_json(work, "validation_report", {"rows": 2})
    update_manifest(work, [report], run_id="run-1", upstream_names=["glaive_processed"])
    assert store.publish(work, "validation_report")["upstream"] == {"glaive_processed": processed.sha256}
    assert stale_by_entries(store.manifest()) == {}

    _write_processed(work, 5)  # processed again; the report is not
    store.publish(work, "glaive_processed")
    assert stale_by_entries(store.manifest()) == {"validation_report": ["glaive_processed"]}


def test_a_multi_file_artifact_travels_whole(store, tmp_path):
    work = tmp_path / "a"
    parts = {}
    for part, path in artifact_files(work, "training_set").items():
        with write_jsonl(work, "glaive_processed") as writer:  # any writer; moved to the part's path
            writer.write({"part": part})
        path.parent.mkdir(parents=True, exist_ok=True)
        writer.artifact.path.replace(path)
        parts[part] = type(writer.artifact)(part, path, 1, writer.artifact.sha256, writer.artifact.size_bytes)
    update_manifest(work, [ArtifactSet.of("training_set", parts)], run_id="run-1")
    store.publish(work, "training_set")

    assert store.fetch(tmp_path / "b", "training_set") is True
    fetched = load_artifact(tmp_path / "b", "training_set")
    assert {part: artifact.path.read_bytes() for part, artifact in fetched.parts.items()} == {
        part: orjson.dumps({"part": part}) + b"\n" for part in parts}


def test_each_store_and_prefix_has_its_own_default_working_copy():
    first, second = default_work_dir("s3://bucket/a"), default_work_dir("s3://bucket/b")
    assert first != second and first.parent == second.parent
    assert first.name.startswith("bucket_a-") and default_work_dir("s3://bucket/a") == first


def test_an_entry_published_meanwhile_on_another_machine_reaches_the_manifest(store, tmp_path, monkeypatch):
    _write_processed(tmp_path / "a", 2)
    other = {"path": "processed/glaive_rejects.jsonl", "sha256": "0" * 64, "size_bytes": 1, "rows": 1}
    put = store._put_bytes
    raced = []

    def put_then_another_machine_publishes(relative, body):
        put(relative, body)
        if relative == MANIFEST_PATH and not raced:  # right after this publish first writes manifest.json
            raced.append(relative)
            put(f"{ENTRIES_FOLDER}/glaive_rejects.json", orjson.dumps(other))

    monkeypatch.setattr(store, "_put_bytes", put_then_another_machine_publishes)
    store.publish(tmp_path / "a", "glaive_processed")
    manifest = orjson.loads(store.fs.cat_file(store.key(MANIFEST_PATH)))
    assert raced and sorted(manifest["artifacts"]) == ["glaive_processed", "glaive_rejects"]
    assert manifest["artifacts"]["glaive_rejects"] == other


def test_processed_companions_stay_in_the_working_copy_and_its_stats_travel(store, tmp_path):
    from glaive_assets.storage.artifacts import ProcessedArtifact
    from glaive_assets.storage.stages import split_raw
    from glaive_assets_tests.storage.test_shards import raw_with_quirks

    writer_copy, reader_copy = tmp_path / "machine_a", tmp_path / "machine_b"
    processed, rejects, _ = split_raw(writer_copy, raw_with_quirks(writer_copy))
    update_manifest(writer_copy, [processed, rejects], run_id="run-1")
    entry = store.publish(writer_copy, "glaive_processed")
    assert "checked" not in entry and "staged_chatml" not in entry and entry["qa_stats"] == processed.qa_stats
    assert not store.fs.exists(store.key("processed/glaive_processed.checked.jsonl"))
    store.fetch(reader_copy, "glaive_processed")
    fetched = load_artifact(reader_copy, "glaive_processed")
    assert isinstance(fetched, ProcessedArtifact) and (fetched.checked, fetched.staged_chatml) == (None, None)
    assert fetched.qa_stats == processed.qa_stats
