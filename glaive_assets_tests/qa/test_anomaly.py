"""The pipeline stats pass and the anomaly rules: each rule just inside and just beyond its threshold."""

from __future__ import annotations

import dataclasses
import re

import orjson
import pytest

from glaive_assets.core import reasons
from glaive_assets.qa.anomaly import (
    RULES,
    AnomalyThresholds,
    compute_pipeline_stats,
    evaluate_anomalies,
    markdown_table,
)
from glaive_assets_tests.fixtures.qa.records import (
    make_malformed_reject,
    make_processed_record,
    make_processed_records,
    make_reject,
)


def check(report: dict, name: str) -> dict:
    [result] = [c for c in report["checks"] if c["check"] == name]
    return result


def anomalies(report: dict) -> set[str]:
    return {c["check"] for c in report["checks"] if c["is_anomaly"]}


def evaluate(processed: list, rejects: list = (), requested_size: int = 0, **thresholds) -> dict:
    stats = compute_pipeline_stats(iter(processed), iter(rejects))
    return evaluate_anomalies(stats, AnomalyThresholds(**thresholds), requested_size)


def test_healthy_run_has_no_anomaly():
    report = evaluate(make_processed_records(100), requested_size=100)
    assert report["total_checks"] == len(RULES) == 8
    assert report["anomalies_found"] == 0
    assert report["pipeline_healthy"] is True
    assert [c["check"] for c in report["checks"]] == list(RULES)
    assert orjson.loads(orjson.dumps(report)) == report


def test_malformed_rate():
    # 5 malformed of 100 raw rows is exactly the threshold: not above it.
    at_limit = evaluate(make_processed_records(95), [make_malformed_reject(i, [reasons.CALL_TRUNCATED]) for i in range(5)])
    assert check(at_limit, "malformed_rate")["value"] == 0.05
    assert check(at_limit, "malformed_rate")["is_anomaly"] is False
    above = evaluate(make_processed_records(94), [make_malformed_reject(i, [reasons.CALL_TRUNCATED]) for i in range(6)])
    assert check(above, "malformed_rate") == {
        "check": "malformed_rate",
        "value": 0.06,
        "threshold": 0.05,
        "is_anomaly": True,
        "message": "malformed_rate 6.00% is above the maximum 5.00%",
        "severity": "WARN",
        "comparison": ">",
        "description": RULES["malformed_rate"],
    }


def test_malformed_rate_counts_only_rejects_with_features():
    # Six unparseable rows (features null) are rejects, not malformed conversations.
    report = evaluate(make_processed_records(94), [make_reject(i, [reasons.MISSING_CHAT]) for i in range(6)])
    assert check(report, "malformed_rate")["value"] == 0.0
    assert anomalies(report) == {"reject_rate"}


def test_reject_rate():
    inside = evaluate(make_processed_records(95), [make_reject(i, [reasons.ROW_NOT_OBJECT]) for i in range(5)])
    assert (check(inside, "reject_rate")["value"], check(inside, "reject_rate")["is_anomaly"]) == (0.05, False)
    above = evaluate(make_processed_records(93), [make_reject(i, [reasons.ROW_NOT_OBJECT]) for i in range(7)])
    assert (check(above, "reject_rate")["value"], check(above, "reject_rate")["is_anomaly"]) == (0.07, True)


def test_validation_error_rate():
    def run(flagged: int) -> dict:
        records = make_processed_records(100 - flagged) + make_processed_records(
            flagged, validation_errors=[f"{reasons.UNDECLARED_FUNCTION}: get_weather"]
        )
        return check(evaluate(records), "validation_error_rate")

    assert (run(5)["value"], run(5)["is_anomaly"]) == (0.05, False)
    assert (run(6)["value"], run(6)["is_anomaly"]) == (0.06, True)


def test_none_tier_share():
    def run(none_tier: int) -> dict:
        records = make_processed_records(100 - none_tier) + make_processed_records(none_tier, complexity_tier="none")
        return check(evaluate(records), "none_tier_share")

    assert (run(60)["value"], run(60)["is_anomaly"]) == (0.6, False)
    assert (run(61)["value"], run(61)["is_anomaly"]) == (0.61, True)


@pytest.mark.parametrize(
    ("processed", "rejects", "requested_size", "threshold", "is_anomaly"),
    [
        (80, 0, 100, 80, False),  # ceil(0.8 * 100)
        (79, 0, 100, 80, True),
        (79, 21, 100, 80, True),  # rejects do not count as rows
        (80, 20, 0, 80, False),  # all rows: 0.8 of the 100 raw rows
        (79, 21, 0, 80, True),
        (4000, 0, 5000, 4000, False),
        (3999, 0, 5000, 4000, True),
    ],
)
def test_row_count(processed, rejects, requested_size, threshold, is_anomaly):
    records = make_processed_records(processed)
    report = evaluate(records, [make_reject(i, [reasons.MISSING_CHAT]) for i in range(rejects)], requested_size)
    result = check(report, "row_count")
    assert (result["value"], result["threshold"], result["is_anomaly"]) == (processed, threshold, is_anomaly)
    assert result["comparison"] == "<"


def test_avg_turns():
    at_limit = make_processed_records(2, num_turns=10)
    assert (check(evaluate(at_limit), "avg_turns")["value"], check(evaluate(at_limit), "avg_turns")["is_anomaly"]) == (10.0, False)
    above = [make_processed_record(0, num_turns=10), make_processed_record(1, num_turns=11)]
    assert (check(evaluate(above), "avg_turns")["value"], check(evaluate(above), "avg_turns")["is_anomaly"]) == (10.5, True)


def test_avg_calls():
    at_limit = [make_processed_record(0, num_calls=4), make_processed_record(1, num_calls=6)]
    assert (check(evaluate(at_limit), "avg_calls")["value"], check(evaluate(at_limit), "avg_calls")["is_anomaly"]) == (5.0, False)
    above = [make_processed_record(0, num_calls=5), make_processed_record(1, num_calls=6)]
    assert (check(evaluate(above), "avg_calls")["value"], check(evaluate(above), "avg_calls")["is_anomaly"]) == (5.5, True)


def test_averages_skip_non_numeric_counts():
    records = [make_processed_record(0, num_turns=4), make_processed_record(1, num_turns="9"), make_processed_record(2, num_turns=True)]
    stats = compute_pipeline_stats(iter(records), iter([]))
    assert stats.avg_turns == 4.0
    assert stats.non_numeric_counts == {"num_turns": 2}


def test_defined_functions_share():
    def run(with_functions: int) -> dict:
        records = make_processed_records(with_functions) + make_processed_records(
            100 - with_functions, has_defined_functions=False
        )
        return check(evaluate(records), "defined_functions_share")

    assert (run(30)["value"], run(30)["is_anomaly"]) == (0.3, False)
    assert (run(29)["value"], run(29)["is_anomaly"]) == (0.29, True)
    assert run(29)["message"] == "defined_functions_share 29.00% is below the minimum 30.00%"


def test_no_rows_gives_flagged_undefined_values_not_a_crash():
    report = evaluate([], [], requested_size=100)
    assert report["anomalies_found"] == 8
    assert report["pipeline_healthy"] is False
    for result in report["checks"]:
        assert result["is_anomaly"] is True
        if result["check"] == "row_count":
            assert (result["value"], result["threshold"]) == (0, 80)
        else:
            assert result["value"] is None
    assert check(report, "reject_rate")["message"] == "reject_rate: cannot be computed (no raw rows)"
    assert check(report, "avg_calls")["message"] == (
        "avg_calls: cannot be computed (no processed record has a numeric num_calls)"
    )


def test_only_rejects_gives_defined_rates_and_undefined_shares():
    report = evaluate([], [make_reject(0, [reasons.MISSING_SYSTEM])], requested_size=0)
    assert check(report, "reject_rate")["value"] == 1.0
    assert check(report, "none_tier_share")["value"] is None
    assert check(report, "row_count")["threshold"] == 1  # max(1, ceil(0.8 * 1))


def test_custom_thresholds_and_severity():
    records = make_processed_records(100 - 20) + make_processed_records(20, complexity_tier="none")
    report = evaluate(records, max_none_tier_share=0.1, severities={"none_tier_share": "ERROR"})
    result = check(report, "none_tier_share")
    assert (result["value"], result["threshold"], result["is_anomaly"], result["severity"]) == (0.2, 0.1, True, "ERROR")
    assert check(report, "avg_turns")["severity"] == "WARN"


def test_thresholds_validate_severities_and_stay_frozen():
    with pytest.raises(ValueError, match="unknown anomaly rules"):
        AnomalyThresholds(severities={"nonsense": "WARN"})
    with pytest.raises(ValueError, match="severity must be one of"):
        AnomalyThresholds(severities={"avg_turns": "CRITICAL"})
    thresholds = AnomalyThresholds(severities={"avg_turns": "ERROR"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        thresholds.max_avg_turns = 50  # type: ignore[misc]
    with pytest.raises(TypeError):
        thresholds.severities["avg_turns"] = "WARN"  # type: ignore[index]


def test_stats_counts_everything_in_one_pass():
    processed = [
        make_processed_record(0),
        make_processed_record(1, complexity_tier="none", num_calls=0, validation_errors=[]),
        make_processed_record(2, validation_errors=["undeclared_function: get_weather", "unknown_argument: units"]),
        make_processed_record(3, structure_warnings=["ends_on_user_turn"]),
        "not an object",
    ]
    rejects = [
        make_reject(10, [reasons.MISSING_CHAT]),
        make_malformed_reject(11, [reasons.CALL_TRUNCATED], turn_bucket="short"),
        make_malformed_reject(12, [reasons.NONSTANDARD_JSON, reasons.CALL_UNPARSEABLE]),
        "not an object either",
    ]
    # Generators: the pass must not need to read either input twice.
    stats = compute_pipeline_stats((r for r in processed), (r for r in rejects))
    assert (stats.processed_rows, stats.reject_rows, stats.raw_rows) == (5, 4, 9)
    assert stats.malformed_rejects == 2
    assert stats.non_object_processed == 1
    assert stats.validation_error_records == 1
    assert stats.validation_error_codes == {"undeclared_function": 1, "unknown_argument": 1}
    assert stats.structure_warning_codes == {"ends_on_user_turn": 1}
    assert stats.reject_reasons == {
        "missing_chat": 1, "call_truncated": 1, "nonstandard_json": 1, "call_unparseable": 1,
        "<reject not an object>": 1,
    }
    assert stats.malformed_reasons == {"call_truncated": 1, "nonstandard_json": 1, "call_unparseable": 1}
    assert (stats.turns_sum, stats.turns_counted, stats.calls_sum, stats.calls_counted) == (4, 4, 3, 4)
    assert stats.slice_count("complexity_tier", "simple") == 3
    assert stats.slice_count("complexity_tier", None) == 1  # the non-object record
    tiers = stats.slices["complexity_tier"]
    assert tiers["malformed"].count == 0 and tiers["malformed"].malformed == 2
    assert stats.slices["turn_bucket"]["short"].malformed == 1
    assert stats.slices["turn_bucket"]["single"].malformed == 1
    assert stats.slice_count("has_refusal", False) == 4


def test_markdown_table():
    records = make_processed_records(94) + make_processed_records(6, validation_errors=["undeclared_function"])
    text = markdown_table(evaluate(records, requested_size=100))
    assert text.splitlines() == [
        "**Anomaly rules**: 8 checks, 1 anomaly",
        "",
        "| rule | value | threshold | result | severity |",
        "|---|---|---|---|---|",
        "| malformed_rate | 0.00% | max 5.00% | ok | WARN |",
        "| reject_rate | 0.00% | max 5.00% | ok | WARN |",
        "| validation_error_rate | 6.00% | max 5.00% | ANOMALY | WARN |",
        "| none_tier_share | 0.00% | max 60.00% | ok | WARN |",
        "| row_count | 100 | min 80 | ok | WARN |",
        "| avg_turns | 1 | max 10 | ok | WARN |",
        "| avg_calls | 1 | max 5 | ok | WARN |",
        "| defined_functions_share | 100.00% | min 30.00% | ok | WARN |",
    ]


def test_a_parsed_reject_without_a_call_reason_is_not_malformed():
    # The chat parsed (features set) but the row was rejected for its system prompt.
    system_reject = make_malformed_reject(0, ["not_glaive_system"])
    call_reject = make_malformed_reject(1, ["call_truncated"])
    stats = compute_pipeline_stats(make_processed_records(8), [system_reject, call_reject])
    assert stats.reject_rows == 2
    assert stats.malformed_rejects == 1
    assert stats.malformed_reasons == {"call_truncated": 1}
    assert stats.slices["complexity_tier"]["malformed"].malformed == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("min_row_fraction", 7, "min_row_fraction must be a rate in [0, 1], got 7"),
    ("max_reject_rate", -0.1, "max_reject_rate must be a rate in [0, 1], got -0.1"),
    ("max_none_tier_share", float("nan"), "max_none_tier_share must be a rate in [0, 1], got nan"),
    ("max_avg_turns", 0, "max_avg_turns must be a positive number, got 0"),
    ("max_avg_calls", -3.0, "max_avg_calls must be a positive number, got -3.0"),
    ("max_avg_calls", float("inf"), "max_avg_calls must be a positive number, got inf"),
])
def test_thresholds_out_of_range_are_refused(field, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        AnomalyThresholds(**{field: value})


def test_rates_at_the_ends_of_the_range_are_accepted():
    assert AnomalyThresholds(max_reject_rate=0, min_row_fraction=1.0).min_row_fraction == 1.0
