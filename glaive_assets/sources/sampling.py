"""Reproducible uniform samples of source positions: reservoir sampling (Algorithm R).

A `random.Random` seeded from the seed chooses, so the same (row count, sample_size, seed) keeps the
same positions whatever the source: sampling a file written from the generator gives exactly the
rows the "sample" source gives. sample_size 0, or one at least the row count, keeps every row.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import TypeVar

T = TypeVar("T")


def _sampling_rng(seed: int) -> random.Random:
    # Random(int) uses abs(seed); zig-zag it so that seeds 5 and -5 draw different samples.
    return random.Random(seed * 2 if seed >= 0 else -seed * 2 - 1)


def reservoir_indices(total: int, sample_size: int, seed: int) -> list[int]:
    """The ascending positions Algorithm R keeps from `total` rows (every position if sample_size is 0)."""
    if sample_size == 0 or sample_size >= total:
        return list(range(total))
    randrange = _sampling_rng(seed).randrange
    kept = list(range(sample_size))
    for index in range(sample_size, total):
        slot = randrange(index + 1)
        if slot < sample_size:
            kept[slot] = index
    kept.sort()
    return kept


def sample_stream(items: Iterable[tuple[int, T]], sample_size: int, seed: int) -> list[tuple[int, T]]:
    """Algorithm R over a stream of (index, payload), indices 0, 1, 2, ...: the same choices as
    reservoir_indices, for a source whose length is known only at its end. O(sample_size) memory."""
    randrange = _sampling_rng(seed).randrange
    kept: list[tuple[int, T]] = []
    for index, payload in items:
        if index < sample_size:
            kept.append((index, payload))
            continue
        slot = randrange(index + 1)
        if slot < sample_size:
            kept[slot] = (index, payload)
    kept.sort(key=itemgetter(0))
    return kept


def sampled(rows: Iterator[tuple[int, T]], sample_size: int, seed: int) -> Iterator[tuple[int, T]]:
    """Every row when sample_size is 0, else the reservoir sample of the stream."""
    if sample_size == 0:
        yield from rows
    else:
        yield from sample_stream(rows, sample_size, seed)
