"""glaive_automation: evaluates the automation condition of every asset (the condition itself is part
of the policy in glaive_assets/definitions.py). glaive_raw has none: the source sensor, the schedule,
the UI and the CLI drive it."""

import dagster as dg

from glaive_assets.config.settings import int_env

# Dagster's default automation sensor starts STOPPED; ours starts RUNNING so automation is on by default.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "glaive_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=int_env("GLAIVE_AUTOMATION_INTERVAL", 30, minimum=5),
    description="Evaluates the automation conditions of every asset.",
)
