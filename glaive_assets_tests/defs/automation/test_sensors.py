"""Declarative automation over the whole location: downstream follows a new glaive_raw, never past a
failed blocking check (the condition is the artifact policy in glaive_assets/definitions.py)."""

import dagster as dg

from glaive_assets.defs.automation.sensors import automation_sensor
from glaive_assets_tests.harness.dagster_helpers import (
    check_results,
    graph_definitions,
    materialize,
    run_config,
    sample_rows,
    write_jsonl_source,
)


def test_automation_refreshes_downstream_of_a_new_raw_artifact(instance, data_dir):
    defs = graph_definitions(data_dir)
    baseline = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert baseline.total_requested == 0  # nothing runs while glaive_raw is missing

    assert materialize(instance, data_dir, run_config(sample_size=40), selection="glaive_raw").success
    after_raw = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=baseline.cursor)
    requested = {key.to_user_string() for key in after_raw.get_requested_asset_keys()} if hasattr(
        after_raw, "get_requested_asset_keys") else {
        r.key.to_user_string() for r in after_raw.results if r.true_subset.size}
    assert {"glaive_processed", "glaive_rejects", "validation_report"} <= requested
    assert "glaive_raw" not in requested  # the source sensor, the UI, the CLI or the schedule drive it


def test_automation_never_builds_chatml_past_a_failed_schema_suite(instance, data_dir, tmp_path):
    defs = graph_definitions(data_dir)
    source = write_jsonl_source(tmp_path / "broken.jsonl", [*sample_rows(30), *[None] * 10])
    result = materialize(instance, data_dir, run_config(source=str(source), sample_size=40), raise_on_error=False)
    assert check_results(result)["schema_suite"].passed is False

    evaluation = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    requested = {r.key.to_user_string() for r in evaluation.results if r.true_subset.size}
    assert "glaive_chatml" not in requested


def test_the_automation_sensor_covers_every_asset_and_starts_running():
    assert automation_sensor.name == "glaive_automation"
    assert automation_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert automation_sensor.minimum_interval_seconds == 30
    assert automation_sensor.asset_selection == dg.AssetSelection.all()
