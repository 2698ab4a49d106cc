"""Row accounting per source when glaive_raw holds several (storage/mixed.py): each source holds one
range of source_index, starting at its first_source_index, so any record finds its source by it."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any


class SourceTally:
    """Counts records per source by their source_index (each source holds one range of it)."""

    def __init__(self, sources: Sequence[dict[str, Any]]) -> None:
        self._starts = [source["first_source_index"] for source in sources]
        self.counts = [0] * len(sources)

    def add(self, source_index: int) -> None:
        self.counts[bisect_right(self._starts, source_index) - 1] += 1

    def counted(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """`records`, unchanged, counting each as it passes (nothing to count for one source)."""
        if not self.counts:
            yield from records
            return
        for record in records:
            self.add(record["source_index"])
            yield record


def source_accounting(sources: Sequence[dict[str, Any]], processed: Sequence[int],
                      rejected: Sequence[int]) -> list[dict[str, Any]]:
    """Per source: its raw rows, processed and rejected counts, and whether raw = processed + rejects."""
    return [{"source": source["source"], "format": source["format"], "raw_rows": source["raw_rows"],
             "processed_rows": done, "rejected_rows": dropped,
             "reject_rate": round(dropped / source["raw_rows"], 6) if source["raw_rows"] else None,
             "accounted": source["raw_rows"] == done + dropped}
            for source, done, dropped in zip(sources, processed, rejected)]
