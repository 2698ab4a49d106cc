"""How many processed rows a run should produce, derived from what was asked for.

Used by both the GX row-count expectation (qa/schema.py) and the anomaly rule "too few rows"
(qa/anomaly.py), so the two can never disagree.
"""

from __future__ import annotations

import math

# At least this fraction of the requested rows must come out as processed records: the rest may be
# rejects (malformed calls, broken rows).
MIN_ROW_FRACTION = 0.8


def row_count_bounds(requested_size: int, source_rows: int, min_fraction: float = MIN_ROW_FRACTION) -> tuple[int, int]:
    """(min, max) processed rows for a run that asked for `requested_size` rows of a `source_rows`-row source.

    requested_size > 0 (a sample of N):  (ceil(min_fraction * N), N)
    requested_size == 0 (every row):     (max(1, ceil(min_fraction * source_rows)), source_rows)
    The minimum is at least 1 and never above the maximum, so an empty run never passes (an empty
    source gives (1, 1)).
    """
    if isinstance(requested_size, bool) or not isinstance(requested_size, int) or requested_size < 0:
        raise ValueError(f"requested_size must be an int >= 0 (0 = all rows), got {requested_size!r}")
    if isinstance(source_rows, bool) or not isinstance(source_rows, int) or source_rows < 0:
        raise ValueError(f"source_rows must be an int >= 0, got {source_rows!r}")
    if not 0 < min_fraction <= 1:
        raise ValueError(f"min_fraction must be in (0, 1], got {min_fraction!r}")
    wanted = requested_size if requested_size > 0 else source_rows
    # round() first so that 0.8 * 5000 = 4000.000000000001 does not become 4001.
    minimum = max(1, math.ceil(round(min_fraction * wanted, 9)))
    return minimum, max(minimum, wanted)
