"""Reading JSON-lines files as records and as small DataFrames, and the benchmark's record factory."""

from __future__ import annotations

import orjson
import pytest

from glaive_assets.core.records import PROCESSED_COLUMNS
from glaive_assets.benchmarks.qa import run_one, synthetic_records
from glaive_assets.qa.frames import JsonlLineError, iter_frames, read_jsonl, read_jsonl_frames
from glaive_assets_tests.fixtures.qa.records import DROP, make_processed_record


def write_lines(path, values) -> None:
    path.write_bytes(b"".join(orjson.dumps(value) + b"\n" for value in values))


def test_read_jsonl_yields_each_value_in_order(tmp_path):
    path = tmp_path / "processed.jsonl"
    write_lines(path, [make_processed_record(0), [1, 2], "text"])
    values = list(read_jsonl(path))
    assert values == [make_processed_record(0), [1, 2], "text"]


def test_read_jsonl_names_the_broken_line(tmp_path):
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b'{"source_index": 0}\n{"source_index": \n')
    reader = read_jsonl(path)
    assert next(reader) == {"source_index": 0}
    with pytest.raises(JsonlLineError, match=r"processed\.jsonl:2: not a JSON value"):
        next(reader)


def test_read_jsonl_refuses_nan(tmp_path):
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b'{"num_turns": NaN}\n')
    with pytest.raises(JsonlLineError, match=":1:"):
        list(read_jsonl(path))


def test_frames_hold_only_the_asked_columns_in_object_dtype():
    records = [
        make_processed_record(0),
        make_processed_record(1, has_refusal="yes", num_turns=None),
        make_processed_record(2, chat=DROP),
        "not a record",
        make_processed_record(4),
    ]
    frames = list(iter_frames(iter(records), ["source_index", "has_refusal", "num_turns", "chat"], chunk_rows=2))
    assert [len(frame) for frame in frames] == [2, 2, 1]
    assert [list(frame.index) for frame in frames] == [[0, 1], [2, 3], [4]]
    assert all(str(dtype) == "object" for frame in frames for dtype in frame.dtypes)
    assert list(frames[0].columns) == ["source_index", "has_refusal", "num_turns", "chat"]
    assert frames[0].at[1, "has_refusal"] == "yes"  # not coerced to True
    assert frames[0].at[1, "num_turns"] is None
    assert frames[1].at[2, "chat"] is None  # missing key
    assert frames[1].loc[3].tolist() == [None, None, None, None]  # not an object


def test_read_jsonl_frames(tmp_path):
    path = tmp_path / "processed.jsonl"
    write_lines(path, [make_processed_record(index, num_calls=index) for index in range(5)])
    frames = list(read_jsonl_frames(path, ["source_index", "num_calls"], chunk_rows=3))
    assert [frame["num_calls"].tolist() for frame in frames] == [[0, 1, 2], [3, 4]]


def test_iter_frames_rejects_empty_chunks():
    with pytest.raises(ValueError, match="chunk_rows"):
        list(iter_frames(iter([]), ["source_index"], chunk_rows=0))


def test_benchmark_records_follow_the_contract():
    records = list(synthetic_records(200))
    assert all(list(record) == list(PROCESSED_COLUMNS) for record in records)
    assert [record["source_index"] for record in records] == list(range(200))
    assert {record["complexity_tier"] for record in records} == {"none", "simple", "moderate", "complex"}


def test_benchmark_stats_step_runs_end_to_end():
    figures = run_one(500, "stats", from_jsonl=True)
    assert set(figures) == {"rows", "step", "from_jsonl", "stats_pass_s", "reports_s", "jsonl_mib", "peak_rss_mib"}
    assert (figures["rows"], figures["step"], figures["from_jsonl"]) == (500, "stats", True)
    assert 1.0 < figures["jsonl_mib"] < 2.0  # 500 records of ~3 KB
