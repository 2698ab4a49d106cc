"""Shared helpers for tests that run the real asset graph into a temporary data dir and DAGSTER_HOME."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import dagster as dg
import orjson

from glaive_assets.defs.alerts.resources import slack_resource_from_env
from glaive_assets.defs.quality.resources import SchemaSuiteProcess
from glaive_assets.defs.resources import storage_resources
from glaive_assets.definitions import defs
from glaive_assets.sources.sample import iter_sample_rows


@functools.cache
def code_location() -> dg.Definitions:
    """The code location as Dagster loads it: autoloaded from defs/, with the artifact policy applied."""
    return defs()


def graph_resources(data_dir: Path, slack: Any = None) -> dict[str, Any]:
    """The location's resources over a test's data dir (and its Slack, when given)."""
    return {**storage_resources(str(data_dir)), "schema_suite_process": SchemaSuiteProcess(),
            "slack": slack if slack is not None else slack_resource_from_env()}


def graph_definitions(data_dir: Path) -> dg.Definitions:
    """Every asset and check of the location, over a test's data dir (for automation evaluations)."""
    location = code_location()
    return dg.Definitions(assets=location.assets, asset_checks=location.asset_checks, resources=graph_resources(data_dir))


def run_config(source: str = "sample", sample_size: int = 300, seed: int = 7, **quality: Any) -> dict:
    config: dict[str, Any] = {"ops": {"glaive_raw": {"config": {"source": source, "sample_size": sample_size, "seed": seed}}}}
    if quality:
        config["ops"]["quality_reports"] = {"config": quality}
    return config


def materialize(instance: dg.DagsterInstance, data_dir: Path, config: dict, selection: str | list[str] | None = None,
                slack: Any = None, **kwargs: Any):
    """Materialize the graph (all assets and checks unless a selection is given) like `dagster asset materialize`."""
    location = code_location()
    return dg.materialize(
        [*location.assets, *location.asset_checks],
        selection=selection,
        run_config=config,
        resources=graph_resources(data_dir, slack),
        instance=instance,
        **kwargs,
    )


def write_jsonl_source(path: Path, rows: list[Any], extra_lines: list[bytes] = ()) -> Path:
    with open(path, "wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row) + b"\n")
        for line in extra_lines:
            handle.write(line + b"\n")
    return path


def sample_rows(size: int, seed: int = 3) -> list[dict]:
    return [row for _, row in iter_sample_rows(size, seed)]


def read_lines(path: Path) -> list[Any]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    """check name -> its evaluation in this run."""
    return {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}


def materializations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetMaterialization]:
    """asset name -> its materialization in this run."""
    return {event.asset_key.to_user_string(): event.event_specific_data.materialization
            for event in result.get_asset_materialization_events()}


def run_start_failure(result: dg.ExecuteInProcessResult) -> str:
    """The message of a run stopped by its settings check (defs/run_checks.py) before any step ran."""
    assert not result.success and result.get_step_failure_events() == []
    [failure] = [event.event_specific_data.error for event in result.all_events
                 if event.event_type == dg.DagsterEventType.RESOURCE_INIT_FAILURE]
    return failure.message
