"""columns.py: the growing arrays the plan's pass fills."""

import numpy as np

from glaive_assets.training.columns import GrowingArray


def test_growing_array_keeps_every_row_in_order_across_growth():
    array = GrowingArray(np.int64)
    for first in range(0, 200_000, 7_000):
        array.extend(np.arange(first, min(first + 7_000, 200_000)))
    assert array.size == 200_000
    assert np.array_equal(array.array(), np.arange(200_000))


def test_growing_array_of_rows_and_of_ids_widening():
    rows = GrowingArray(np.uint16, (4,))
    rows.extend(np.ones((3, 4), dtype=np.uint16))
    rows.extend(np.full((2, 4), 7, dtype=np.uint16))
    assert rows.array().tolist() == [[1] * 4] * 3 + [[7] * 4] * 2
    ids = GrowingArray(np.bytes_)
    ids.extend(np.array([b"ab", b"cd"]))
    ids.extend(np.array([b"a much longer id"]))
    assert ids.array().tolist() == [b"ab", b"cd", b"a much longer id"]
    assert GrowingArray(np.int64).array().shape == (0,)
