"""iter_source_rows over every kind of source: the same sample positions whatever the source."""

from __future__ import annotations

import json

from glaive_assets.sources.sample import iter_sample_rows
from glaive_assets.sources.sampling import reservoir_indices
from glaive_assets_tests.fixtures.sources import read, write_parquet


def test_sampling_is_reproducible_ascending_and_a_subset(tmp_path):
    rows = [row for _, row in iter_sample_rows(400, 5)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    first = list(read(str(path), 25, 9))
    assert first == list(read(str(path), 25, 9))
    indices = [i for i, _ in first]
    assert len(indices) == 25 and indices == sorted(set(indices))
    assert all(row == rows[i] for i, row in first)
    assert [i for i, _ in read(str(path), 25, 10)] != indices
    assert [i for i, _ in read(str(path), 25, -9)] != indices
    assert list(read(str(path), 400, 9)) == list(enumerate(rows))
    assert list(read(str(path), 10_000, 9)) == list(enumerate(rows))


def test_every_source_samples_the_same_positions(tmp_path):
    # The sample source and files written from it give the same rows for the same (size, sample_size, seed).
    rows = [row for _, row in iter_sample_rows(300, 21)]
    jsonl, array, parquet = tmp_path / "r.jsonl", tmp_path / "r.json", tmp_path / "r.parquet"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    array.write_text(json.dumps(rows), encoding="utf-8")
    write_parquet(parquet, rows, row_group_size=64)
    expected = list(read("sample:300", 40, 21))
    assert [i for i, _ in expected] == reservoir_indices(300, 40, 21)
    for path in (jsonl, array, parquet):
        assert list(read(str(path), 40, 21)) == expected
