"""The QA benchmark's record factory and one of its steps, end to end."""

from glaive_assets.benchmarks.qa import run_one, synthetic_records
from glaive_assets.core.records import PROCESSED_COLUMNS


def test_benchmark_records_follow_the_contract():
    records = list(synthetic_records(200))
    assert all(list(record) == list(PROCESSED_COLUMNS) for record in records)
    assert [record["source_index"] for record in records] == list(range(200))
    assert {record["complexity_tier"] for record in records} == {"none", "simple", "moderate", "complex"}


def test_benchmark_stats_step_runs_end_to_end():
    figures = run_one(500, "stats", from_jsonl=True)
    assert set(figures) == {"rows", "step", "from_jsonl", "stats_pass_s", "reports_s", "jsonl_mib", "peak_rss_mib"}
    assert (figures["rows"], figures["step"], figures["from_jsonl"]) == (500, "stats", True)
    assert 1.0 < figures["jsonl_mib"] < 2.0  # 500 records of ~3 KB
