"""Compressed .json and .jsonl sources (.gz, .bz2, .xz, .zst): the same rows as the plain file, the row
size limit on the decompressed text, bounded memory, and a clear error for a corrupt file."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import tracemalloc
from pathlib import Path

import orjson
import pytest
import zstandard

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.errors import OversizedRow, SourceError
from glaive_assets.sources.locate import FileSource, locate_source
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets_tests.fixtures.sources import FIXTURES, fingerprint, read

COMPRESSORS = {
    ".gz": ("gzip", gzip.compress),
    ".bz2": ("bzip2", bz2.compress),
    ".xz": ("xz", lzma.compress),
    ".zst": ("zstd", lambda data: zstandard.ZstdCompressor().compress(data)),
}


def compressed_copy(source: Path, folder: Path, suffix: str) -> Path:
    path = folder / (source.name + suffix)
    path.write_bytes(COMPRESSORS[suffix][1](source.read_bytes()))
    return path


@pytest.mark.parametrize("suffix", COMPRESSORS)
@pytest.mark.parametrize("name", ["rows.jsonl", "rows.json"])
def test_a_compressed_file_gives_the_rows_of_the_plain_one(tmp_path, suffix, name):
    path = compressed_copy(FIXTURES / name, tmp_path, suffix)
    assert locate_source(str(path)) == FileSource(path.resolve(), name.split(".")[1], COMPRESSORS[suffix][0])
    plain = list(read(str(FIXTURES / name)))
    assert len(plain) >= 4
    assert list(read(str(path))) == plain
    assert list(read(str(path), 3, 5)) == list(read(str(FIXTURES / name), 3, 5))  # the same sample


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_the_data_version_is_the_sha256_of_the_file_as_stored(tmp_path, suffix):
    path = compressed_copy(FIXTURES / "rows.jsonl", tmp_path, suffix)
    described = fingerprint(str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (described["version"], described["compression"], described["format"], described["bytes"]) == (
        digest, COMPRESSORS[suffix][0], "jsonl", path.stat().st_size)


@pytest.mark.parametrize("suffix", COMPRESSORS)
@pytest.mark.parametrize("name", ["rows.jsonl", "rows.json"])
def test_the_row_size_limit_holds_for_the_decompressed_text(tmp_path, suffix, name):
    big = {"system": "SYSTEM: x", "chat": "USER: " + "a" * 5000}
    rows = [{"system": "s", "chat": "c"}, big, {"system": "s2", "chat": "c2"}]
    plain = tmp_path / name
    if name.endswith(".jsonl"):
        plain.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    else:
        plain.write_bytes(orjson.dumps(rows))
    path = compressed_copy(plain, tmp_path, suffix)
    read_rows = list(iter_source_rows(SourceSettings(str(path), 0, 1, max_row_bytes=1024)))
    big_text = orjson.dumps(big)
    assert read_rows == [(0, rows[0]), (1, OversizedRow(len(big_text), 1024, hashlib.sha256(big_text).hexdigest(),
                                                        big_text[:200].decode())), (2, rows[2])]


@pytest.mark.parametrize("suffix", COMPRESSORS)
@pytest.mark.parametrize("name", ["rows.jsonl", "rows.json"])
def test_a_corrupt_or_cut_off_file_is_a_source_error_naming_it(tmp_path, suffix, name):
    good = compressed_copy(FIXTURES / name, tmp_path, suffix).read_bytes()
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(good[: len(good) // 2])
    path = path.rename(tmp_path / (name + suffix))
    with pytest.raises(SourceError, match=rf"{path}: not a readable {COMPRESSORS[suffix][0]} file"):
        list(read(str(path)))
    path.write_bytes(b"this is not compressed at all\n" * 20)
    with pytest.raises(SourceError, match=rf"not a readable {COMPRESSORS[suffix][0]} file"):
        list(read(str(path)))


@pytest.mark.parametrize(("name", "message"), [
    ("rows.parquet.gz", "a parquet file compresses itself"),
    ("rows.csv.gz", "unsupported file type '.csv.gz'"),
    ("rows.gz", "unsupported file type '.gz'"),
])
def test_only_json_and_jsonl_come_compressed(tmp_path, name, message):
    (tmp_path / name).write_bytes(gzip.compress(b"{}"))
    with pytest.raises(SourceError, match=message):
        locate_source(str(tmp_path / name))


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
@pytest.mark.parametrize("name", ["rows.jsonl", "rows.json"])
def test_a_compressed_file_is_read_with_bounded_memory(tmp_path, suffix, name):
    row = {"system": "SYSTEM: x", "chat": "USER: " + "hello " * 150}
    count = 30_000  # ~28 MB of JSON text; the readers hold about 5 MB at most (a 1 MB text chunk, as str)
    plain = tmp_path / name
    if name.endswith(".jsonl"):
        plain.write_bytes((orjson.dumps(row) + b"\n") * count)
    else:
        plain.write_bytes(b"[" + b",".join([orjson.dumps(row)] * count) + b"]")
    size = plain.stat().st_size
    path = compressed_copy(plain, tmp_path, suffix)
    tracemalloc.start()
    try:
        rows = sum(1 for _ in read(str(path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == count
    assert size > 25_000_000
    assert peak < 10_000_000, (peak, size)
