"""A .parquet file, read in record batches; a sample takes only the kept rows of each batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.sampling import reservoir_indices

PARQUET_BATCH_ROWS = 8192


def iter_parquet(path: Path, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    """Opens the file now (a file that is not parquet raises here); rows come on iteration."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise SourceError(f"{path}: not a readable parquet file ({error})") from None
    return _parquet_rows(parquet, path, sample_size, seed)


def _parquet_rows(parquet, path: Path, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    import pyarrow as pa

    total = parquet.metadata.num_rows
    wanted = reservoir_indices(total, sample_size, seed) if sample_size else None
    next_wanted = 0
    start = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            stop = start + batch.num_rows
            if wanted is None:
                for offset, row in enumerate(batch.to_pylist()):
                    yield start + offset, row
            else:
                first = next_wanted
                while next_wanted < len(wanted) and wanted[next_wanted] < stop:
                    next_wanted += 1
                if next_wanted > first:
                    picked = wanted[first:next_wanted]
                    rows = batch.take(pa.array([i - start for i in picked])).to_pylist()
                    yield from zip(picked, rows)
            start = stop
    except (pa.ArrowException, OSError) as error:
        raise SourceError(f"{path}: parquet read failed after row {start} ({error})") from None
