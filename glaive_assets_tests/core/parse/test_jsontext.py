"""core/parse/jsontext.py: nesting, cut-off and leniency of JSON text."""

from __future__ import annotations

from glaive_assets.core.parse.jsontext import MAX_JSON_DEPTH, bracket_profile, is_too_deep, reads_leniently


def test_bracket_profile_skips_strings():
    assert bracket_profile('{"a": "[[[{", "b": [1]}') == bracket_profile('{"a": "", "b": [1]}')
    profile = bracket_profile('{"a": "x\\"]')
    assert profile.open_string is True
    profile = bracket_profile('{"a": [[1]]')
    assert (profile.max_depth, profile.open_brackets, profile.open_string) == (3, 1, False)


def test_is_cut_means_an_open_string_or_bracket():
    assert bracket_profile('{"a": [1').is_cut is True
    assert bracket_profile('{"a": "x').is_cut is True
    assert bracket_profile('{"a": 1}').is_cut is False
    assert bracket_profile('{"a": 1}}').is_cut is False  # one closer too many is not a cut


def test_is_too_deep_counts_nesting_not_brackets_in_strings():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    over = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    assert is_too_deep(at_limit) is False
    assert is_too_deep(over) is True
    assert is_too_deep('["' + "[" * 100 + '"]') is False  # the brackets are text
    assert is_too_deep("[[[]]]", limit=2) is True


def test_reads_leniently_accepts_what_only_python_json_reads():
    assert reads_leniently('{"n": NaN}') is True
    assert reads_leniently('{"n": 1e999}') is True
    assert reads_leniently('{"w": "\\ud800"}') is True
    assert reads_leniently('{"n": }') is False
    assert reads_leniently("[" * 100_000) is False  # RecursionError or ValueError, never raised
