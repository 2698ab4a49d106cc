"""Several comma-separated sources read into the one glaive_raw artifact.

Each source is located, its layout detected (or forced by GLAIVE_SOURCE_FORMAT, for all of them) and
its first rows checked on its own, all before anything is written, so one bad source fails the run
naming it and the previous artifacts stay. Then the rows follow each other in the order the sources
are listed, numbered by one running source_index (the training dedup, the shard ranges and the split
rely on it being unique and increasing); each raw line also says its source ("source": its position
in the list) and its position in that source ("source_row").

Sampling: the sample is drawn from the concatenation, with the same reservoir as one source
(sources/sampling.py) over the running source_index, so each source is represented in proportion to
its rows. The source_index of a kept row is its position in the concatenation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.locate import source_names
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets.sources.sampling import sampled
from glaive_assets.storage.artifacts import RawArtifact, write_jsonl
from glaive_assets.storage.source_check import check_first_rows
from glaive_assets.storage.stages import raw_line

# What glaive_raw records per source (RawArtifact.sources): its name as listed, its layout, the first
# source_index of its rows in the concatenation, the rows read from it and those kept in the artifact.
SOURCE_KEYS = ("source", "format", "first_source_index", "rows_read", "raw_rows")


@dataclass
class OpenedSources:
    """The listed sources, each checked, with its layout and its rows (the checked ones first)."""

    names: list[str]
    formats: list[str]
    streams: list[Iterator[tuple[int, object]]]


def _named(error: SourceError, position: int, names: Sequence[str]) -> SourceError:
    return type(error)(f"source {position + 1} of {len(names)} ({names[position]!r}): {error}")


def open_sources(settings: SourceSettings) -> OpenedSources:
    """Locate, open and check the first rows of every source `settings.source` lists; a SourceError
    names the source it comes from."""
    names = source_names(settings.source)
    formats, streams = [], []
    for position, name in enumerate(names):
        one = replace(settings, source=name, sample_size=0)  # the sample is drawn from the concatenation
        try:
            row_format, rows = check_first_rows(iter_source_rows(one), one)
        except SourceError as error:
            raise _named(error, position, names) from None
        formats.append(row_format)
        streams.append(rows)
    return OpenedSources(names, formats, streams)


def write_mixed_raw(data_dir: Path, opened: OpenedSources, settings: SourceSettings) -> RawArtifact:
    """Write the rows of every opened source to raw/glaive_raw.jsonl (RAW_COLUMNS, with their origin).
    Raises whatever a source raises, naming it; then no file is left."""
    starts: list[int] = []
    rows_read = [0] * len(opened.names)

    def concatenation() -> Iterator[tuple[int, tuple[int, int, object]]]:
        index = 0
        for position, stream in enumerate(opened.streams):
            starts.append(index)
            try:
                for row_in_source, row in stream:
                    yield index, (position, row_in_source, row)
                    index += 1
                    rows_read[position] += 1
            except SourceError as error:
                raise _named(error, position, opened.names) from None

    kept = [0] * len(opened.names)
    unreadable = 0
    with write_jsonl(data_dir, "glaive_raw") as out:
        for source_index, (position, row_in_source, row) in sampled(concatenation(), settings.sample_size, settings.seed):
            origin = {"source": position, "source_row": row_in_source}
            line, readable = raw_line(source_index, row, settings.max_row_bytes, opened.formats[position], origin)
            unreadable += not readable
            kept[position] += 1
            out.write_line(line)
    written = out.artifact
    assert written is not None
    sources = tuple(dict(zip(SOURCE_KEYS, values)) for values in
                    zip(opened.names, opened.formats, starts, rows_read, kept))
    return RawArtifact(written.name, written.path, written.rows, written.sha256, written.size_bytes,
                       source=settings.source, requested_sample_size=settings.sample_size, seed=settings.seed,
                       unreadable_rows=unreadable, sources=sources)
