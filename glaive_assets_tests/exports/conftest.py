"""A realistic training set for the export tests: sample rows -> core -> ChatML -> three splits.

400 rows of the offline sample generator (seed 0; its quirk mix included) go through the core; the
processed records become ChatML rows, and the training splits are stood in for by a fixed rule
(row i: test when i % 20 == 0, validation when i % 20 == 1, else train; train weight 1.0 + (i % 3) / 2),
in the training-set engineer's row layout: the ChatML row plus "split" and "sample_weight".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.transform import process_row
from glaive_assets.exports.write import SPLITS, ExportResult, write_export
from glaive_assets.sources.sample import iter_sample_rows
from glaive_assets_tests.harness.hf_offline import go_offline

SAMPLE_ROWS = 400
SAMPLE_SEED = 0
TRAINING_REPORT = {
    "chatml_rows": 400,
    "dropped": {"contaminated": 2, "duplicate_exact": 5, "duplicate_near": 1, "duplicate_paraphrase": 1},
    "weights": {"slice_shares": [
        {"slice": "complexity_tier", "value": "complex", "rows": 40, "share_before": 0.1, "share_after": 0.15,
         "status": "weighted"},
    ]},
}


def split_of(position: int) -> str:
    return "test" if position % 20 == 0 else "validation" if position % 20 == 1 else "train"


def split_row(processed: dict[str, Any], split: str, weight: float) -> dict[str, Any]:
    return {**to_chatml(processed), "split": split, "sample_weight": weight}


@pytest.fixture(scope="session")
def processed_records() -> list[dict[str, Any]]:
    outcomes = (process_row(row, index) for index, row in iter_sample_rows(SAMPLE_ROWS, SAMPLE_SEED))
    records = [outcome.processed for outcome in outcomes if outcome.processed is not None]
    assert len(records) == 390  # 10 of the 400 sample rows are rejects (malformed calls)
    return records


@pytest.fixture(scope="session")
def processed_by_id(processed_records) -> dict[str, dict[str, Any]]:
    return {record["record_id"]: record for record in processed_records}


@pytest.fixture(scope="session")
def split_rows(processed_records) -> dict[str, list[dict[str, Any]]]:
    splits: dict[str, list[dict[str, Any]]] = {split: [] for split in SPLITS}
    for position, record in enumerate(processed_records):
        split = split_of(position)
        weight = 1.0 + (position % 3) / 2 if split == "train" else 1.0
        splits[split].append(split_row(record, split, weight))
    return splits


@pytest.fixture(scope="session")
def exports(tmp_path_factory, split_rows) -> dict[str, ExportResult]:
    """The three exports of the sample training set, written once for the session."""
    root: Path = tmp_path_factory.mktemp("training")
    return {
        export_format: write_export(export_format, root / export_format, split_rows,
                                    training_report=TRAINING_REPORT, source_revision="sample-seed-0")
        for export_format in ("hf", "openai", "sharegpt")
    }


@pytest.fixture
def hf_offline(monkeypatch):
    """The Hugging Face libraries offline for one test (undone after it)."""
    go_offline(monkeypatch)
