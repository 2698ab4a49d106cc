"""Run settings are checked when the run starts: a bad threshold or environment setting fails the run
before any artifact is written."""

import dagster as dg
import pytest

from glaive_assets.defs.run_checks import OP_CONFIG_CHECKS, run_settings_problems
from glaive_assets.storage.lock import LOCK_NAME
from glaive_assets_tests.harness.dagster_helpers import code_location, materialize, run_config, run_start_failure

PREFIX = "ops.quality_reports.config: "


def run_with(config: dict, selection: list[str] | None = None) -> dg.DagsterRun:
    keys = {dg.AssetKey(name) for name in selection} if selection else None
    return dg.DagsterRun(job_name="__ASSET_JOB", run_config=config, asset_selection=keys)


@pytest.mark.parametrize(("quality", "problem"), [
    ({"severities": {"nonsense": "ERROR"}}, "unknown anomaly rules in severities: ['nonsense']; known: ['malformed_rate',"),
    ({"min_row_fraction": 7}, "min_row_fraction must be a rate in [0, 1], got 7.0"),
    ({"max_reject_rate": -0.5}, "max_reject_rate must be a rate in [0, 1], got -0.5"),
    ({"max_avg_turns": -1.0}, "max_avg_turns must be a positive number, got -1.0"),
    ({"bias_threshold": 1.5}, "bias_threshold: Input should be less than 1 (got 1.5)"),
])
def test_each_bad_quality_setting_is_one_line(quality, problem):
    [found] = run_settings_problems(run_with(run_config(**quality)))
    assert found.startswith(PREFIX + problem)


def test_environment_settings_are_checked_once(monkeypatch):
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "-4")
    monkeypatch.setenv("GLAIVE_EXECUTOR", "threads")
    monkeypatch.setenv("GLAIVE_DATA_DIR", "ftp://host/data")
    assert run_settings_problems(run_with({})) == [
        "environment: GLAIVE_SAMPLE_SIZE=-4 must be >= 0",
        "environment: GLAIVE_EXECUTOR='threads': use 'in_process', 'multiprocess' or 'dask'",
        "environment: GLAIVE_DATA_DIR='ftp://host/data': use a local path or an object-store URL "
        "(abfs, abfss, az, gcs, gs, s3, s3a)"]


def test_the_shard_count_is_checked_in_the_environment_and_the_run_config(monkeypatch):
    monkeypatch.setenv("GLAIVE_SHARDS", "0")
    config = {"ops": {"processed_and_rejects": {"config": {"shards": -2}}}}
    assert run_settings_problems(run_with(config)) == [
        "environment: GLAIVE_SHARDS=0 must be >= 1",
        "ops.processed_and_rejects.config: shards: Input should be greater than or equal to 1 (got -2)"]
    monkeypatch.setenv("GLAIVE_SHARDS", "two")
    assert run_settings_problems(run_with({})) == ["environment: GLAIVE_SHARDS='two' is not a whole number"]
    monkeypatch.setenv("GLAIVE_SHARDS", "3")
    assert run_settings_problems(run_with({"ops": {"processed_and_rejects": {"config": {"shards": 2}}}})) == []


def test_the_source_is_located_only_when_the_run_reads_it(monkeypatch, tmp_path):
    monkeypatch.setenv("GLAIVE_SOURCE", str(tmp_path / "missing.jsonl"))
    assert run_settings_problems(run_with({}, ["pipeline_summary"])) == []
    [problem] = run_settings_problems(run_with({}, ["glaive_raw"]))
    assert problem.startswith(f"ops.glaive_raw.config: source file not found: '{tmp_path / 'missing.jsonl'}'")


def test_a_bad_source_format_fails_the_run_at_its_start(monkeypatch):
    monkeypatch.delenv("GLAIVE_SOURCE_FORMAT", raising=False)
    assert run_settings_problems(run_with({"ops": {"glaive_raw": {"config": {"source_format": "openai"}}}})) == []
    [problem] = run_settings_problems(run_with({"ops": {"glaive_raw": {"config": {"source_format": "csv"}}}}))
    assert problem == "ops.glaive_raw.config: GLAIVE_SOURCE_FORMAT='csv': use one of auto, glaive, sharegpt, openai"
    monkeypatch.setenv("GLAIVE_SOURCE_FORMAT", "csv")
    assert run_settings_problems(run_with({})) == [
        "environment: GLAIVE_SOURCE_FORMAT='csv': use one of auto, glaive, sharegpt, openai"]


def test_every_op_that_takes_config_is_checked():
    location = code_location()
    with_config = {definition.node_def.name for definition in [*location.assets, *location.asset_checks]
                   if getattr(definition.node_def.config_field.config_type, "fields", None)}
    assert with_config == set(OP_CONFIG_CHECKS)


def test_a_bad_threshold_fails_the_run_before_anything_is_written(instance, data_dir):
    assert materialize(instance, data_dir, run_config(sample_size=40, seed=2)).success
    before = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file() and path.name != LOCK_NAME}
    result = materialize(instance, data_dir, run_config(sample_size=50, seed=3, min_row_fraction=7),
                         raise_on_error=False)
    assert run_start_failure(result) == (
        "dagster._core.definitions.events.Failure: the run's settings are invalid, so it stopped before writing "
        f"anything: {PREFIX}min_row_fraction must be a rate in [0, 1], got 7.0\n")
    after = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file() and path.name != LOCK_NAME}
    assert after == before
