"""core/records.py and core/reasons.py: every reason code in exactly one family; columns derived from
the feature declaration, in the order the artifacts have."""

from __future__ import annotations

import re
from typing import Annotated, TypedDict

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core import records


def test_every_reason_code_is_in_exactly_one_family():
    codes = {value for name, value in vars(R).items() if name.isupper() and isinstance(value, str)}
    families = [R.ROW_REASONS, R.MALFORMED_REASONS, R.VALIDATION_ERRORS, R.STRUCTURE_WARNINGS]
    assert set().union(*families) == codes == R.ALL_REASONS
    assert sum(len(family) for family in families) == len(codes)
    assert R.REJECT_REASONS == R.ROW_REASONS | R.MALFORMED_REASONS
    assert all(re.fullmatch(r"[a-z]+(?:_[a-z]+)*", code) for code in codes)


def test_column_sets_agree():
    processed = set(records.PROCESSED_COLUMNS)
    assert set(records.LIGHT_FEATURE_COLUMNS) <= processed
    assert set(records.FLAG_COLUMNS) | set(records.COUNT_COLUMNS) <= processed
    assert all(records.PROCESSED_COLUMNS[column] == "bool" for column in records.FLAG_COLUMNS)
    assert all(records.PROCESSED_COLUMNS[column] == "int" for column in records.COUNT_COLUMNS)
    assert set(records.CHATML_METADATA_COLUMNS) <= processed
    assert list(records.REJECT_COLUMNS) == ["source_index", "record_id", "reasons", "raw", "features"]
    assert records.COMPLEXITY_TIERS[-1] == "malformed"


def test_the_columns_follow_the_feature_declaration():
    declared = list(records.LightFeatures.__annotations__)
    assert list(records.LIGHT_FEATURE_COLUMNS) == declared
    assert records.COUNT_COLUMNS == ("num_turns", "num_assistant_turns", "num_calls", "num_function_responses",
                                     "num_defined_functions")
    assert records.LABEL_VALUES == {"complexity_tier": records.COMPLEXITY_TIERS,
                                    "turn_bucket": records.TURN_BUCKETS, "call_bucket": records.CALL_BUCKETS}
    assert records.COUNT_BOUNDS == {"num_turns": (0, 50), "num_calls": (0, 20), "num_defined_functions": (0, 20)}
    assert records.FLAG_COLUMNS == tuple(name for name in declared if name.startswith("has_"))


def test_processed_columns_keep_the_artifacts_order():
    assert list(records.PROCESSED_COLUMNS) == [
        "source_index", "record_id", "system", "chat", "instruction", "tools", "turns",
        "num_turns", "num_assistant_turns", "num_calls", "num_function_responses", "num_defined_functions",
        "defined_function_names", "function_calls", "function_signatures",
        "complexity_tier", "turn_bucket", "call_bucket",
        "has_parallel", "has_multiple_calls", "has_defined_functions", "has_malformed",
        "has_function_error_response", "has_refusal", "has_error_handling",
        "malformed_reasons", "validation_errors", "structure_warnings",
    ]


def test_a_new_feature_is_one_declared_line():
    class Declared(TypedDict):
        num_things: Annotated[int, records.Count(at_most=3)]
        mood: Annotated[str, records.OneOf(("calm", "busy"))]
        has_things: bool

    assert records.feature_columns(Declared) == {
        "num_things": ("int", records.Count(at_most=3)),
        "mood": ("str", records.OneOf(("calm", "busy"))),
        "has_things": ("bool", None),
    }


@pytest.mark.parametrize("hint", [str, int, float, Annotated[int, records.OneOf(("a",))], Annotated[str, records.Count()]])
def test_a_feature_of_no_known_kind_is_refused(hint):
    Declared = TypedDict("Declared", {"odd": hint})
    with pytest.raises(TypeError, match="feature odd"):
        records.feature_columns(Declared)
