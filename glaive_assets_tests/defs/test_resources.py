"""The storage resource and the IO manager: outputs land in the manifest, inputs come back as the
handles their writers made (glaive_raw with its typed settings)."""

import dagster as dg
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.resources import ArtifactIOManager, GlaiveStorage, resources, storage_resources
from glaive_assets.storage.artifacts import write_json
from glaive_assets.storage.manifest import read_manifest
from glaive_assets.storage.stages import write_raw


def _io_manager(data_dir) -> ArtifactIOManager:
    return storage_resources(str(data_dir))["io_manager"]


def test_outputs_are_recorded_and_inputs_are_the_recorded_handles(data_dir):
    io_manager = _io_manager(data_dir)
    raw = write_raw(data_dir, [(0, {"system": "s", "chat": "c"})], SourceSettings("sample", 1, 9))
    io_manager.handle_output(dg.build_output_context(asset_key="glaive_raw", run_id="run-7"), raw)
    entry = read_manifest(data_dir)["artifacts"]["glaive_raw"]
    assert (entry["sha256"], entry["run_id"]) == (raw.sha256, "run-7")

    loaded = io_manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("glaive_raw")))
    assert loaded == raw
    assert (loaded.source, loaded.requested_sample_size, loaded.seed) == ("sample", 1, 9)


def test_an_asset_that_returns_something_else_is_refused(data_dir):
    with pytest.raises(TypeError, match="glaive_chatml must return an Artifact, got dict"):
        _io_manager(data_dir).handle_output(dg.build_output_context(asset_key="glaive_chatml"), {"rows": 1})


def test_an_input_that_was_never_materialized_names_the_asset(data_dir):
    with pytest.raises(FileNotFoundError, match="materialize bias_report first"):
        _io_manager(data_dir).load_input(dg.build_input_context(asset_key=dg.AssetKey("bias_report")))


def test_the_resources_follow_glaive_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("GLAIVE_DATA_DIR", str(tmp_path / "elsewhere"))
    built = resources().resources
    assert isinstance(built["storage"], GlaiveStorage)
    assert built["storage"].root == tmp_path / "elsewhere"
    assert built["io_manager"].storage.root == tmp_path / "elsewhere"
    write_json(built["storage"].root, "bias_report", {})
    assert (tmp_path / "elsewhere" / "processed" / "validation" / "bias_report.json").exists()
