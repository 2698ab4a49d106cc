"""The transform step (processed, rejects, and the schema suite's report and check) and glaive_chatml."""

import dagster as dg

from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.transform.assets import glaive_chatml, processed_rejects_and_validation_report
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.manifest import load_artifact
from glaive_assets_tests.harness.dagster_helpers import (
    check_results,
    materializations,
    materialize,
    read_lines,
    run_config,
)

# The transform step and its own check; the anomaly and bias checks on glaive_processed need their reports.
TRANSFORM = dg.AssetSelection.assets("glaive_raw", "glaive_processed", "glaive_rejects", "validation_report").without_checks() \
    | dg.AssetSelection.checks(dg.AssetCheckKey(dg.AssetKey("glaive_processed"), "schema_suite"))


def test_the_step_is_named_for_everything_it_outputs():
    step = processed_rejects_and_validation_report
    assert step.op.name == "processed_rejects_and_validation_report"
    assert {key.to_user_string() for key in step.keys} == {"glaive_processed", "glaive_rejects", "validation_report"}
    assert [(key.asset_key.to_user_string(), key.name) for key in step.check_keys] == [("glaive_processed", "schema_suite")]
    assert step.check_specs_by_output_name  # the check is produced by this op, before anything downstream runs


def test_every_raw_row_is_processed_or_rejected_and_the_suite_judges_processed(instance, data_dir):
    result = materialize(instance, data_dir, run_config(sample_size=150, seed=2), selection=TRANSFORM)
    assert result.success
    processed, rejects = (load_artifact(data_dir, name) for name in ("glaive_processed", "glaive_rejects"))
    assert processed.rows + rejects.rows == 150
    materialized = materializations(result)
    for name in ("glaive_processed", "glaive_rejects"):
        metadata = materialized[name].metadata
        assert (metadata["raw_rows"].value, metadata["processed_rows"].value, metadata["rejected_rows"].value) == (
            150, processed.rows, rejects.rows)
    tiers = materialized["glaive_processed"].metadata["complexity_tier"].value
    assert tiers.startswith("| complexity_tier | rows | share |\n|---|---:|---:|\n| `none` |")
    assert "top_reject_reasons" in materialized["glaive_rejects"].metadata
    report = materialized["validation_report"].metadata
    assert report["success"].value is True and report["failed"].value == 0
    assert check_results(result)["schema_suite"].passed is True


def test_chatml_has_one_conversation_per_processed_record(instance, data_dir):
    assert materialize(instance, data_dir, run_config(sample_size=30, seed=6), selection=TRANSFORM).success
    processed = load_artifact(data_dir, "glaive_processed")
    context = dg.build_asset_context(resources={"storage": GlaiveStorage(data_dir=str(data_dir))})
    written = glaive_chatml(context, glaive_processed=processed)
    conversations = read_lines(data_dir / ARTIFACT_PATHS["glaive_chatml"])
    assert written.value.rows == len(conversations) == processed.rows
    assert [c["metadata"]["source_index"] for c in conversations] == [
        record["source_index"] for record in read_lines(processed.path)]
    assert written.metadata["processed_rows"] == dg.MetadataValue.int(processed.rows)
    assert written.data_version == dg.DataVersion(written.value.sha256)
