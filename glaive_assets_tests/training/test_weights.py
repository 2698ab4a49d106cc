"""Sample weights: the bias mitigation applied, each fixable slice brought to the threshold share."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from glaive_assets.qa.bias import KNOWN_SOURCE_GAPS, sample_weight
from glaive_assets.qa.stats import SLICES
from glaive_assets.training.config import TrainingConfig
from glaive_assets.training.plan import plan_training_set
from glaive_assets.training.signatures import row_signature
from glaive_assets.training.weights import (
    STATUS_NOT_REACHED,
    STATUS_NOT_TARGET,
    STATUS_OK,
    STATUS_UNFIXABLE,
    STATUS_WEIGHTED,
    weigh_train_rows,
)
from glaive_assets_tests.training.rows import sample_chatml_rows

SLICES_BY_NAME = {spec.name: spec for spec in SLICES}

THRESHOLD = 0.05
SLICE_INDEX = {spec.name: index for index, spec in enumerate(SLICES)}


def code(slice_name: str, value) -> int:
    return SLICES_BY_NAME[slice_name].expected_values.index(value)


def balanced_codes(rows: int, seed: int = 0) -> np.ndarray:
    """Every target value well above 5%, drawn independently per slice; nobody calls in parallel."""
    rng = np.random.default_rng(seed)
    choices = {
        "complexity_tier": ["none", "simple", "moderate", "complex"],
        "call_bucket": ["no_calls", "one_call", "two_calls", "many_calls"],
        "turn_bucket": ["single", "short", "medium"],
        "has_error_handling": [True, False],
        "has_parallel": [False],
        "has_defined_functions": [True, False],
        "has_refusal": [True, False],
        "function_domain": list(SLICES_BY_NAME["function_domain"].expected_values[:12]),
    }
    codes = np.empty((rows, len(SLICES)), dtype=np.uint8)
    for name, values in choices.items():
        codes[:, SLICE_INDEX[name]] = [code(name, value) for value in rng.choice(np.array(values, dtype=object), rows)]
    return codes


def share(result, slice_name: str, value) -> dict:
    # type() too: True == 1 in Python.
    [entry] = [entry for entry in result.shares if entry["slice"] == slice_name
               and type(entry["value"]) is type(value) and entry["value"] == value]
    return entry


def test_one_small_slice_gets_exactly_the_bias_report_weight():
    codes = balanced_codes(2000)
    codes[:40, SLICE_INDEX["turn_bucket"]] = code("turn_bucket", "long")  # 2%
    result = weigh_train_rows(codes, THRESHOLD)
    long_rows = codes[:, SLICE_INDEX["turn_bucket"]] == code("turn_bucket", "long")
    weights = result.weights
    assert weights.mean() == pytest.approx(1.0)
    assert np.ptp(weights[long_rows]) == 0 and np.ptp(weights[~long_rows]) == 0
    assert weights[long_rows][0] / weights[~long_rows][0] == pytest.approx(sample_weight(40, 2000, THRESHOLD), rel=1e-6)
    entry = share(result, "turn_bucket", "long")
    assert (entry["rows"], entry["share_before"], entry["status"]) == (40, 0.02, STATUS_WEIGHTED)
    assert entry["share_after"] >= THRESHOLD
    assert (result.rounds, result.converged) == (2, True)


def test_unfixable_and_not_target_values_are_reported_not_faked():
    codes = balanced_codes(2000)
    codes[:5, SLICE_INDEX["function_domain"]] = code("function_domain", "other")
    codes[5:10, SLICE_INDEX["turn_bucket"]] = code("turn_bucket", "long")  # 5 rows: 0.25%, too few to weight
    result = weigh_train_rows(codes, THRESHOLD)
    parallel = share(result, "has_parallel", True)
    assert (parallel["rows"], parallel["status"], parallel["share_after"]) == (0, STATUS_UNFIXABLE, 0.0)
    assert parallel["note"] == KNOWN_SOURCE_GAPS[("has_parallel", True)]
    long_turns = share(result, "turn_bucket", "long")
    assert (long_turns["rows"], long_turns["status"]) == (5, STATUS_UNFIXABLE)
    assert long_turns["note"].startswith("only 5 rows")
    assert share(result, "function_domain", "other")["status"] == STATUS_NOT_TARGET
    assert share(result, "turn_bucket", "none")["status"] == STATUS_NOT_TARGET
    # Nothing else needed weighting.
    assert np.allclose(result.weights, 1.0)


def test_several_interacting_slices_all_reach_the_threshold():
    codes = balanced_codes(5000, seed=1)
    codes[:75, SLICE_INDEX["function_domain"]] = code("function_domain", "news")
    news = code("function_domain", "news")
    codes[75:, SLICE_INDEX["function_domain"]][codes[75:, SLICE_INDEX["function_domain"]] == news] = code(
        "function_domain", "math")
    codes[40:140, SLICE_INDEX["turn_bucket"]] = code("turn_bucket", "long")
    codes[:, SLICE_INDEX["has_refusal"]] = code("has_refusal", False)
    codes[100:250, SLICE_INDEX["has_refusal"]] = code("has_refusal", True)  # 3%, overlapping the others
    result = weigh_train_rows(codes, THRESHOLD)
    assert result.converged
    statuses = {(entry["slice"], entry["value"]): entry["status"] for entry in result.shares}
    assert statuses[("function_domain", "news")] == statuses[("turn_bucket", "long")] == STATUS_WEIGHTED
    assert statuses[("has_refusal", True)] == STATUS_WEIGHTED
    assert STATUS_NOT_REACHED not in statuses.values()
    for entry in result.shares:
        if entry["status"] in (STATUS_OK, STATUS_WEIGHTED):
            assert entry["share_after"] >= THRESHOLD, entry


def test_no_train_rows():
    result = weigh_train_rows(np.empty((0, len(SLICES)), dtype=np.uint8), THRESHOLD)
    assert len(result.weights) == 0
    assert share(result, "complexity_tier", "simple")["share_before"] is None
    assert share(result, "complexity_tier", "simple")["status"] == STATUS_UNFIXABLE


def test_weighted_train_split_recomputed_from_the_rows_reaches_the_threshold():
    """The shares are recomputed here from the train rows' own slices and weights, not from weights.py."""
    rows = sample_chatml_rows(4000, seed=5)
    plan = plan_training_set(iter(rows), TrainingConfig())
    train = plan.split_rows("train")
    mass: dict[tuple, float] = defaultdict(float)
    for position in train.tolist():
        for spec, value in zip(SLICES, row_signature(rows[position]).slices):
            mass[(spec.name, value)] += plan.sample_weight[position]
    total = float(plan.sample_weight[train].sum())
    assert total == pytest.approx(len(train))  # mean weight 1
    weighted = [entry for entry in plan.weighting.shares if entry["status"] == STATUS_WEIGHTED]
    assert weighted  # the sample leaves some slices below 5% (long conversations, some domains)
    for entry in plan.weighting.shares:
        recomputed = mass[(entry["slice"], entry["value"])] / total
        assert recomputed == pytest.approx(entry["share_after"], abs=1e-9)
        if entry["status"] in (STATUS_OK, STATUS_WEIGHTED):
            assert recomputed >= THRESHOLD - 1e-12, entry
    assert {entry["status"] for entry in plan.weighting.shares} <= {
        STATUS_OK, STATUS_WEIGHTED, STATUS_UNFIXABLE, STATUS_NOT_TARGET}
