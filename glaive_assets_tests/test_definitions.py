"""The code location loads, names every asset and check, and keeps heavy or Dagster imports off the core."""

import subprocess
import sys

import dagster as dg

EXPECTED_ASSETS = {
    "glaive_source", "glaive_raw", "glaive_processed", "glaive_rejects", "glaive_chatml",
    "validation_report", "anomaly_report", "bias_report", "pipeline_summary",
}


def _imported_modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_code_location_has_every_asset_and_check():
    from glaive_assets.definitions import defs

    repository = defs().get_repository_def()
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS
    check_keys = {(key.asset_key.to_user_string(), key.name) for key in repository.asset_graph.asset_check_keys}
    assert ("glaive_processed", "schema_suite") in check_keys
    assert {asset for asset, _ in check_keys} == {"glaive_processed"}
    assert len(check_keys) == 1 + 8 + 4  # schema, eight anomaly rules, four bias families
    sensors = {sensor.name: sensor for sensor in repository.sensor_defs}
    assert set(sensors) == {"glaive_source_changed", "glaive_automation", "slack_on_check_failure", "slack_on_run_failure"}
    assert {sensor.default_status for sensor in sensors.values()} == {dg.DefaultSensorStatus.RUNNING}
    assert "glaive_weekly_refresh" in {schedule.name for schedule in repository.schedule_defs}


def test_quality_config_offers_every_anomaly_threshold():
    import dataclasses

    from glaive_assets.defs.quality.assets import QualityConfig
    from glaive_assets.qa.anomaly import AnomalyThresholds

    threshold_fields = {field.name: field.default for field in dataclasses.fields(AnomalyThresholds)}
    config_defaults = QualityConfig().model_dump()
    assert set(config_defaults) - {"bias_threshold"} == set(threshold_fields)
    for name, default in threshold_fields.items():
        if name != "severities":
            assert config_defaults[name] == default, name


def test_every_asset_has_group_description_kinds_and_code_version():
    from glaive_assets.definitions import defs

    graph = defs().get_repository_def().asset_graph
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert node.group_name in {"ingest", "transform", "quality", "summary"}, key
        assert node.description, key
        assert node.code_version, key
        assert node.kinds, key


def test_core_imports_no_dagster_and_location_imports_no_great_expectations():
    core = _imported_modules_after(
        "import glaive_assets.core.transform, glaive_assets.core.chatml, glaive_assets.core.jsonio, "
        "glaive_assets.sources.readers, glaive_assets.qa.anomaly, glaive_assets.qa.bias, glaive_assets.storage.stages"
    )
    assert not {name for name in core if name == "dagster" or name.startswith("dagster.")}
    location = _imported_modules_after("import glaive_assets; glaive_assets.code_location()")
    assert "dagster" in location
    assert "great_expectations" not in location  # GX costs ~3 s: only the schema step imports it
