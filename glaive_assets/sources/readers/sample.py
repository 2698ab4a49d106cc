"""The "sample" source: rows of the offline generator (glaive_assets/sources/sample.py), drawn at the
reservoir's positions without generating the rows that are not kept."""

from __future__ import annotations

from collections.abc import Iterator

from glaive_assets.sources.sample import generate_sample_row
from glaive_assets.sources.sampling import reservoir_indices


def iter_generated_rows(rows: int, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    for index in reservoir_indices(rows, sample_size, seed):
        yield index, generate_sample_row(seed, index).row
