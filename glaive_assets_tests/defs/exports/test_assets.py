"""The export assets in the real graph, on the planted source (harness/planted.py, run once per session):
each holds every training split row (sharegpt: or counts it as left out) and loads; the formats config
and the selection decide which are written."""

import shutil

import datasets
import orjson
import pytest

from glaive_assets.defs.exports.assets import source_revision, training_exports
from glaive_assets.storage.artifacts import RawArtifact
from glaive_assets.storage.manifest import load_artifact
from glaive_assets.training.config import SPLITS
from glaive_assets_tests.harness.dagster_helpers import materializations, materialize, read_lines, run_start_failure
from glaive_assets_tests.harness.hf_offline import go_offline
from glaive_assets_tests.harness.planted import artifact_file

EXPORTS = ["export_hf", "export_openai", "export_sharegpt"]


def test_one_step_with_an_optional_output_per_format_downstream_of_the_training_set():
    assert {key.to_user_string() for key in training_exports.keys} == set(EXPORTS)
    assert training_exports.can_subset
    for key in training_exports.keys:
        assert {dep.to_user_string() for dep in training_exports.asset_deps[key]} == {
            "training_set", "training_report", "glaive_raw"}


def test_each_export_holds_every_split_row_and_loads(planted_graph, tmp_path, monkeypatch):
    data_dir, result = planted_graph.data_dir, planted_graph.result
    go_offline(monkeypatch)
    split_rows = {split: len(read_lines(artifact_file(data_dir, "training_set", split))) for split in SPLITS}
    materialized = materializations(result)
    for export_format in ("hf", "openai"):
        loaded = datasets.load_dataset(str(data_dir / "training" / export_format), cache_dir=str(tmp_path / export_format))
        assert {split: loaded[split].num_rows for split in SPLITS} == split_rows, export_format
        metadata = materialized[f"export_{export_format}"].metadata
        assert {split: metadata[f"{split}_rows"].value for split in SPLITS} == split_rows
        assert metadata["dagster/row_count"].value == sum(split_rows.values())
    hf_train = read_lines(artifact_file(data_dir, "export_hf", "train"))
    assert [row["sample_weight"] for row in hf_train] == [
        row["sample_weight"] for row in read_lines(artifact_file(data_dir, "training_set", "train"))]

    sharegpt = load_artifact(data_dir, "export_sharegpt")
    left_out = materialized["export_sharegpt"].metadata["rows_left_out"].value
    written = sum(len(read_lines(sharegpt.parts[split].path)) for split in SPLITS)
    assert written + left_out == sum(split_rows.values()) and written == sharegpt.rows
    info = orjson.loads(sharegpt.parts["dataset_info"].path.read_bytes())
    assert {entry["file_name"] for entry in info.values()} == {f"{split}.jsonl" for split in SPLITS}


def test_the_card_names_the_source_it_was_made_from(planted_graph):
    card = artifact_file(planted_graph.data_dir, "export_hf", "card").read_text(encoding="utf-8")
    raw = load_artifact(planted_graph.data_dir, "glaive_raw")
    assert f"revision `{source_revision(raw)}`" in card
    assert source_revision(raw) == f"none: GLAIVE_SOURCE={raw.source}, not read from the hub (122 rows read, sample_size all, seed 7)"


def test_source_revision_of_the_hub_is_its_pinned_revision():
    raw = RawArtifact("glaive_raw", None, 5000, "0" * 64, 1, source="hf", requested_sample_size=5000, seed=42,
                      unreadable_rows=0)
    assert source_revision(raw) == "e7f4b6456019f5d8bcb991ef0dd67d8ff23221ac (5,000 rows read, sample_size 5000, seed 42)"


def test_the_formats_config_and_the_selection_decide_which_exports_are_written(planted_data_copy, instance):
    for name in EXPORTS:
        shutil.rmtree(artifact_file(planted_data_copy, name, "train").parent)
    only_hf = {"ops": {"training_exports": {"config": {"formats": ["hf"]}}}}
    assert set(materializations(materialize(instance, planted_data_copy, only_hf, selection=EXPORTS))) == {
        "export_hf"}
    assert set(materializations(materialize(instance, planted_data_copy, {}, selection=["export_sharegpt"]))) == {
        "export_sharegpt"}
    assert not (planted_data_copy / "training" / "openai").exists()


@pytest.mark.parametrize("given_by", ["run_config", "environment"])
def test_an_unknown_format_fails_in_one_line(planted_data_copy, instance, monkeypatch, given_by):
    config = {}
    if given_by == "run_config":
        config = {"ops": {"training_exports": {"config": {"formats": ["hf", "alpaca"]}}}}
    else:
        monkeypatch.setenv("GLAIVE_EXPORT_FORMATS", "hf, alpaca")
    result = materialize(instance, planted_data_copy, config, selection=EXPORTS, raise_on_error=False)
    assert ("ops.training_exports.config: unknown export format 'alpaca': use any of hf, openai, sharegpt "
            "(GLAIVE_EXPORT_FORMATS or run config formats)") in run_start_failure(result)
    assert materializations(result) == {}
