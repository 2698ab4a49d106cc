"""Readers: every row of a .json/.jsonl/.parquet file, the sample and a local HF dataset, sampled reproducibly."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glaive_assets.sources import readers
from glaive_assets.sources.readers import (
    HF_DATASET_ID,
    HF_REVISION,
    SourceError,
    SourceUnavailable,
    UnreadableRow,
    describe_source,
    iter_source_rows,
    reservoir_indices,
)
from glaive_assets.sources.sample import SAMPLE_ALL_ROWS, SAMPLE_GENERATOR_VERSION, iter_sample_rows

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
NO_FUNCTIONS = "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"


def fixture_rows() -> list[object]:
    return json.loads((FIXTURES / "rows.json").read_text(encoding="utf-8"))


@pytest.fixture
def no_hf_env(monkeypatch):
    for name in ("GLAIVE_HF_DATASET", "HF_ENDPOINT", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: connections are refused


# --- .json arrays -------------------------------------------------------------------------------------------
def test_a_json_array_yields_every_element_as_it_is_with_its_position():
    rows = list(iter_source_rows(str(FIXTURES / "rows.json"), 0, 1))
    assert rows == list(enumerate(fixture_rows()))
    assert rows[4:] == [(4, None), (5, 42), (6, ["not", "a", "row"]), (7, {"system": "SYSTEM: x"})]
    assert rows[1][1] == {
        "system": NO_FUNCTIONS,
        "chat": "USER: Name a fruit that starts with Q.\n\n\nASSISTANT: Quince! <|endoftext|>\n\n\n",
    }


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_json_arrays_are_streamed_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    # Numbers and literals cut by a chunk end must be read whole; strings, escapes and nesting too.
    values = [123456789012345678901234567890, -0.5e-3, True, False, None, "a\"b\\c é 😀 \ud800", {"k": [1, {"x": []}]},
              [], {}, 7, {"system": "SYSTEM: s", "chat": "USER: u\n\n\n"}, 1e300]
    path = tmp_path / "values.json"
    path.write_text("\ufeff [\n " + " ,\r\n".join(json.dumps(v) for v in values) + "\n] \n", encoding="utf-8")
    monkeypatch.setattr(readers, "_JSON_CHUNK_CHARS", chunk)
    assert list(iter_source_rows(str(path), 0, 3)) == list(enumerate(values))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(JSON_VALUES, max_size=6), chunk=st.integers(1, 24), ascii_only=st.booleans(),
       indent=st.sampled_from([None, 0, 2]))  # fmt: skip
def test_any_json_array_streams_back_equal_whatever_the_chunk_size(tmp_path, monkeypatch, values, chunk, ascii_only,
                                                                    indent):  # fmt: skip
    path = tmp_path / "values.json"
    path.write_text(json.dumps(values, ensure_ascii=ascii_only, indent=indent), encoding="utf-8")
    monkeypatch.setattr(readers, "_JSON_CHUNK_CHARS", chunk)
    assert list(iter_source_rows(str(path), 0, 1)) == list(enumerate(values))


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"system": "s", "chat": "c"}', "must hold one JSON array of rows, but it starts with '{'"),
        ("", "the JSON ends before its first value"),
        ("[1, 2", "the JSON ends before ',' or ']' after row 1"),
        ("[1 2]", "expected ',' or ']' after row 0, found '2'"),
        ("[1, ]", "row 1 is not valid JSON"),
        ("[1, NaN]", "row 1 is not valid JSON: NaN is not valid JSON"),
        ('[{"a": 1}, {"a": tru}]', "row 1 is not valid JSON"),
        ("[1] [2]", "unexpected data after the array's closing ']' ('[')"),
    ],
)
def test_a_malformed_json_array_is_a_clear_source_error(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        list(iter_source_rows(str(path), 0, 1))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_json_that_is_not_utf8_is_a_source_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'["caf\xe9"]')
    with pytest.raises(SourceError, match="not valid UTF-8"):
        list(iter_source_rows(str(path), 0, 1))


def test_an_empty_json_array_has_no_rows(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(" [ ] \n", encoding="utf-8")
    assert list(iter_source_rows(str(path), 0, 1)) == []


# --- .jsonl -------------------------------------------------------------------------------------------------
def test_jsonl_keeps_unreadable_lines_and_odd_values_at_their_index():
    rows = list(iter_source_rows(str(FIXTURES / "rows.jsonl"), 0, 1))
    glaive = fixture_rows()
    assert [index for index, _ in rows] == list(range(9))  # the blank line is not a row
    assert rows[0] == (0, glaive[0])
    assert rows[1] == (1, glaive[1])
    assert rows[2] == (2, UnreadableRow(
        '{"system": "SYSTEM: cut off", "chat": "USER: hel',
        "not JSON: Unterminated string starting at: line 1 column 39 (char 38)"))  # fmt: skip
    assert rows[3] == (3, None)
    assert rows[4] == (4, 7)
    assert rows[5] == (5, glaive[2])  # a CRLF line ending is not part of the row
    assert rows[6] == (6, UnreadableRow('{"value": NaN}', "not JSON: NaN is not valid JSON"))
    assert rows[7] == (7, "\ud83d alone")  # a lone surrogate is kept, for the core to flag
    assert rows[8] == (8, glaive[3])


def test_jsonl_bytes_that_are_not_utf8_become_an_unreadable_row(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n{"b": "caf\xe9"}\n12345678901234567890123456789\n')
    assert list(iter_source_rows(str(path), 0, 1)) == [
        (0, {"a": 1}),  # the BOM is dropped
        (1, UnreadableRow('{"b": "caf\ufffd"}', "invalid UTF-8 at byte 10")),
        (2, 12345678901234567890123456789),  # big integers stay integers
    ]


def test_unreadable_row_is_a_frozen_value():
    row = UnreadableRow("x", "not JSON")
    assert (row.text, row.error) == ("x", "not JSON")
    with pytest.raises(AttributeError):
        row.text = "y"  # type: ignore[misc]


# --- parquet ------------------------------------------------------------------------------------------------
def write_parquet(path: Path, rows: list[dict], row_group_size: int = 4) -> None:
    table = pa.table({"system": [r["system"] for r in rows], "chat": [r["chat"] for r in rows]})
    pq.write_table(table, path, row_group_size=row_group_size)


def test_parquet_rows_come_back_in_order_including_nulls(tmp_path, monkeypatch):
    rows = [r for r in fixture_rows()[:4]] + [{"system": None, "chat": "USER: hi\n\n\n"}]
    rows = rows * 3
    path = tmp_path / "rows.parquet"
    write_parquet(path, rows)
    monkeypatch.setattr(readers, "_PARQUET_BATCH_ROWS", 3)  # batches that straddle row groups
    assert list(iter_source_rows(str(path), 0, 1)) == list(enumerate(rows))
    sampled = list(iter_source_rows(str(path), 6, 11))
    assert [i for i, _ in sampled] == reservoir_indices(len(rows), 6, 11)
    assert all(row == rows[i] for i, row in sampled)


def test_a_file_that_is_not_parquet_is_a_source_error(tmp_path):
    path = tmp_path / "fake.parquet"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(SourceError, match="not a readable parquet file"):
        iter_source_rows(str(path), 0, 1)


# --- sampling -----------------------------------------------------------------------------------------------
def test_sampling_is_reproducible_ascending_and_a_subset(tmp_path):
    rows = [row for _, row in iter_sample_rows(400, 5)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    first = list(iter_source_rows(str(path), 25, 9))
    assert first == list(iter_source_rows(str(path), 25, 9))
    indices = [i for i, _ in first]
    assert len(indices) == 25 and indices == sorted(set(indices))
    assert all(row == rows[i] for i, row in first)
    assert [i for i, _ in iter_source_rows(str(path), 25, 10)] != indices
    assert [i for i, _ in iter_source_rows(str(path), 25, -9)] != indices
    assert list(iter_source_rows(str(path), 400, 9)) == list(enumerate(rows))
    assert list(iter_source_rows(str(path), 10_000, 9)) == list(enumerate(rows))


def test_every_source_samples_the_same_positions(tmp_path):
    # The sample source and files written from it give the same rows for the same (size, sample_size, seed).
    rows = [row for _, row in iter_sample_rows(300, 21)]
    jsonl, array, parquet = tmp_path / "r.jsonl", tmp_path / "r.json", tmp_path / "r.parquet"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    array.write_text(json.dumps(rows), encoding="utf-8")
    write_parquet(parquet, rows, row_group_size=64)
    expected = list(iter_source_rows("sample:300", 40, 21))
    assert [i for i, _ in expected] == reservoir_indices(300, 40, 21)
    for path in (jsonl, array, parquet):
        assert list(iter_source_rows(str(path), 40, 21)) == expected


def test_streamed_and_counted_reservoirs_choose_alike():
    stream = readers._sample_stream(((i, f"row{i}") for i in range(1000)), 37, 4)
    assert [i for i, _ in stream] == reservoir_indices(1000, 37, 4)
    assert [p for _, p in stream] == [f"row{i}" for i in reservoir_indices(1000, 37, 4)]


def test_sampling_is_uniform():
    # 4000 samples of 10 out of 100: each position is kept 400 times on average (sd ~19).
    counts = Counter(i for seed in range(4000) for i in reservoir_indices(100, 10, seed))
    assert set(counts) == set(range(100))
    assert max(abs(c - 400) for c in counts.values()) < 80
    chi_square = sum((c - 400) ** 2 / 400 for c in counts.values())
    assert chi_square < 160  # 99 degrees of freedom: p < 1e-4 above this


# --- the sample source --------------------------------------------------------------------------------------
def test_the_sample_source_is_the_generator(monkeypatch):
    assert list(iter_source_rows("sample:50", 0, 3)) == list(iter_sample_rows(50, 3))
    assert list(iter_source_rows(" Sample ", 5, 3)) == list(iter_source_rows("sample:112960", 5, 3))
    picked = list(iter_source_rows("sample", 5, 3))
    assert [i for i, _ in picked] == reservoir_indices(SAMPLE_ALL_ROWS, 5, 3)
    assert max(i for i, _ in picked) > 1000  # drawn from the whole synthetic dataset, not its head


# --- errors ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, message",
    [
        ("bogus",
         "unknown source 'bogus': use 'sample', 'sample:N', 'hf', or a path to a .json, .jsonl or .parquet file"),
        ("rows.csv", "unsupported file type '.csv' for source 'rows.csv': use 'sample', 'sample:N', 'hf'"),
        ("/no/such/file.jsonl", "source file not found: '/no/such/file.jsonl' (use 'sample', 'sample:N', 'hf'"),
        ("sample:0", "N in 'sample:N' must be a whole number > 0"),
        ("sample:many", "N in 'sample:N' must be a whole number > 0"),
        ("  ", "source must be a non-empty string"),
    ],
)
def test_a_bad_source_is_a_source_error_naming_the_options(source, message):
    with pytest.raises(SourceError) as raised:
        iter_source_rows(source, 0, 1)  # raised on the call, not at the first row
    assert message in str(raised.value)
    assert not isinstance(raised.value, SourceUnavailable)
    with pytest.raises(SourceError):
        describe_source(source, 0, 1)


def test_a_directory_is_not_a_file_source(tmp_path):
    with pytest.raises(SourceError, match="is a directory, not a file .*GLAIVE_HF_DATASET"):
        iter_source_rows(str(tmp_path), 0, 1)


@pytest.mark.parametrize("sample_size, seed", [(-1, 1), (1.5, 1), (True, 1), (5, "x")])
def test_bad_sample_settings_are_source_errors(sample_size, seed):
    with pytest.raises(SourceError, match="sample_size must be|seed must be"):
        iter_source_rows("sample", sample_size, seed)


# --- Hugging Face -------------------------------------------------------------------------------------------
def test_a_local_dataset_folder_is_read_through_the_datasets_library(tmp_path, no_hf_env):
    rows = fixture_rows()[:4] + [row for _, row in iter_sample_rows(30, 2)]
    folder = tmp_path / "glaive-local"
    folder.mkdir()
    (folder / "glaive-function-calling-v2.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    no_hf_env.setenv("GLAIVE_HF_DATASET", str(folder))
    assert list(iter_source_rows("hf", 0, 1)) == list(enumerate(rows))
    sampled = list(iter_source_rows("hf", 7, 13))
    assert [i for i, _ in sampled] == reservoir_indices(len(rows), 7, 13)
    assert all(row == rows[i] for i, row in sampled)


def test_a_missing_local_dataset_folder_is_a_source_error(no_hf_env, tmp_path):
    no_hf_env.setenv("GLAIVE_HF_DATASET", str(tmp_path / "absent"))
    with pytest.raises(SourceError, match="GLAIVE_HF_DATASET=.*is not a directory") as raised:
        iter_source_rows("hf", 0, 1)
    assert not isinstance(raised.value, SourceUnavailable)


def test_an_unreachable_hub_fails_fast_with_the_offline_options(no_hf_env):
    # A closed local port stands in for the hub, so the test means the same with or without internet.
    no_hf_env.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    started = time.monotonic()
    with pytest.raises(SourceUnavailable) as raised:
        iter_source_rows("hf", 0, 1)
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
        "from glaive_assets.sources.readers import iter_source_rows, SourceUnavailable\n"
        "try:\n    iter_source_rows('hf', 0, 1)\nexcept SourceUnavailable as e:\n    print('UNAVAILABLE', e)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert done.stdout.startswith("UNAVAILABLE HF_HUB_OFFLINE is set and dataset 'glaiveai/glaive-function-calling-v2'")
    assert "GLAIVE_SOURCE=sample" in done.stdout


# --- data versions --------------------------------------------------------------------------------------------
def test_the_sample_version_follows_generator_seed_and_size_only():
    described = describe_source("sample", 100, 42)
    assert described == {"kind": "sample", "version": f"sample-v{SAMPLE_GENERATOR_VERSION}-seed42-rows112960",
                         "generator_version": SAMPLE_GENERATOR_VERSION, "seed": 42, "rows": SAMPLE_ALL_ROWS,
                         "sample_size": 100}  # fmt: skip
    assert describe_source("sample", 5, 42)["version"] == described["version"]
    assert describe_source("sample", 100, 43)["version"] != described["version"]
    assert describe_source("sample:1000", 100, 42)["version"] != described["version"]


def test_a_file_version_is_the_sha256_of_its_bytes(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"system": "a", "chat": "b"}\n')
    described = describe_source(str(path), 0, 1)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert described == {"kind": "file", "version": digest, "sha256": digest, "format": "jsonl",
                         "path": str(path.resolve()), "bytes": 29, "sample_size": 0, "seed": 1}  # fmt: skip
    path.write_bytes(b'{"system": "a", "chat": "c"}\n')  # same size, new content
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert describe_source(str(path), 0, 1)["version"] == hashlib.sha256(path.read_bytes()).hexdigest() != digest


def test_the_hub_version_is_the_pinned_revision_without_any_network(no_hf_env):
    no_hf_env.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    assert describe_source("hf", 0, 1) == {"kind": "hf", "version": HF_REVISION, "dataset": HF_DATASET_ID,
                                           "revision": HF_REVISION, "sample_size": 0, "seed": 1}  # fmt: skip


def test_a_local_dataset_folder_version_changes_with_its_files(tmp_path, no_hf_env):
    folder = tmp_path / "ds"
    folder.mkdir()
    data = folder / "glaive-function-calling-v2.json"
    data.write_text('[{"system": "a", "chat": "b"}]', encoding="utf-8")
    no_hf_env.setenv("GLAIVE_HF_DATASET", str(folder))
    before = describe_source("hf", 0, 1)
    assert (before["kind"], before["dataset"], before["files"], before["bytes"]) == ("hf", str(folder), 1, 30)
    data.write_text('[{"system": "a", "chat": "b"}, null]', encoding="utf-8")
    after = describe_source("hf", 0, 1)
    assert after["version"] != before["version"] and after["files"] == 1
