"""glaive_source (observed) and glaive_raw: what was read, with the settings it was read with."""

import dagster as dg

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.ingest.assets import SOURCE_STATE_KEY, SourceConfig, glaive_source
from glaive_assets.sources.fingerprint import source_fingerprint, source_state
from glaive_assets.sources.sample import SAMPLE_GENERATOR_VERSION
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.manifest import load_artifact
from glaive_assets_tests.harness.dagster_helpers import (
    materializations,
    materialize,
    read_lines,
    run_config,
    sample_rows,
    write_jsonl_source,
)


def test_observing_the_source_gives_its_data_version(monkeypatch):
    monkeypatch.setenv("GLAIVE_SOURCE", "sample:500")
    monkeypatch.setenv("GLAIVE_SEED", "4")
    monkeypatch.delenv("GLAIVE_SAMPLE_SIZE", raising=False)
    observed = glaive_source(dg.build_asset_context())
    assert observed.data_version == dg.DataVersion(f"sample-v{SAMPLE_GENERATOR_VERSION}-seed4-rows500")
    assert observed.metadata == {
        "source": "sample:500", "kind": "sample", "version": f"sample-v{SAMPLE_GENERATOR_VERSION}-seed4-rows500",
        "generator_version": SAMPLE_GENERATOR_VERSION, "seed": "4", "rows": "500", "sample_size": "5000",
    }


def test_run_config_overrides_the_environment_field_by_field(monkeypatch):
    monkeypatch.setenv("GLAIVE_SOURCE", "hf")
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "10")
    monkeypatch.setenv("GLAIVE_SEED", "3")
    assert SourceConfig(sample_size=0).resolve() == SourceSettings("hf", 0, 3)
    assert SourceConfig(source="sample", seed=8).resolve() == SourceSettings("sample", 10, 8)


def test_glaive_raw_writes_the_rows_and_records_how_they_were_read(instance, data_dir, tmp_path):
    rows = sample_rows(12)
    source = write_jsonl_source(tmp_path / "rows.jsonl", rows, extra_lines=[b"{not json"])
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=0, seed=5), selection="glaive_raw")
    assert result.success
    assert [line["row"] for line in read_lines(data_dir / ARTIFACT_PATHS["glaive_raw"])][:12] == rows

    raw = load_artifact(data_dir, "glaive_raw")
    assert (raw.rows, raw.source, raw.requested_sample_size, raw.seed, raw.unreadable_rows) == (13, str(source), 0, 5, 1)
    metadata = materializations(result)["glaive_raw"].metadata
    assert metadata["dagster/row_count"].value == 13
    assert (metadata["requested_sample_size"].value, metadata["unreadable_rows"].value) == (0, 1)
    settings = SourceSettings(str(source), 0, 5)
    assert metadata[SOURCE_STATE_KEY].value == source_state(settings, source_fingerprint(settings)["version"])


def test_bad_run_config_fails_glaive_raw_with_the_settings_message(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=-5), selection="glaive_raw", raise_on_error=False)
    assert not result.success
    message = result.get_step_failure_events()[0].step_failure_data.error.message
    assert "sample_size must be a whole number >= 0 (0 = every row), got -5" in message
    assert not (data_dir / ARTIFACT_PATHS["glaive_raw"]).exists()
