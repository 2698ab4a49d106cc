"""The "hf" source: the real `datasets` library on a local folder; an unreachable hub fails fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from glaive_assets.sources.errors import SourceError, SourceUnavailable
from glaive_assets.sources.readers.hf import HF_DATASET_ID, HF_REVISION
from glaive_assets.sources.sample import iter_sample_rows
from glaive_assets.sources.sampling import reservoir_indices
from glaive_assets_tests.fixtures.sources import closed_port, fixture_rows, read


def test_a_local_dataset_folder_is_read_through_the_datasets_library(tmp_path, no_hf_env):
    rows = fixture_rows()[:4] + [row for _, row in iter_sample_rows(30, 2)]
    folder = tmp_path / "glaive-local"
    folder.mkdir()
    (folder / "glaive-function-calling-v2.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    no_hf_env.setenv("GLAIVE_HF_DATASET", str(folder))
    assert list(read("hf", 0, 1)) == list(enumerate(rows))
    sampled = list(read("hf", 7, 13))
    assert [i for i, _ in sampled] == reservoir_indices(len(rows), 7, 13)
    assert all(row == rows[i] for i, row in sampled)


def test_a_missing_local_dataset_folder_is_a_source_error(no_hf_env, tmp_path):
    no_hf_env.setenv("GLAIVE_HF_DATASET", str(tmp_path / "absent"))
    with pytest.raises(SourceError, match="GLAIVE_HF_DATASET=.*is not a directory") as raised:
        read("hf", 0, 1)
    assert not isinstance(raised.value, SourceUnavailable)


def test_an_unreachable_hub_fails_fast_with_the_offline_options(no_hf_env):
    # A closed local port stands in for the hub, so the test means the same with or without internet.
    no_hf_env.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    started = time.monotonic()
    with pytest.raises(SourceUnavailable) as raised:
        read("hf", 0, 1)
    assert time.monotonic() - started < 5
    message = str(raised.value)
    assert f"dataset '{HF_DATASET_ID}' at revision {HF_REVISION}" in message
    assert "Connection refused" in message or "ConnectError" in message
    for option in ("GLAIVE_SOURCE=sample", "GLAIVE_SOURCE=/path/to/file.json|.jsonl|.parquet",
                   "GLAIVE_HF_DATASET=/path/to/local/dataset/dir", "HF_HUB_OFFLINE=1"):  # fmt: skip
        assert option in message


def test_offline_mode_without_a_cached_copy_is_unavailable(tmp_path):
    # HF_HUB_OFFLINE is read when huggingface_hub is imported, hence a fresh interpreter.
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf-home")}
    env.pop("GLAIVE_HF_DATASET", None)
    script = (
        "from glaive_assets.config.settings import SourceSettings\n"
        "from glaive_assets.sources.errors import SourceUnavailable\n"
        "from glaive_assets.sources.readers import iter_source_rows\n"
        "try:\n    iter_source_rows(SourceSettings('hf', 0, 1))\nexcept SourceUnavailable as e:\n    print('UNAVAILABLE', e)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert done.stdout.startswith("UNAVAILABLE HF_HUB_OFFLINE is set and dataset 'glaiveai/glaive-function-calling-v2'")
    assert "GLAIVE_SOURCE=sample" in done.stdout
