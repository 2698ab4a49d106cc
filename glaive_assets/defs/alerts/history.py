"""Previous outcomes of asset checks, read from the Dagster instance, for the alert-fatigue rule
(glaive_assets/alerts/fatigue.py)."""

from collections.abc import Iterable

import dagster as dg

# Executions looked at per check; a run's own record is among the newest few, since runs go one at a time.
_LOOKBACK = 25
_COMPLETED = {"SUCCEEDED": True, "FAILED": False}  # execution status -> passed; PLANNED never completed


def previous_outcome(instance: dg.DagsterInstance, check_key: dg.AssetCheckKey, run_id: str) -> bool | None:
    """Whether the check passed on its last evaluation before run `run_id`; None when it has none.

    Executions come newest first. Those of runs that started after `run_id` (a sensor looks back at a
    run that has finished) come before its own, so everything up to its own record is skipped.
    """
    history = instance.event_log_storage.get_asset_check_execution_history(check_key, limit=_LOOKBACK)
    if any(record.run_id == run_id for record in history):
        history = history[[record.run_id for record in history].index(run_id) + 1:]
    for record in history:
        if record.status.value in _COMPLETED:
            return _COMPLETED[record.status.value]
    return None


def previous_outcomes(
    instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey], run_id: str
) -> dict[dg.AssetCheckKey, bool | None]:
    return {key: previous_outcome(instance, key, run_id) for key in check_keys}
