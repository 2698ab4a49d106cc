"""The written training set (split rows, ledger, report) and the checks on it: accounting and leakage."""

from __future__ import annotations

import copy
import math

import numpy as np
import orjson
import pytest

from glaive_assets.core.jsonio import read_jsonl
from glaive_assets.training.config import DROP_REASONS, SPLITS, TRAINING_PATHS, TrainingConfig
from glaive_assets.training.plan import plan_training_set
from glaive_assets.training.report import training_report
from glaive_assets.training.plan import RowKeyTable
from glaive_assets.training.signatures import row_keys
from glaive_assets.training.stage import check_split_leakage
from glaive_assets.training.verify import check_accounting, line_id, no_split_leakage
from glaive_assets.training.write import LEDGER_COLUMNS, ledger_row, split_line, write_training_report, write_training_set
from glaive_assets_tests.training.rows import sample_chatml_rows, weather_row, write_rows
from glaive_assets_tests.training.test_dedup import planted_rows


@pytest.fixture(scope="module")
def sample_rows() -> list[dict]:
    return sample_chatml_rows(3000, seed=9)


def written(tmp_path, rows, config=None):
    chatml = write_rows(tmp_path / "glaive_chatml.jsonl", rows)
    plan = plan_training_set(read_jsonl(chatml), config or TrainingConfig())
    with open(chatml, "rb") as lines:
        artifacts = write_training_set(tmp_path, lines, plan)
    return chatml, plan, artifacts


def test_split_rows_are_the_chatml_rows_plus_split_and_weight(tmp_path):
    rows = planted_rows()
    _, plan, artifacts = written(tmp_path, rows)
    found = {}
    for name in SPLITS:
        for row in read_jsonl(tmp_path / TRAINING_PATHS[name]):
            found[row["id"], row["metadata"]["source_index"]] = row
            assert row["split"] == name
            assert list(row) == ["id", "messages", "tools", "metadata", "split", "sample_weight"]
            if name != "train":
                assert row["sample_weight"] == 1.0
    kept = [rows[position] for position in (0, 4, 6, 7, 8, 10)]
    assert len(found) == len(kept) == sum(artifacts[name].rows for name in SPLITS)
    for row in kept:
        out = found[row["id"], row["metadata"]["source_index"]]
        assert {key: out[key] for key in row} == row
        position = rows.index(row)
        assert out["sample_weight"] == pytest.approx(plan.sample_weight[position])


def test_the_ledger_lists_every_dropped_row(tmp_path):
    rows = planted_rows()
    _, _, artifacts = written(tmp_path, rows)
    ledger = list(read_jsonl(tmp_path / TRAINING_PATHS["dropped"]))
    assert artifacts["dropped"].rows == len(ledger) == 5
    assert all(list(entry) == list(LEDGER_COLUMNS) for entry in ledger)
    assert [(entry["source_index"], entry["reason"], entry["duplicate_of"]) for entry in ledger] == [
        (1, "duplicate_exact", rows[0]["id"]),
        (2, "duplicate_near", rows[0]["id"]),
        (3, "duplicate_near", rows[0]["id"]),
        (5, "duplicate_paraphrase", rows[4]["id"]),
        (100, "duplicate_exact", rows[10]["id"]),
    ]


def test_ledger_row_refuses_a_kept_row():
    plan = plan_training_set(iter(planted_rows()))
    with pytest.raises(ValueError, match="not dropped"):
        ledger_row(plan, 0)


def test_split_line_splices_keys_into_the_object():
    line = b'{"id":"a","messages":[]}\n'
    assert orjson.loads(split_line(line, "train", 1.5)) == {"id": "a", "messages": [], "split": "train",
                                                            "sample_weight": 1.5}
    with pytest.raises(ValueError):
        split_line(b"[1, 2]\n", "train", 1.0)


def test_other_lines_than_the_plan_are_refused_and_nothing_is_replaced(tmp_path):
    rows = planted_rows()
    _, plan, _ = written(tmp_path, rows)
    before = (tmp_path / TRAINING_PATHS["train"]).read_bytes()
    changed = copy.deepcopy(rows)
    changed[3] = weather_row(3, "Something else entirely", "Paris")
    with pytest.raises(ValueError, match="row 3 has id"):
        write_training_set(tmp_path, iter(orjson.dumps(row) + b"\n" for row in changed), plan)
    with pytest.raises(ValueError, match="10 lines, but the plan was made from 11 rows"):
        write_training_set(tmp_path, iter(orjson.dumps(row) + b"\n" for row in rows[:10]), plan)
    assert (tmp_path / TRAINING_PATHS["train"]).read_bytes() == before
    assert sorted(path.name for path in (tmp_path / "training").iterdir()) == [
        "dropped.jsonl", "test.jsonl", "train.jsonl", "validation.jsonl"]  # no temporary files left


def test_accounting_adds_up_and_catches_a_lost_row(tmp_path, sample_rows):
    _, plan, artifacts = written(tmp_path, sample_rows)
    counts = {name: artifact.rows for name, artifact in artifacts.items()}
    result = check_accounting(len(sample_rows), counts, plan)
    assert result.ok, result.message
    assert sum(result.rows.values()) == len(sample_rows)
    lost = check_accounting(len(sample_rows) + 1, counts, plan)
    assert not lost.ok
    assert f"{len(sample_rows) + 1} ChatML rows, but the files hold {len(sample_rows)}" in lost.message
    plan.split[int(np.flatnonzero(plan.reason >= 0)[0])] = 0  # a dropped row also in train
    assert "1 rows are in both a split and the ledger" in check_accounting(len(sample_rows), counts, plan).message


def test_no_leakage_in_the_written_splits(tmp_path, sample_rows):
    _, plan, _ = written(tmp_path, sample_rows)
    result = check_split_leakage(tmp_path, plan)
    assert result.ok
    assert result.unknown_rows == 0
    assert sum(result.rows.values()) == int(np.sum(plan.split >= 0)) > 1000
    assert result.matches == {pair: {"exact": 0, "near": 0, "structure": 0}
                              for pair in ("train/validation", "train/test", "validation/test")}


def key_table(rows: list[dict]) -> RowKeyTable:
    keys = [row_keys(row) for row in rows]
    return RowKeyTable(np.array([row["id"].encode() for row in rows], dtype=np.bytes_),
                       *(np.array([getattr(key, kind) for key in keys], dtype=np.uint64)
                         for kind in ("exact", "near", "structure")))


def lines(*rows: dict) -> list[bytes]:
    return [orjson.dumps(row) + b"\n" for row in rows]


def test_leakage_is_found_when_planted():
    paris = weather_row(0, "What is the weather in Paris?", "Paris")
    lima = weather_row(1, "What is the weather in Lima?", "Lima")          # same template as paris
    variant = weather_row(2, "what is the WEATHER in paris", "Paris", 5)   # near copy of paris
    other = weather_row(3, "Tell me a joke about penguins", "Oslo")
    table = key_table([paris, lima, variant, other])
    result = no_split_leakage({"train": lines(paris, other), "validation": lines(paris), "test": lines(lima, variant)},
                              table)
    assert not result.ok
    assert result.matches == {
        "train/validation": {"exact": 1, "near": 1, "structure": 1},
        "train/test": {"exact": 0, "near": 1, "structure": 2},
        "validation/test": {"exact": 0, "near": 1, "structure": 2},
    }
    assert result.examples[0] == {"splits": ["train", "validation"], "kind": "exact", "id": paris["id"]}
    clean = no_split_leakage({"train": lines(paris), "validation": lines(other), "test": []}, table)
    assert clean.ok and clean.rows == {"train": 1, "validation": 1, "test": 0}


def test_a_row_the_plan_does_not_know_fails_the_check():
    paris = weather_row(0, "What is the weather in Paris?", "Paris")
    stranger = weather_row(1, "Weather in Oslo?", "Oslo")
    result = no_split_leakage({"train": lines(paris), "validation": lines(stranger), "test": []}, key_table([paris]))
    assert (result.ok, result.unknown_rows) == (False, 1)


def test_line_id_reads_the_id_at_the_start_or_parses_the_line():
    assert line_id(b'{"id":"abc","messages":[]}\n') == b"abc"
    assert line_id(b'{"messages":[],"id":"late"}\n') == b"late"
    assert line_id(b'{"id":"a\\"b","x":1}\n') == b'a"b'


def test_report_is_strict_json_with_every_figure(tmp_path, sample_rows):
    config = TrainingConfig(seed=7)
    chatml, plan, artifacts = written(tmp_path, sample_rows, config)
    accounting = check_accounting(len(sample_rows), {name: a.rows for name, a in artifacts.items()}, plan)
    leakage = check_split_leakage(tmp_path, plan)
    report = training_report(plan, accounting, leakage)
    artifact = write_training_report(tmp_path, report)
    assert artifact.path == tmp_path / "training" / "training_report.json"
    loaded = orjson.loads(artifact.path.read_bytes())
    assert loaded == orjson.loads(orjson.dumps(report))
    assert loaded["chatml_rows"] == len(sample_rows)
    assert loaded["rows"] == {**{name: artifacts[name].rows for name in SPLITS}, "dropped": artifacts["dropped"].rows}
    assert set(loaded["dropped"]) == set(DROP_REASONS)
    assert sum(loaded["dropped"].values()) == artifacts["dropped"].rows
    assert loaded["config"]["seed"] == 7
    assert loaded["config"]["split_fractions"] == {"train": 0.9, "validation": 0.05, "test": 0.05}
    assert loaded["accounting"]["ok"] is True and loaded["leakage"]["ok"] is True
    assert loaded["stratification"]["within_tolerance"] is True
    assert sum(row["rows"] for row in loaded["stratification"]["table"]) == sum(
        artifacts[name].rows for name in SPLITS)
    shares = loaded["weights"]["slice_shares"]
    assert {entry["slice"] for entry in shares} == {"complexity_tier", "call_bucket", "turn_bucket",
                                                    "has_error_handling", "has_parallel", "has_defined_functions",
                                                    "has_refusal", "function_domain"}

    def finite(value):
        if isinstance(value, float):
            assert math.isfinite(value)
        elif isinstance(value, dict):
            for item in value.values():
                finite(item)
        elif isinstance(value, list):
            for item in value:
                finite(item)

    finite(loaded)


def test_an_empty_chatml_file_gives_empty_splits_and_a_report(tmp_path):
    chatml, plan, artifacts = written(tmp_path, [])
    assert {name: artifact.rows for name, artifact in artifacts.items()} == {
        "train": 0, "validation": 0, "test": 0, "dropped": 0}
    assert check_accounting(0, {name: 0 for name in artifacts}, plan).ok
    report = training_report(plan, None, check_split_leakage(tmp_path, plan))
    assert report["rows"] == {"train": 0, "validation": 0, "test": 0, "dropped": 0}
    assert report["leakage"]["ok"] is True
    assert report["stratification"]["within_tolerance"] is True
    orjson.loads(orjson.dumps(report))
