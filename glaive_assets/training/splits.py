"""Train / validation / test assignment: seeded, stratified and group-aware.

- Group-aware: rows with the same structure key (signatures.py) form a group, and a group goes to
  one split whole. Near-copies that survive dedup (the same request template and calls) therefore
  never straddle two splits.
- Stratified: a group's stratum is the complexity_tier x turn_bucket of its earliest row. Within
  each stratum the groups are visited in a seeded order (a hash of the seed and the group's key, so
  a group's place does not depend on the other rows) and each goes to the split that is furthest
  below its share of the stratum so far: the split s maximizing fraction_s * (assigned + size) -
  count_s, ties to the first split. Every stratum is thus cut 90/5/5 to within one group, and each
  stratum's share of each split stays within about one row (or one group) of its share overall.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from glaive_assets.training.text import hash_parts

NOT_IN_A_SPLIT = -1


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """A fixed 64-bit mixer (SplitMix64's finalizer), vectorised: a seeded order from the keys."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def group_order_keys(structure_keys: np.ndarray, seed: int) -> np.ndarray:
    return _splitmix64(structure_keys ^ np.uint64(hash_parts("split seed", str(seed))))


def _assign_stratum(sizes: list[int], fractions: Sequence[float]) -> list[int]:
    """Largest-deficit assignment of groups (in the given order) to splits."""
    counts = [0] * len(fractions)
    assigned = 0
    out = []
    for size in sizes:
        after = assigned + size
        best, best_deficit = 0, None
        for split, fraction in enumerate(fractions):
            deficit = fraction * after - counts[split]
            if best_deficit is None or deficit > best_deficit:
                best, best_deficit = split, deficit
        counts[best] += size
        assigned = after
        out.append(best)
    return out


def assign_splits(structure_keys: np.ndarray, strata: np.ndarray, source_index: np.ndarray,
                  fractions: Sequence[float], seed: int) -> np.ndarray:
    """The split (index into config.SPLITS) of every row given; all arrays have one entry per row."""
    rows = len(structure_keys)
    split = np.full(rows, NOT_IN_A_SPLIT, dtype=np.int8)
    if rows == 0:
        return split
    earliest_first = np.argsort(source_index, kind="stable")
    group_keys, first_position, group_of_row = np.unique(
        structure_keys[earliest_first], return_index=True, return_inverse=True)
    group_sizes = np.bincount(group_of_row, minlength=len(group_keys))
    group_strata = strata[earliest_first][first_position]
    order_keys = group_order_keys(group_keys, seed)
    group_split = np.empty(len(group_keys), dtype=np.int8)
    for stratum in np.unique(group_strata):
        groups = np.flatnonzero(group_strata == stratum)
        groups = groups[np.argsort(order_keys[groups], kind="stable")]
        group_split[groups] = _assign_stratum(group_sizes[groups].tolist(), fractions)
    split[earliest_first] = group_split[group_of_row]
    return split
