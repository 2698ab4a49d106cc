"""Each verdict of training.verify as a check result: passed or not, severity, and what the UI shows."""

import dagster as dg

from glaive_assets.defs.training.checks import (
    accounting_result,
    decontaminated_result,
    leakage_result,
    stratification_result,
)
from glaive_assets.training.verify import Accounting, Decontamination, Leakage

NO_MATCH = {"exact": 0, "near": 0, "structure": 0}


def test_broken_accounting_fails_at_error_with_the_libraries_message():
    result = accounting_result(Accounting(False, 10, {"train": 7, "validation": 1, "test": 1, "dropped": 0}, "10 ChatML rows, but the files hold 9"))
    assert (result.passed, result.severity, result.description) == (False, dg.AssetCheckSeverity.ERROR,
                                                                      "10 ChatML rows, but the files hold 9")
    assert {key: value.value for key, value in result.metadata.items()} == {
        "chatml_rows": 10, "train_rows": 7, "validation_rows": 1, "test_rows": 1, "dropped_rows": 0}


def test_a_leak_fails_and_the_table_shows_where():
    leakage = Leakage(False, {"train": 8, "validation": 1, "test": 1}, 0,
                      {"train/validation": {"exact": 0, "near": 1, "structure": 1}, "train/test": NO_MATCH,
                       "validation/test": NO_MATCH},
                      [{"splits": ["train", "validation"], "kind": "near", "id": "ab"}])
    result = leakage_result(leakage)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert result.description == "2 rows share a key with another split; 0 rows unknown to the plan"
    assert result.metadata["matching_rows"].value == 2
    assert result.metadata["matches"].value == (
        "| splits | exact | near | structure |\n|---|---:|---:|---:|\n| train/validation | 0 | 1 | 1 |\n"
        "| train/test | 0 | 0 | 0 |\n| validation/test | 0 | 0 | 0 |")


def test_no_leak_passes():
    leakage = Leakage(True, {"train": 8, "validation": 1, "test": 1}, 0, {"train/test": NO_MATCH})
    assert leakage_result(leakage).passed
    assert leakage_result(leakage).description == "no match between splits (10 rows read back)"


def test_decontaminated_without_eval_sets_passes_with_nothing_to_check_and_with_a_match_fails():
    nothing = decontaminated_result(None, ())
    assert (nothing.passed, nothing.metadata["eval_sets"].value) == (True, 0)
    found = Decontamination(False, {"train": 5, "validation": 1, "test": 1}, {"train": 1, "validation": 0, "test": 0},
                            [{"split": "train", "id": "x", "eval_file": "e.jsonl", "eval_id": "q1", "match": "ngram"}])
    result = decontaminated_result(found, ("e.jsonl",))
    assert (result.passed, result.severity, result.description) == (
        False, dg.AssetCheckSeverity.ERROR, "1 split rows match an eval question")
    assert result.metadata["contaminated_rows"].value == 1


def test_stratification_is_a_warning_naming_the_largest_gap_of_each_judged_split():
    report = {"tolerance": 0.01, "judged_splits": ["train"], "within_tolerance": False,
              "max_deviation": {"train": 0.0125, "validation": 0.2, "test": 0.0}}
    result = stratification_result(report)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert result.description == "largest stratum share gap per split: train 1.25% (tolerance 1.00%)"
    small = stratification_result({**report, "judged_splits": [], "within_tolerance": True})
    assert small.passed and small.description.startswith("largest stratum share gap per split: no split large enough")
