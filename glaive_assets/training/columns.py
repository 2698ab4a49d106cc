"""The per-row columns the plan's pass fills: compact numpy arrays that grow as rows stream in.

Why growing arrays and not a list of chunks joined at the end: a join holds the chunks and the joined
array at once, and glibc keeps the freed chunks' heap resident (measured at 1M rows: +150 MB of RSS
between the end of the pass and dedup). A GrowingArray doubles its capacity with a fresh np.empty,
which is allocated with mmap (each request is larger than the one freed before it) and so returned to
the system when freed; the capacity not yet written is never touched and costs no resident memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glaive_assets.qa.stats import SLICES
from glaive_assets.training.minhash import MinHasher

_FIRST_CAPACITY = 65_536
BATCH_ROWS = 2048  # rows per MinHash batch: bounds the (num_perm x shingles) temporary to ~16 MB

# The per-row fields, in the order of a batch tuple, with their numpy type and the shape of one row.
COLUMNS: dict[str, tuple[Any, tuple[int, ...]]] = {
    "source_index": (np.int64, ()),
    "exact": (np.uint64, ()),
    "near": (np.uint64, ()),
    "calls": (np.uint64, ()),
    "structure": (np.uint64, ()),
    "ids": (np.bytes_, ()),
    "codes": (np.uint8, (len(SLICES),)),  # weights.slice_codes
    "word_counts": (np.int64, ()),
}


class GrowingArray:
    def __init__(self, dtype: Any, row_shape: tuple[int, ...] = ()) -> None:
        self._data = np.empty((0, *row_shape), dtype=dtype)
        self._row_shape = row_shape
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        needed = self.size + len(values)
        dtype = self._data.dtype
        if values.dtype.kind == "S" and values.dtype.itemsize > dtype.itemsize:
            dtype = values.dtype  # a longer id than any before: widen
        if needed > len(self._data) or dtype != self._data.dtype:
            capacity = max(needed, 2 * len(self._data), _FIRST_CAPACITY)
            grown = np.empty((capacity, *self._row_shape), dtype=dtype)
            grown[:self.size] = self._data[:self.size]
            self._data = grown
        self._data[self.size:needed] = values
        self.size = needed

    def array(self) -> np.ndarray:
        """The rows so far (a view: no copy)."""
        return self._data[:self.size]


class ScanColumns:
    """Rows come in as tuples (COLUMNS order) with their user-word hashes; every BATCH_ROWS rows the
    batch goes into the growing arrays and its MinHash signatures are computed."""

    def __init__(self, num_perm: int) -> None:
        self.batch: list[tuple] = []
        self.batch_words: list[int] = []  # the batch's user-word hashes, end to end
        self.arrays = {name: GrowingArray(dtype, shape) for name, (dtype, shape) in COLUMNS.items()}
        self.signatures = GrowingArray(np.uint16, (num_perm,))
        self._hasher = MinHasher(num_perm)

    def add(self, row: tuple, word_hashes: list[int]) -> None:
        self.batch.append(row)
        self.batch_words.extend(word_hashes)
        if len(self.batch) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        for (name, (dtype, _)), values in zip(COLUMNS.items(), zip(*self.batch)):
            self.arrays[name].extend(np.array(values, dtype=dtype))
        word_counts = self.arrays["word_counts"].array()[-len(self.batch):]
        self.signatures.extend(self._hasher.signatures(np.array(self.batch_words, dtype=np.uint64), word_counts))
        self.batch.clear()
        self.batch_words.clear()

    @property
    def rows(self) -> int:
        return self.arrays["source_index"].size + len(self.batch)

    def extend(self, columns: dict[str, np.ndarray]) -> None:
        """Append rows scanned elsewhere (training/scan.py): every column, signatures included."""
        self.flush()
        for name, values in columns.items():
            (self.signatures if name == "signatures" else self.arrays[name]).extend(values)

    def release(self) -> None:
        """Let go of every column, leaving no rows (views taken with column() keep their data)."""
        self.arrays = {name: GrowingArray(dtype, shape) for name, (dtype, shape) in COLUMNS.items()}
        self.signatures = GrowingArray(np.uint16, self.signatures.array().shape[1:])

    def column(self, name: str) -> np.ndarray:
        return self.signatures.array() if name == "signatures" else self.arrays[name].array()
