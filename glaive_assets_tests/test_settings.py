import pytest

from glaive_assets.config.settings import SettingsError, SourceSettings, data_dir_from_env, int_env, use_multiprocess_executor


def test_defaults_when_environment_is_empty(monkeypatch, tmp_path):
    for name in ("GLAIVE_SOURCE", "GLAIVE_SAMPLE_SIZE", "GLAIVE_SEED", "GLAIVE_DATA_DIR", "GLAIVE_EXECUTOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert SourceSettings.from_env() == SourceSettings("sample", 5000, 42)
    assert data_dir_from_env() == tmp_path / "data"
    assert use_multiprocess_executor() is False


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("GLAIVE_SOURCE", "/tmp/rows.jsonl")
    monkeypatch.setenv("GLAIVE_SAMPLE_SIZE", "0")
    monkeypatch.setenv("GLAIVE_SEED", "7")
    monkeypatch.setenv("GLAIVE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GLAIVE_EXECUTOR", "multiprocess")
    assert SourceSettings.from_env() == SourceSettings("/tmp/rows.jsonl", 0, 7)
    assert data_dir_from_env() == tmp_path
    assert use_multiprocess_executor() is True


@pytest.mark.parametrize(("name", "value", "read", "message"), [
    ("GLAIVE_SAMPLE_SIZE", "lots", SourceSettings.from_env, "not a whole number"),
    ("GLAIVE_SAMPLE_SIZE", "-1", SourceSettings.from_env, "must be >= 0"),
    ("GLAIVE_EXECUTOR", "threads", use_multiprocess_executor, "use 'in_process' or 'multiprocess'"),
    ("GLAIVE_AUTOMATION_INTERVAL", "5s", lambda: int_env("GLAIVE_AUTOMATION_INTERVAL", 30, minimum=5), "not a whole number"),
    ("GLAIVE_AUTOMATION_INTERVAL", "1", lambda: int_env("GLAIVE_AUTOMATION_INTERVAL", 30, minimum=5), "must be >= 5"),
])
def test_bad_values_are_clear_errors(monkeypatch, name, value, read, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        read()
