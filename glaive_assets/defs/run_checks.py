"""Every run's settings, checked when the run starts, before anything is written: the environment's
GLAIVE_* settings and the config of each op that takes one (the transform's shards, quality thresholds included: rates in
[0, 1], averages positive). The IO manager runs this first, so a bad `min_row_fraction` fails the run
before glaive_raw, processed or chatml are rewritten, not after.

OP_CONFIG_CHECKS lists each op that takes run config; a test fails when an op with config is missing.
"""

from collections.abc import Callable, Mapping
from typing import Any

import dagster as dg
from pydantic import ValidationError

from glaive_assets.config.settings import (
    SettingsError, SourceSettings, data_location_from_env, executor_from_env, shards_from_env,
)
from glaive_assets.sources.errors import SourceError
from glaive_assets.sources.locate import locate_source, source_names

RAW = dg.AssetKey("glaive_raw")


def _check_source(config: Mapping[str, Any], reads_source: bool) -> None:
    from glaive_assets.defs.ingest.assets import SourceConfig  # the domain folders import this package's resources

    settings = SourceConfig(**config).resolve()
    if reads_source:
        for name in source_names(settings.source):
            locate_source(name)  # names a known source kind or an existing file (never the network)


def _check_shards(config: Mapping[str, Any], reads_source: bool) -> None:
    from glaive_assets.defs.transform.shards import ShardConfig

    ShardConfig(**config).resolve()


def _check_quality(config: Mapping[str, Any], reads_source: bool) -> None:
    from glaive_assets.defs.quality.assets import QualityConfig

    QualityConfig(**config).thresholds()


def _check_training_set(config: Mapping[str, Any], reads_source: bool) -> None:
    from glaive_assets.defs.quality.assets import QualityConfig
    from glaive_assets.defs.training.assets import TrainingSetConfig

    TrainingSetConfig(**config).resolve(weight_threshold=QualityConfig().bias_threshold)  # eval files exist


def _check_exports(config: Mapping[str, Any], reads_source: bool) -> None:
    from glaive_assets.defs.exports.assets import TrainingExportsConfig

    TrainingExportsConfig(**config).resolve()


OP_CONFIG_CHECKS: dict[str, Callable[[Mapping[str, Any], bool], None]] = {
    "glaive_raw": _check_source,
    "processed_and_rejects": _check_shards,
    "quality_reports": _check_quality,
    "training_set_and_report": _check_training_set,
    "training_exports": _check_exports,
}


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']} (got {item['input']!r})"
                         for item in error.errors())
    return str(error)


def run_settings_problems(run: dg.DagsterRun | None) -> list[str]:
    """One line per invalid setting of this run (empty when all are valid)."""
    run_config = run.run_config if run is not None else {}
    reads_source = run is None or run.asset_selection is None or RAW in run.asset_selection
    problems: list[str] = []
    for check in (SourceSettings.from_env, executor_from_env, data_location_from_env, shards_from_env):
        try:
            check()
        except SettingsError as error:
            problems.append(f"environment: {error}")
    ops = run_config.get("ops") or {}
    for op, check_op in OP_CONFIG_CHECKS.items():
        config = (ops.get(op) or {}).get("config") or {}
        try:
            check_op(config, reads_source)
        except (SettingsError, SourceError, ValidationError, ValueError) as error:
            problem = f"ops.{op}.config: {_describe(error)}"
            if not any(str(error) in known for known in problems):  # an environment error, met again
                problems.append(problem)
    return problems
