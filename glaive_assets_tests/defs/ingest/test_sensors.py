"""glaive_source_changed: a run only when the source's data version or the sampling settings change."""

import dagster as dg

from glaive_assets.config.settings import SourceSettings
from glaive_assets.defs.ingest.sensors import glaive_source_changed
from glaive_assets.sources.fingerprint import source_fingerprint
from glaive_assets_tests.harness.dagster_helpers import materialize, sample_rows, write_jsonl_source


def test_source_sensor_requests_a_run_only_when_the_file_changes(tmp_path, monkeypatch, instance):
    source = write_jsonl_source(tmp_path / "rows.jsonl", sample_rows(5))
    monkeypatch.setenv("GLAIVE_SOURCE", str(source))

    first = glaive_source_changed(dg.build_sensor_context(instance=instance))
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    assert first.asset_events[0].asset_key == dg.AssetKey("glaive_source")
    version = first.cursor
    assert version.startswith(first.asset_events[0].tags["dagster/data_version"] + "|")

    unchanged = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=version))
    assert isinstance(unchanged, dg.SkipReason) and "unchanged" in unchanged.skip_message

    write_jsonl_source(source, sample_rows(6))
    changed = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=version))
    assert isinstance(changed, dg.SensorResult) and len(changed.run_requests) == 1
    assert changed.cursor != version

    source.unlink()
    missing = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=changed.cursor))
    assert isinstance(missing, dg.SkipReason) and "cannot be read" in missing.skip_message

    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "many")
    invalid = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=changed.cursor))
    assert isinstance(invalid, dg.SkipReason) and "GLAIVE_SAMPLE_SIZE='many'" in invalid.skip_message


def test_first_tick_skips_when_glaive_raw_already_holds_the_source(tmp_path, monkeypatch, instance, data_dir):
    source = write_jsonl_source(tmp_path / "rows.jsonl", sample_rows(5))
    monkeypatch.setenv("GLAIVE_SOURCE", str(source))
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "0")
    assert materialize(instance, data_dir, {}, selection="glaive_raw").success  # as `make run` does

    first = glaive_source_changed(dg.build_sensor_context(instance=instance))
    assert isinstance(first, dg.SensorResult) and not first.run_requests
    assert "already up to date" in first.skip_reason.skip_message
    assert first.cursor.startswith(str(source_fingerprint(SourceSettings.from_env())["version"]))

    write_jsonl_source(source, sample_rows(6))
    changed = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert isinstance(changed, dg.SensorResult) and len(changed.run_requests) == 1


def test_new_sample_size_requests_a_run_even_for_an_unchanged_file(tmp_path, monkeypatch, instance):
    monkeypatch.setenv("GLAIVE_SOURCE", str(write_jsonl_source(tmp_path / "rows.jsonl", sample_rows(5))))
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "0")
    every_row = glaive_source_changed(dg.build_sensor_context(instance=instance)).cursor
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "3")
    three_rows = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=every_row))
    assert isinstance(three_rows, dg.SensorResult) and three_rows.cursor != every_row


def test_sample_source_version_follows_the_generator_settings(monkeypatch, instance):
    monkeypatch.setenv("GLAIVE_SOURCE", "sample")
    monkeypatch.setenv("GLAIVE_SEED", "1")
    seed_one = glaive_source_changed(dg.build_sensor_context(instance=instance)).cursor
    monkeypatch.setenv("GLAIVE_SEED", "2")
    seed_two = glaive_source_changed(dg.build_sensor_context(instance=instance, cursor=seed_one))
    assert isinstance(seed_two, dg.SensorResult) and seed_two.cursor != seed_one
