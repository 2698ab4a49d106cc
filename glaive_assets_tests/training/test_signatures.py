"""signatures.py and text.py: normalization, the dedup keys' definitions, and the slices read from ChatML."""

from __future__ import annotations

import copy
import re

from hypothesis import given
from hypothesis import strategies as st

from glaive_assets.core.transform import process_row
from glaive_assets.qa.domains import function_domain
from glaive_assets.qa.stats import SLICES
from glaive_assets.sources.sample import iter_sample_rows
from glaive_assets.training.signatures import row_keys, row_signature
from glaive_assets.training.text import hash64, hash_parts, normalize_text
from glaive_assets_tests.training.rows import (
    FLIGHT,
    NEWS,
    WEATHER,
    assistant,
    call,
    conversation,
    user,
    weather_row,
)


def test_normalize_text_folds_case_punctuation_and_whitespace():
    assert normalize_text("  What's   the WEATHER,\tin  Paris?! ") == "what s the weather in paris"
    assert normalize_text("snake_case__words") == "snake case words"
    assert normalize_text("ＦＵＬＬ　ｗｉｄｔｈ Straße") == "full width strasse"  # NFKC, then casefold
    assert normalize_text("...") == ""


def test_hash64_is_stable_and_never_zero():
    assert hash64(b"glaive") == hash64(b"glaive") != hash64(b"glaive!")
    assert hash64(b"") != 0
    # The same in every process (BLAKE2b, not Python's salted hash): the split order depends on it.
    assert hash_parts("structure", "a") == 0x3A4AC6CB91968E7D


def test_exact_key_ignores_metadata_but_not_content():
    row = weather_row(0, "What is the weather in Paris?", "Paris")
    moved = copy.deepcopy(row)
    moved["metadata"]["source_index"] = 99
    moved["id"] = "another id"
    assert row_keys(moved).exact == row_keys(row).exact
    changed = weather_row(0, "What is the weather in Paris?", "Paris", temperature=30)
    assert row_keys(changed).exact != row_keys(row).exact


def test_near_key_is_the_normalized_request_and_the_call_signature():
    row = weather_row(0, "What is the weather in Paris?", "Paris")
    variant = weather_row(1, "  what IS the weather in   paris ", "Paris", temperature=9)  # other response too
    assert row_keys(variant).near == row_keys(row).near
    other_city = weather_row(2, "What is the weather in Lima?", "Lima")
    assert row_keys(other_city).near != row_keys(row).near
    # Same request, other function: another call signature.
    news = conversation(3, [user("What is the weather in Paris?"), *call("get_news_headlines", country="France"),
                            assistant("Here are the headlines.")], [WEATHER, NEWS])
    assert row_keys(news).near != row_keys(row).near


def test_request_runs_to_the_first_call():
    vague = "I'd like to book a flight."
    first = conversation(0, [user(vague), assistant("Where from and to?"), user("From Oslo to Rome."),
                             *call("book_flight", origin="Oslo", destination="Rome"), assistant("Booked.")], [FLIGHT])
    second = conversation(1, [user(vague), assistant("Where from and to?"), user("From Lima to Quito."),
                              *call("book_flight", origin="Lima", destination="Quito"), assistant("Booked.")], [FLIGHT])
    # The answers to the clarifying question differ, so these are not near duplicates ...
    assert row_keys(first).near != row_keys(second).near
    # ... but their request template is the same once the argument values are masked.
    assert row_keys(first).structure == row_keys(second).structure


def test_structure_key_masks_argument_values():
    paris = weather_row(0, "What is the weather in Paris?", "Paris")
    lima = weather_row(1, "What's the weather in Lima?", "Lima")
    london = weather_row(2, "What is the weather in New York?", "New York")
    assert row_keys(paris).structure == row_keys(london).structure
    assert row_keys(lima).structure != row_keys(paris).structure  # "what s" is another template


def test_a_row_without_a_user_turn_has_no_near_key():
    row = conversation(0, [assistant("Hello, how can I help?")])
    keys = row_keys(row)
    assert keys.near == 0
    assert keys.structure == keys.exact


def test_calls_key_includes_argument_values():
    paris = weather_row(0, "What is the weather in Paris?", "Paris")
    again = weather_row(1, "Weather in Paris please", "Paris", temperature=3)
    lima = weather_row(2, "What is the weather in Paris?", "Lima")
    assert row_keys(paris).calls == row_keys(again).calls != row_keys(lima).calls


def test_signature_keeps_every_user_turn_normalized():
    row = weather_row(0, "Weather in Paris?", "Paris", extra=[user("Thanks!"), assistant("You're welcome.")])
    assert row_signature(row).user_turns == ("weather in paris", "thanks")


def test_slices_from_chatml_equal_the_core_features_on_sample_rows():
    """The slices are read from ChatML with the core's rules; they must agree with glaive_processed."""
    from glaive_assets.core.chatml import to_chatml

    compared = 0
    for source_index, raw in iter_sample_rows(1500, 11):
        processed = process_row(raw, source_index).processed
        if processed is None:
            continue
        expected = tuple(
            function_domain(processed["defined_function_names"]) if spec.name == "function_domain"
            else processed[spec.name]
            for spec in SLICES
        )
        assert row_signature(to_chatml(processed)).slices == expected, source_index
        compared += 1
    assert compared > 1400


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_the_ascii_fast_path_normalizes_as_the_regex_does(text):
    assert normalize_text(text) == re.sub(r"[\W_]+", " ", text.casefold()).strip()
