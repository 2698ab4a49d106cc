"""Read source rows: the offline sample generator, the Hugging Face dataset, or a local file.

`iter_source_rows(settings)` yields `(source_index, row)` in ascending source_index, where
source_index is the row's position in the source and `row` is the JSON value as read (normally a
row of the glaive, sharegpt or openai layout, but null, numbers and lists are yielded too: deciding
what a row means is the core's job), and UnreadableRow / OversizedRow for lines that cannot be decoded or exceed
GLAIVE_MAX_ROW_BYTES (the .json and .jsonl readers, compressed or not, never decode such a row; glaive_raw's writer checks
the rows of the other sources). One module per reader: sample, hf, json_array, jsonl, parquet. With a
sample size, the rows are a reproducible uniform sample (sources/sampling.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.locate import FileSource, HfSource, SampleSource, locate_source
from glaive_assets.sources.readers.hf import iter_hf_rows
from glaive_assets.sources.readers.json_array import iter_json_array
from glaive_assets.sources.readers.jsonl import iter_jsonl
from glaive_assets.sources.readers.parquet import iter_parquet
from glaive_assets.sources.readers.sample import iter_generated_rows

_TEXT_READERS = {"json": iter_json_array, "jsonl": iter_jsonl}


def iter_source_rows(settings: SourceSettings) -> Iterator[tuple[int, object]]:
    """Yield (source_index, row) from the settings' source, ascending.

    The source is located and opened before this returns, so an unknown name, a missing file or an
    unreachable hub raises SourceError here, not at the first next().
    """
    located = locate_source(settings.source)
    if isinstance(located, SampleSource):
        return iter_generated_rows(located.rows, settings.sample_size, settings.seed)
    if isinstance(located, HfSource):
        return iter_hf_rows(settings.sample_size, settings.seed)
    assert isinstance(located, FileSource)
    if located.format == "parquet":  # columnar: glaive_raw's writer checks each row's size
        return iter_parquet(located.path, settings.sample_size, settings.seed)
    read = _TEXT_READERS[located.format]
    return read(located.path, settings.sample_size, settings.seed, settings.max_row_bytes, located.compression)
