"""Dedup over the compact per-row keys: exact, then near, then paraphrase.

Rows are positions 0..n-1 in the file; "earlier" means a lower source_index. Each stage looks only at
the rows the stages before it kept:
- exact: rows with equal exact keys form a cluster; its earliest row is kept, the others are
  `duplicate_exact` of it;
- near: the same over near keys (rows without a request have none and are never near duplicates);
- paraphrase: rows with user words, taken earliest first; a row is `duplicate_paraphrase` of the
  earliest kept row before it that has equal calls key and whose MinHash signature agrees in at
  least `threshold` of its slots (found through LSH bands, see minhash.py). Greedy in source
  order, so every dropped row is similar to the very row it names, not just to a chain of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glaive_assets.training.minhash import MinHashParams, candidate_pairs, similar_pairs

KEPT = -1  # reason code of a kept row; dropped rows hold an index into config.DROP_REASONS
NO_ROW = -1


@dataclass(frozen=True)
class DedupKeys:
    """One entry per row, in file order."""

    source_index: np.ndarray  # int64
    exact: np.ndarray  # uint64
    near: np.ndarray  # uint64, 0 = no request
    calls: np.ndarray  # uint64
    signatures: np.ndarray  # (rows, num_perm) uint16
    has_words: np.ndarray  # bool: the row's user turns hold at least one word


@dataclass(frozen=True)
class DedupResult:
    stage: np.ndarray  # int8: KEPT, or 0 exact / 1 near / 2 paraphrase (STAGES order)
    duplicate_of: np.ndarray  # int64 row position of the kept row, or NO_ROW
    candidate_pairs: int  # LSH candidate pairs checked (for the report)


STAGES = ("exact", "near", "paraphrase")


def _cluster_keepers(keys: np.ndarray, order: np.ndarray, active: np.ndarray) -> np.ndarray:
    """For each active row, the position of the earliest active row with the same key (itself if none).

    `order` lists positions earliest first; inactive rows map to NO_ROW.
    """
    keeper = np.full(len(keys), NO_ROW, dtype=np.int64)
    candidates = order[active[order]]
    if len(candidates) == 0:
        return keeper
    grouped = candidates[np.argsort(keys[candidates], kind="stable")]  # earliest first within a key
    sorted_keys = keys[grouped]
    starts = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
    first_of_run = grouped[starts][np.cumsum(starts) - 1]
    keeper[grouped] = first_of_run
    return keeper


def _paraphrases(keys: DedupKeys, order: np.ndarray, active: np.ndarray, params: MinHashParams,
                 max_bucket: int) -> tuple[np.ndarray, int]:
    """duplicate_of per row (NO_ROW when kept) from the greedy pass over verified LSH pairs."""
    duplicate_of = np.full(len(active), NO_ROW, dtype=np.int64)
    rows = order[active[order]]  # earliest first
    if len(rows) < 2:
        return duplicate_of, 0
    pairs = candidate_pairs(keys.signatures, rows, keys.calls, params.bands, max_bucket)  # positions in rows
    checked = len(pairs)
    pairs = similar_pairs(keys.signatures, rows, pairs, params.threshold)
    pairs = pairs[keys.calls[rows[pairs[:, 0]]] == keys.calls[rows[pairs[:, 1]]]]
    pairs = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]  # by later row, then earlier row
    kept = np.ones(len(rows), dtype=bool)
    local_duplicate_of = np.full(len(rows), NO_ROW, dtype=np.int64)
    for earlier, later in zip(pairs[:, 0].tolist(), pairs[:, 1].tolist()):
        if kept[later] and kept[earlier]:
            kept[later] = False
            local_duplicate_of[later] = earlier
    dropped = ~kept
    duplicate_of[rows[dropped]] = rows[local_duplicate_of[dropped]]
    return duplicate_of, checked


def find_duplicates(keys: DedupKeys, params: MinHashParams, max_bucket: int = 64) -> DedupResult:
    rows = len(keys.source_index)
    order = np.argsort(keys.source_index, kind="stable")
    stage = np.full(rows, KEPT, dtype=np.int8)
    duplicate_of = np.full(rows, NO_ROW, dtype=np.int64)
    positions = np.arange(rows)

    active = np.ones(rows, dtype=bool)
    keeper = _cluster_keepers(keys.exact, order, active)
    exact_copies = keeper != positions
    stage[exact_copies], duplicate_of[exact_copies] = 0, keeper[exact_copies]

    active = ~exact_copies & (keys.near != 0)
    keeper = _cluster_keepers(keys.near, order, active)
    near_copies = active & (keeper != positions)
    stage[near_copies], duplicate_of[near_copies] = 1, keeper[near_copies]

    active = (stage == KEPT) & keys.has_words
    paraphrase_of, checked = _paraphrases(keys, order, active, params, max_bucket)
    paraphrases = paraphrase_of != NO_ROW
    stage[paraphrases], duplicate_of[paraphrases] = 2, paraphrase_of[paraphrases]
    return DedupResult(stage, duplicate_of, checked)
