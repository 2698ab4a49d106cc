"""training_set and training_report in the real graph, on the planted source (harness/planted.py): sample
rows plus two rows whose requests are questions of our own BFCL-style eval file. The whole graph runs
once per session (planted_graph, without eval sets); tests that rerun the training step work on a copy."""

import dagster as dg
import orjson
import pytest

from glaive_assets.defs.training.assets import training_set_and_report
from glaive_assets.storage.artifacts import ARTIFACT_PATHS
from glaive_assets.storage.manifest import MANIFEST_PATH, read_manifest
from glaive_assets.training.config import SPLITS
from glaive_assets_tests.harness.dagster_helpers import (
    check_results,
    graph_definitions,
    materializations,
    materialize,
    read_lines,
    run_start_failure,
)
from glaive_assets_tests.harness.planted import SAMPLE_ROWS, artifact_file, chatml_ids

TRAINING = ["training_set", "training_report"]
EXPORTS = ["export_hf", "export_openai", "export_sharegpt"]
TRAINING_CHECKS = ("accounting", "no_split_leakage", "decontaminated", "stratification")


def training_lines(data_dir, part: str) -> list[dict]:
    return read_lines(artifact_file(data_dir, "training_set", part))


def test_one_step_makes_both_assets_and_the_four_checks_three_of_them_blocking():
    step = training_set_and_report
    assert {key.to_user_string() for key in step.keys} == set(TRAINING)
    specs = {spec.name: spec for spec in step.check_specs}
    assert {name: spec.blocking for name, spec in specs.items()} == {
        "accounting": True, "no_split_leakage": True, "decontaminated": True, "stratification": False}
    assert {spec.asset_key.to_user_string() for spec in specs.values()} == {"training_set"}
    assert {key.to_user_string() for key in step.asset_deps[dg.AssetKey("training_set")]} == {"glaive_chatml", "bias_report"}


def test_every_chatml_row_ends_in_exactly_one_split_or_the_ledger(planted_graph):
    data_dir, result = planted_graph.data_dir, planted_graph.result
    assert result.success
    chatml = read_lines(data_dir / ARTIFACT_PATHS["glaive_chatml"])
    parts = {part: training_lines(data_dir, part) for part in (*SPLITS, "dropped")}
    assert len(chatml) == SAMPLE_ROWS + 2 - read_manifest(data_dir)["artifacts"]["glaive_rejects"]["rows"]
    assert len(chatml) == sum(len(rows) for rows in parts.values())
    placed = [row["metadata"]["source_index"] for split in SPLITS for row in parts[split]]
    placed += [row["source_index"] for row in parts["dropped"]]
    assert sorted(placed) == sorted(row["metadata"]["source_index"] for row in chatml)
    assert all(row["split"] == split for split in SPLITS for row in parts[split])

    manifest = read_manifest(data_dir)["artifacts"]
    assert {part: entry["rows"] for part, entry in manifest["training_set"]["files"].items()} == {
        part: len(rows) for part, rows in parts.items()}
    metadata = materializations(result)["training_set"].metadata
    assert metadata["chatml_rows"].value == len(chatml)
    assert metadata["dagster/row_count"].value == sum(len(parts[split]) for split in SPLITS)
    assert {part: metadata[f"{part}_rows"].value for part in parts} == {part: len(rows) for part, rows in parts.items()}
    # Without an eval set the planted rows are ordinary rows, and kept.
    ids = chatml_ids(data_dir)
    assert {ids[SAMPLE_ROWS], ids[SAMPLE_ROWS + 1]} <= {row["id"] for split in SPLITS for row in parts[split]}


def test_the_checks_ran_and_passed_and_the_ui_gets_its_tables(planted_graph):
    data_dir, result = planted_graph.data_dir, planted_graph.result
    checks = check_results(result)
    assert {name: checks[name].passed for name in TRAINING_CHECKS} == dict.fromkeys(TRAINING_CHECKS, True)
    assert checks["decontaminated"].description.startswith("no eval set given")
    assert checks["stratification"].severity == dg.AssetCheckSeverity.WARN
    rows = {split: len(training_lines(data_dir, split)) for split in (*SPLITS, "dropped")}
    assert checks["accounting"].description == (f"{sum(rows.values())} ChatML rows = " + " + ".join(
        f"{count} {part}" for part, count in rows.items()))

    metadata = materializations(result)
    table = metadata["training_set"].metadata["rows_per_split"].value
    assert table.startswith(f"| split | rows | share |\n|---|---:|---:|\n| `train` | {rows['train']} |")
    assert "| `contaminated` | 0 | 0.0% |" in metadata["training_set"].metadata["dropped_per_reason"].value
    assert metadata["training_set"].metadata["strata"].value.startswith("| stratum | rows | share | train | validation | test |")
    assert "| has_parallel | `True` | 0 | 0.0% | 0.0% | unfixable |" in metadata["training_report"].metadata["slice_shares"].value
    report = orjson.loads((data_dir / ARTIFACT_PATHS["training_report"]).read_bytes())
    assert report["accounting"]["ok"] and report["leakage"]["ok"] and "decontaminated" not in report


@pytest.mark.parametrize("given_by", ["run_config", "environment"])
def test_a_planted_eval_set_drops_exactly_the_planted_rows(planted_graph, planted_data_copy, planted_eval_file, instance,
                                                           monkeypatch, given_by):
    config = {}
    if given_by == "run_config":
        config = {"ops": {"training_set_and_report": {"config": {"eval_sets": [str(planted_eval_file)]}}}}
    else:
        monkeypatch.setenv("GLAIVE_EVAL_SETS", f" {planted_eval_file} ,")
    result = materialize(instance, planted_data_copy, config, selection=TRAINING)
    assert result.success

    ids = chatml_ids(planted_data_copy)
    contaminated = {row["id"]: (row["eval_file"], row["eval_id"], row["match"])
                    for row in training_lines(planted_data_copy, "dropped") if row["reason"] == "contaminated"}
    assert contaminated == {
        ids[SAMPLE_ROWS]: (str(planted_eval_file), "planted_exact", "exact_question"),
        ids[SAMPLE_ROWS + 1]: (str(planted_eval_file), "planted_ngram", "ngram"),
    }
    kept_before = {row["id"] for split in SPLITS for row in training_lines(planted_graph.data_dir, split)}
    kept_after = {row["id"] for split in SPLITS for row in training_lines(planted_data_copy, split)}
    assert kept_before - kept_after == set(contaminated) and kept_after < kept_before
    checks = check_results(result)
    assert checks["decontaminated"].passed and checks["decontaminated"].metadata["eval_sets"].value == 1
    assert checks["accounting"].passed and checks["no_split_leakage"].passed
    report = orjson.loads((planted_data_copy / ARTIFACT_PATHS["training_report"]).read_bytes())
    assert report["contamination"]["eval_files"] == [
        {"eval_file": str(planted_eval_file), "items": 4, "contaminated_rows": 2}]
    assert report["decontaminated"]["ok"] is True


def miscount_chatml(data_dir) -> int:
    """Make glaive_chatml's manifest entry count one row more than its file holds (as a writer that
    miscounted would); return the true count. The file itself is untouched, so the run-start
    reconcile, which trusts an entry while its file's size, inode and mtime match, keeps the entry."""
    manifest_path = data_dir / MANIFEST_PATH
    manifest = orjson.loads(manifest_path.read_bytes())
    counted = manifest["artifacts"]["glaive_chatml"]["rows"]
    manifest["artifacts"]["glaive_chatml"]["rows"] = counted + 1
    manifest_path.write_bytes(orjson.dumps(manifest))
    return counted


def test_a_failed_blocking_check_stops_the_exports(planted_data_copy, instance):
    counted = miscount_chatml(planted_data_copy)
    exports_before = {name: artifact_file(planted_data_copy, name, "train").read_bytes() for name in EXPORTS}

    result = materialize(instance, planted_data_copy, {}, selection=[*TRAINING, *EXPORTS], raise_on_error=False)
    assert not result.success
    accounting = check_results(result)["accounting"]
    assert accounting.passed is False and accounting.severity == dg.AssetCheckSeverity.ERROR
    assert accounting.description.startswith(f"{counted + 1} ChatML rows, but the files hold {counted} ")
    assert set(materializations(result)) == set(TRAINING)
    assert {name: artifact_file(planted_data_copy, name, "train").read_bytes() for name in EXPORTS} == exports_before


@pytest.mark.parametrize(("config", "message"), [
    ({"split_fractions": [0.5, 0.5, 0.5]}, "split_fractions must add up to 1, got (0.5, 0.5, 0.5) (sum 1.5)"),
    ({"eval_sets": ["/no/such/eval.jsonl"]},
     "eval set not found: /no/such/eval.jsonl (GLAIVE_EVAL_SETS or run config eval_sets)"),
    ({"paraphrase_threshold": 0.0}, "threshold must be in (0, 1], got 0.0"),
])
def test_bad_training_config_fails_in_one_line_before_writing(planted_data_copy, instance, config, message):
    train = artifact_file(planted_data_copy, "training_set", "train")
    before = train.read_bytes()
    result = materialize(instance, planted_data_copy, {"ops": {"training_set_and_report": {"config": config}}},
                         selection=TRAINING, raise_on_error=False)
    assert f"ops.training_set_and_report.config: {message}" in run_start_failure(result)
    assert train.read_bytes() == before


@pytest.mark.parametrize("accounting_holds", [True, False])
def test_automation_builds_the_exports_only_past_passing_blocking_checks(planted_graph, planted_data_copy,
                                                                          accounting_holds):
    if not accounting_holds:
        miscount_chatml(planted_data_copy)
    defs = graph_definitions(planted_data_copy)
    instance = planted_graph.instance
    cursor = dg.evaluate_automation_conditions(defs=defs, instance=instance).cursor
    rerun = materialize(instance, planted_data_copy, {}, selection=TRAINING, raise_on_error=False)
    assert check_results(rerun)["accounting"].passed is accounting_holds

    evaluation = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    requested = {result.key.to_user_string() for result in evaluation.results if result.true_subset.size}
    assert requested & set(EXPORTS) == (set(EXPORTS) if accounting_holds else set())
