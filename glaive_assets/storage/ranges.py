"""A JSON-lines file cut into contiguous byte ranges at line starts, and the lines of one range: how the
transform's shards (shards.py) and the training plan's pass (training/scan.py) split a file over cores.

The cuts seek to each of the N - 1 near-equal byte positions and read on to the next line start, so the
file is never read through to count its lines, and near-equal bytes are near-equal work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def _line_starts_from(path: Path, positions: list[int]) -> list[int]:
    """For each byte position, the first line start at or after it (a seek and the rest of one line)."""
    starts = []
    with open(path, "rb") as handle:
        for position in positions:
            handle.seek(position - 1)  # the byte before: a newline there makes `position` a line start
            starts.append(position - 1 + len(handle.readline()))
    return starts


def cut_at_line_starts(path: Path, size_bytes: int, count: int) -> list[tuple[int, int]]:
    """[start, stop) byte ranges of near-equal size that cover the file's `size_bytes` once, each starting
    and ending at a line start: `count` of them, fewer when lines are longer than a range (one, empty,
    for an empty file)."""
    cuts = _line_starts_from(path, [size_bytes * index // count for index in range(1, count)])
    stops = sorted({*cuts, size_bytes} - {0}) or [size_bytes]
    return list(zip([0, *stops[:-1]], stops))


class RangeReader:
    """The lines of a byte range; `position` is where the last line read ended."""

    def __init__(self, handle, start_byte: int, stop_byte: int) -> None:
        self._handle, self.position, self._stop = handle, start_byte, stop_byte

    def __iter__(self) -> Iterator[bytes]:
        self._handle.seek(self.position)
        for line in self._handle:
            if self.position >= self._stop:
                return
            self.position += len(line)
            yield line
