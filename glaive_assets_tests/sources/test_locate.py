"""What a source string names; a bad one is a SourceError naming the options."""

from pathlib import Path

import pytest

from glaive_assets.sources.errors import SourceError, SourceUnavailable
from glaive_assets.sources.locate import FileSource, HfSource, SampleSource, locate_source, source_names
from glaive_assets.sources.sample import SAMPLE_ALL_ROWS
from glaive_assets_tests.fixtures.sources import fingerprint, read


def test_each_kind_of_source_is_located(tmp_path):
    assert locate_source(" Sample ") == SampleSource(SAMPLE_ALL_ROWS)
    assert locate_source("sample:1_000") == SampleSource(1000)
    assert locate_source("HF") == HfSource()
    for name, fmt in (("rows.json", "json"), ("rows.JSONL", "jsonl"), ("rows.parquet", "parquet")):
        (tmp_path / name).write_bytes(b"")
        assert locate_source(str(tmp_path / name)) == FileSource((tmp_path / name).resolve(), fmt)
    assert isinstance(locate_source(str(tmp_path / "rows.json")).path, Path)


@pytest.mark.parametrize(
    "source, message",
    [
        ("bogus",
         "unknown source 'bogus': use 'sample', 'sample:N', 'hf', or a path to a .json, .jsonl or .parquet file"),
        ("rows.csv", "unsupported file type '.csv' for source 'rows.csv': use 'sample', 'sample:N', 'hf'"),
        ("/no/such/file.jsonl", "source file not found: '/no/such/file.jsonl' (use 'sample', 'sample:N', 'hf'"),
        ("sample:0", "N in 'sample:N' must be a whole number > 0"),
        ("sample:many", "N in 'sample:N' must be a whole number > 0"),
    ],
)
def test_a_bad_source_is_a_source_error_naming_the_options(source, message):
    with pytest.raises(SourceError) as raised:
        read(source, 0, 1)  # raised on the call, not at the first row
    assert message in str(raised.value)
    assert not isinstance(raised.value, SourceUnavailable)
    with pytest.raises(SourceError):
        fingerprint(source, 0, 1)


def test_a_directory_is_not_a_file_source(tmp_path):
    with pytest.raises(SourceError, match="is a directory, not a file .*GLAIVE_HF_DATASET"):
        read(str(tmp_path), 0, 1)


def test_comma_separated_sources_are_named_in_order(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"")
    assert source_names(f" {tmp_path / 'a.jsonl'} , sample:5") == [str(tmp_path / "a.jsonl"), "sample:5"]
    assert source_names("sample") == ["sample"]
    odd = tmp_path / "a,b.jsonl"  # a file whose name holds a comma is still one source
    odd.write_bytes(b"")
    assert source_names(str(odd)) == [str(odd)]
    assert locate_source(str(odd)) == FileSource(odd.resolve(), "jsonl")
    with pytest.raises(SourceError, match="an empty name between commas"):
        source_names("sample,,hf")
    with pytest.raises(SourceError, match="'sample:3' is listed more than once"):
        source_names("sample:3, hf, sample:3")
