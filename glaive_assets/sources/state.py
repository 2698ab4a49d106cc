"""What a run reads: the source's fingerprint and the sampling settings, as one comparable string."""

from __future__ import annotations

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.readers import describe_source


def source_fingerprint(settings: SourceSettings) -> dict:
    """The source's data version: HF revision, file content hash, or the generator's settings."""
    return describe_source(settings.source, settings.sample_size, settings.seed)


def source_state(settings: SourceSettings, version: str) -> str:
    """What a raw artifact was read from: the source's data version plus the sampling settings.
    The source sensor keeps it as its cursor, and glaive_raw records it, so either can tell a change."""
    return f"{version}|size={settings.sample_size}|seed={settings.seed}|source={settings.source}"
