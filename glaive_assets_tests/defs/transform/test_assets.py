"""The transform step (processed and rejects) and glaive_chatml, which waits for the schema suite."""

import dagster as dg

from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.transform.assets import glaive_chatml, processed_and_rejects
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.manifest import load_artifact
from glaive_assets_tests.harness.dagster_helpers import materializations, materialize, read_lines, run_config

TRANSFORM = ["glaive_raw", "glaive_processed", "glaive_rejects"]


def test_the_step_outputs_processed_and_rejects_and_checks_nothing():
    assert processed_and_rejects.node_def.name == "processed_and_rejects"  # a graph: plan, shards, merge
    assert {key.to_user_string() for key in processed_and_rejects.keys} == {"glaive_processed", "glaive_rejects"}
    assert list(processed_and_rejects.check_keys) == []  # the schema suite is in the quality step now


def test_chatml_depends_on_the_validation_report_so_it_waits_for_the_schema_suite():
    assert set(glaive_chatml.asset_deps[dg.AssetKey("glaive_chatml")]) == {
        dg.AssetKey("glaive_processed"), dg.AssetKey("validation_report")}


def test_every_raw_row_is_processed_or_rejected(instance, data_dir):
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
    assert materialized["glaive_rejects"].metadata["shards"] == materialized["glaive_processed"].metadata["shards"]


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
