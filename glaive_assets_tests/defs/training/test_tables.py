"""The training report's tables as the UI shows them, exactly."""

from glaive_assets.defs.training.tables import contamination_table, slice_shares_table, strata_table


def test_strata_table_gives_rows_and_shares_per_split_and_the_totals():
    split = lambda rows, share: {"rows": rows, "share": share, "deviation": 0.0}  # noqa: E731
    stratification = {
        "split_rows": {"train": 9, "validation": 1, "test": 0},
        "table": [{"stratum": "simple/short", "rows": 10, "share": 1.0,
                   "train": split(9, 1.0), "validation": split(1, 1.0), "test": split(0, None)}],
    }
    assert strata_table(stratification).value == (
        "| stratum | rows | share | train | validation | test |\n|---|---:|---:|---:|---:|---:|\n"
        "| `simple/short` | 10 | 100.0% | 9 (100.0%) | 1 (100.0%) | 0 (n/a) |\n"
        "| **all** | 10 | 100% | 9 | 1 | 0 |")


def test_slice_shares_table_before_and_after_with_status_and_note():
    weights = {"threshold": 0.05, "min": 0.5, "max": 4.0, "mean": 1.0, "rounds": 3, "slice_shares": [
        {"slice": "has_parallel", "value": True, "rows": 0, "share_before": 0.0, "share_after": 0.0,
         "status": "unfixable", "note": "Glaive never calls in parallel"},
        {"slice": "complexity_tier", "value": "complex", "rows": 3, "share_before": 0.03, "share_after": 0.05,
         "status": "weighted", "note": None},
    ]}
    assert slice_shares_table(weights).value == (
        "Threshold 5%; weights min 0.500, max 4.000, mean 1.000; 3 rounds.\n\n"
        "| slice | value | train rows | before | after | status | note |\n|---|---|---:|---:|---:|---|---|\n"
        "| has_parallel | `True` | 0 | 0.0% | 0.0% | unfixable | Glaive never calls in parallel |\n"
        "| complexity_tier | `complex` | 3 | 3.0% | 5.0% | weighted |  |")


def test_contamination_table_per_eval_file_or_none_given():
    given = {"eval_files": [{"eval_file": "/e/bfcl.jsonl", "items": 1200, "contaminated_rows": 4}]}
    assert contamination_table(given).value == (
        "| eval file | items | contaminated rows |\n|---|---:|---:|\n| `/e/bfcl.jsonl` | 1,200 | 4 |")
    assert contamination_table({"eval_files": []}).value.endswith("| (no eval set given) | 0 | 0 |")
