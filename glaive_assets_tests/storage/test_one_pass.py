"""One pass over raw (issue 13): what the transform's pass writes beside processed equals what the later
steps used to compute by reading processed and rejects again."""

import orjson
import pytest

from glaive_assets.core.jsonio import read_jsonl
from glaive_assets.qa.schema import checked_view, run_schema_suite
from glaive_assets.qa.stats import PipelineStats, compute_pipeline_stats
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, Artifact, ProcessedArtifact
from glaive_assets.storage.manifest import load_artifact, update_manifest
from glaive_assets.storage.shards import merge_shards
from glaive_assets.storage.stages import schema_suite_input, split_qa_stats, split_raw, write_chatml
from glaive_assets_tests.harness.dagster_helpers import sample_rows
from glaive_assets_tests.storage.test_shards import raw_with_quirks, run_shards


def plain(artifact: Artifact) -> Artifact:
    """The same file without the pass's companions, as an entry written by hand or an older version."""
    return Artifact(artifact.name, artifact.path, artifact.rows, artifact.sha256, artifact.size_bytes)


@pytest.mark.parametrize("shards", [0, 1, 3])
def test_the_pass_gathers_the_stats_a_read_of_both_files_gives(tmp_path, shards):
    raw = raw_with_quirks(tmp_path, rows=400)  # 9 malformed-call rejects among them, with light features
    if shards:
        processed, rejects, stats = merge_shards(tmp_path, raw, run_shards(tmp_path, raw, shards))
    else:
        processed, rejects, stats = split_raw(tmp_path, raw)
    from_files = compute_pipeline_stats(read_jsonl(processed.path), read_jsonl(rejects.path))
    assert stats.qa == from_files
    assert (stats.qa.processed_rows, stats.qa.reject_rows, stats.qa.malformed_rejects) == (391, 12, 9)
    # What the manifest entry carries comes back the same, in strict JSON.
    carried = orjson.loads(orjson.dumps(processed.qa_stats))
    assert PipelineStats.from_json(carried["pipeline"]) == from_files
    assert split_qa_stats(raw, processed, rejects)[0] == from_files


def test_stats_of_shards_add_up_to_the_whole(tmp_path):
    records = [dict(record) for record in read_jsonl(split_raw(tmp_path, raw_with_quirks(tmp_path))[0].path)]
    whole = compute_pipeline_stats(records, [])
    first, second = compute_pipeline_stats(records[:25], []), compute_pipeline_stats(records[25:], [])
    first.add(second)
    assert first == whole and first.processed_rows == 60
    assert sum(value.count for value in whole.slices["complexity_tier"].values()) == 60


def test_recorded_stats_are_not_used_for_other_files(tmp_path):
    raw = raw_with_quirks(tmp_path)
    processed, rejects, _ = split_raw(tmp_path, raw)
    other_rejects = Artifact(rejects.name, rejects.path, rejects.rows, "0" * 64, rejects.size_bytes)
    other_raw = Artifact(raw.name, raw.path, raw.rows, "1" * 64, raw.size_bytes)
    miscounted = ProcessedArtifact(**{**processed.__dict__, "qa_stats": {
        **processed.qa_stats, "pipeline": {**processed.qa_stats["pipeline"], "processed_rows": 1}}})
    recorded = processed.qa_stats["pipeline"]
    processed.qa_stats["pipeline"] = {**recorded, "turns_sum": recorded["turns_sum"] + 1000}  # marks recorded stats
    from_files = compute_pipeline_stats(read_jsonl(processed.path), read_jsonl(rejects.path))
    assert split_qa_stats(raw, processed, rejects)[0].turns_sum == from_files.turns_sum + 1000  # recorded: used
    # Another rejects file or raw file than the ones counted, a count that disagrees, no recorded stats: read both.
    for raw_artifact, processed_artifact, rejects_artifact in (
            (raw, processed, other_rejects), (other_raw, processed, rejects), (raw, miscounted, rejects),
            (raw, plain(processed), rejects)):
        assert split_qa_stats(raw_artifact, processed_artifact, rejects_artifact)[0] == from_files


def broken_records() -> list:
    """Records that break the contract in every way the suite looks for."""
    good = [dict(record) for record in sample_records(6)]
    wrong_types = {**good[0], "has_parallel": "yes", "num_turns": 2.5, "chat": "x" * 5000}
    missing = {key: value for key, value in good[1].items() if key != "complexity_tier"}
    extra = {**good[2], "surprise": {"nested": [1, 2]}}
    out_of_set = {**good[3], "turn_bucket": "many", "num_calls": -4, "system": None}
    return [wrong_types, missing, extra, out_of_set, "not an object", [1, 2], good[4], good[5]]


def sample_records(count: int) -> list:
    from glaive_assets.core.transform import process_row

    return [outcome.processed for outcome in (process_row(row, index) for index, row in
                                               enumerate(sample_rows(count * 2, seed=9))) if outcome.processed][:count]


def test_the_suite_reports_the_same_on_the_views_as_on_the_records():
    records = broken_records()
    views = [orjson.loads(orjson.dumps(checked_view(record))) for record in records]
    assert len(orjson.dumps(views)) < len(orjson.dumps(records)) / 3
    on_records = run_schema_suite(iter(records), 0, 8, chunk_rows=3)
    on_views = run_schema_suite(iter(views), 0, 8, chunk_rows=3)
    assert not on_records["success"] and on_records["failed"] >= 6
    assert on_views == on_records


def test_the_staged_chatml_is_what_converting_processed_writes(tmp_path):
    raw = raw_with_quirks(tmp_path)
    processed, _, _ = split_raw(tmp_path / "staged", raw)
    assert processed.staged_chatml is not None and processed.staged_chatml.path.exists()
    published, preview = write_chatml(tmp_path / "staged", processed)
    converted, converted_preview = write_chatml(tmp_path / "converted", plain(processed))
    assert published.path.read_bytes() == converted.path.read_bytes()
    assert (published.sha256, published.rows, preview) == (converted.sha256, converted.rows, converted_preview)
    assert published.rows == 60 and not processed.staged_chatml.path.exists()  # moved, not copied


def test_a_companion_replaced_after_its_entry_is_not_used(tmp_path):
    data_dir = tmp_path / "data"
    raw = raw_with_quirks(data_dir)
    processed, rejects, _ = split_raw(data_dir, raw)
    update_manifest(data_dir, [processed, rejects])
    loaded = load_artifact(data_dir, "glaive_processed")
    assert isinstance(loaded, ProcessedArtifact) and loaded.checked is not None
    assert schema_suite_input(loaded) == processed.checked.path
    assert loaded.qa_stats == processed.qa_stats

    processed.checked.path.write_bytes(processed.checked.path.read_bytes())  # the same bytes, another file
    processed.staged_chatml.path.unlink()
    reloaded = load_artifact(data_dir, "glaive_processed")
    assert (reloaded.checked, reloaded.staged_chatml) == (None, None)
    assert schema_suite_input(reloaded) == data_dir / ARTIFACT_PATHS["glaive_processed"]
    chatml, _ = write_chatml(data_dir, reloaded)  # converted from processed instead
    assert chatml.rows == 60
