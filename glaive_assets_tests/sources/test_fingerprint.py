"""Data versions: the generator's settings, a file's sha256, the pinned revision, a local folder's files."""

from __future__ import annotations

import hashlib
import os

from glaive_assets.sources.readers.hf import HF_DATASET_ID, HF_REVISION
from glaive_assets.sources.sample import SAMPLE_ALL_ROWS, SAMPLE_GENERATOR_VERSION
from glaive_assets_tests.fixtures.sources import closed_port, fingerprint


def test_the_sample_version_follows_generator_seed_and_size_only():
    described = fingerprint("sample", 100, 42)
    assert described == {"kind": "sample", "version": f"sample-v{SAMPLE_GENERATOR_VERSION}-seed42-rows112960",
                         "generator_version": SAMPLE_GENERATOR_VERSION, "seed": 42, "rows": SAMPLE_ALL_ROWS,
                         "sample_size": 100}  # fmt: skip
    assert fingerprint("sample", 5, 42)["version"] == described["version"]
    assert fingerprint("sample", 100, 43)["version"] != described["version"]
    assert fingerprint("sample:1000", 100, 42)["version"] != described["version"]


def test_a_file_version_is_the_sha256_of_its_bytes(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"system": "a", "chat": "b"}\n')
    described = fingerprint(str(path), 0, 1)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert described == {"kind": "file", "version": digest, "sha256": digest, "format": "jsonl", "compression": "none",
                         "path": str(path.resolve()), "bytes": 29, "sample_size": 0, "seed": 1}  # fmt: skip
    path.write_bytes(b'{"system": "a", "chat": "c"}\n')  # same size, new content
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert fingerprint(str(path), 0, 1)["version"] == hashlib.sha256(path.read_bytes()).hexdigest() != digest


def test_the_hub_version_is_the_pinned_revision_without_any_network(no_hf_env):
    no_hf_env.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    assert fingerprint("hf", 0, 1) == {"kind": "hf", "version": HF_REVISION, "dataset": HF_DATASET_ID,
                                           "revision": HF_REVISION, "sample_size": 0, "seed": 1}  # fmt: skip


def test_a_local_dataset_folder_version_changes_with_its_files(tmp_path, no_hf_env):
    folder = tmp_path / "ds"
    folder.mkdir()
    data = folder / "glaive-function-calling-v2.json"
    data.write_text('[{"system": "a", "chat": "b"}]', encoding="utf-8")
    no_hf_env.setenv("GLAIVE_HF_DATASET", str(folder))
    before = fingerprint("hf", 0, 1)
    assert (before["kind"], before["dataset"], before["files"], before["bytes"]) == ("hf", str(folder), 1, 30)
    data.write_text('[{"system": "a", "chat": "b"}, null]', encoding="utf-8")
    after = fingerprint("hf", 0, 1)
    assert after["version"] != before["version"] and after["files"] == 1
