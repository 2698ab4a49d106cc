"""A .json file holding one JSON array of rows (like the hub's 271 MB file), streamed element by
element with bounded memory: one chunk of text plus one row.

NaN/Infinity are not JSON: an array holding them is a SourceError, as is any malformed array.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.readers.strict_json import STRICT_DECODER
from glaive_assets.sources.sampling import sampled

JSON_CHUNK_CHARS = 1 << 20
MAX_ROW_CHARS = 16 << 20  # no real row comes near this; beyond it a .json array is called malformed
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9eE.+\-]*")


def iter_json_array(path: Path, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    return sampled(_array_elements(path), sample_size, seed)


class _ChunkedText:
    """The file's text, read a chunk at a time; `buffer[pos:]` is what has not been consumed yet."""

    def __init__(self, path: Path, handle: TextIO) -> None:
        self.path = path
        self.handle = handle
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
                # Either the row runs past the buffer (read more) or it is malformed.
                if len(self.buffer) - self.pos <= MAX_ROW_CHARS and self.refill():
                    continue
                raise SourceError(f"{self.path}: row {index} is not valid JSON: {error}") from None
            if (
                isinstance(value, (int, float))
                and _NUMBER_TAIL.match(self.buffer, end).end() == len(self.buffer)
                and self.refill()
            ):
                continue  # the number may go on in the next chunk ("1" + "e300"): decode it again
            self.pos = end
            return value

    def expect_end(self) -> None:
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer):
                raise SourceError(
                    f"{self.path}: unexpected data after the array's closing ']' ({self.buffer[self.pos]!r})"
                )
            if not self.refill():
                return


def _array_elements(path: Path) -> Iterator[tuple[int, object]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        text = _ChunkedText(path, handle)
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
