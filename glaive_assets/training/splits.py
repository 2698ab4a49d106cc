"""Train / validation / test assignment: seeded, stratified and group-aware.

- Group-aware: rows with the same structure key (signatures.py) form a group, and a group goes to
  one split whole. Near-copies that survive dedup (the same request template and calls) therefore
  never straddle two splits.
- Stratified by complexity_tier x turn_bucket, each row counted in its own stratum (a group's rows
  may fall in several: the same request and calls, with more or fewer follow-up turns). Each
  stratum has a target per split (fraction x its rows). The groups are visited in a seeded order (a
  hash of the seed and the group's key) and each goes to the split with the largest share of its
  targets still open among the splits where it fits (count + rows <= target + 1/2 in each of its
  strata), so the splits fill evenly along the random order and the last groups fill what is left;
  a group that fits nowhere goes to the split with the most rows still open (train, in practice).
  Every stratum is thus cut 90/5/5 to within about one row when it holds enough small groups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from glaive_assets.training.text import hash_parts

NOT_IN_A_SPLIT = -1
_BLOCK_GROUPS = 65_536


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """A fixed 64-bit mixer (SplitMix64's finalizer), vectorised: a seeded order from the keys."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def group_order_keys(structure_keys: np.ndarray, seed: int) -> np.ndarray:
    return _splitmix64(structure_keys ^ np.uint64(hash_parts("split seed", str(seed))))


def _choose(members: list[tuple[int, int]], targets: list[list[float]], counts: list[list[float]]) -> int:
    """The split for a group whose rows fall `count` to a stratum: the one with the largest share of
    its targets still open among the splits where the group fits (count + rows <= target + 1/2 in
    each of its strata); when it fits nowhere, the split with the most rows still open."""
    best, best_open = -1, 0.0
    for split in range(len(targets[0])):
        open_share = 0.0
        for stratum, rows in members:
            target = targets[stratum][split]
            open_rows = target - counts[stratum][split]
            if target <= 0 or open_rows < rows - 0.5:
                break
            open_share += open_rows / target
        else:
            if open_share > best_open:
                best, best_open = split, open_share
    if best < 0:
        best = max(range(len(targets[0])),
                   key=lambda split: sum(targets[stratum][split] - counts[stratum][split] for stratum, _ in members))
    return best


def _assign_groups(groups: np.ndarray, strata: np.ndarray, rows: np.ndarray, group_count: int,
                   targets: list[list[float]]) -> np.ndarray:
    """The split of each group; the (group, stratum, rows) entries come in visiting order, a group's
    entries together. Converted to Python lists a block at a time, so memory stays bounded."""
    counts = [[0.0] * len(targets[0]) for _ in targets]
    group_split = np.empty(group_count, dtype=np.int8)
    starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1]))).tolist() + [len(groups)]
    for block in range(0, len(starts) - 1, _BLOCK_GROUPS):
        first, last = starts[block], starts[min(block + _BLOCK_GROUPS, len(starts) - 1)]
        block_groups = groups[first:last].tolist()
        block_members = list(zip(strata[first:last].tolist(), rows[first:last].tolist()))
        bounds = starts[block:block + _BLOCK_GROUPS + 1]
        for start, end in zip(bounds, bounds[1:]):
            members = block_members[start - first:end - first]
            chosen = _choose(members, targets, counts)
            for stratum, count in members:
                counts[stratum][chosen] += count
            group_split[block_groups[start - first]] = chosen
    return group_split


def assign_splits(structure_keys: np.ndarray, strata: np.ndarray, fractions: Sequence[float], seed: int) -> np.ndarray:
    """The split (index into config.SPLITS) of every row given; both arrays have one entry per row."""
    split = np.full(len(structure_keys), NOT_IN_A_SPLIT, dtype=np.int8)
    if len(structure_keys) == 0:
        return split
    group_keys, group_of_row = np.unique(structure_keys, return_inverse=True)
    stratum_values, stratum_of_row = np.unique(strata, return_inverse=True)
    stratum_rows = np.bincount(stratum_of_row.reshape(-1), minlength=len(stratum_values))
    targets = [[fraction * float(count) for fraction in fractions] for count in stratum_rows]
    # (group, stratum) entries with their row counts, groups in the seeded order.
    entry_codes, entry_rows = np.unique(group_of_row.reshape(-1).astype(np.int64) * len(stratum_values)
                                        + stratum_of_row.reshape(-1), return_counts=True)
    entry_group, entry_stratum = np.divmod(entry_codes, len(stratum_values))
    rank = np.empty(len(group_keys), dtype=np.int64)
    rank[np.argsort(group_order_keys(group_keys, seed), kind="stable")] = np.arange(len(group_keys))
    visit = np.argsort(rank[entry_group], kind="stable")
    group_split = _assign_groups(entry_group[visit], entry_stratum[visit], entry_rows[visit], len(group_keys), targets)
    split[:] = group_split[group_of_row.reshape(-1)]
    return split
