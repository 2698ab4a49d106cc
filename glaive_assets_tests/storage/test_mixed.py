"""Several comma-separated sources into one glaive_raw: each checked on its own, rows in the listed
order under one running source_index with their origin, sampling over the concatenation, and the
row accounting per source."""

import gzip

import orjson
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.sampling import reservoir_indices
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.by_source import SourceTally, source_accounting
from glaive_assets.storage.mixed import open_sources, write_mixed_raw
from glaive_assets.storage.source_check import UnusableSource
from glaive_assets.storage.stages import split_raw
from glaive_assets_tests.fixtures.sources.mixed import EXPECTED, write_mixed_sources


def settings_for(paths, sample_size=0, seed=1, **kwargs):
    return SourceSettings(",".join(map(str, paths)), sample_size, seed, **kwargs)


def test_rows_of_every_source_follow_each_other_with_a_running_index_and_their_origin(tmp_path):
    paths = write_mixed_sources(tmp_path)
    settings = settings_for(paths)
    raw = write_mixed_raw(tmp_path / "data", open_sources(settings), settings)
    lines = [orjson.loads(line) for line in raw.iter_lines()]
    assert [(line["source_index"], line["source"], line["source_row"], line.get("format")) for line in lines] == [
        (0, 0, 0, None), (1, 0, 1, None), (2, 0, 2, None),
        (3, 1, 0, "sharegpt"), (4, 1, 1, "sharegpt"), (5, 1, 2, "sharegpt"),
        (6, 2, 0, "openai"), (7, 2, 1, "openai")]
    assert "unreadable" in lines[2]
    assert (raw.rows, raw.unreadable_rows, raw.source) == (8, 1, settings.source)
    assert list(raw.sources) == [
        {"source": str(paths[0]), "format": "glaive", "first_source_index": 0, "rows_read": 3, "raw_rows": 3},
        {"source": str(paths[1]), "format": "sharegpt", "first_source_index": 3, "rows_read": 3, "raw_rows": 3},
        {"source": str(paths[2]), "format": "openai", "first_source_index": 6, "rows_read": 2, "raw_rows": 2}]


def test_row_accounting_holds_per_source(tmp_path):
    paths = write_mixed_sources(tmp_path)
    settings = settings_for(paths)
    raw = write_mixed_raw(tmp_path / "data", open_sources(settings), settings)
    processed, rejects, stats = split_raw(tmp_path / "data", raw)
    assert (stats.processed_by_source, stats.rejected_by_source) == ([2, 2, 1], [1, 1, 1])
    by_source = source_accounting(raw.sources, stats.processed_by_source, stats.rejected_by_source)
    assert [(entry["source"], entry["format"], entry["raw_rows"], entry["processed_rows"], entry["rejected_rows"])
            for entry in by_source] == [(str(tmp_path / name), *counts) for name, *counts in EXPECTED]
    assert [entry["accounted"] for entry in by_source] == [True, True, True]
    assert [entry["reject_rate"] for entry in by_source] == [0.333333, 0.333333, 0.5]
    assert [(r["source_index"], r["reasons"]) for r in rejects.iter_records()] == [
        (2, ["unreadable_row"]), (5, ["function_call_not_json"]), (7, ["unknown_role"])]
    # The same counts from the records' source_index alone (what the quality step does).
    tally = SourceTally(raw.sources)
    assert len(list(tally.counted(processed.iter_records()))) == 5
    assert tally.counts == [2, 2, 1]


def test_the_sample_is_drawn_from_the_concatenation(tmp_path):
    paths = write_mixed_sources(tmp_path)
    settings = settings_for(paths, sample_size=4, seed=11)
    raw = write_mixed_raw(tmp_path / "data", open_sources(settings), settings)
    kept = [orjson.loads(line) for line in raw.iter_lines()]
    assert [line["source_index"] for line in kept] == reservoir_indices(8, 4, 11)
    positions = [line["source"] for line in kept]
    assert [source["raw_rows"] for source in raw.sources] == [positions.count(p) for p in range(3)]
    assert [source["rows_read"] for source in raw.sources] == [3, 3, 2]
    assert sum(source["raw_rows"] for source in raw.sources) == raw.rows == 4


def test_a_forced_layout_applies_to_every_source(tmp_path):
    paths = write_mixed_sources(tmp_path)
    settings = settings_for(paths[1:], source_format="sharegpt")
    with pytest.raises(UnusableSource, match=r"^source 2 of 2 \('.*openai\.jsonl'\): glaive_raw stopped before "
                                             r"replacing anything: .*GLAIVE_SOURCE_FORMAT=sharegpt expects"):
        open_sources(settings)


def test_a_failing_second_source_is_named_before_anything_is_written(tmp_path):
    paths = write_mixed_sources(tmp_path)
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(SourceError, match=r"^source 2 of 3 \('.*missing\.jsonl'\): source file not found"):
        open_sources(settings_for([paths[0], missing, paths[2]]))
    unusable = tmp_path / "prompts.jsonl"
    unusable.write_bytes(b'{"prompt": "p"}\n')
    with pytest.raises(UnusableSource, match=r"^source 2 of 2 \('.*prompts\.jsonl'\): glaive_raw stopped"):
        open_sources(settings_for([paths[0], unusable]))


def test_a_source_that_breaks_after_its_first_rows_is_named_and_leaves_no_file(tmp_path):
    paths = write_mixed_sources(tmp_path)
    cut = tmp_path / "cut.jsonl.gz"  # valid first rows, then the gzip stream ends early
    cut.write_bytes(gzip.compress((tmp_path / "openai.jsonl").read_bytes() * 2000)[:-200])
    settings = settings_for([paths[0], cut])
    opened = open_sources(settings)  # the first 1,000 rows of each are fine
    with pytest.raises(SourceError, match=r"^source 2 of 2 \('.*cut\.jsonl\.gz'\): "):
        write_mixed_raw(tmp_path / "data", opened, settings)
    assert not (tmp_path / "data" / ARTIFACT_PATHS["glaive_raw"]).exists()
