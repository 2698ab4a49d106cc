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
        _check_zstd_frames(path)
        raw = path.open("rb")
        # read_across_frames: frames one after another (`cat a.zst b.zst`) are one stream, as with gzip.
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True)
        return io.BufferedReader(reader)
    raise ValueError(f"unknown compression {compression!r}")


_ZSTD_MAGIC = 0xFD2FB528
_FCS_BYTES = (0, 2, 4, 8)  # Frame_Content_Size bytes by its flag (flag 0: 1 byte when single-segment)


def _check_zstd_frames(path: Path) -> None:
    """Walk the frame and block headers (RFC 8878) to the end of the file, raising ZstdError when the
    last frame is cut off: zstandard's stream_reader would end such a file silently. Reads only headers."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        while handle.tell() < size:
            magic = int.from_bytes(_read_exactly(handle, 4), "little")
            if 0x184D2A50 <= magic <= 0x184D2A5F:  # a skippable frame
                handle.seek(int.from_bytes(_read_exactly(handle, 4), "little"), io.SEEK_CUR)
                continue
            if magic != _ZSTD_MAGIC:
                raise zstandard.ZstdError("not zstd data (unknown frame magic number)")
            descriptor = _read_exactly(handle, 1)[0]
            single_segment = bool(descriptor & 0x20)
            fcs = _FCS_BYTES[descriptor >> 6] or int(single_segment)
            handle.seek((0 if single_segment else 1) + (0, 1, 2, 4)[descriptor & 3] + fcs, io.SEEK_CUR)
            last = False
            while not last:
                header = int.from_bytes(_read_exactly(handle, 3), "little")
                last, kind, block_size = bool(header & 1), (header >> 1) & 3, header >> 3
                handle.seek(1 if kind == 1 else block_size, io.SEEK_CUR)
            if descriptor & 0x04:
                handle.seek(4, io.SEEK_CUR)
        if handle.tell() != size:
            raise zstandard.ZstdError("the file ends inside a zstd frame (cut off?)")


def _read_exactly(handle: BinaryIO, count: int) -> bytes:
    data = handle.read(count)
    if len(data) != count:
        raise zstandard.ZstdError("the file ends inside a zstd frame (cut off?)")
    return data
