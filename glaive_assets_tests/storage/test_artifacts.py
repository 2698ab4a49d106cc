import errno
import hashlib
import os
import threading
import tracemalloc

import orjson
import pytest

from glaive_assets.storage.artifacts import (
    ARTIFACT_FILES,
    WRITE_BATCH_BYTES,
    Artifact,
    ArtifactSet,
    LineBatch,
    artifact_files,
    artifact_folder,
    artifact_path,
    write_json,
    write_jsonl,
    write_jsonl_at,
)
from glaive_assets.storage import artifacts
from glaive_assets.storage.errors import StorageError
from glaive_assets.storage.manifest import read_manifest, update_manifest


def test_jsonl_artifact_counts_hashes_and_lands_atomically(tmp_path):
    with write_jsonl(tmp_path, "glaive_raw") as out:
        for index in range(10_000):
            out.write({"source_index": index, "row": {"chat": f"USER: {index}"}})
        # Nothing is visible at the final path until the block completes.
        assert not artifact_path(tmp_path, "glaive_raw").exists()
    artifact = out.artifact
    body = artifact.path.read_bytes()
    assert artifact.rows == 10_000 == body.count(b"\n")
    assert artifact.sha256 == hashlib.sha256(body).hexdigest()
    assert artifact.size_bytes == len(body)
    assert next(artifact.iter_records()) == {"source_index": 0, "row": {"chat": "USER: 0"}}


def test_crash_mid_write_leaves_previous_artifact_whole(tmp_path):
    with write_jsonl(tmp_path, "glaive_raw") as out:
        out.write({"source_index": 0, "row": "previous"})
    previous = out.artifact.path.read_bytes()

    with pytest.raises(RuntimeError, match="source died"):
        with write_jsonl(tmp_path, "glaive_raw") as out:
            for index in range(50_000):  # more than one write batch reaches the temp file
                out.write({"source_index": index, "row": "new"})
            raise RuntimeError("source died")

    assert out.artifact is None
    assert artifact_path(tmp_path, "glaive_raw").read_bytes() == previous
    assert [p.name for p in artifact_path(tmp_path, "glaive_raw").parent.iterdir()] == ["glaive_raw.jsonl"]


def test_json_report_is_strict_and_manifest_records_every_artifact(tmp_path):
    report = write_json(tmp_path, "anomaly_report", {"value": float("nan"), "rate": 0.25})
    assert orjson.loads(report.path.read_bytes()) == {"value": None, "rate": 0.25}
    with write_jsonl(tmp_path, "glaive_chatml") as out:
        out.write({"id": "a"})
    update_manifest(tmp_path, [report])
    update_manifest(tmp_path, [out.artifact])
    entries = read_manifest(tmp_path)["artifacts"]
    assert set(entries) == {"anomaly_report", "glaive_chatml"}
    assert entries["glaive_chatml"]["rows"] == 1
    assert entries["glaive_chatml"]["path"] == "processed/glaive_chatml.jsonl"
    assert entries["anomaly_report"]["sha256"] == hashlib.sha256(report.path.read_bytes()).hexdigest()


def _part(tmp_path, name: str, body: bytes, rows: int) -> Artifact:
    path = tmp_path / "training" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return Artifact(name, path, rows, hashlib.sha256(body).hexdigest(), len(body))


def test_an_artifact_set_is_its_folder_its_jsonl_rows_and_a_hash_of_its_parts(tmp_path):
    train, card = _part(tmp_path, "train.jsonl", b"{}\n{}\n", 2), _part(tmp_path, "README.md", b"# card\n", 1)
    artifact_set = ArtifactSet.of("export_hf", {"train": train, "card": card})
    assert (artifact_set.path, artifact_set.rows, artifact_set.size_bytes) == (tmp_path / "training", 2, 13)
    listing = f"card\0{card.sha256}\ntrain\0{train.sha256}\n".encode()
    assert artifact_set.sha256 == hashlib.sha256(listing).hexdigest()
    assert artifact_set.manifest_entry(tmp_path) == {
        "path": "training", "rows": 2, "sha256": artifact_set.sha256, "size_bytes": 13,
        "files": {"train": train.manifest_entry(tmp_path), "card": card.manifest_entry(tmp_path)},
    }
    assert train.manifest_entry(tmp_path)["path"] == "training/train.jsonl"


def test_an_artifact_sets_files_share_one_folder(tmp_path):
    train = _part(tmp_path, "train.jsonl", b"{}\n", 1)
    elsewhere = Artifact("test", tmp_path / "test.jsonl", 0, "0" * 64, 0)
    with pytest.raises(ValueError, match="the files of training_set must share one folder"):
        ArtifactSet.of("training_set", {"train": train, "test": elsewhere})


def test_every_multi_file_artifact_lives_in_one_folder(tmp_path):
    for name, files in ARTIFACT_FILES.items():
        assert {path.parent for path in artifact_files(tmp_path, name).values()} == {artifact_folder(tmp_path, name)}, name
    assert artifact_folder(tmp_path, "export_sharegpt") == tmp_path / "training" / "sharegpt"


def test_lines_are_written_in_chunks_of_about_a_mebibyte():
    batch, line = LineBatch(), b"x" * 999 + b"\n"
    chunks = [chunk for chunk in map(batch.add, [line] * 2500) if chunk is not None]
    assert [len(chunk) for chunk in chunks] == [1049 * 1000] * 2  # the first line count past WRITE_BATCH_BYTES
    assert 1048 * 1000 < WRITE_BATCH_BYTES <= 1049 * 1000
    assert len(batch.take()) == (2500 - 2 * 1049) * 1000 and batch.take() == b""


def test_pending_lines_hold_little_memory_though_orjson_over_allocates(tmp_path):
    """A bytes object from orjson keeps its whole working buffer (about 5x a 5 KB line): holding thousands
    of them pending took ~110 MB in each shard process before the batch counted bytes."""
    record = {"messages": [{"role": "user", "content": "word " * 1000}]}
    with write_jsonl_at(tmp_path / "lines.jsonl", "lines") as out:
        tracemalloc.start()
        try:
            for index in range(4096):
                out.write_line(orjson.dumps({**record, "index": index}, option=orjson.OPT_APPEND_NEWLINE))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert out.artifact.rows == 4096
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB pending"


def test_a_large_file_is_synced_in_the_background_while_it_is_written(tmp_path, monkeypatch):
    """So the fsync that publishes it finds little left: every SYNC_EVERY_BYTES, an fdatasync in a thread."""
    synced_in = []
    monkeypatch.setattr(artifacts, "SYNC_EVERY_BYTES", 3 * WRITE_BATCH_BYTES)
    monkeypatch.setattr(artifacts, "_fdatasync", lambda fd: synced_in.append(threading.current_thread().name))
    line = b"y" * 1023 + b"\n"
    with write_jsonl_at(tmp_path / "big.jsonl", "big") as out:
        for _ in range(10 * 1024):  # 10 MiB: about three syncs
            out.write_line(line)
    assert (tmp_path / "big.jsonl").read_bytes() == line * 10 * 1024
    assert len(synced_in) >= 2 and set(synced_in) == {"background-sync"}


def test_a_failed_background_sync_fails_the_write_and_replaces_nothing(tmp_path, monkeypatch):
    def failing_sync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")  # as a thin-provisioned disk reports it

    monkeypatch.setattr(artifacts, "SYNC_EVERY_BYTES", WRITE_BATCH_BYTES)
    monkeypatch.setattr(artifacts, "_fdatasync", failing_sync)
    (tmp_path / "big.jsonl").write_bytes(b"{}\n")
    with pytest.raises(StorageError, match=r"^cannot write big at \S+big\.jsonl: no space left on the device$"):
        with write_jsonl_at(tmp_path / "big.jsonl", "big") as out:
            for _ in range(3 * 1024):
                out.write_line(b"z" * 1023 + b"\n")
    assert (tmp_path / "big.jsonl").read_bytes() == b"{}\n"
    assert list(tmp_path.glob("*.tmp")) == []


def test_a_failed_last_sync_fails_the_write_at_its_end(tmp_path, monkeypatch):
    """Linux reports a writeback error to one fsync only: a failed background sync must not be lost."""
    def failing_sync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(artifacts, "SYNC_EVERY_BYTES", 3 * WRITE_BATCH_BYTES)
    monkeypatch.setattr(artifacts, "_fdatasync", failing_sync)
    with pytest.raises(StorageError, match=r"^cannot write last at \S+last\.jsonl: no space left on the device$"):
        with write_jsonl_at(tmp_path / "last.jsonl", "last") as out:
            for _ in range(int(3.5 * 1024)):  # one sync, started after 3 MiB; none after it
                out.write_line(b"w" * 1023 + b"\n")
    assert not (tmp_path / "last.jsonl").exists()


def test_a_file_closed_while_its_sync_runs_is_safe(tmp_path, monkeypatch):
    """The sync holds a duplicate descriptor: closing the writer's own, say on an error, never leaves the
    sync on a number that another file may get next."""
    started, release, synced = threading.Event(), threading.Event(), []

    def slow_sync(fd):
        started.set()
        release.wait(5)
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))

    monkeypatch.setattr(artifacts, "SYNC_EVERY_BYTES", WRITE_BATCH_BYTES)
    monkeypatch.setattr(artifacts, "_fdatasync", slow_sync)
    with pytest.raises(RuntimeError, match="^stopped$"):
        with write_jsonl_at(tmp_path / "stopped.jsonl", "stopped") as out:
            for _ in range(1100):
                out.write_line(b"v" * 1023 + b"\n")
            assert started.wait(5)
            raise RuntimeError("stopped")
    with open(tmp_path / "other.txt", "wb"):  # likely the number the writer's descriptor had
        release.set()
        for thread in threading.enumerate():
            if thread.name == "background-sync":
                thread.join(5)
    assert len(synced) == 1 and "stopped.jsonl" in synced[0] and ".tmp" in synced[0]
