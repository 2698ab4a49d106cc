"""Read a JSON-lines file as records or as small pandas DataFrames, one chunk at a time.

A processed file can hold a million ~3 KB records: never read it whole. Frames hold only the
columns asked for, in object dtype (so a stray "yes" in a bool column stays "yes" for the checks to
see, instead of pandas coercing the column), indexed by the record's 0-based position in the stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CHUNK_ROWS = 50_000


class JsonlLineError(ValueError):
    """A line of a JSON-lines file that is not a JSON value (the file is corrupt, not just odd)."""


def read_jsonl(path: str | Path) -> Iterator[Any]:
    """Yield each line's JSON value; a blank or broken line raises JsonlLineError naming the line."""
    with open(path, "rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise JsonlLineError(f"{path}:{line_number}: not a JSON value ({error})") from None


def frame_from_columns(data: dict[str, list[Any]], start: int = 0) -> pd.DataFrame:
    """An object-dtype DataFrame of equally long column lists, indexed start, start + 1, ..."""
    import pandas as pd  # here, so that read_jsonl alone does not load pandas

    length = len(next(iter(data.values()))) if data else 0
    return pd.DataFrame(data, columns=list(data), index=pd.RangeIndex(start, start + length), dtype=object)


def frame_from_rows(rows: Sequence[Any], columns: Sequence[str], start: int = 0) -> pd.DataFrame:
    """A DataFrame of `columns` from dict rows (a missing key or a non-dict row gives None)."""
    data = {
        column: [row.get(column) if isinstance(row, dict) else None for row in rows] for column in columns
    }
    return frame_from_columns(data, start)


def iter_frames(
    records: Iterable[Any], columns: Sequence[str], chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """Group `records` into DataFrames of at most `chunk_rows` rows holding only `columns`."""
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1, got {chunk_rows}")
    chunk: list[Any] = []
    start = 0
    for record in records:
        chunk.append(record)
        if len(chunk) == chunk_rows:
            yield frame_from_rows(chunk, columns, start)
            start += len(chunk)
            chunk = []
    if chunk:
        yield frame_from_rows(chunk, columns, start)


def read_jsonl_frames(
    path: str | Path, columns: Sequence[str], chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """iter_frames over a JSON-lines file."""
    return iter_frames(read_jsonl(path), columns, chunk_rows)
