import pytest

from glaive_assets.config.settings import (
    SettingsError,
    SourceSettings,
    dask_scheduler_from_env,
    data_dir_from_env,
    data_location_from_env,
    executor_from_env,
    eval_sets_from_env,
    export_formats_from_env,
    int_env,
    use_multiprocess_executor,
)


def test_defaults_when_environment_is_empty(monkeypatch, tmp_path):
    for name in ("GLAIVE_SOURCE", "GLAIVE_SAMPLE_SIZE", "GLAIVE_SEED", "GLAIVE_DATA_DIR", "GLAIVE_EXECUTOR",
                 "GLAIVE_MAX_ROW_BYTES", "GLAIVE_SOURCE_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert SourceSettings.from_env() == SourceSettings("sample", 5000, 42)
    assert data_dir_from_env() == tmp_path / "data"
    assert use_multiprocess_executor() is False
    assert executor_from_env() == "in_process"
    assert dask_scheduler_from_env() == ""


@pytest.mark.parametrize(("value", "expected"), [
    ("s3://bucket/glaive/", "s3://bucket/glaive"),  # as given, without the trailing slash
    ("gs://bucket/glaive", "gs://bucket/glaive"),
    ("file:///srv/glaive", "/srv/glaive"),
    ("/srv/glaive/", "/srv/glaive"),
])
def test_the_data_dir_is_a_folder_or_an_object_store(monkeypatch, value, expected):
    monkeypatch.setenv("GLAIVE_DATA_DIR", value)
    assert data_location_from_env() == expected


def test_dask_executor_and_its_scheduler(monkeypatch):
    monkeypatch.setenv("GLAIVE_EXECUTOR", " Dask ")
    monkeypatch.setenv("GLAIVE_DASK_SCHEDULER", "tcp://10.0.0.5:8786")
    assert executor_from_env() == "dask"
    assert use_multiprocess_executor() is False
    assert dask_scheduler_from_env() == "tcp://10.0.0.5:8786"


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("GLAIVE_SOURCE", "/tmp/rows.jsonl")
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "0")
    monkeypatch.setenv("GLAIVE_SEED", "7")
    monkeypatch.setenv("GLAIVE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GLAIVE_EXECUTOR", "multiprocess")
    monkeypatch.setenv("GLAIVE_SOURCE_FORMAT", " ShareGPT ")
    assert SourceSettings.from_env() == SourceSettings("/tmp/rows.jsonl", 0, 7, source_format="sharegpt")
    assert data_dir_from_env() == tmp_path
    assert use_multiprocess_executor() is True


@pytest.mark.parametrize(("name", "value", "read", "message"), [
    ("GLAIVE_SAMPLE_SIZE", "lots", SourceSettings.from_env, "not a whole number"),
    ("GLAIVE_SAMPLE_SIZE", "-1", SourceSettings.from_env, "GLAIVE_SAMPLE_SIZE=-1 must be >= 0"),
    ("GLAIVE_SEED", "1.5", SourceSettings.from_env, "GLAIVE_SEED='1.5' is not a whole number"),
    ("GLAIVE_MAX_ROW_BYTES", "100", SourceSettings.from_env, "GLAIVE_MAX_ROW_BYTES=100 must be >= 1024"),
    ("GLAIVE_SOURCE_FORMAT", "alpaca", SourceSettings.from_env,
     "GLAIVE_SOURCE_FORMAT='alpaca': use one of auto, glaive, sharegpt, openai"),
    ("GLAIVE_EXECUTOR", "threads", use_multiprocess_executor, "use 'in_process', 'multiprocess' or 'dask'"),
    ("GLAIVE_DATA_DIR", "ftp://host/data", data_location_from_env, "use a local path or an object-store URL"),
    ("GLAIVE_DATA_DIR", "s3://bucket/glaive", data_dir_from_env, "is an object store, not a local folder"),
    ("GLAIVE_AUTOMATION_INTERVAL", "5s", lambda: int_env("GLAIVE_AUTOMATION_INTERVAL", 30, minimum=5), "not a whole number"),
    ("GLAIVE_AUTOMATION_INTERVAL", "1", lambda: int_env("GLAIVE_AUTOMATION_INTERVAL", 30, minimum=5), "must be >= 5"),
])
def test_bad_values_are_clear_errors(monkeypatch, name, value, read, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        read()


@pytest.mark.parametrize(("source", "sample_size", "seed", "message"), [
    ("sample", -1, 1, "sample_size must be a whole number >= 0 (0 = every row), got -1"),
    ("sample", 1.5, 1, "sample_size must be a whole number >= 0 (0 = every row), got 1.5"),
    ("sample", True, 1, "sample_size must be a whole number >= 0 (0 = every row), got True"),
    ("sample", 5, "x", "seed must be a whole number, got 'x'"),
    ("  ", 5, 1, "the source must be a non-empty string, got '  '"),
    (None, 5, 1, "the source must be a non-empty string, got None"),
])
def test_source_settings_are_checked_when_made(source, sample_size, seed, message):
    # One place for the rules: the environment, run config and tests all build a SourceSettings.
    with pytest.raises(SettingsError) as raised:
        SourceSettings(source, sample_size, seed)
    assert str(raised.value) == message


def test_a_negative_seed_and_every_row_are_valid_settings():
    assert SourceSettings("hf", 0, -7) == SourceSettings(source="hf", sample_size=0, seed=-7)


def test_eval_sets_and_export_formats_are_comma_lists_with_defaults(monkeypatch):
    monkeypatch.delenv("GLAIVE_EVAL_SETS", raising=False)
    monkeypatch.delenv("GLAIVE_EXPORT_FORMATS", raising=False)
    assert eval_sets_from_env() == ()
    assert export_formats_from_env() == ("hf", "openai", "sharegpt")
    monkeypatch.setenv("GLAIVE_EVAL_SETS", " /e/bfcl.jsonl, ,/e/openai.jsonl ,")
    monkeypatch.setenv("GLAIVE_EXPORT_FORMATS", "sharegpt")
    assert eval_sets_from_env() == ("/e/bfcl.jsonl", "/e/openai.jsonl")
    assert export_formats_from_env() == ("sharegpt",)
    monkeypatch.setenv("GLAIVE_EXPORT_FORMATS", " , ")
    assert export_formats_from_env() == ("hf", "openai", "sharegpt")


def test_the_source_formats_are_the_core_layouts_and_auto():
    from glaive_assets.config.settings import SOURCE_FORMATS
    from glaive_assets.core.formats import ROW_FORMATS

    assert SOURCE_FORMATS == ("auto", *ROW_FORMATS)
