"""The transform step (processed and rejects) and glaive_chatml, which waits for the schema suite."""

import builtins
import os
from collections import Counter

import dagster as dg

from glaive_assets.defs.resources import GlaiveStorage
from glaive_assets.defs.transform.assets import glaive_chatml, processed_and_rejects
from glaive_assets.qa.schema_worker import SchemaSuiteWorker
from glaive_assets.storage.artifacts import ARTIFACT_PATHS, COMPANION_PATHS
from glaive_assets.storage.manifest import load_artifact
from glaive_assets_tests.harness.dagster_helpers import materializations, materialize, read_lines, run_config

TRANSFORM = ["glaive_raw", "glaive_processed", "glaive_rejects"]


def table_counts(markdown: str) -> dict[str, int]:
    """A counts_table's rows with a count, as {value: count}."""
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in markdown.splitlines()[2:]]
    return {key.strip("`"): int(count.replace(",", "")) for key, count, _ in cells if count != "0"}


def test_the_step_outputs_processed_and_rejects_and_checks_nothing():
    assert processed_and_rejects.node_def.name == "processed_and_rejects"  # one step, or a graph under multiprocess
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
    records, rejected = list(processed.iter_records()), list(rejects.iter_records())
    for table, counted in [
        (tiers, Counter(record["complexity_tier"] for record in records)),
        (materialized["glaive_processed"].metadata["call_bucket"].value, Counter(r["call_bucket"] for r in records)),
        (materialized["glaive_rejects"].metadata["top_reject_reasons"].value,
         Counter(reason for reject in rejected for reason in reject["reasons"]))]:
        shown = table_counts(table)  # the reasons table shows the 15 most frequent
        assert shown == {key: counted[key] for key in shown} and len(shown) == min(len(counted), 15)
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


def test_after_the_transform_no_step_reads_processed_or_rejects_again(instance, data_dir, monkeypatch):
    """One pass over the rows: quality_reports gets its statistics from the transform's pass and hands the
    suite's process the view of processed, and glaive_chatml publishes the staged lines. Every file
    this process opens is recorded (the suite's own process is handed a path, recorded too)."""
    opened_for_reading, validated = [], []
    real_open = builtins.open

    def recording_open(file, mode="r", *args, **kwargs):
        if "r" in mode and "+" not in mode and isinstance(file, (str, os.PathLike)):
            opened_for_reading.append(os.path.realpath(file))
        return real_open(file, mode, *args, **kwargs)

    real_submit = SchemaSuiteWorker.submit

    def recording_submit(self, path, *args):
        validated.append(os.path.realpath(path))
        return real_submit(self, path, *args)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(SchemaSuiteWorker, "submit", recording_submit)
    result = materialize(instance, data_dir, run_config(sample_size=200, seed=4))
    assert result.success
    processed, rejects = (os.path.realpath(data_dir / ARTIFACT_PATHS[name]) for name in
                          ("glaive_processed", "glaive_rejects"))
    assert processed not in opened_for_reading and rejects not in opened_for_reading
    assert validated == [os.path.realpath(data_dir / COMPANION_PATHS["checked"])]
    chatml = materializations(result)["glaive_chatml"]
    assert chatml.metadata["written_by"].value == "the transform's pass (staged)"
    assert os.path.realpath(data_dir / ARTIFACT_PATHS["glaive_raw"]) in opened_for_reading  # the spy sees reads
