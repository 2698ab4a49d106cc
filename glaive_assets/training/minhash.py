"""MinHash signatures and LSH candidate pairs, vectorised with numpy, for the paraphrase dedup.

A row's text is its normalized user turns, joined; its shingles are its word bigrams (the word itself
when the text has one word). Words are hashed with CRC-32 (stable across processes); a bigram is the
two 32-bit hashes side by side in 64 bits. Permutation k is x -> (a_k * x + b_k) mod 2^64 with a_k
odd, a bijection of the 64-bit values; the signature keeps, per permutation, 16 bits of the minimum
(remixed first, since a minimum's high bits are mostly 0). This is b-bit MinHash: two different
minima agree by chance with probability 2^-16, so the share of equal slots still estimates the
Jaccard similarity of the two bigram sets, at 2 bytes a slot instead of 4 or 8. With 64 slots the
estimate's standard error at a similarity of 0.8 is 0.05 (`benchmarks/training.py --minhash N`
measures the estimate against the exact Jaccard of the candidate pairs).

LSH: the slots are cut into `bands` bands (8 of 8 slots by default); two rows are candidates when
one band is equal in both and they have the same calls key (hashed into every band key). With 8 x 8,
a pair of similarity 0.9 becomes a candidate with probability 1 - (1 - 0.9^8)^8 = 0.99, 0.8 with
0.77, 0.6 with 0.13. Candidates are then verified: similar when the share of equal slots is >= the
threshold (0.8 by default).

Why not datasketch: `python -m glaive_assets.benchmarks.training --minhash 20000` times its
MinHash.update_batch + MinHashLSH query/insert against this on the same texts (2.3x to 4.4x slower
here, measured under load); it builds a Python object per row and its index keeps a dict entry per
band per row, where here a 2,048-row batch is a handful of numpy calls and a row keeps 2 bytes a
permutation.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

_SHIFT48 = np.uint64(48)
_REMIX = np.uint64(0x9E3779B97F4A7C15)  # odd: a bijection on 64-bit values
_SHIFT32 = np.uint64(32)
_WORD_CACHE_LIMIT = 250_000  # distinct words remembered (~25 MB at the limit); cleared when full
_PERMUTATION_SEED = 20240611  # fixed: dedup must not depend on the split seed


@dataclass(frozen=True)
class MinHashParams:
    num_perm: int = 64
    bands: int = 8
    threshold: float = 0.8

    def __post_init__(self) -> None:
        if self.num_perm <= 0 or self.bands <= 0 or self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a positive multiple of bands ({self.bands})")
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")


class WordHasher:
    """CRC-32 of each word, remembered (a text repeats its words; Glaive's vocabulary is small)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def hashes(self, words: list[str]) -> list[int]:
        cache = self._cache
        out = list(map(cache.get, words))
        if None in out:
            if len(cache) >= _WORD_CACHE_LIMIT:
                cache.clear()
            for position, word in enumerate(words):
                if out[position] is None:
                    out[position] = cache[word] = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        return out


class MinHasher:
    def __init__(self, num_perm: int) -> None:
        rng = np.random.default_rng(_PERMUTATION_SEED)
        self.num_perm = num_perm
        self._a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def signatures(self, word_hashes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """uint16 signatures, one row per text, from the texts' word hashes laid end to end.

        lengths[i] is text i's number of words. A text without words gets all-0xFFFF (callers keep
        their own mask of such rows).
        """
        rows = len(lengths)
        out = np.full((rows, self.num_perm), 0xFFFF, dtype=np.uint16)
        shingles, counts = _bigrams(word_hashes.astype(np.uint64), lengths)
        present = counts > 0
        if not present.any():
            return out
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[present]
        # (num_perm, shingles): each permutation's values contiguous, so reduceat runs along rows.
        hashed = np.empty((self.num_perm, len(shingles)), dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.multiply(self._a[:, None], shingles[None, :], out=hashed)
            hashed += self._b[:, None]
            minima = np.minimum.reduceat(hashed, starts, axis=1)
            # A minimum's high bits are mostly zero: remix it before keeping 16 bits.
            minima *= _REMIX
        out[present] = (minima >> _SHIFT48).astype(np.uint16).T
        return out


def _bigrams(words: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each text's word bigrams as 64-bit shingles (a one-word text: that word), and the counts."""
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths)
    last_word = np.zeros(len(words), dtype=bool)
    last_word[ends[lengths > 0] - 1] = True
    first_word = np.zeros(len(words), dtype=bool)
    first_word[(ends - lengths)[lengths > 0]] = True
    following = np.concatenate((words[1:], np.zeros(1, dtype=np.uint64)))
    bigram_at = ~last_word  # a bigram starts at every word but a text's last
    single_at = last_word & first_word  # one-word texts
    keep = bigram_at | single_at
    shingles = (words << _SHIFT32) | np.where(bigram_at, following, np.uint64(0))
    counts = np.where(lengths > 1, lengths - 1, lengths)
    return shingles[keep], counts


_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_key(signatures: np.ndarray, rows: np.ndarray, call_keys: np.ndarray, band: int, bands: int) -> np.ndarray:
    """One band's uint64 key for each of `rows`: the band's slots and the row's calls key mixed."""
    width = signatures.shape[1] // bands
    slots = signatures[rows, band * width:(band + 1) * width]  # (rows, width) uint16
    multipliers = np.random.default_rng(_PERMUTATION_SEED + 1).integers(
        1, 2**63, size=width, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    mixed = call_keys[rows].copy()
    with np.errstate(over="ignore"):
        for slot in range(width):  # slot by slot: the temporaries stay at 8 bytes a row
            mixed ^= slots[:, slot].astype(np.uint64) * multipliers[slot]
            mixed *= _BAND_MIX
        return mixed + np.uint64(band)


def candidate_pairs(signatures: np.ndarray, rows: np.ndarray, call_keys: np.ndarray, bands: int,
                    max_bucket: int) -> np.ndarray:
    """(pairs, 2) positions i < j in `rows` whose rows share a band key, one band at a time.

    A bucket larger than max_bucket pairs each row with the max_bucket rows before it only, so a
    degenerate bucket cannot make the pair count quadratic.
    """
    found = []  # each pair as one number, earlier * len(rows) + later, so np.unique works on 1-D codes
    for band in range(bands):
        column = band_key(signatures, rows, call_keys, band, bands)
        order = np.argsort(column, kind="stable")  # stable: positions stay ascending in a bucket
        sorted_keys = column[order]
        del column
        for lag in range(1, max_bucket + 1):
            same = sorted_keys[lag:] == sorted_keys[:-lag]
            if not same.any():
                break
            found.append(np.unique(order[:-lag][same] * len(rows) + order[lag:][same]))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.stack(np.divmod(np.unique(np.concatenate(found)), len(rows)), axis=1)


def similar_pairs(signatures: np.ndarray, rows: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """The pairs (positions in `rows`) whose estimated Jaccard similarity (share of equal slots) is >= threshold."""
    if len(pairs) == 0:
        return pairs
    agree = np.empty(len(pairs), dtype=np.float64)
    chunk = 65_536
    for first in range(0, len(pairs), chunk):
        part = rows[pairs[first:first + chunk]]
        agree[first:first + chunk] = (signatures[part[:, 0]] == signatures[part[:, 1]]).mean(axis=1)
    return pairs[agree >= threshold]
