"""A .json file holding one JSON array of rows (like the hub's 271 MB file), streamed element by
element with bounded memory: one chunk of text plus one row.

NaN/Infinity are not JSON: an array holding them is a SourceError, as is any malformed array. An
element longer than the row limit (GLAIVE_MAX_ROW_BYTES) is not decoded: it is read past (its end
found by its brackets and strings) and yielded as an OversizedRow. A compressed file
(sources/compressed.py) is decompressed as it is read.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from glaive_assets.config.settings import DEFAULT_MAX_ROW_BYTES
from glaive_assets.sources.errors import HEAD_CHARS, OversizedRow, SourceError
from glaive_assets.sources.compressed import DECOMPRESSION_ERRORS, open_binary
from glaive_assets.sources.readers.strict_json import STRICT_DECODER
from glaive_assets.sources.sampling import sampled

JSON_CHUNK_CHARS = 1 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9eE.+\-]*")
# Where to look next while reading past an oversized element: inside a string, inside brackets, after a scalar.
_IN_STRING = re.compile(r'["\\]')
_IN_BRACKETS = re.compile(r'["\[\]{}]')
_SCALAR_END = re.compile(r"[,\]}\s]")


def iter_json_array(path: Path, sample_size: int, seed: int, max_row_bytes: int = DEFAULT_MAX_ROW_BYTES,
                    compression: str | None = None) -> Iterator[tuple[int, object]]:
    return sampled(_array_elements(path, max_row_bytes, compression), sample_size, seed)


class _Measure:
    """The size, hash and first characters of a text read in pieces."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = ""

    def add(self, text: str) -> None:
        encoded = text.encode("utf-8", "surrogatepass")
        self.digest.update(encoded)
        self.size += len(encoded)
        if len(self.head) < HEAD_CHARS:
            self.head = (self.head + text)[:HEAD_CHARS]


class _ChunkedText:
    """The file's text, read a chunk at a time; `buffer[pos:]` is what has not been consumed yet."""

    def __init__(self, path: Path, handle: TextIO, max_row_bytes: int) -> None:
        self.path = path
        self.handle = handle
        self.max_row_bytes = max_row_bytes
        self.buffer = ""
        self.pos = 0

    def refill(self) -> bool:
        """Append the next chunk (dropping what was consumed); False at the end of the file."""
        try:
            chunk = self.handle.read(JSON_CHUNK_CHARS)
        except UnicodeDecodeError as error:
            raise SourceError(f"{self.path}: not valid UTF-8 ({error})") from None
        if not chunk:
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def next_char(self, what: str) -> str:
        """The next character that is not whitespace (not consumed), or a SourceError naming `what`."""
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.refill():
                raise SourceError(f"{self.path}: the JSON ends before {what}")

    def decode_value(self, index: int) -> object:
        """Decode the value at `pos` and consume it, reading more text while it may be cut by a chunk end."""
        while True:
            try:
                value, end = STRICT_DECODER.raw_decode(self.buffer, self.pos)
            except (ValueError, RecursionError) as error:
                # The row runs past the buffer (read more), is too long to decode, or is malformed.
                if len(self.buffer) - self.pos > self.max_row_bytes:  # characters: at least as many bytes
                    return self.skip_oversized(index)
                if self.refill():
                    continue
                raise SourceError(f"{self.path}: row {index} is not valid JSON: {error}") from None
            if (
                isinstance(value, (int, float))
                and _NUMBER_TAIL.match(self.buffer, end).end() == len(self.buffer)
                and self.refill()
            ):
                continue  # the number may go on in the next chunk ("1" + "e300"): decode it again
            if end - self.pos > self.max_row_bytes // 4:  # its UTF-8 may exceed the limit: measure it
                text = self.buffer[self.pos : end]
                if len(text.encode("utf-8", "surrogatepass")) > self.max_row_bytes:
                    measure = _Measure()
                    measure.add(text)
                    self.pos = end
                    return OversizedRow(measure.size, self.max_row_bytes, measure.digest.hexdigest(), measure.head)
            self.pos = end
            return value

    def skip_oversized(self, index: int) -> OversizedRow:
        """Consume the value at `pos` without decoding it, hashing and measuring it a chunk at a time."""
        measure = _Measure()
        first = self.buffer[self.pos]
        in_string, depth = first == '"', int(first in "[{")
        scalar = not in_string and not depth
        pos = self.pos + (0 if scalar else 1)
        while True:
            if scalar:
                found = _SCALAR_END.search(self.buffer, pos)
                if found:
                    pos = found.start()
                    break
                pos = len(self.buffer)
            elif in_string:
                found = _IN_STRING.search(self.buffer, pos)
                if found and found.group() == '"':
                    pos, in_string = found.end(), False
                    if depth == 0:
                        break
                    continue
                if found and found.end() < len(self.buffer):  # a backslash and the character it escapes
                    pos = found.end() + 1
                    continue
                pos = found.start() if found else len(self.buffer)  # keep a final backslash for the next chunk
            else:
                found = _IN_BRACKETS.search(self.buffer, pos)
                if found:
                    pos = found.end()
                    if found.group() == '"':
                        in_string = True
                        continue
                    depth += 1 if found.group() in "[{" else -1
                    if depth == 0:
                        break
                    continue
                pos = len(self.buffer)
            # Out of text: count what was read, then read on.
            measure.add(self.buffer[self.pos : pos])
            self.pos = pos
            if not self.refill():
                if scalar:
                    break
                raise SourceError(f"{self.path}: the JSON ends inside row {index}")
            pos = self.pos
        measure.add(self.buffer[self.pos : pos])
        self.pos = pos
        return OversizedRow(measure.size, self.max_row_bytes, measure.digest.hexdigest(), measure.head)

    def expect_end(self) -> None:
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer):
                raise SourceError(
                    f"{self.path}: unexpected data after the array's closing ']' ({self.buffer[self.pos]!r})"
                )
            if not self.refill():
                return


def _array_elements(path: Path, max_row_bytes: int, compression: str | None) -> Iterator[tuple[int, object]]:
    try:
        yield from _elements_of(path, max_row_bytes, compression)
    except DECOMPRESSION_ERRORS as error:
        if compression is None or isinstance(error, (FileNotFoundError, PermissionError)):
            raise
        raise SourceError(f"{path}: not a readable {compression} file ({type(error).__name__}: {error})") from None


def _elements_of(path: Path, max_row_bytes: int, compression: str | None) -> Iterator[tuple[int, object]]:
    with io.TextIOWrapper(open_binary(path, compression), encoding="utf-8-sig", newline="") as handle:
        text = _ChunkedText(path, handle, max_row_bytes)
        first = text.next_char("its first value")
        if first != "[":
            raise SourceError(
                f"{path}: a .json source must hold one JSON array of rows, but it starts with {first!r} "
                "(a file of one JSON value per line should be named .jsonl)"
            )
        text.pos += 1
        index = 0
        if text.next_char("the array closes") == "]":
            text.pos += 1
        else:
            while True:
                text.next_char(f"row {index}")
                yield index, text.decode_value(index)
                index += 1
                separator = text.next_char(f"',' or ']' after row {index - 1}")
                text.pos += 1
                if separator == "]":
                    break
                if separator != ",":
                    raise SourceError(f"{path}: expected ',' or ']' after row {index - 1}, found {separator!r}")
        text.expect_end()
