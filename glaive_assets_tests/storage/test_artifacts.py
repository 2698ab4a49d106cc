import hashlib

import orjson
import pytest

from glaive_assets.storage.artifacts import artifact_path, write_json, write_jsonl
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
