"""A source file's bytes as a stream, decompressed on the fly: gzip, bzip2, xz (standard library) and
zstd (the `zstandard` package). Every stream reads a bounded amount at a time, so a compressed source
is held in memory no more than a plain one.

A corrupt or cut-off compressed file raises one of DECOMPRESSION_ERRORS while it is read; the readers
turn that into a SourceError naming the file.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path
from typing import BinaryIO

import zstandard

# File suffix -> compression name (None: stored as is).
COMPRESSIONS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
DECOMPRESSION_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error, zstandard.ZstdError)


def open_binary(path: Path, compression: str | None) -> BinaryIO:
    """The file's (decompressed) bytes, buffered: read(n) and readline(n) hold at most n bytes."""
    if compression is None:
        return path.open("rb")
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "bzip2":
        return bz2.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    if compression == "zstd":
        raw = path.open("rb")
        # read_across_frames: a .zst written by several `zstd` calls concatenated is one stream, as with gzip.
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True)
        return io.BufferedReader(reader)
    raise ValueError(f"unknown compression {compression!r}")
