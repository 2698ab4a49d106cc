"""The GX schema suite: every expectation passes on valid records and fails on data that breaches it.

Real Great Expectations throughout (no mocks). Importing GX costs seconds: the module-scoped fixture
pays it once, and each breach gets its own record so that one run checks many expectations.
"""

from __future__ import annotations

import orjson
import pytest

from glaive_assets.core.records import FLAG_COLUMNS, PROCESSED_COLUMNS
from glaive_assets.qa.bounds import row_count_bounds
from glaive_assets.qa.schema import CHECKED_COLUMNS, VALUE_CHARS, _frame, markdown_table, run_schema_suite
from glaive_assets_tests.fixtures.qa.records import DROP, make_processed_record, make_processed_records

# 28 columns exist + exact column set + row count; 16 not-null; source_index/system/chat types;
# chat length; 3 x (int type + range); 3 closed sets; 7 bool types.
EXPECTATION_COUNT = 28 + 1 + 1 + 16 + 3 + 1 + 6 + 3 + 7


def entry(report: dict, expectation: str, column: str | None = None) -> dict:
    matches = [e for e in report["expectations"] if e["expectation"] == expectation and e["column"] == column]
    assert len(matches) == 1, (expectation, column, len(matches))
    return matches[0]


def failed(report: dict) -> set[tuple[str, str | None]]:
    return {(e["expectation"], e["column"]) for e in report["expectations"] if not e["success"]}


def example_indexes(report: dict, expectation: str, column: str | None = None) -> list:
    return [example["source_index"] for example in entry(report, expectation, column)["unexpected_examples"]]


@pytest.fixture(scope="module")
def valid_report() -> dict:
    # The first run imports GX (seconds); later runs in this module reuse the import.
    return run_schema_suite(iter(make_processed_records(20)), requested_size=20, source_rows=1000)


# Each record breaks one expectation; source_index says which.
BREACHES = {
    100: {"chat": None},
    101: {"chat": "short"},  # 5 characters
    102: {"num_turns": 51},
    103: {"num_calls": 21},
    104: {"num_defined_functions": -1},
    105: {"complexity_tier": "weird"},
    106: {"turn_bucket": "huge"},
    107: {"call_bucket": None},
    108: {"has_refusal": "yes"},
    109: {"has_parallel": 1},
    110: {"has_error_handling": None},
    111: {"system": None},
    112: {"system": 42},
    113: {"source_index": "113"},
}


@pytest.fixture(scope="module")
def breach_report() -> dict:
    records = make_processed_records(20)
    for source_index, overrides in BREACHES.items():
        records.append(make_processed_record(source_index, **overrides))
    return run_schema_suite(iter(records), requested_size=34, source_rows=1000)


def test_valid_records_pass_every_expectation(valid_report):
    assert valid_report["success"] is True
    assert valid_report["total"] == EXPECTATION_COUNT
    assert valid_report["passed"] == EXPECTATION_COUNT
    assert valid_report["failed"] == 0
    assert valid_report["success_rate"] == 1.0
    assert valid_report["row_count"] == 20
    assert valid_report["row_count_bounds"] == [16, 20]
    assert valid_report["gx_version"].startswith("1.")
    for column in PROCESSED_COLUMNS:
        assert entry(valid_report, "expect_column_to_exist", column)["success"] is True
    for column in CHECKED_COLUMNS:
        result = entry(valid_report, "expect_column_values_to_not_be_null", column)
        assert (result["element_count"], result["unexpected_count"]) == (20, 0)
    assert entry(valid_report, "expect_table_row_count_to_be_between")["observed_value"] == 20


def test_report_is_strict_json(breach_report):
    # orjson refuses NaN/Infinity only when asked to round-trip; loads(dumps()) must give the same dict.
    assert orjson.loads(orjson.dumps(breach_report)) == breach_report


def test_each_breach_fails_exactly_its_expectation(breach_report):
    assert failed(breach_report) == {
        ("expect_column_values_to_not_be_null", "chat"),
        ("expect_column_value_lengths_to_be_between", "chat"),
        ("expect_column_values_to_be_between", "num_turns"),
        ("expect_column_values_to_be_between", "num_calls"),
        ("expect_column_values_to_be_between", "num_defined_functions"),
        ("expect_column_values_to_be_in_set", "complexity_tier"),
        ("expect_column_values_to_be_in_set", "turn_bucket"),
        ("expect_column_values_to_not_be_null", "call_bucket"),
        ("expect_column_values_to_be_of_type", "has_refusal"),
        ("expect_column_values_to_be_of_type", "has_parallel"),
        ("expect_column_values_to_not_be_null", "has_error_handling"),
        ("expect_column_values_to_not_be_null", "system"),
        ("expect_column_values_to_be_of_type", "system"),
        ("expect_column_values_to_be_of_type", "source_index"),
    }
    assert breach_report["success"] is False
    assert breach_report["failed"] == 14
    assert breach_report["passed"] == EXPECTATION_COUNT - 14


@pytest.mark.parametrize(
    ("expectation", "column", "breach", "value"),
    [
        ("expect_column_values_to_not_be_null", "chat", 100, None),
        ("expect_column_value_lengths_to_be_between", "chat", 101, "short"),
        ("expect_column_values_to_be_between", "num_turns", 102, 51),
        ("expect_column_values_to_be_between", "num_calls", 103, 21),
        ("expect_column_values_to_be_between", "num_defined_functions", 104, -1),
        ("expect_column_values_to_be_in_set", "complexity_tier", 105, "weird"),
        ("expect_column_values_to_be_in_set", "turn_bucket", 106, "huge"),
        ("expect_column_values_to_not_be_null", "call_bucket", 107, None),
        ("expect_column_values_to_be_of_type", "has_refusal", 108, "yes"),
        ("expect_column_values_to_be_of_type", "has_parallel", 109, 1),
        ("expect_column_values_to_not_be_null", "has_error_handling", 110, None),
        ("expect_column_values_to_not_be_null", "system", 111, None),
        ("expect_column_values_to_be_of_type", "system", 112, 42),
        ("expect_column_values_to_be_of_type", "source_index", 113, "113"),
    ],
)
def test_breach_is_counted_with_its_row(breach_report, expectation, column, breach, value):
    result = entry(breach_report, expectation, column)
    assert result["success"] is False
    assert result["element_count"] == 34
    assert result["unexpected_count"] == 1
    position = 20 + list(BREACHES).index(breach)  # the 20 valid records come first
    source_index = BREACHES[breach].get("source_index", breach)
    assert result["unexpected_examples"] == [{"source_index": source_index, "record_position": position, "value": value}]


def test_null_values_do_not_count_against_type_or_set_checks(breach_report):
    # GX skips nulls in per-row checks: the null chat breaks not-null only, the null bucket not its set.
    assert entry(breach_report, "expect_column_value_lengths_to_be_between", "chat")["unexpected_count"] == 1
    assert entry(breach_report, "expect_column_values_to_be_in_set", "call_bucket")["success"] is True
    assert entry(breach_report, "expect_column_values_to_be_of_type", "has_error_handling")["success"] is True


def test_boundaries_pass():
    records = [
        make_processed_record(0, num_turns=50, num_calls=20, num_defined_functions=20, chat="0123456789"),
        make_processed_record(1, num_turns=0, num_calls=0, num_defined_functions=0),
    ]
    report = run_schema_suite(iter(records), requested_size=2, source_rows=10)
    assert report["success"] is True, failed(report)


def test_flag_type_check_rejects_strings_and_ints_but_not_bools():
    records = [
        make_processed_record(0, has_refusal=True),
        make_processed_record(1, has_refusal="False"),
        make_processed_record(2, has_refusal=0),
        make_processed_record(3, has_refusal=False),
    ]
    report = run_schema_suite(iter(records), requested_size=4, source_rows=4)
    result = entry(report, "expect_column_values_to_be_of_type", "has_refusal")
    assert result["unexpected_count"] == 2
    assert [(e["source_index"], e["value"]) for e in result["unexpected_examples"]] == [(1, "False"), (2, 0)]


def test_non_integer_count_fails_type_and_reports_the_range_error():
    records = make_processed_records(3) + [make_processed_record(3, num_turns="5")]
    report = run_schema_suite(iter(records), requested_size=4, source_rows=4)
    type_check = entry(report, "expect_column_values_to_be_of_type", "num_turns")
    assert (type_check["success"], type_check["unexpected_count"]) == (False, 1)
    assert type_check["unexpected_examples"][0]["value"] == "5"
    # GX cannot compare "5" with 0..50: the range check fails with its error instead of crashing the run.
    range_check = entry(report, "expect_column_values_to_be_between", "num_turns")
    assert range_check["success"] is False
    assert range_check["errors"][0]["record_positions"] == [0, 3]
    assert "same type" in range_check["errors"][0]["message"]


def test_missing_column_fails_existence_and_exact_set():
    records = make_processed_records(4)
    records[2] = make_processed_record(2, tools=DROP)
    report = run_schema_suite(iter(records), requested_size=4, source_rows=4)
    exists = entry(report, "expect_column_to_exist", "tools")
    assert (exists["success"], exists["unexpected_count"]) == (False, 1)
    assert exists["unexpected_examples"] == [{"source_index": 2, "record_position": 2}]
    column_set = entry(report, "expect_table_columns_to_match_set")
    assert column_set["success"] is False
    assert column_set["unexpected_examples"] == [
        {"source_index": 2, "record_position": 2, "missing": ["tools"], "extra": []}
    ]
    assert failed(report) == {("expect_column_to_exist", "tools"), ("expect_table_columns_to_match_set", None)}


def test_missing_checked_column_is_also_a_null():
    records = make_processed_records(3) + [make_processed_record(3, chat=DROP)]
    report = run_schema_suite(iter(records), requested_size=4, source_rows=4)
    assert failed(report) == {
        ("expect_column_to_exist", "chat"),
        ("expect_table_columns_to_match_set", None),
        ("expect_column_values_to_not_be_null", "chat"),
    }


def test_extra_key_fails_exact_set_only():
    records = make_processed_records(3) + [make_processed_record(3, debug_note="left over")]
    report = run_schema_suite(iter(records), requested_size=4, source_rows=4)
    assert failed(report) == {("expect_table_columns_to_match_set", None)}
    assert entry(report, "expect_table_columns_to_match_set")["unexpected_examples"] == [
        {"source_index": 3, "record_position": 3, "missing": [], "extra": ["debug_note"]}
    ]


def test_non_object_record_is_flagged_not_fatal():
    records = [*make_processed_records(3), ["not", "a", "record"]]
    report = run_schema_suite(iter(records), requested_size=4, source_rows=4)
    assert report["non_object_records"] == 1
    assert report["row_count"] == 4
    assert entry(report, "expect_column_values_to_not_be_null", "chat")["unexpected_count"] == 1
    assert entry(report, "expect_column_to_exist", "chat")["success"] is False


@pytest.mark.parametrize(
    ("records_count", "requested_size", "source_rows", "passes"),
    [
        (79, 100, 1000, False),  # below ceil(0.8 * 100)
        (80, 100, 1000, True),
        (100, 100, 1000, True),
        (101, 100, 1000, False),  # more than asked for
        (79, 0, 100, False),  # all rows: ceil(0.8 * 100)
        (80, 0, 100, True),
    ],
)
def test_row_count_bounds_follow_the_request(records_count, requested_size, source_rows, passes):
    report = run_schema_suite(iter(make_processed_records(records_count)), requested_size, source_rows)
    result = entry(report, "expect_table_row_count_to_be_between")
    assert result["success"] is passes
    assert result["observed_value"] == records_count
    assert failed(report) == (set() if passes else {("expect_table_row_count_to_be_between", None)})


def test_empty_stream_fails_the_table_and_passes_columns_vacuously():
    report = run_schema_suite(iter([]), requested_size=10, source_rows=10)
    assert report["row_count"] == 0
    assert report["success"] is False
    assert entry(report, "expect_table_row_count_to_be_between")["success"] is False
    assert entry(report, "expect_column_to_exist", "chat")["success"] is False
    assert entry(report, "expect_column_values_to_not_be_null", "chat")["element_count"] == 0
    assert entry(report, "expect_column_values_to_not_be_null", "chat")["success"] is True


def test_chunks_sum_to_the_single_frame_result(breach_report):
    records = make_processed_records(20)
    for source_index, overrides in BREACHES.items():
        records.append(make_processed_record(source_index, **overrides))
    # The breaches (positions 20-33) fall in the second and third chunk.
    chunked = run_schema_suite(iter(records), requested_size=34, source_rows=1000, chunk_rows=12)
    assert chunked["chunks_validated"] == 3
    assert breach_report["chunks_validated"] == 1
    assert chunked["expectations"] == breach_report["expectations"]


def test_examples_are_capped_and_long_values_cut():
    records = [make_processed_record(index, complexity_tier="w" * 500) for index in range(7)]
    report = run_schema_suite(iter(records), requested_size=7, source_rows=7, chunk_rows=3)
    result = entry(report, "expect_column_values_to_be_in_set", "complexity_tier")
    assert result["unexpected_count"] == 7
    assert [example["source_index"] for example in result["unexpected_examples"]] == [0, 1, 2, 3, 4]
    assert result["unexpected_examples"][0]["value"] == "w" * VALUE_CHARS


def test_long_chat_is_cut_for_gx_without_changing_the_verdict():
    long_chat = "USER: " + "a" * 10_000
    report = run_schema_suite(iter([make_processed_record(0, chat=long_chat)]), requested_size=1, source_rows=1)
    assert report["success"] is True


def test_no_progress_bars_on_stderr(capfd):
    run_schema_suite(iter(make_processed_records(50)), requested_size=50, source_rows=50)
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out


def test_flag_columns_are_all_type_checked(valid_report):
    for column in FLAG_COLUMNS:
        result = entry(valid_report, "expect_column_values_to_be_of_type", column)
        assert result["kwargs"] == {"type_": "bool"}
        assert result["element_count"] == 20


def test_markdown_lists_failures_first(breach_report):
    text = markdown_table(breach_report)
    lines = text.splitlines()
    assert lines[0] == (
        f"**Schema suite** (GX {breach_report['gx_version']}): {EXPECTATION_COUNT - 14}/{EXPECTATION_COUNT} "
        "expectations pass, 34 records (bounds 28-34)"
    )
    assert lines[2] == "| expectation | column | result | unexpected | first example |"
    assert lines[4] == (
        "| column_values_to_not_be_null | system | FAIL | 1 of 34 | "
        "{'source_index': 111, 'record_position': 31, 'value': None} |"
    )
    assert sum(" | FAIL | " in line for line in lines) == 14
    assert len(lines) == 4 + EXPECTATION_COUNT


@pytest.mark.parametrize(
    ("requested_size", "source_rows", "bounds"),
    [
        (5000, 112_960, (4000, 5000)),
        (0, 112_960, (90_368, 112_960)),
        (1, 10, (1, 1)),
        (3, 10, (3, 3)),  # ceil(2.4)
        (7, 10, (6, 7)),  # ceil(5.6)
        (0, 0, (1, 1)),  # an empty source: nothing can pass
    ],
)
def test_row_count_bounds(requested_size, source_rows, bounds):
    assert row_count_bounds(requested_size, source_rows) == bounds


@pytest.mark.parametrize(("requested_size", "source_rows"), [(-1, 10), (10, -1), (2.5, 10), (True, 10)])
def test_row_count_bounds_reject_bad_input(requested_size, source_rows):
    with pytest.raises(ValueError):
        row_count_bounds(requested_size, source_rows)


def test_chunk_frames_keep_values_as_they_are_in_object_dtype():
    frame = _frame({"source_index": [0, 1], "has_refusal": [True, "yes"], "num_turns": [2, None]}, start=4)
    assert list(frame.index) == [4, 5]
    assert all(str(dtype) == "object" for dtype in frame.dtypes)
    assert list(frame.columns) == ["source_index", "has_refusal", "num_turns"]
    assert frame.at[5, "has_refusal"] == "yes"  # not coerced to True
    assert frame.at[5, "num_turns"] is None
