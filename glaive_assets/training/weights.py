"""Sample weights for the train split: the bias report's mitigation, applied.

Every bias slice (qa.stats.SLICES) is measured on the train rows. A target value (in the slice's
closed set and not in qa.bias.NOT_TARGETS) whose share of the train rows is below the threshold is
- unfixable when it has no row, or when qa.bias.mitigation says "collect_more" (fewer than
  qa.bias.MIN_ROWS_TO_OVERSAMPLE rows below a 1% share: weighting a handful of rows up would have them
  memorised). Its weight is left alone and the report says why;
- otherwise weighted: its rows' weights are multiplied by qa.bias.sample_weight(weighted count,
  weighted total, threshold), the weight that brings it to exactly the threshold share.
Values interact (a row sits in one value of every slice, and raising one value lowers the others of
its slice), so the rule is applied value by value, round after round, until every fixable value
holds at least the threshold share (iterative proportional fitting with lower bounds; rows that agree
on every slice share one weight, so a round costs a few hundred multiplications). The weights are
finally scaled to a mean of 1 over the train rows, which leaves every share as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glaive_assets.qa.bias import KNOWN_SOURCE_GAPS, NOT_TARGETS, mitigation, sample_weight
from glaive_assets.qa.stats import SLICES, slice_key

MAX_ROUNDS = 500
_SHARE_SLACK = 1e-9  # a share this close below the threshold has reached it (float rounding)

STATUS_OK = "ok"  # at or above the threshold, before and after
STATUS_WEIGHTED = "weighted"  # below before, at or above after
STATUS_UNFIXABLE = "unfixable"  # below, and weights cannot honestly fix it (see `note`)
STATUS_NOT_REACHED = "not_reached"  # fixable, but the rounds ran out (the report shows it)
STATUS_NOT_TARGET = "not_target"  # counted and shown, not a representation target


@dataclass(frozen=True)
class Weighting:
    weights: np.ndarray  # float64, one per train row, mean 1
    shares: list[dict[str, Any]]  # one entry per slice value: before/after shares and status
    rounds: int
    converged: bool


def slice_codes(slice_values: tuple[Any, ...]) -> tuple[int, ...]:
    """Each slice value's position in its slice's closed set (ValueError outside it)."""
    # Typed key: True == 1 in Python, and slice_key keeps them apart, so the memo must too.
    key = (slice_values, tuple(map(type, slice_values)))
    codes = _SEEN.get(key)
    if codes is None:
        try:
            codes = tuple(_CODES[index][slice_key(value)] for index, value in enumerate(slice_values))
        except KeyError:
            raise ValueError(f"slice values {slice_values!r} fall outside the closed sets of qa.stats.SLICES") from None
        _SEEN[key] = codes  # bounded: only combinations of closed-set values get here
    return codes


_CODES = [{slice_key(value): code for code, value in enumerate(spec.expected_values)} for spec in SLICES]
_SEEN: dict[tuple, tuple[int, ...]] = {}


def _targets(counts: np.ndarray, total: int, threshold: float) -> tuple[list, dict]:
    """Fixable (slice, code) pairs, and a note for every unfixable one."""
    fixable, unfixable = [], {}
    for slice_index, spec in enumerate(SLICES):
        for code, value in enumerate(spec.expected_values):
            if value in NOT_TARGETS.get(spec.name, {}):
                continue
            count = int(counts[slice_index][code])
            if total and count / total >= threshold:
                fixable.append((slice_index, code))
                continue
            fix = mitigation(spec, value, count, total, threshold)
            if count == 0 or fix["strategy"] == "collect_more":
                unfixable[(slice_index, code)] = KNOWN_SOURCE_GAPS.get((spec.name, value), fix["reason"])
            else:
                fixable.append((slice_index, code))
    return fixable, unfixable


def _fit(combos: np.ndarray, combo_counts: np.ndarray, fixable: list, threshold: float) -> tuple[np.ndarray, int, bool]:
    """Per-combination weights that give every fixable value at least the threshold share."""
    weights = np.ones(len(combos))
    members = {target: combos[:, target[0]] == target[1] for target in fixable}
    for round_number in range(1, MAX_ROUNDS + 1):
        changed = False
        for target, member in members.items():
            mass = combo_counts * weights
            total, inside = mass.sum(), mass[member].sum()
            if inside / total < threshold:
                # Aim a hair above the threshold so that float rounding cannot leave it just below.
                weights[member] *= sample_weight(inside, total, threshold + _SHARE_SLACK)
                changed = True
        if not changed:
            return weights, round_number, True
    return weights, MAX_ROUNDS, False


def weigh_train_rows(codes: np.ndarray, threshold: float) -> Weighting:
    """codes: (train rows, len(SLICES)) slice codes (see slice_codes)."""
    rows = len(codes)
    counts = [np.bincount(codes[:, index], minlength=len(spec.expected_values)) if rows else
              np.zeros(len(spec.expected_values), dtype=np.int64) for index, spec in enumerate(SLICES)]
    fixable, unfixable = _targets(counts, rows, threshold)
    if rows == 0:
        return Weighting(np.ones(0), _shares(counts, counts, 0, 0.0, fixable, unfixable, threshold), 0, True)
    combos, combo_of_row, combo_counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    combo_weights, rounds, converged = _fit(combos, combo_counts, fixable, threshold)
    combo_weights *= rows / float((combo_counts * combo_weights).sum())  # mean 1 over the rows
    weights = combo_weights[combo_of_row.reshape(-1)]
    weighted = [np.bincount(codes[:, index], weights=weights, minlength=len(spec.expected_values))
                for index, spec in enumerate(SLICES)]
    shares = _shares(counts, weighted, rows, float(weights.sum()), fixable, unfixable, threshold)
    return Weighting(weights, shares, rounds, converged)


def _status(before: float | None, after: float | None, fixable: bool, threshold: float) -> str:
    if before is not None and before >= threshold - _SHARE_SLACK:
        return STATUS_OK if after is not None and after >= threshold - _SHARE_SLACK else STATUS_NOT_REACHED
    if not fixable:
        return STATUS_UNFIXABLE
    return STATUS_WEIGHTED if after is not None and after >= threshold - _SHARE_SLACK else STATUS_NOT_REACHED


def _shares(counts, weighted, rows: int, total_weight: float, fixable: list, unfixable: dict,
            threshold: float) -> list[dict[str, Any]]:
    fixable_set = set(fixable)
    out = []
    for slice_index, spec in enumerate(SLICES):
        for code, value in enumerate(spec.expected_values):
            before = int(counts[slice_index][code]) / rows if rows else None
            after = float(weighted[slice_index][code]) / total_weight if total_weight else None
            not_target = NOT_TARGETS.get(spec.name, {}).get(value)
            status = (STATUS_NOT_TARGET if not_target else
                      _status(before, after, (slice_index, code) in fixable_set, threshold))
            out.append({
                "slice": spec.name,
                "value": value,
                "rows": int(counts[slice_index][code]),
                "share_before": before,
                "share_after": after,
                "status": status,
                "note": not_target or unfixable.get((slice_index, code)),
            })
    return out
