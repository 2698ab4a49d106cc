"""Every core fixture (real-row shapes and one per QUIRKS.md row) parsed to exact values.

The fixtures are invented rows in Glaive's raw byte layout (fixtures/core/make_fixtures.py writes them).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.chatml import render_glaive, to_chatml
from glaive_assets.core.records import LIGHT_FEATURE_COLUMNS, PROCESSED_COLUMNS
from glaive_assets.core.transform import process_row

FIXTURES = Path(__file__).parents[1] / "fixtures" / "core"
TOOL_PROMPT = "You are a helpful assistant with access to the following functions. Use them if required -"
PLAIN_PROMPT = "You are a helpful assistant, with no access to external functions."


def load(kind: str, name: str) -> dict:
    return orjson.loads((FIXTURES / kind / f"{name}.jsonl").read_bytes())


def processed(kind: str, name: str) -> dict:
    outcome = process_row(load(kind, name), 7)
    assert outcome.reject is None, outcome.reject
    assert list(outcome.processed) == list(PROCESSED_COLUMNS)
    return outcome.processed


def rejected(kind: str, name: str) -> dict:
    outcome = process_row(load(kind, name), 7)
    assert outcome.processed is None
    return outcome.reject


def u(text: str) -> dict:
    return {"role": "user", "content": text}


def a(text: str) -> dict:
    return {"role": "assistant", "content": text}


def fc(name: str, arguments: dict, call_id: str, content: str = "") -> dict:
    return {"role": "function_call", "content": content, "name": name, "arguments": arguments,
            "call_id": call_id, "parallel": False}


def fr(text: str, call_id: str | None) -> dict:
    return {"role": "function_response", "content": text, "call_id": call_id}


def test_fixture_files_are_raw_glaive_rows_only():
    files = sorted(FIXTURES.glob("*/*.jsonl"))
    assert len(files) == 35
    for path in files:
        lines = path.read_bytes().splitlines()
        assert len(lines) == 1
        row = orjson.loads(lines[0])
        assert list(row) == ["system", "chat"] and all(isinstance(v, str) for v in row.values())
        assert row["system"].startswith("SYSTEM: ")


# --- shapes of real rows -------------------------------------------------------------------------


def test_no_functions():
    record = processed("shapes", "no_functions")
    assert record["instruction"] == PLAIN_PROMPT
    assert record["tools"] == [] and record["function_signatures"] == {}
    assert record["turns"] == [
        u("What is the boiling point of water at sea level?"),
        a("Water boils at 100 degrees Celsius (212 degrees Fahrenheit) at sea level."),
        u("And on a high mountain?"),
        a("It boils at a lower temperature, because the air pressure is lower."),
    ]
    assert (record["num_turns"], record["num_assistant_turns"], record["num_calls"]) == (2, 2, 0)
    assert (record["complexity_tier"], record["turn_bucket"], record["call_bucket"]) == ("none", "short", "no_calls")
    assert record["has_defined_functions"] is False and record["num_defined_functions"] == 0
    assert record["structure_warnings"] == [] and record["validation_errors"] == []


def test_refusal():
    record = processed("shapes", "refusal")
    assert record["turns"][1]["content"].startswith("I'm sorry, but I don't have the capability to place orders.")
    assert record["has_refusal"] is True
    assert record["has_function_error_response"] is False
    assert record["has_error_handling"] is True
    assert record["defined_function_names"] == ["get_tide_times"]
    assert record["complexity_tier"] == "none" and record["turn_bucket"] == "single"


def test_one_call():
    record = processed("shapes", "one_call")
    assert record["turns"] == [
        u("When is high tide?"),
        a("Which harbour would you like the tide times for?"),
        u("Port Isaac, please."),
        fc("get_tide_times", {"harbour": "Port Isaac"}, "call_0"),
        fr('{"high": ["05:12", "17:40"], "low": ["11:25", "23:51"]}', "call_0"),
        a("In Port Isaac high tide is at 05:12 and 17:40 today."),
    ]
    assert record["function_calls"] == [{"name": "get_tide_times", "arguments": {"harbour": "Port Isaac"}}]
    assert record["function_signatures"] == {
        "get_tide_times": {
            "description": "Get high and low tide times for a harbour",
            "parameters": {
                "type": "object",
                "properties": {
                    "harbour": {"type": "string", "description": "The harbour name"},
                    "date": {"type": "string", "description": "The date, YYYY-MM-DD"},
                },
                "required": ["harbour"],
            },
            "required": ["harbour"],
        }
    }
    assert (record["num_turns"], record["num_assistant_turns"], record["num_calls"],
            record["num_function_responses"]) == (2, 3, 1, 1)
    assert (record["complexity_tier"], record["call_bucket"]) == ("simple", "one_call")
    assert record["has_refusal"] is False and record["has_error_handling"] is False


def test_two_calls_two_schemas():
    record = processed("shapes", "two_calls_two_schemas")
    assert record["defined_function_names"] == ["get_tide_times", "set_kitchen_timer"]
    assert record["num_defined_functions"] == 2
    assert [tool["name"] for tool in record["tools"]] == ["get_tide_times", "set_kitchen_timer"]
    assert record["tools"][1]["parameters"]["properties"]["alarm"]["enum"] == ["bell", "chime", "buzz"]
    assert record["function_calls"] == [
        {"name": "set_kitchen_timer", "arguments": {"minutes": 12, "label": "eggs", "alarm": "chime"}},
        {"name": "get_tide_times", "arguments": {"harbour": "Whitby", "date": "2024-05-01"}},
    ]
    assert [t["role"] for t in record["turns"]] == [
        "user", "function_call", "function_response", "assistant",
        "user", "function_call", "function_response", "assistant",
    ]
    assert [t.get("call_id") for t in record["turns"]] == [
        None, "call_0", "call_0", None, None, "call_1", "call_1", None
    ]
    assert (record["complexity_tier"], record["call_bucket"], record["has_multiple_calls"]) == (
        "complex", "two_calls", True)
    assert record["has_parallel"] is False
    assert record["validation_errors"] == [] and record["structure_warnings"] == []


def test_non_ascii():
    record = processed("shapes", "non_ascii")
    assert record["turns"][0] == u("Send Zoë a note: «À demain, 東京で会いましょう» 🚆")
    assert record["function_calls"] == [
        {"name": "send_note", "arguments": {"recipient": "Zoë", "message": "À demain, 東京で会いましょう 🚆"}}
    ]
    assert record["validation_errors"] == []


@pytest.mark.parametrize("name", ["error_status_response", "error_key_response"])
def test_error_responses(name):
    record = processed("shapes", name)
    assert record["has_function_error_response"] is True
    assert record["has_refusal"] is False
    assert record["has_error_handling"] is True
    assert record["structure_warnings"] == []


def test_validation_errors_cover_every_schema_check():
    record = processed("shapes", "validation_errors")
    assert record["function_calls"] == [
        {"name": "set_kitchen_timer", "arguments": {"label": "bread"}},
        {"name": "set_kitchen_timer", "arguments": {"minutes": "ten", "alarm": "gong", "colour": "red"}},
    ]
    assert record["validation_errors"] == [
        R.ARGUMENT_ENUM_MISMATCH,  # "gong" is not bell/chime/buzz
        R.ARGUMENT_TYPE_MISMATCH,  # "ten" is not an integer
        R.MISSING_REQUIRED_ARGUMENT,  # the first call has no minutes
        R.UNKNOWN_ARGUMENT,  # colour is not declared
    ]
    assert record["complexity_tier"] == "complex"


def test_function_without_parameters():
    record = processed("shapes", "empty_parameters")
    assert record["function_signatures"]["random_palette"] == {
        "description": "Pick a random colour palette", "parameters": {}, "required": []}
    assert record["function_calls"] == [{"name": "random_palette", "arguments": {}}]
    assert record["validation_errors"] == []
    assert record["complexity_tier"] == "simple"


# --- one fixture per QUIRKS.md row ----------------------------------------------------------------


def test_quirk_arguments_plain_object():
    record = processed("quirks", "arguments_plain_object")
    assert record["turns"][1] == fc("random_palette", {}, "call_0")
    assert record["structure_warnings"] == [R.ARGUMENTS_PLAIN_OBJECT]
    assert record["validation_errors"] == []


def test_quirk_arguments_plain_object_over_several_lines():
    record = processed("quirks", "arguments_plain_object_multiline")
    assert record["function_calls"] == [{"name": "estimate_shipping", "arguments": {"weight_kg": 2.5}}]
    assert record["structure_warnings"] == [R.ARGUMENTS_PLAIN_OBJECT]


def test_quirk_arguments_pretty_printed_in_quotes():
    record = processed("quirks", "arguments_multiline")
    assert record["function_calls"] == [
        {"name": "get_poem_text", "arguments": {"poem": "The Tyger", "poet": "William Blake"}}
    ]
    assert record["structure_warnings"] == []  # valid JSON: nothing to repair


def test_quirk_apostrophes_inside_quoted_arguments():
    record = processed("quirks", "arguments_apostrophe")
    assert record["function_calls"] == [
        {"name": "send_note", "arguments": {"recipient": "Sam", "message": "Let's meet at O'Neill's at six"}}
    ]
    assert record["structure_warnings"] == []


def test_quirk_escaped_apostrophe():
    record = processed("quirks", "arguments_escaped_apostrophe")
    assert record["function_calls"] == [
        {"name": "send_note", "arguments": {"recipient": "Ana", "message": "It's raining"}}
    ]
    assert record["structure_warnings"] == [R.ESCAPED_APOSTROPHE]


def test_quirk_infinity_is_rejected():
    reject = rejected("quirks", "arguments_infinity")
    assert reject["reasons"] == [R.NONSTANDARD_JSON]
    assert reject["features"]["complexity_tier"] == "malformed"
    assert reject["features"]["has_malformed"] is True
    assert reject["features"]["num_calls"] == 1


def test_quirk_bare_placeholder_is_rejected():
    reject = rejected("quirks", "arguments_placeholder")
    assert reject["reasons"] == [R.PLACEHOLDER_ARGUMENT]


def test_quirk_placeholder_string_is_flagged():
    record = processed("quirks", "arguments_placeholder_string")
    assert record["function_calls"][0]["arguments"]["recipient"] == "[User provided data]"
    assert record["validation_errors"] == [R.PLACEHOLDER_VALUE]


@pytest.mark.parametrize("name", ["arguments_list", "arguments_null"])
def test_quirk_arguments_not_an_object(name):
    assert rejected("quirks", name)["reasons"] == [R.ARGUMENTS_NOT_OBJECT]


def test_quirk_parameters_key():
    assert rejected("quirks", "parameters_key")["reasons"] == [R.WRONG_ARGUMENTS_KEY]


def test_quirk_call_truncated():
    reject = rejected("quirks", "call_truncated")
    assert reject["reasons"] == [R.CALL_TRUNCATED]
    assert reject["raw"] == load("quirks", "call_truncated")
    assert reject["source_index"] == 7
    assert list(reject["features"]) == list(LIGHT_FEATURE_COLUMNS)
    assert reject["features"] == {
        "num_turns": 1, "num_assistant_turns": 1, "num_calls": 1, "num_function_responses": 0,
        "num_defined_functions": 1, "complexity_tier": "malformed", "turn_bucket": "single",
        "call_bucket": "one_call", "has_parallel": False, "has_multiple_calls": False,
        "has_defined_functions": True, "has_malformed": True, "has_function_error_response": False,
        "has_refusal": False, "has_error_handling": False,
    }


def test_quirk_extra_closing_brace_is_repaired():
    record = processed("quirks", "extra_closing_brace")
    assert record["function_calls"] == [
        {"name": "send_note", "arguments": {"recipient": "Lee", "message": "Agenda at 10"}}
    ]
    assert record["structure_warnings"] == [R.EXTRA_CLOSING_BRACE]


def test_quirk_foreign_call_syntax():
    reject = rejected("quirks", "foreign_call_syntax")
    assert reject["reasons"] == [R.FOREIGN_CALL_SYNTAX]
    assert reject["features"]["num_calls"] == 1
    assert reject["features"]["num_function_responses"] == 1


def test_quirk_text_before_call():
    record = processed("quirks", "text_before_call")
    assert record["turns"][1] == fc("search_articles", {"topic": "tidal energy"}, "call_0",
                                    content="Let me look that up for you.")
    assert record["structure_warnings"] == [R.TEXT_BEFORE_CALL]
    message = to_chatml(record)["messages"][2]
    assert message["content"] == "Let me look that up for you."
    assert message["tool_calls"][0]["function"] == {"name": "search_articles", "arguments": '{"topic":"tidal energy"}'}


def test_quirk_stray_marker_in_assistant_turn():
    record = processed("quirks", "stray_marker_in_assistant")
    assert record["turns"] == [
        u("Summarise the robotics news."),
        a("Here are the stories I found about"),
        a("1. Warehouse robots sort parcels\n2. A robot learns to fold shirts"),
    ]
    assert record["structure_warnings"] == [R.CONSECUTIVE_ASSISTANT_TURNS, R.STRAY_MARKER]


def test_quirk_stray_marker_in_function_response():
    record = processed("quirks", "stray_marker_in_function_response")
    assert record["turns"] == [
        u("News on vertical farms?"),
        fc("search_articles", {"topic": "vertical farms"}, "call_0"),
        fr('{"articles": [{"title": "Lettuce grown in a', "call_0"),
        a('former mine"}]}'),
        a("I found one: Lettuce grown in a former mine."),
    ]
    assert record["structure_warnings"] == [
        R.CONSECUTIVE_ASSISTANT_TURNS, R.MISSING_ENDOFTEXT, R.RESPONSE_TRUNCATED, R.STRAY_MARKER]


def test_quirk_stray_marker_in_user_turn():
    record = processed("quirks", "stray_marker_in_user")
    assert record["turns"][:2] == [u('Add "The Salt'), a('Road" to my list.')]
    assert record["structure_warnings"] == [R.CONSECUTIVE_ASSISTANT_TURNS, R.MISSING_ENDOFTEXT, R.STRAY_MARKER]


def test_quirk_ends_on_user_turn():
    record = processed("quirks", "ends_on_user_turn")
    assert record["turns"][-1] == u("Another one?")
    assert record["structure_warnings"] == [R.ENDS_ON_USER_TURN]
    assert record["num_turns"] == 2 and record["num_assistant_turns"] == 1


def test_quirk_two_user_turns_in_a_row():
    record = processed("quirks", "consecutive_user_turns")
    assert [t["role"] for t in record["turns"]] == ["user", "user", "assistant"]
    assert record["structure_warnings"] == [R.CONSECUTIVE_USER_TURNS]


def test_quirk_two_assistant_turns_in_a_row():
    record = processed("quirks", "consecutive_assistant_turns")
    assert [t["role"] for t in record["turns"]] == [
        "user", "assistant", "function_call", "function_response", "assistant"]
    assert record["structure_warnings"] == [R.ARGUMENTS_PLAIN_OBJECT, R.CONSECUTIVE_ASSISTANT_TURNS]


def test_quirk_call_name_differs_from_declared():
    record = processed("quirks", "call_name_mismatch")
    assert record["defined_function_names"] == ["make_to-do_entry"]
    assert record["function_calls"][0]["name"] == "make_to_do_entry"
    assert record["validation_errors"] == [R.UNDECLARED_FUNCTION]


def test_quirk_duplicate_declaration_with_different_definitions():
    record = processed("quirks", "duplicate_function_conflict")
    assert record["defined_function_names"] == ["convert_units"]
    assert record["num_defined_functions"] == 1
    assert record["tools"][0]["description"] == "Convert a quantity between units"  # the first definition
    assert record["structure_warnings"] == [R.DUPLICATE_FUNCTION_CONFLICT]
    assert record["validation_errors"] == []  # validated against the first definition
    assert record["complexity_tier"] == "moderate"  # one call, three arguments


def test_quirk_duplicate_declaration_identical():
    record = processed("quirks", "duplicate_function_identical")
    assert record["tools"] == [{"name": "random_palette", "description": "Pick a random colour palette",
                                "parameters": {}}]
    assert record["structure_warnings"] == [R.DUPLICATE_FUNCTION_IDENTICAL]


def test_quirk_function_response_cut_off():
    record = processed("quirks", "function_response_truncated")
    assert record["turns"][-1] == fr('{"text": "I wandered', "call_0")
    assert record["structure_warnings"] == [R.RESPONSE_TRUNCATED]


def test_quirk_no_function_row_with_double_newlines():
    record = processed("quirks", "no_functions_double_newline")
    assert record["turns"] == [
        u("Sort these into fruit or vegetable\nCarrot"),
        a("Vegetable"),
        u("And a tomato?"),
        a("Botanically a fruit"),
    ]
    assert record["structure_warnings"] == []


ALL_FIXTURES = [(p.parent.name, p.stem) for p in sorted(FIXTURES.glob("*/*.jsonl"))]
REJECTED_FIXTURES = {
    "arguments_infinity", "arguments_list", "arguments_null", "arguments_placeholder", "call_truncated",
    "foreign_call_syntax", "parameters_key",
}
PROCESSED_FIXTURES = [(kind, name) for kind, name in ALL_FIXTURES if name not in REJECTED_FIXTURES]


def test_exactly_the_malformed_quirks_are_rejected():
    rejects = {name for kind, name in ALL_FIXTURES if process_row(load(kind, name), 0).processed is None}
    assert rejects == REJECTED_FIXTURES


@pytest.mark.parametrize("kind, name", PROCESSED_FIXTURES)
def test_every_processed_fixture_survives_render_and_parse(kind, name):
    record = process_row(load(kind, name), 0).processed
    again = process_row(render_glaive(to_chatml(record)), 0).processed
    assert again is not None
    for key in ("instruction", "tools", "turns", "function_calls"):
        assert again[key] == record[key], key


@pytest.mark.parametrize("kind, name", ALL_FIXTURES)
def test_codes_belong_to_their_families(kind, name):
    outcome = process_row(load(kind, name), 0)
    if outcome.processed is not None:
        assert outcome.processed["malformed_reasons"] == []
        assert outcome.processed["has_malformed"] is False
        assert set(outcome.processed["structure_warnings"]) <= R.STRUCTURE_WARNINGS
        assert set(outcome.processed["validation_errors"]) <= R.VALIDATION_ERRORS
    else:
        assert set(outcome.reject["reasons"]) <= R.MALFORMED_REASONS
