"""The Hugging Face libraries offline for one test: the consumer tests read local files only."""

from __future__ import annotations

import pytest


def go_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undone with the monkeypatch after the test, so no other test inherits it."""
    import datasets.config
    import huggingface_hub.constants

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # both libraries read the variables at import time, which may already have happened
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
