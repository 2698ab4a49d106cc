"""The code location: every asset, check, sensor, schedule and resource, merged from the domain folders."""

import warnings

import dagster as dg

# observable_source_asset and Output(data_version=...) are marked beta; we use them on purpose.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

from glaive_assets.alerts.resource import slack_resource_from_env
from glaive_assets.graph.automation import automation_sensor
from glaive_assets.graph.ingest.assets import glaive_raw, glaive_source
from glaive_assets.graph.ingest.sensors import glaive_refresh_job, glaive_source_changed, weekly_refresh_schedule
from glaive_assets.graph.quality.assets import anomaly_and_bias_reports
from glaive_assets.graph.quality.checks import anomaly_checks, bias_checks
from glaive_assets.graph.quality.sensors import check_failure_sensor, run_failure_sensor
from glaive_assets.graph.storage import ArtifactIOManager, GlaiveStorage
from glaive_assets.graph.summary.assets import pipeline_summary
from glaive_assets.graph.transform.assets import glaive_chatml, glaive_processed_and_rejects
from glaive_assets.settings import data_dir_from_env, use_multiprocess_executor


def build_resources(data_dir: str | None = None) -> dict:
    """Resources from the environment; tests pass their own data dir."""
    storage = GlaiveStorage(data_dir=data_dir or str(data_dir_from_env()))
    return {
        "storage": storage,
        "io_manager": ArtifactIOManager(storage=storage),
        "slack": slack_resource_from_env(),
    }


ASSETS = [
    glaive_source,
    glaive_raw,
    glaive_processed_and_rejects,
    glaive_chatml,
    anomaly_and_bias_reports,
    pipeline_summary,
]
ASSET_CHECKS = [anomaly_checks, bias_checks]  # the blocking schema check is part of glaive_processed

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=[glaive_refresh_job],
    schedules=[weekly_refresh_schedule],
    sensors=[glaive_source_changed, automation_sensor, check_failure_sensor, run_failure_sensor],
    resources=build_resources(),
    # In-process is fastest at this size: one process pays the imports once and steps share the
    # page cache; the multiprocess executor costs ~1.6 s per step here (GLAIVE_EXECUTOR=multiprocess).
    executor=dg.multiprocess_executor if use_multiprocess_executor() else dg.in_process_executor,
)
