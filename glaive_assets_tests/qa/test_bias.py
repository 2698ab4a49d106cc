"""Representation-bias slices, findings, mitigation numbers and the function-domain keyword table."""

from __future__ import annotations

import math
from fractions import Fraction

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glaive_assets.core import reasons
from glaive_assets.qa.bias import (
    FAMILIES,
    analyze_bias,
    bias_findings_by_family,
    is_known_source_gap,
    known_gaps_by_family,
    markdown_table,
    mitigation,
    rows_to_reach_share,
    sample_weight,
)
from glaive_assets.qa.domains import function_domain
from glaive_assets.qa.stats import SLICES, compute_pipeline_stats
from glaive_assets_tests.fixtures.qa.records import (
    make_malformed_reject,
    make_processed_record,
    make_processed_records,
    make_reject,
)

TIERS = ("none", "simple", "moderate", "complex")
CALLS = ("no_calls", "one_call", "two_calls", "many_calls")
TURNS = ("single", "short", "medium", "long")

SLICES_BY_NAME = {spec.name: spec for spec in SLICES}


def balanced_records(count: int = 100) -> list[dict]:
    """Every tier and bucket a quarter of the records; a quarter without functions."""
    records = []
    for index in range(count):
        quarter = index % 4
        records.append(make_processed_record(
            index,
            complexity_tier=TIERS[quarter],
            call_bucket=CALLS[quarter],
            turn_bucket=TURNS[quarter],
            num_turns=quarter + 1,
            num_calls=quarter,
            has_error_handling=quarter == 0,
            has_refusal=quarter == 1,
            has_defined_functions=quarter != 3,
            defined_function_names=[] if quarter == 3 else ["get_exchange_rate"],
        ))
    return records


def report_for(processed: list, rejects: list = (), threshold: float = 0.05) -> dict:
    return analyze_bias(compute_pipeline_stats(iter(processed), iter(rejects)), threshold)


def values(report: dict, slice_name: str) -> dict:
    return {row["value"]: row for row in report["slice_statistics"][slice_name]["values"]}


def _matches(entry: dict, slice_name: str, value) -> bool:
    # type() too: True == 1 in Python, and the flags' values are bools.
    return entry["slice"] == slice_name and type(entry["value"]) is type(value) and entry["value"] == value


def finding(report: dict, slice_name: str, value) -> dict:
    [match] = [f for f in report["findings"] if _matches(f, slice_name, value)]
    return match


def fix_for(report: dict, slice_name: str, value) -> dict:
    [match] = [m for m in report["mitigations"] if _matches(m, slice_name, value)]
    return match


# --- the formulas -----------------------------------------------------------------------------


def test_sample_weight_brings_the_slice_to_the_threshold():
    weight = sample_weight(20, 1000, 0.05)
    assert weight == 49 / 19  # 0.05 * 980 / (20 * 0.95)
    assert weight * 20 / (weight * 20 + 980) == pytest.approx(0.05, abs=1e-15)
    assert sample_weight(0, 1000, 0.05) is None


def test_rows_to_reach_share_is_the_smallest_sufficient_number():
    assert rows_to_reach_share(20, 1000, 0.05) == 32
    assert (20 + 32) / (1000 + 32) >= 0.05 > (20 + 31) / (1000 + 31)
    # Exact arithmetic: (0 + 1) / (19 + 1) is exactly 5%, where floats would ask for 2 rows.
    assert rows_to_reach_share(0, 19, 0.05) == 1
    assert rows_to_reach_share(1, 39, 0.05) == 1
    assert rows_to_reach_share(12, 1000, 0.05) == 40
    assert rows_to_reach_share(0, 100, 0.05) == 6
    assert rows_to_reach_share(0, 0, 0.05) == 1  # an empty dataset still needs one row
    assert rows_to_reach_share(60, 1000, 0.05) == 0  # already above


@given(
    total=st.integers(min_value=1, max_value=100_000),
    count_share=st.fractions(min_value=0, max_value=1),
    threshold=st.sampled_from([0.01, 0.05, 0.1, 0.3]),
)
def test_rows_to_reach_share_matches_its_definition(total, count_share, threshold):
    count = math.floor(count_share * total)
    rows = rows_to_reach_share(count, total, threshold)
    t = Fraction(str(threshold))
    assert Fraction(count + rows, total + rows) >= t
    if rows > (1 if count == 0 else 0):
        assert Fraction(count + rows - 1, total + rows - 1) < t


@pytest.mark.parametrize("threshold", [0, 1, -0.1, 1.5, True, "0.05"])
def test_threshold_must_be_a_share(threshold):
    with pytest.raises(ValueError):
        rows_to_reach_share(1, 10, threshold)
    with pytest.raises(ValueError):
        analyze_bias(compute_pipeline_stats([], []), threshold)


# --- the strategy rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "total", "strategy", "rows_to_add", "weight"),
    [
        (0, 1000, "collect_more", 53, None),  # nothing to duplicate or weight
        (5, 1000, "collect_more", 48, 199 / 19),  # 0.5% but only 5 rows: duplicating them ~10x is memorising
        (10, 2000, "oversample", 95, 199 / 19),  # 0.5% with enough rows
        (30, 1000, "reweight", 22, 97 / 57),  # 3%: between 1% and 5%
        (10, 1000, "reweight", 43, 99 / 19),  # exactly 1% is not below 1%
    ],
)
def test_mitigation_strategy(count, total, strategy, rows_to_add, weight):
    fix = mitigation(SLICES_BY_NAME["has_refusal"], True, count, total, 0.05)
    assert fix["strategy"] == strategy
    assert fix["rows_to_add"] == rows_to_add
    assert fix["target_count"] == count + rows_to_add
    assert fix["sample_weight"] == weight
    assert fix["share"] == count / total


# --- the report ---------------------------------------------------------------------------------


def test_the_source_gap_note_only_explains_an_empty_slice():
    empty = mitigation(SLICES_BY_NAME["has_parallel"], True, 0, 1000, 0.05)
    assert empty["reason"].startswith("Glaive v2 never issues two calls in one assistant turn")
    present = mitigation(SLICES_BY_NAME["has_parallel"], True, 30, 1000, 0.05)
    assert present["reason"] == "give these rows sample weight 1.7018 (all other rows 1)"


def test_balanced_families_pass_and_empty_parallel_is_a_known_source_gap_not_a_finding():
    report = report_for(balanced_records())
    by_family = bias_findings_by_family(report)
    assert list(by_family) == list(FAMILIES) == ["complexity", "conversation", "capability", "domain"]
    assert by_family["complexity"] == []
    assert by_family["conversation"] == []
    assert by_family["capability"] == []
    assert known_gaps_by_family(report)["capability"] == report["known_source_gaps"] == [{
        "slice": "has_parallel",
        "family": "capability",
        "value": True,
        "count": 0,
        "share": 0.0,
        "threshold": 0.05,
        "severity": "high",
        "message": "has_parallel=True holds 0 of 100 records (0.00%), below 5%",
    }]
    assert report["known_source_gaps_count"] == 1
    assert report["findings_count"] == len(report["findings"]) == 11  # the domain slice's 11
    parallel = fix_for(report, "has_parallel", True)
    assert parallel["strategy"] == "collect_more"
    assert parallel["rows_to_add"] == 6
    assert "never issues two calls in one assistant turn" in parallel["reason"]
    assert report["families"]["capability"] == {
        "slices": ["has_error_handling", "has_parallel", "has_defined_functions", "has_refusal"],
        "findings_count": 0,
        "known_source_gaps_count": 1,
    }
    assert orjson.loads(orjson.dumps(report)) == report


def test_a_known_gap_slice_with_rows_in_it_is_an_ordinary_finding():
    records = balanced_records()
    for record in records[:2]:  # another source could issue parallel calls: 2% is then a real finding
        record["has_parallel"] = True
    report = report_for(records)
    assert report["known_source_gaps"] == []
    assert finding(report, "has_parallel", True)["count"] == 2
    assert [f["slice"] for f in bias_findings_by_family(report)["capability"]] == ["has_parallel"]
    assert (is_known_source_gap("has_parallel", True, 0), is_known_source_gap("has_parallel", True, 2),
            is_known_source_gap("has_refusal", True, 0)) == (True, False, False)


def test_every_closed_set_value_is_reported_with_its_figures():
    report = report_for(balanced_records())
    tiers = values(report, "complexity_tier")
    assert list(tiers) == ["none", "simple", "moderate", "complex", "malformed"]
    assert tiers["moderate"] == {
        "value": "moderate",
        "count": 25,
        "share": 0.25,
        "avg_turns": 3.0,
        "avg_calls": 2.0,
        "malformed_count": 0,
        "malformed_rate": 0.0,
        "target": True,
        "flagged": False,
        "note": None,
    }
    assert list(values(report, "has_parallel")) == [True, False]
    assert values(report, "has_parallel")[False]["count"] == 100
    assert report["total_records"] == 100
    assert report["slices_analyzed"] == 8


def test_zero_row_category_is_flagged_high():
    records = [r for r in balanced_records() if r["complexity_tier"] != "complex"]  # 75 left
    report = report_for(records)
    result = finding(report, "complexity_tier", "complex")
    assert (result["count"], result["share"], result["severity"]) == (0, 0.0, "high")
    fix = fix_for(report, "complexity_tier", "complex")
    assert (fix["strategy"], fix["rows_to_add"], fix["sample_weight"]) == ("collect_more", 4, None)  # ceil(3.75/0.95)
    assert values(report, "complexity_tier")["complex"]["avg_turns"] is None


def test_small_but_present_category_is_medium_and_reweighted():
    records = balanced_records(97) + make_processed_records(3, has_refusal=True, complexity_tier="none")
    for index, record in enumerate(records):
        record["has_refusal"] = index >= 97
    report = report_for(records)
    result = finding(report, "has_refusal", True)
    assert (result["count"], result["share"], result["severity"]) == (3, 0.03, "medium")
    fix = fix_for(report, "has_refusal", True)
    assert fix["strategy"] == "reweight"
    assert fix["sample_weight"] == 97 / 57  # 0.05 * 97 / (3 * 0.95)
    assert fix["rows_to_add"] == 3  # (3 + 3) / 103 >= 5% > (3 + 2) / 102


def test_not_target_values_are_shown_but_never_flagged():
    rejects = [make_malformed_reject(500 + i, [reasons.CALL_TRUNCATED]) for i in range(4)]
    report = report_for(balanced_records(), rejects)
    malformed_tier = values(report, "complexity_tier")["malformed"]
    assert (malformed_tier["count"], malformed_tier["malformed_count"], malformed_tier["malformed_rate"]) == (0, 4, 1.0)
    assert (malformed_tier["target"], malformed_tier["flagged"]) == (False, False)
    assert "rejects by contract" in malformed_tier["note"]
    no_turns = values(report, "turn_bucket")["none"]
    assert (no_turns["count"], no_turns["flagged"]) == (0, False)
    assert not [f for f in report["findings"] if f["slice"] == "complexity_tier"]


def test_values_outside_the_closed_set_are_reported_not_flagged():
    records = balanced_records(99) + [make_processed_record(99, complexity_tier="weird")]
    report = report_for(records)
    weird = values(report, "complexity_tier")["weird"]
    assert (weird["count"], weird["target"], weird["flagged"]) == (1, False, False)
    assert weird["note"] == "outside the closed set (see the schema report)"
    assert list(values(report, "complexity_tier"))[-1] == "weird"


def test_malformed_counts_come_from_reject_features():
    rejects = [
        make_malformed_reject(500, [reasons.CALL_TRUNCATED], turn_bucket="long", has_refusal=True),
        make_malformed_reject(501, [reasons.CALL_TRUNCATED], turn_bucket="long"),
        make_reject(502, [reasons.MISSING_CHAT]),  # no features: counted nowhere
    ]
    report = report_for(balanced_records(), rejects)
    long_turns = values(report, "turn_bucket")["long"]
    assert (long_turns["count"], long_turns["malformed_count"]) == (25, 2)
    assert long_turns["malformed_rate"] == 2 / 27
    assert values(report, "has_refusal")[True]["malformed_count"] == 1
    # Light features carry no function names: the domain slice cannot say where rejects fall.
    assert values(report, "function_domain")["finance"]["malformed_count"] is None


def test_domain_slice():
    report = report_for(balanced_records())
    domains = values(report, "function_domain")
    assert (domains["finance"]["count"], domains["no_functions"]["count"]) == (75, 25)
    assert (domains["no_functions"]["target"], domains["other"]["target"]) == (False, False)
    flagged = [f["value"] for f in bias_findings_by_family(report)["domain"]]
    assert flagged == ["weather", "travel", "food", "health", "news", "entertainment", "communication",
                       "productivity", "shopping", "math", "utility"]


def test_no_records_flags_every_target_without_dividing_by_zero():
    report = analyze_bias(compute_pipeline_stats([], []))
    assert report["total_records"] == 0
    assert report["bias_detected"] is True
    first = report["findings"][0]
    assert first == {
        "slice": "complexity_tier",
        "family": "complexity",
        "value": "none",
        "count": 0,
        "share": None,
        "threshold": 0.05,
        "severity": "high",
        "message": "complexity_tier='none': no processed records at all",
    }
    assert {(m["strategy"], m["rows_to_add"]) for m in report["mitigations"]} == {("collect_more", 1)}


def test_custom_threshold():
    records = balanced_records()
    report = report_for(records, threshold=0.3)  # every quarter (25%) is now too small
    assert {f["value"] for f in bias_findings_by_family(report)["complexity"]} == set(TIERS) | set(CALLS)
    fix = fix_for(report, "complexity_tier", "none")
    assert fix["sample_weight"] == pytest.approx(0.3 * 75 / (25 * 0.7))
    assert fix["rows_to_add"] == 8  # ceil((30 - 25) / 0.7) = ceil(7.14)


def test_markdown_table():
    text = markdown_table(report_for(balanced_records()))
    lines = text.splitlines()
    assert lines[0] == "**Representation bias**: 11 findings over 100 records (threshold 5%), 1 known source gap"
    assert "| complexity_tier | records | share | avg turns | avg calls | malformed rejects | bias |" in lines
    assert "| moderate | 25 | 25.00% | 3 | 2 | 0 |  |" in lines
    assert "| malformed | 0 | 0.00% | n/a | n/a | 0 | not a target |" in lines
    assert "| has_parallel | True | 0 | 0.00% | high (known source gap) | collect_more | 6 | n/a |" in lines
    assert "| function_domain | weather | 0 | 0.00% | high | collect_more | 6 | n/a |" in lines
    assert sum(line.startswith("| function_domain |") for line in lines) == 11


# --- function domains ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "domain"),
    [
        (["get_stock_price"], "finance"),
        (["convertCurrency"], "finance"),
        (["calculate_tip", "get_weather"], "finance"),  # the first declared function decides
        (["book_flight"], "travel"),  # travel comes before entertainment's "book"
        (["get_news_headlines"], "news"),
        (["search_recipes"], "food"),
        (["calculate_bmi"], "health"),
        (["get_weather_forecast"], "weather"),
        (["send_email"], "communication"),
        (["create_todo"], "productivity"),
        (["generate_password"], "utility"),
        (["calculate_area"], "math"),
        (["frobnicate"], "other"),
        ([5], "other"),
        ("get_weather", "other"),  # not a list
        ([], "no_functions"),
        (None, "no_functions"),
    ],
)
def test_function_domain(names, domain):
    assert function_domain(names) == domain
