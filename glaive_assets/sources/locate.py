"""What a GLAIVE_SOURCE string names: the sample generator, the Hugging Face dataset, or a local file.

The readers and the fingerprint both start here, so a source is understood one way. Locating checks
that a file exists and has a known type; it never opens it, and never touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.compressed import COMPRESSIONS
from glaive_assets.sources.sample import SAMPLE_ALL_ROWS

FILE_FORMATS = {".json": "json", ".jsonl": "jsonl", ".parquet": "parquet"}
SOURCE_OPTIONS = ("'sample', 'sample:N', 'hf', or a path to a .json, .jsonl or .parquet file "
                  "(.json and .jsonl also compressed: .gz, .bz2, .xz, .zst)")
HF_DATASET_ENV = "GLAIVE_HF_DATASET"


@dataclass(frozen=True)
class SampleSource:
    """The offline generator, `rows` long ("sample": SAMPLE_ALL_ROWS; "sample:N": N)."""

    rows: int


@dataclass(frozen=True)
class HfSource:
    """The Hugging Face dataset (GLAIVE_HF_DATASET or the hub id), read by readers/hf.py."""


@dataclass(frozen=True)
class FileSource:
    """A local file: `format` is "json" (one array), "jsonl" or "parquet"; `compression` is "gzip",
    "bzip2", "xz" or "zstd" for a compressed .json or .jsonl (from its last suffix), else None."""

    path: Path
    format: str
    compression: str | None = None


def locate_source(source: str) -> SampleSource | HfSource | FileSource:
    """The source named by `source` (a validated, non-empty SourceSettings.source), or a SourceError."""
    name = source.strip()
    if name.lower() == "sample":
        return SampleSource(SAMPLE_ALL_ROWS)
    if name.lower().startswith("sample:"):
        count = name[len("sample:") :].strip().replace("_", "")
        if not count.isdigit() or int(count) == 0:
            raise SourceError(f"source {source!r}: N in 'sample:N' must be a whole number > 0")
        return SampleSource(int(count))
    if name.lower() == "hf":
        return HfSource()
    return _file_source(source)


def source_names(source: str) -> list[str]:
    """The sources `source` names, in order: several when it is comma-separated (an existing file
    whose name holds a comma is one source). Each name is located on its own (locate_source)."""
    if "," not in source or Path(source.strip()).expanduser().exists():
        return [source]
    names = [name.strip() for name in source.split(",")]
    if not all(names):
        raise SourceError(f"source {source!r}: an empty name between commas (separate the sources with one comma)")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SourceError(f"source {source!r}: {', '.join(map(repr, repeated))} is listed more than once")
    return names


def _file_source(source: str) -> FileSource:
    path = Path(source.strip()).expanduser()
    if path.is_dir():
        raise SourceError(
            f"source {str(path)!r} is a directory, not a file (use {SOURCE_OPTIONS}; "
            f"a local Hugging Face dataset folder goes in {HF_DATASET_ENV} with GLAIVE_SOURCE=hf)"
        )
    compression = COMPRESSIONS.get(path.suffix.lower())
    inner_suffix = Path(path.stem).suffix.lower() if compression else path.suffix.lower()
    fmt = FILE_FORMATS.get(inner_suffix)
    if compression and fmt == "parquet":
        raise SourceError(f"source {source!r}: a parquet file compresses itself; give the .parquet file as is")
    if fmt is None:
        if not path.suffix and not path.exists():
            raise SourceError(f"unknown source {source!r}: use {SOURCE_OPTIONS}")
        raise SourceError(
            f"unsupported file type {(inner_suffix + path.suffix if compression else path.suffix) or '(none)'!r} "
            f"for source {source!r}: use {SOURCE_OPTIONS}"
        )
    if not path.exists():
        raise SourceError(f"source file not found: {str(path)!r} (use {SOURCE_OPTIONS})")
    if not path.is_file():
        raise SourceError(f"source {str(path)!r} is not a regular file (use {SOURCE_OPTIONS})")
    return FileSource(path.resolve(), fmt, compression)
