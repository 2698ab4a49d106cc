"""Declarative automation for everything downstream of glaive_raw.

glaive_raw itself is driven by the source sensor (and the UI, the CLI, the weekly schedule). Each
downstream asset refreshes when an upstream asset updates, but never past a failed blocking check:
plain eager() ignores failed blocking checks, hence the second condition.
"""

import dagster as dg

from glaive_assets.settings import int_env

REFRESH_WHEN_UPSTREAM_UPDATES = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("eager, unless an upstream blocking check failed")

# Dagster's default automation sensor starts STOPPED; ours starts RUNNING so automation is on by default.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "glaive_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=int_env("GLAIVE_AUTOMATION_INTERVAL", 30, minimum=5),
    description="Evaluates the automation conditions of every asset.",
)


def downstream_artifact(group_name: str, description: str, code_version: str = "1") -> dict:
    """What every downstream artifact asset declares: its group, kinds, code version, description and
    the refresh condition. Pass to dg.AssetOut(...) or dg.asset(...) as keyword arguments."""
    return {
        "group_name": group_name,
        "kinds": {"python", "json"},
        "code_version": code_version,
        "automation_condition": REFRESH_WHEN_UPSTREAM_UPDATES,
        "description": description,
    }
