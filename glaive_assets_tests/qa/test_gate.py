"""The training gate's verdict as data: failed expectations with what they expected and observed."""

from glaive_assets.qa.gate import describe_failure, failed_expectations, training_gate


def _entry(expectation, column=None, success=False, **details):
    return {"expectation": expectation, "column": column, "kwargs": details.pop("kwargs", {}), "success": success,
            "element_count": details.pop("element_count", 17), "unexpected_count": details.pop("unexpected_count", 0),
            "unexpected_examples": details.pop("unexpected_examples", []),
            "observed_value": details.pop("observed_value", None), "errors": details.pop("errors", [])}


REPORT = {
    "success": False, "total": 4, "passed": 1, "failed": 3,
    "expectations": [
        _entry("expect_table_row_count_to_be_between", kwargs={"min_value": 24, "max_value": 29}, observed_value=17),
        _entry("expect_column_values_to_be_of_type", "num_turns", kwargs={"type_": "int"}, unexpected_count=2,
               unexpected_examples=[{"source_index": 3, "record_position": 1, "value": "three"},
                                    {"source_index": 9, "record_position": 5, "value": 2.5}]),
        _entry("expect_column_values_to_not_be_null", "chat", success=True),
        _entry("expect_column_values_to_be_between", "num_calls", kwargs={"min_value": 0, "max_value": 20},
               errors=[{"record_positions": [0, 16], "message": "'<' not supported"}]),
    ],
}


def test_the_gate_withholds_a_failed_suite_with_each_failure_and_its_observation():
    gate = training_gate(REPORT)
    assert {key: gate[key] for key in ("gate", "passed", "withheld", "expectations_passed", "expectations_total")} == {
        "gate": "schema_suite", "passed": False, "withheld": True, "expectations_passed": 1, "expectations_total": 4}
    assert gate["failed_expectations"] == failed_expectations(REPORT) == [
        {"expectation": "expect_table_row_count_to_be_between", "column": None,
         "expected": {"min_value": 24, "max_value": 29}, "observed": 17},
        {"expectation": "expect_column_values_to_be_of_type", "column": "num_turns", "expected": {"type_": "int"},
         "observed": {"unexpected": 2, "of": 17, "examples": ["three", 2.5]}},
        {"expectation": "expect_column_values_to_be_between", "column": "num_calls",
         "expected": {"min_value": 0, "max_value": 20}, "observed": {"error": "'<' not supported"}},
    ]


def test_a_passing_suite_releases_the_training_outputs():
    gate = training_gate({"success": True, "total": 66, "passed": 66, "expectations": [_entry("x", success=True)]})
    assert (gate["passed"], gate["withheld"], gate["failed_expectations"]) == (True, False, [])


def test_each_failure_reads_as_one_line():
    assert [describe_failure(failure) for failure in failed_expectations(REPORT)] == [
        "expect_table_row_count_to_be_between: observed 17, expected min_value=24, max_value=29",
        "expect_column_values_to_be_of_type(num_turns): observed 2 of 17 values unexpected (e.g. 'three', 2.5), "
        "expected type_=int",
        "expect_column_values_to_be_between(num_calls): could not be evaluated: '<' not supported, "
        "expected min_value=0, max_value=20",
    ]
    long_set = {"expectation": "expect_column_values_to_be_in_set", "column": "tier",
                "expected": {"value_set": ["v" * 10] * 20}, "observed": {"unexpected": 1, "of": 2, "examples": []}}
    line = describe_failure(long_set)
    assert line.startswith("expect_column_values_to_be_in_set(tier): observed 1 of 2 values unexpected, expected value_set=[")
    assert line.endswith("…") and len(line.split(", expected ", 1)[1]) == 120
