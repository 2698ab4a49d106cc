"""A .jsonl file (or a compressed one: sources/compressed.py): one JSON value per line. Blank lines are not rows; a line that is not JSON (or not
UTF-8) becomes an UnreadableRow at its index, and a line longer than the row limit (GLAIVE_MAX_ROW_BYTES)
an OversizedRow, read past without ever being held whole; both are rejected downstream, not lost."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from glaive_assets.config.settings import DEFAULT_MAX_ROW_BYTES
from glaive_assets.sources.errors import HEAD_CHARS, OversizedRow, SourceError, UnreadableRow
from glaive_assets.sources.compressed import DECOMPRESSION_ERRORS, open_binary
from glaive_assets.sources.readers.strict_json import STRICT_DECODER
from glaive_assets.sources.sampling import sample_stream

_SKIP_CHUNK_BYTES = 1 << 20


def iter_jsonl(path: Path, sample_size: int, seed: int, max_row_bytes: int = DEFAULT_MAX_ROW_BYTES,
               compression: str | None = None) -> Iterator[tuple[int, object]]:
    lines = _jsonl_lines(path, max_row_bytes, compression)
    if sample_size:
        lines = iter(sample_stream(lines, sample_size, seed))  # keeps raw lines; parses only those kept
    for index, line in lines:
        yield index, line if isinstance(line, OversizedRow) else _parse_line(line)


def _parse_line(line: bytes) -> object:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return UnreadableRow(line.decode("utf-8", "replace"), f"invalid UTF-8 at byte {error.start}")
    try:
        return STRICT_DECODER.decode(text)
    except (ValueError, RecursionError) as error:
        return UnreadableRow(text, f"not JSON: {error}")


def _oversized(handle: BinaryIO, start: bytes, ended: bool, limit: int) -> OversizedRow:
    """The row of a line longer than `limit`, of which `start` was read: the rest (unless the line
    `ended` already) is read a chunk at a time and hashed, never held whole."""
    digest = hashlib.sha256(start)
    size = len(start)
    while not ended:
        chunk = handle.readline(_SKIP_CHUNK_BYTES)
        ended = chunk.endswith(b"\n") or not chunk
        body = chunk.rstrip(b"\r\n") if ended else chunk
        digest.update(body)
        size += len(body)
    head = start[: HEAD_CHARS * 4].decode("utf-8", "replace")[:HEAD_CHARS]
    return OversizedRow(size, limit, digest.hexdigest(), head)


def _jsonl_lines(path: Path, limit: int, compression: str | None) -> Iterator[tuple[int, bytes | OversizedRow]]:
    """(index, line) for every non-blank line, without its line ending or a leading BOM; a line
    longer than `limit` bytes (decompressed) comes as an OversizedRow instead."""
    try:
        yield from _lines_of(path, limit, compression)
    except DECOMPRESSION_ERRORS as error:
        if compression is None or isinstance(error, (FileNotFoundError, PermissionError)):
            raise
        raise SourceError(f"{path}: not a readable {compression} file ({type(error).__name__}: {error})") from None


def _lines_of(path: Path, limit: int, compression: str | None) -> Iterator[tuple[int, bytes | OversizedRow]]:
    index = 0
    with open_binary(path, compression) as handle:
        line = handle.readline(limit + 3)  # the row, "\r\n", and one byte more to see it is too long
        if line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        while line:
            text = line.rstrip(b"\r\n")
            if len(text) > limit:
                yield index, _oversized(handle, text, line.endswith(b"\n"), limit)
                index += 1
            elif text.strip():
                yield index, text
                index += 1
            line = handle.readline(limit + 3)
