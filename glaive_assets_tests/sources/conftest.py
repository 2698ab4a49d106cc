import pytest


@pytest.fixture
def no_hf_env(monkeypatch):
    """No Hugging Face settings from the environment running the tests."""
    for name in ("GLAIVE_HF_DATASET", "HF_ENDPOINT", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch
