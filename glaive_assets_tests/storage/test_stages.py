"""The stages over real files: what survives the trip through glaive_raw."""

import hashlib

import orjson

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.config.settings import SourceSettings
from glaive_assets.core import reasons
from glaive_assets.core.transform import process_row
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets.storage.stages import raw_line, raw_outcome, split_raw, write_chatml, write_raw
from glaive_assets_tests.fixtures.sources import write_parquet
from glaive_assets_tests.harness.dagster_helpers import read_lines, sample_rows

SOURCE = SourceSettings("sample", 0, 3)


def test_lone_surrogates_are_flagged_after_the_raw_file_stored_them_repaired(tmp_path):
    row = dict(sample_rows(1, seed=11)[0])
    row["chat"] = row["chat"].replace("USER: ", "USER: \ud83d ", 1)  # a lone high surrogate
    direct = process_row(row, 0).processed
    assert reasons.INVALID_UNICODE in direct["structure_warnings"]

    raw = write_raw(tmp_path, [(0, row)], SOURCE)
    stored = orjson.loads(raw.path.read_bytes())
    assert stored["unicode_repaired"] is True and "\ufffd" in stored["row"]["chat"]

    processed, rejects, stats = split_raw(tmp_path, raw)
    [through_raw] = read_lines(processed.path)
    assert reasons.INVALID_UNICODE in through_raw["structure_warnings"]
    assert through_raw["record_id"] == direct["record_id"]
    assert through_raw == orjson.loads(orjson.dumps(direct, option=orjson.OPT_NON_STR_KEYS))


def test_every_raw_line_lands_in_processed_or_rejects_and_chatml_follows_processed(tmp_path):
    rows = [(index, row) for index, row in enumerate(sample_rows(300, seed=4))]
    rows += [(300, None), (301, {"system": "SYSTEM: x"}), (302, "USER: hi")]
    raw = write_raw(tmp_path, rows, SOURCE)
    processed, rejects, stats = split_raw(tmp_path, raw)
    chatml, preview = write_chatml(tmp_path, processed)

    processed_indices = [r["source_index"] for r in read_lines(processed.path)]
    reject_lines = read_lines(rejects.path)
    assert sorted(processed_indices + [r["source_index"] for r in reject_lines]) == list(range(303))
    assert all(reject["reasons"] for reject in reject_lines)
    assert raw.rows == 303
    assert (processed.rows, rejects.rows) == (len(processed_indices), len(reject_lines))
    assert sum(stats.qa.slice_counts("complexity_tier").values()) == processed.rows
    assert sum(stats.qa.reject_reasons.values()) >= rejects.rows
    assert [c["metadata"]["source_index"] for c in read_lines(chatml.path)] == processed_indices
    assert preview == read_lines(chatml.path)[:3]
    assert (tmp_path / ARTIFACT_PATHS["glaive_chatml"]).exists()


def test_a_row_over_the_limit_is_the_same_reject_whichever_reader_read_it(tmp_path):
    """GLAIVE_MAX_ROW_BYTES is one limit for every reader: .jsonl and .json never decode the row; a
    parquet row is measured when glaive_raw writes it. All three give the same row_too_large reject."""
    small, big = sample_rows(2, seed=5)
    limit = len(orjson.dumps(small)) + 100
    big = {"system": big["system"], "chat": big["chat"] + "x" * limit}
    big_text = orjson.dumps(big)
    assert len(orjson.dumps(small)) < limit < len(big_text)
    files = {"jsonl": tmp_path / "rows.jsonl", "json": tmp_path / "rows.json", "parquet": tmp_path / "rows.parquet"}
    files["jsonl"].write_bytes(orjson.dumps(small) + b"\n" + big_text + b"\n")
    files["json"].write_bytes(b"[" + orjson.dumps(small) + b"," + big_text + b"]")
    write_parquet(files["parquet"], [small, big])
    too_large = {"bytes": len(big_text), "limit": limit, "sha256": hashlib.sha256(big_text).hexdigest(),
                 "head": big_text[:200].decode()}
    for kind, path in files.items():
        settings = SourceSettings(str(path), 0, 1, max_row_bytes=limit)
        data_dir = tmp_path / kind
        raw = write_raw(data_dir, iter_source_rows(settings), settings)
        assert read_lines(raw.path)[1] == {"source_index": 1, "row": None, "too_large": too_large}, kind
        assert (raw.rows, raw.unreadable_rows) == (2, 1)
        processed, rejects, stats = split_raw(data_dir, raw)
        assert [line["source_index"] for line in read_lines(processed.path)] == [0]
        assert read_lines(rejects.path) == [{"source_index": 1, "record_id": too_large["sha256"][:32],
                                             "reasons": [reasons.ROW_TOO_LARGE], "raw": too_large, "features": None}]
        assert stats.qa.reject_reasons == {reasons.ROW_TOO_LARGE: 1}


def test_the_row_limit_comes_from_glaive_max_row_bytes(monkeypatch):
    monkeypatch.setenv("GLAIVE_MAX_ROW_BYTES", "4096")
    assert SourceSettings.from_env().max_row_bytes == 4096
    monkeypatch.delenv("GLAIVE_MAX_ROW_BYTES")
    assert SourceSettings.from_env().max_row_bytes == 16 * 1024 * 1024


def test_a_sharegpt_or_openai_row_carries_its_format_and_its_repaired_surrogates():
    openai_row = {"messages": [{"role": "user", "content": "hi"},
                               {"role": "assistant", "content": "broken \ud83d text"}]}
    line, readable = raw_line(4, openai_row, 1 << 20, "openai")
    entry = orjson.loads(line)
    assert (readable, entry["format"], entry["unicode_repaired"]) == (True, "openai", True)
    record = raw_outcome(entry).processed
    assert record["turns"][1] == {"role": "assistant", "content": "broken \ufffd text"}
    assert record["structure_warnings"] == [reasons.INVALID_UNICODE]
    glaive_line, _ = raw_line(4, {"system": "SYSTEM: x", "chat": "USER: y"}, 1 << 20)
    assert "format" not in orjson.loads(glaive_line)  # glaive lines are as they were


PLAIN_ROW = {"system": "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n",
             "chat": "USER: Hi\n\n\nASSISTANT: Hello! <|endoftext|>\n\n\n"}


def _nested(levels):
    value = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_lone_surrogates_outside_system_and_chat_are_flagged_too():
    line, readable = raw_line(0, {**PLAIN_ROW, "note\ud800": "\udbff"}, 1 << 20)
    entry = orjson.loads(line)
    assert (readable, entry["unicode_repaired"]) == (True, True)
    assert entry["row"]["note\ufffd"] == "\ufffd"  # stored repaired, and the line says so


def test_a_row_too_deep_for_a_strict_line_is_refused_not_cut():
    line, readable = raw_line(5, {**PLAIN_ROW, "x": _nested(300)}, 1 << 20)
    entry = orjson.loads(line)
    assert readable is False and entry["row"] is None
    assert entry["unreadable"]["error"] == "nested 200 levels deep or more, deeper than a strict JSON line here holds"
    assert entry["unreadable"]["text"].count("[") == 300
    reject = raw_outcome(entry).reject
    assert (reject["source_index"], reject["reasons"]) == (5, [reasons.UNREADABLE_ROW])
    # One level less fits: written as it is, and nothing is cut.
    line, readable = raw_line(5, {**PLAIN_ROW, "x": _nested(198), "s": "\ud800"}, 1 << 20)
    assert readable and orjson.loads(line)["row"]["x"] == _nested(198)
