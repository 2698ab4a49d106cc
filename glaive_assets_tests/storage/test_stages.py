"""The stages over real files: what survives the trip through glaive_raw."""

import orjson

from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.config.settings import SourceSettings
from glaive_assets.core import reasons
from glaive_assets.core.transform import process_row
from glaive_assets.storage.stages import split_raw, write_chatml, write_raw
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
    assert sum(stats.complexity_tiers.values()) == processed.rows
    assert sum(stats.reject_reasons.values()) >= rejects.rows
    assert [c["metadata"]["source_index"] for c in read_lines(chatml.path)] == processed_indices
    assert preview == read_lines(chatml.path)[:3]
    assert (tmp_path / ARTIFACT_PATHS["glaive_chatml"]).exists()
