"""Read source rows: the offline sample generator, the Hugging Face dataset, or a local file.

`iter_source_rows(source, sample_size, seed)` yields `(source_index, row)` in ascending source_index,
where source_index is the row's position in the source and `row` is the JSON value as read (normally
{"system": str, "chat": str}, but null, numbers and lists are yielded too: deciding what a row means is
the core's job). Sources:

- "sample": the offline generator, SAMPLE_ALL_ROWS (112,960) rows; "sample:N" makes it N rows long.
- "hf": `datasets.load_dataset(GLAIVE_HF_DATASET or HF_DATASET_ID, revision=HF_REVISION,
  split="train", streaming=True)`. GLAIVE_HF_DATASET may name a local dataset folder (one holding
  glaive-function-calling-v2.json), which goes through the same `datasets` code path. Before touching
  the hub a quick probe (HfApi.dataset_info, HF_PROBE_TIMEOUT_SECONDS) checks it can be reached, so an
  offline machine gets SourceUnavailable in well under a second instead of `datasets`' ~25 s of retries.
- a path to a .json file (one JSON array, streamed element by element), a .jsonl file (one value per
  line; blank lines are not rows; a line that is not JSON becomes an `UnreadableRow` at its index) or a
  .parquet file (read in record batches).

sample_size 0 reads every row. Otherwise the rows are a uniform random sample of sample_size rows,
chosen by reservoir sampling (Algorithm R) over the source positions with a `random.Random` seeded from
`seed`: reproducible, O(sample_size) memory, and the same positions for the same (row count, sample_size,
seed) whatever the source, so sampling a file written from the generator gives exactly the rows the
"sample" source gives. A sample_size at least the row count yields every row.

JSON is read with the standard library's decoder, which keeps every value as written: lone surrogate
escapes (for the core to flag), integers of any size. NaN/Infinity are not JSON: a jsonl line holding
them is an UnreadableRow; a .json array holding them is a SourceError. (ijson's fast backend rewrites
lone surrogates to "?" and rejects big integers, so it is not used.)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from glaive_assets.sources.sample import SAMPLE_ALL_ROWS, SAMPLE_GENERATOR_VERSION, generate_sample_row

HF_DATASET_ID = "glaiveai/glaive-function-calling-v2"
HF_REVISION = "e7f4b6456019f5d8bcb991ef0dd67d8ff23221ac"
HF_DATASET_ENV = "GLAIVE_HF_DATASET"
HF_PROBE_TIMEOUT_SECONDS = 10.0
FILE_FORMATS = {".json": "json", ".jsonl": "jsonl", ".parquet": "parquet"}
SOURCE_OPTIONS = "'sample', 'sample:N', 'hf', or a path to a .json, .jsonl or .parquet file"
OFFLINE_OPTIONS = (
    "Offline options: GLAIVE_SOURCE=sample (the built-in generator); "
    "GLAIVE_SOURCE=/path/to/file.json|.jsonl|.parquet (a local copy of the rows); "
    f"{HF_DATASET_ENV}=/path/to/local/dataset/dir (a folder holding glaive-function-calling-v2.json, "
    "read through the same datasets code path)."
)
CACHE_HINT = "If the dataset is in your Hugging Face cache, set HF_HUB_OFFLINE=1."

_JSON_CHUNK_CHARS = 1 << 20
_MAX_ROW_CHARS = 16 << 20  # no real row comes near this; beyond it a .json array is called malformed
_PARQUET_BATCH_ROWS = 8192
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9eE.+\-]*")


class SourceError(Exception):
    """The source cannot be read: unknown name, missing or malformed file, bad settings."""


class SourceUnavailable(SourceError):
    """The source exists but cannot be reached now (the Hugging Face hub from an offline machine)."""


@dataclass(frozen=True)
class UnreadableRow:
    """A jsonl line that is not JSON, kept at its index so the row is rejected, not lost."""

    text: str
    error: str


# --- sampling -------------------------------------------------------------------------------------------
def _sampling_rng(seed: int) -> random.Random:
    # Random(int) uses abs(seed); zig-zag it so that seeds 5 and -5 draw different samples.
    return random.Random(seed * 2 if seed >= 0 else -seed * 2 - 1)


def reservoir_indices(total: int, sample_size: int, seed: int) -> list[int]:
    """The ascending positions Algorithm R keeps from `total` rows (every position if sample_size is 0)."""
    if sample_size == 0 or sample_size >= total:
        return list(range(total))
    randrange = _sampling_rng(seed).randrange
    kept = list(range(sample_size))
    for index in range(sample_size, total):
        slot = randrange(index + 1)
        if slot < sample_size:
            kept[slot] = index
    kept.sort()
    return kept


def _sample_stream(items: Iterable[tuple[int, object]], sample_size: int, seed: int) -> list[tuple[int, object]]:
    """Algorithm R over a stream of (index, payload), indices 0, 1, 2, ...: the same choices as above."""
    randrange = _sampling_rng(seed).randrange
    kept: list[tuple[int, object]] = []
    for index, payload in items:
        if index < sample_size:
            kept.append((index, payload))
            continue
        slot = randrange(index + 1)
        if slot < sample_size:
            kept[slot] = (index, payload)
    kept.sort(key=itemgetter(0))
    return kept


# --- resolving a source string -----------------------------------------------------------------------------
def _check_settings(sample_size: int, seed: int) -> None:
    if isinstance(sample_size, bool) or not isinstance(sample_size, int) or sample_size < 0:
        raise SourceError(f"sample_size must be a whole number >= 0 (0 = every row), got {sample_size!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SourceError(f"seed must be a whole number, got {seed!r}")


def _sample_rows(source: str) -> int | None:
    """The row count of a "sample" / "sample:N" source, or None when `source` is not one."""
    name = source.strip()
    if name.lower() == "sample":
        return SAMPLE_ALL_ROWS
    if name.lower().startswith("sample:"):
        count = name[len("sample:") :].strip().replace("_", "")
        if not count.isdigit() or int(count) == 0:
            raise SourceError(f"source {source!r}: N in 'sample:N' must be a whole number > 0")
        return int(count)
    return None


def _file_source(source: str) -> tuple[Path, str]:
    path = Path(source.strip()).expanduser()
    if path.is_dir():
        raise SourceError(
            f"source {str(path)!r} is a directory, not a file (use {SOURCE_OPTIONS}; "
            f"a local Hugging Face dataset folder goes in {HF_DATASET_ENV} with GLAIVE_SOURCE=hf)"
        )
    fmt = FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        if not path.suffix and not path.exists():
            raise SourceError(f"unknown source {source!r}: use {SOURCE_OPTIONS}")
        raise SourceError(
            f"unsupported file type {path.suffix or '(none)'!r} for source {source!r}: use {SOURCE_OPTIONS}"
        )
    if not path.exists():
        raise SourceError(f"source file not found: {str(path)!r} (use {SOURCE_OPTIONS})")
    if not path.is_file():
        raise SourceError(f"source {str(path)!r} is not a regular file (use {SOURCE_OPTIONS})")
    return path.resolve(), fmt


def iter_source_rows(source: str, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    """Yield (source_index, row) from `source`, ascending; see the module docstring.

    The source is resolved and opened before this returns, so a bad name, a missing file or an
    unreachable hub raises SourceError here, not at the first next().
    """
    _check_settings(sample_size, seed)
    if not isinstance(source, str) or not source.strip():
        raise SourceError(f"source must be a non-empty string: {SOURCE_OPTIONS}")
    rows = _sample_rows(source)
    if rows is not None:
        return _iter_sample(rows, sample_size, seed)
    if source.strip().lower() == "hf":
        dataset = _open_hf_dataset()
        return _iter_stream(_iter_hf(dataset), sample_size, seed)
    path, fmt = _file_source(source)
    if fmt == "jsonl":
        return _iter_jsonl(path, sample_size, seed)
    if fmt == "json":
        return _iter_stream(_iter_json_array(path), sample_size, seed)
    return _iter_parquet(path, sample_size, seed)


def _iter_stream(rows: Iterator[tuple[int, object]], sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    if sample_size == 0:
        yield from rows
    else:
        yield from _sample_stream(rows, sample_size, seed)


def _iter_sample(rows: int, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    for index in reservoir_indices(rows, sample_size, seed):
        yield index, generate_sample_row(seed, index).row


# --- jsonl ------------------------------------------------------------------------------------------------
def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _parse_line(line: bytes) -> object:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return UnreadableRow(line.decode("utf-8", "replace"), f"invalid UTF-8 at byte {error.start}")
    try:
        return _STRICT_DECODER.decode(text)
    except (ValueError, RecursionError) as error:
        return UnreadableRow(text, f"not JSON: {error}")


def _jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(index, line) for every non-blank line, without its line ending or a leading BOM."""
    index = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if number == 0 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            yield index, line
            index += 1


def _iter_jsonl(path: Path, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    lines = _jsonl_lines(path)
    if sample_size:
        lines = iter(_sample_stream(lines, sample_size, seed))  # keeps raw lines; parses only those kept
    for index, line in lines:
        yield index, _parse_line(line)


# --- json array -------------------------------------------------------------------------------------------
def _iter_json_array(path: Path) -> Iterator[tuple[int, object]]:
    """Stream the elements of a top-level JSON array with bounded memory (one chunk plus one row)."""
    decoder = _STRICT_DECODER
    skip = _WHITESPACE.match
    with path.open(encoding="utf-8-sig", newline="") as handle:
        buffer = ""
        pos = 0

        def refill() -> bool:
            nonlocal buffer, pos
            try:
                chunk = handle.read(_JSON_CHUNK_CHARS)
            except UnicodeDecodeError as error:
                raise SourceError(f"{path}: not valid UTF-8 ({error})") from None
            if not chunk:
                return False
            buffer = buffer[pos:] + chunk
            pos = 0
            return True

        def next_char(what: str) -> str:
            nonlocal pos
            while True:
                pos = skip(buffer, pos).end()
                if pos < len(buffer):
                    return buffer[pos]
                if not refill():
                    raise SourceError(f"{path}: the JSON ends before {what}")

        first = next_char("its first value")
        if first != "[":
            raise SourceError(
                f"{path}: a .json source must hold one JSON array of rows, but it starts with {first!r} "
                "(a file of one JSON value per line should be named .jsonl)"
            )
        pos += 1
        index = 0
        if next_char("the array closes") == "]":
            pos += 1
        else:
            while True:
                next_char(f"row {index}")
                try:
                    value, end = decoder.raw_decode(buffer, pos)
                except (ValueError, RecursionError) as error:
                    # Either the row runs past the buffer (read more) or it is malformed.
                    if len(buffer) - pos <= _MAX_ROW_CHARS and refill():
                        continue
                    raise SourceError(f"{path}: row {index} is not valid JSON: {error}") from None
                if (
                    isinstance(value, (int, float))
                    and _NUMBER_TAIL.match(buffer, end).end() == len(buffer)
                    and refill()
                ):
                    continue  # the number may go on in the next chunk ("1" + "e300"): decode it again
                yield index, value
                index += 1
                pos = end
                separator = next_char(f"',' or ']' after row {index - 1}")
                pos += 1
                if separator == "]":
                    break
                if separator != ",":
                    raise SourceError(f"{path}: expected ',' or ']' after row {index - 1}, found {separator!r}")
        while True:
            pos = skip(buffer, pos).end()
            if pos < len(buffer):
                raise SourceError(f"{path}: unexpected data after the array's closing ']' ({buffer[pos]!r})")
            if not refill():
                return


# --- parquet ------------------------------------------------------------------------------------------------
def _iter_parquet(path: Path, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
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
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
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


# --- Hugging Face -----------------------------------------------------------------------------------------
def hf_dataset_target() -> tuple[str, Path | None]:
    """(what load_dataset is given, the local folder or None for a hub id) from GLAIVE_HF_DATASET."""
    target = os.environ.get(HF_DATASET_ENV, "").strip() or HF_DATASET_ID
    path = Path(target).expanduser()
    if path.is_dir():
        return str(path.resolve()), path.resolve()
    if target.startswith(("/", ".", "~")) or path.exists():
        raise SourceError(f"{HF_DATASET_ENV}={target!r} is not a directory (give a hub id or a local dataset folder)")
    return target, None


def _hf_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}


def _unavailable(dataset_id: str, error: BaseException) -> SourceUnavailable:
    reason = f"{type(error).__name__}: {error}".strip()
    if _hf_offline():
        return SourceUnavailable(
            f"HF_HUB_OFFLINE is set and dataset {dataset_id!r} at revision {HF_REVISION} is not in the "
            f"Hugging Face cache ({reason}). {OFFLINE_OPTIONS}"
        )
    return SourceUnavailable(
        f"The Hugging Face hub cannot be reached for dataset {dataset_id!r} at revision {HF_REVISION} "
        f"({reason}); this machine may be offline. {OFFLINE_OPTIONS} {CACHE_HINT}"
    )


def _probe_hub(dataset_id: str) -> None:
    """Fail fast when the hub is unreachable; `datasets` itself retries for ~25 s before giving up."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    endpoint = os.environ.get("HF_ENDPOINT", "").strip() or None
    try:
        HfApi(endpoint=endpoint).dataset_info(dataset_id, revision=HF_REVISION, timeout=HF_PROBE_TIMEOUT_SECONDS)
    except (RepositoryNotFoundError, RevisionNotFoundError) as error:
        raise SourceError(
            f"dataset {dataset_id!r} at revision {HF_REVISION} was not found on the hub ({error}). "
            f"Check {HF_DATASET_ENV}, or use a local source. {OFFLINE_OPTIONS}"
        ) from None
    except Exception as error:  # connection refused, DNS failure, timeout, 5xx: all mean "not now"
        raise _unavailable(dataset_id, error) from None


def _open_hf_dataset():
    target, local = hf_dataset_target()
    if local is None and not _hf_offline():
        _probe_hub(target)
    from datasets import load_dataset

    try:
        return load_dataset(target, revision=HF_REVISION, split="train", streaming=True)
    except Exception as error:
        if local is not None:
            raise SourceError(f"{HF_DATASET_ENV}={target!r}: datasets could not load it ({error})") from None
        raise _unavailable(target, error) from None


def _iter_hf(dataset) -> Iterator[tuple[int, object]]:
    index = 0
    try:
        for row in dataset:
            yield index, row
            index += 1
    except (ConnectionError, TimeoutError) as error:
        raise SourceUnavailable(f"lost the Hugging Face dataset after {index} rows ({error}). {OFFLINE_OPTIONS}")
    except Exception as error:
        raise SourceError(f"reading the Hugging Face dataset failed after {index} rows: {error}") from error


# --- data version -------------------------------------------------------------------------------------------
_DIGESTS: dict[tuple, str] = {}
_MAX_DIGESTS = 64  # the daemon lives long; each edit of a file adds a key


def _file_sha256(path: Path) -> str:
    """sha256 of the file's bytes, streamed; memoised on (path, size, mtime, inode) for repeated sensor ticks."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    digest = _DIGESTS.get(key)
    if digest is None:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if len(_DIGESTS) >= _MAX_DIGESTS:
            _DIGESTS.clear()
        _DIGESTS[key] = digest
    return digest


def describe_source(source: str, sample_size: int, seed: int) -> dict:
    """A fingerprint of the source data (not of the sample drawn from it): {"kind", "version", ...}.

    - sample: the generator version, seed and row count (they fix every byte);
    - hf: the pinned revision and dataset id; for a local dataset folder, a hash of its files;
    - file: the sha256 of the file's bytes, with its size and format.
    sample_size and seed are reported alongside; only for "sample" does the seed enter the version.
    Never touches the network.
    """
    _check_settings(sample_size, seed)
    if not isinstance(source, str) or not source.strip():
        raise SourceError(f"source must be a non-empty string: {SOURCE_OPTIONS}")
    rows = _sample_rows(source)
    if rows is not None:
        return {
            "kind": "sample",
            "version": f"sample-v{SAMPLE_GENERATOR_VERSION}-seed{seed}-rows{rows}",
            "generator_version": SAMPLE_GENERATOR_VERSION,
            "seed": seed,
            "rows": rows,
            "sample_size": sample_size,
        }
    if source.strip().lower() == "hf":
        target, local = hf_dataset_target()
        if local is None:
            return {"kind": "hf", "version": HF_REVISION, "dataset": target, "revision": HF_REVISION,
                    "sample_size": sample_size, "seed": seed}  # fmt: skip
        files = sorted(p for p in local.rglob("*") if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(local).parts))  # fmt: skip
        combined = hashlib.sha256()
        for file in files:
            combined.update(f"{file.relative_to(local).as_posix()}\0{_file_sha256(file)}\n".encode())
        return {"kind": "hf", "version": combined.hexdigest(), "dataset": target, "revision": HF_REVISION,
                "files": len(files), "bytes": sum(f.stat().st_size for f in files),
                "sample_size": sample_size, "seed": seed}  # fmt: skip
    path, fmt = _file_source(source)
    digest = _file_sha256(path)
    return {"kind": "file", "version": digest, "sha256": digest, "format": fmt, "path": str(path),
            "bytes": path.stat().st_size, "sample_size": sample_size, "seed": seed}  # fmt: skip
