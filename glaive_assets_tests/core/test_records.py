"""The contract modules stay consistent: every reason code in exactly one family, columns that agree."""

from __future__ import annotations

import re

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
