"""Splits: reproducible by seed, group-aware, stratified within tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from glaive_assets.training.config import SPLITS, TrainingConfig
from glaive_assets.training.plan import plan_training_set
from glaive_assets.training.signatures import row_keys
from glaive_assets.training.splits import assign_splits
from glaive_assets.training.verify import stratification
from glaive_assets_tests.training.rows import sample_chatml_rows, weather_row

FRACTIONS = (0.9, 0.05, 0.05)


@pytest.fixture(scope="module")
def sample_rows() -> list[dict]:
    return sample_chatml_rows(6000)


def singletons(strata_sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    strata = np.repeat(np.arange(len(strata_sizes)), strata_sizes)
    keys = np.arange(1, len(strata) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return keys, strata


def test_each_stratum_is_cut_to_its_fractions_within_one_row():
    sizes = [5000, 1200, 333, 97, 40, 7]
    keys, strata = singletons(sizes)
    split = assign_splits(keys, strata, FRACTIONS, seed=42)
    for stratum, size in enumerate(sizes):
        counts = np.bincount(split[strata == stratum], minlength=3)
        assert counts.sum() == size
        for index, fraction in enumerate(FRACTIONS):
            assert abs(counts[index] - fraction * size) < 1, (stratum, counts)


def test_splits_are_reproducible_by_seed():
    keys, strata = singletons([3000, 500])
    first = assign_splits(keys, strata, FRACTIONS, seed=42)
    again = assign_splits(keys, strata, FRACTIONS, seed=42)
    other = assign_splits(keys, strata, FRACTIONS, seed=7)
    assert np.array_equal(first, again)
    assert np.bincount(other, minlength=3).tolist() == np.bincount(first, minlength=3).tolist()
    assert int(np.sum(first != other)) > 200  # another seed deals other rows to validation and test


def test_a_group_goes_to_one_split_whole():
    keys, strata = singletons([400])
    keys[::4] = 12345  # a hundred rows share one structure key
    split = assign_splits(keys, strata, FRACTIONS, seed=1)
    assert len(set(split[keys == 12345].tolist())) == 1


def test_template_copies_share_a_split_in_the_plan():
    cities = ["Paris", "Lima", "Oslo", "Rome", "Quito", "Cairo", "Hanoi", "Accra", "Bern", "Doha"]
    rows = [weather_row(index, f"What is the weather in {city}?", city) for index, city in enumerate(cities)]
    rows += [weather_row(100 + index, f"Weather for {city} tomorrow morning please", city, temperature=index)
             for index, city in enumerate(cities * 2)]
    plan = plan_training_set(iter(rows), TrainingConfig(seed=3))
    by_structure: dict[int, set[int]] = {}
    for position, row in enumerate(rows):
        if plan.split[position] >= 0:
            by_structure.setdefault(row_keys(row).structure, set()).add(int(plan.split[position]))
    assert len(by_structure) == 2
    assert all(len(splits) == 1 for splits in by_structure.values())


def test_other_fractions_and_an_empty_split():
    keys, strata = singletons([1000])
    split = assign_splits(keys, strata, (0.8, 0.2, 0.0), seed=42)
    assert np.bincount(split, minlength=3).tolist() == [800, 200, 0]


def test_sample_plan_is_stratified_within_tolerance_and_reproducible(sample_rows):
    plan = plan_training_set(iter(sample_rows), TrainingConfig(seed=42))
    result = stratification(plan)
    assert result["judged_splits"] == list(SPLITS)  # every split has >= 100 rows
    assert result["within_tolerance"] is True
    assert max(result["max_deviation"].values()) <= 0.01
    rows = sum(result["split_rows"].values())
    assert abs(result["split_rows"]["validation"] - 0.05 * rows) <= 3
    again = plan_training_set(iter(sample_rows), TrainingConfig(seed=42))
    assert np.array_equal(plan.split, again.split)
    assert np.array_equal(plan.sample_weight, again.sample_weight)


def test_the_block_size_does_not_change_the_assignment(monkeypatch):
    from glaive_assets.training import splits

    keys, strata = singletons([700, 300])
    keys[0:999:3] = keys[1:1000:3]  # groups of two rows, one of them spanning both strata
    expected = assign_splits(keys, strata, FRACTIONS, seed=5)
    monkeypatch.setattr(splits, "_BLOCK_GROUPS", 7)
    assert np.array_equal(assign_splits(keys, strata, FRACTIONS, seed=5), expected)
