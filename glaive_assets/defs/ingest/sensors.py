"""glaive_source_changed: when the upstream source's data version changes, refresh the whole graph."""

import dagster as dg

from glaive_assets.config.settings import SettingsError, SourceSettings, int_env
from glaive_assets.defs.ingest.assets import SOURCE_STATE_KEY
from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.fingerprint import source_fingerprint, source_state

REFRESH_JOB_NAME = "glaive_refresh"  # defs/automation/jobs.py

# Dagster's daemon ticks sensors at most every 5 s, so a smaller interval means nothing.
SOURCE_SENSOR_INTERVAL_SECONDS = int_env("GLAIVE_SOURCE_SENSOR_INTERVAL", 30, minimum=5)


def _latest_raw_state(instance: dg.DagsterInstance) -> str | None:
    event = instance.get_latest_materialization_event(dg.AssetKey("glaive_raw"))
    materialization = event.asset_materialization if event else None
    entry = materialization.metadata.get(SOURCE_STATE_KEY) if materialization else None
    return entry.value if entry is not None else None


@dg.sensor(
    job_name=REFRESH_JOB_NAME,
    minimum_interval_seconds=SOURCE_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Observes glaive_source and requests a refresh run when its data version (the HF revision, the "
        "file's sha256, or the sample generator's settings) or GLAIVE_SAMPLE_SIZE / GLAIVE_SEED change."
    ),
)
def glaive_source_changed(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    try:
        settings = SourceSettings.from_env()
    except SettingsError as error:
        return dg.SkipReason(f"source settings are invalid: {error}")
    try:
        fingerprint = source_fingerprint(settings)
    except SourceError as error:
        return dg.SkipReason(f"source {settings.source!r} cannot be read: {error}")
    version = str(fingerprint["version"])
    # The cursor holds the sampling settings too: a new sample size or seed is a new raw artifact,
    # even when the upstream data did not change.
    cursor = source_state(settings, version)
    if context.cursor == cursor:
        return dg.SkipReason(f"source {settings.source!r} unchanged (data version {version[:16]})")
    if context.cursor is None and _latest_raw_state(context.instance) == cursor:
        # First tick, but glaive_raw already holds this source (e.g. `make run` before `make ui`).
        return dg.SensorResult(skip_reason=f"glaive_raw is already up to date with {settings.source!r}", cursor=cursor)
    observation = dg.AssetObservation(
        asset_key=dg.AssetKey("glaive_source"),
        metadata={"source": settings.source, "sample_size": settings.sample_size, "seed": settings.seed},
        tags={"dagster/data_version": version},
    )
    return dg.SensorResult(
        run_requests=[dg.RunRequest(
            # No run_key: the cursor already stops repeats, and A -> B -> A must run again.
            tags={"glaive/source_version": version[:63]})],
        asset_events=[observation],
        cursor=cursor,
    )
