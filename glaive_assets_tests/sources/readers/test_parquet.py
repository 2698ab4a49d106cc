"""A .parquet file, in batches that straddle row groups, whole or sampled."""

from __future__ import annotations

import pytest

from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.readers import parquet
from glaive_assets.sources.sampling import reservoir_indices
from glaive_assets_tests.fixtures.sources import fixture_rows, read, write_parquet


def test_parquet_rows_come_back_in_order_including_nulls(tmp_path, monkeypatch):
    rows = [r for r in fixture_rows()[:4]] + [{"system": None, "chat": "USER: hi\n\n\n"}]
    rows = rows * 3
    path = tmp_path / "rows.parquet"
    write_parquet(path, rows)
    monkeypatch.setattr(parquet, "PARQUET_BATCH_ROWS", 3)  # batches that straddle row groups
    assert list(read(str(path), 0, 1)) == list(enumerate(rows))
    sampled = list(read(str(path), 6, 11))
    assert [i for i, _ in sampled] == reservoir_indices(len(rows), 6, 11)
    assert all(row == rows[i] for i, row in sampled)


def test_a_file_that_is_not_parquet_is_a_source_error(tmp_path):
    path = tmp_path / "fake.parquet"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(SourceError, match="not a readable parquet file"):
        read(str(path), 0, 1)
