"""features.py: tiers, buckets, failure responses and refusals, with their edge cases."""

from __future__ import annotations

import pytest

from glaive_assets.core.features import (
    call_bucket,
    complexity_tier,
    has_refusal_text,
    is_error_response,
    light_features,
    turn_bucket,
)
from glaive_assets.core.parse import NOT_JSON, parse_chat, parse_system
from glaive_assets.core.records import CALL_BUCKETS, COMPLEXITY_TIERS, LIGHT_FEATURE_COLUMNS, TURN_BUCKETS


@pytest.mark.parametrize(
    "users, bucket", [(0, "none"), (1, "single"), (2, "short"), (3, "short"), (4, "medium"), (5, "medium"),
                      (6, "long"), (40, "long")]
)
def test_turn_bucket(users, bucket):
    assert turn_bucket(users) == bucket
    assert bucket in TURN_BUCKETS


@pytest.mark.parametrize("calls, bucket", [(0, "no_calls"), (1, "one_call"), (2, "two_calls"), (3, "many_calls"),
                                           (9, "many_calls")])
def test_call_bucket(calls, bucket):
    assert call_bucket(calls) == bucket
    assert bucket in CALL_BUCKETS


def one(n_args: int) -> list[dict]:
    return [{"name": "f", "arguments": {f"a{i}": i for i in range(n_args)}}]


@pytest.mark.parametrize(
    "num_calls, calls, malformed, tier",
    [
        (0, [], False, "none"),
        (1, one(0), False, "simple"),
        (1, one(2), False, "simple"),
        (1, one(3), False, "moderate"),
        (2, one(1) * 2, False, "complex"),
        (1, [], True, "malformed"),  # the one call could not be read
        (3, one(1) * 2, True, "malformed"),  # malformed wins over complex
    ],
)
def test_complexity_tier(num_calls, calls, malformed, tier):
    assert complexity_tier(num_calls, calls, malformed) == tier
    assert tier in COMPLEXITY_TIERS


@pytest.mark.parametrize(
    "value, text, failed",
    [
        ({"error": "Service unavailable"}, "", True),
        ({"Error": {"code": 500}}, "", True),
        ({"errors": ["bad date"]}, "", True),
        ({"status": "unavailable", "message": "try later"}, "", True),
        ({"status": "failed"}, "", True),
        ({"status": "Error"}, "", True),
        ({"status": "payment declined"}, "", True),
        ({"state": "timed out"}, "", True),
        ({"success": False, "message": "no seats"}, "", True),
        ({"error": None, "result": 4}, "", False),
        ({"errors": []}, "", False),
        ({"error": ""}, "", False),
        ({"status": "success"}, "", False),
        ({"status": "terrorism news fetched"}, "", False),  # whole words only
        ({"status": "failsafe engaged"}, "", False),
        ({"message": "An error occurred"}, "", False),  # not a status or error key
        ({"result": {"error": "nested"}}, "", False),  # nested objects are not searched
        ({"success": True}, "", False),
        ([{"error": "in a list"}], "", False),
        ("Error: disk full", "", True),  # a JSON string
        (NOT_JSON, "ERROR 500 upstream", True),
        (NOT_JSON, "Failed to connect", True),
        (NOT_JSON, "The weather is fine, no errors", False),
        (NOT_JSON, "Errorless run", False),
    ],
)
def test_error_responses(value, text, failed):
    assert is_error_response(value, text) is failed


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry, but I don't have the capability to book flights.",
        "I’m unable to place orders.",  # curly apostrophe
        "I am not able to send emails.",
        "I can't assist with that as it's an external task.",
        "I cannot perform external tasks like ordering a pizza.",
        "Unfortunately, I do not have the ability to browse the internet.",
        "That's beyond my current capabilities.",
        "Ordering food is outside the scope of my capabilities.",
        "My capabilities are limited to the functions provided.",
        "As an AI, I don't have personal opinions.",
        "i'M UNABLE TO do that",
    ],
)
def test_refusals(text):
    assert has_refusal_text([text]) is True


@pytest.mark.parametrize(
    "text",
    [
        "Sure, I can help with that.",
        "I can't help but admire the view.",
        "The function was unable to find a match.",  # not the assistant declining
        "Here's a pizzeria I'm sure you'll like.",
        "I'm unableto",  # no word boundary
        "Your flight is booked.",
    ],
)
def test_not_refusals(text):
    assert has_refusal_text([text]) is False


def test_refusals_only_count_in_assistant_text_turns():
    system = parse_system("SYSTEM: You are a helpful assistant, with no access to external functions.\n\n")
    user_says = parse_chat("USER: I'm unable to sleep.\n\n\nASSISTANT: Try warm milk. <|endoftext|>")
    assert light_features(user_says, system)["has_refusal"] is False
    call_text = parse_chat(
        "USER: a\n\n\nASSISTANT: I'm unable to guess, so I will check.\n"
        "<functioncall> {\"name\": \"f\", \"arguments\": '{}'} <|endoftext|>\n\n\nFUNCTION RESPONSE: {}"
    )
    assert light_features(call_text, system)["has_refusal"] is False


def test_light_features_keys_and_error_handling():
    system = parse_system("SYSTEM: You are a helpful assistant, with no access to external functions.\n\n")
    parsed = parse_chat(
        "USER: a\n\n\nASSISTANT: <functioncall> {\"name\": \"f\", \"arguments\": '{}'} <|endoftext|>\n\n\n"
        "FUNCTION RESPONSE: {\"status\": \"failed\"}\n\n\nASSISTANT: It failed. <|endoftext|>"
    )
    features = light_features(parsed, system)
    assert list(features) == list(LIGHT_FEATURE_COLUMNS)
    assert features["has_function_error_response"] is True
    assert features["has_refusal"] is False
    assert features["has_error_handling"] is True
    assert features["has_defined_functions"] is False


# --- the anchor pre-check never hides a refusal -------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from glaive_assets.core.features import REFUSAL, REFUSAL_ANCHORS, has_refusal_anchor  # noqa: E402

refusal_words = st.sampled_from([
    "I", "I'm", "I’m", "i AM", "am", "unable", "UNABLE", "not", "able", "to", "can't", "CAN’T", "cannot", "can",
    "don't", "do", "have", "the", "ability", "beyond", "Outside", "of", "my", "current", "capabilities", "is",
    "limited", "as", "an", "AI,", "it's", "external", "task", "help", "but", "ſ", "K", "İ", "ı", "sorry,",
    "I'm unable to", "I’M NOT ABLE to", "I can't assist", "I cannot help but", "I don't have the capability",
    "beyond my current capabilities", "As an AI, I cannot", "it’s an external task", "My capabilities are limited to",
    "outſide my capabilities", "I can\u2019t perform",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(refusal_words, min_size=1, max_size=10).map(" ".join))
def test_every_refusal_match_contains_an_anchor(text):
    if REFUSAL.search(text):
        assert any(anchor in text.lower() for anchor in REFUSAL_ANCHORS), text
    assert has_refusal_text([text]) is bool(REFUSAL.search(text))


@settings(max_examples=500, deadline=None)
@given(st.lists(refusal_words | st.sampled_from(REFUSAL_ANCHORS) | st.text(max_size=12), min_size=0, max_size=10)
       .map(" ".join))
def test_grouped_anchor_check_equals_looking_for_each_anchor(text):
    lowered = text.lower()
    assert has_refusal_anchor(lowered) is any(anchor in lowered for anchor in REFUSAL_ANCHORS), text


def test_grouped_anchor_check_finds_every_anchor_alone():
    for anchor in REFUSAL_ANCHORS:
        assert has_refusal_anchor(anchor) is True and has_refusal_anchor(f"x {anchor} y") is True, anchor
    assert has_refusal_anchor("i can help; it is not hard and isn't far.") is False
