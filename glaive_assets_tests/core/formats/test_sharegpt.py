"""ShareGPT rows (LLaMA-Factory's glaive_toolcall layout) through the core: hand-written fixtures."""

import hashlib

import orjson
import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.transform import process_row

TOOL = {"name": "get_weather", "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
CALL = '{"name": "get_weather", "arguments": {"city": "Oslo"}}'


def row(*turns, tools=(TOOL,), **extra):
    return {"conversations": [{"from": kind, "value": value} for kind, value in turns],
            "tools": orjson.dumps(list(tools)).decode() if tools else "", **extra}


def processed(sharegpt_row):
    outcome = process_row(sharegpt_row, 7, row_format="sharegpt")
    assert outcome.reject is None, outcome.reject
    return outcome.processed


def rejected(sharegpt_row):
    outcome = process_row(sharegpt_row, 7, row_format="sharegpt")
    assert outcome.processed is None
    assert outcome.reject["raw"] == sharegpt_row  # the row as read, not its rendering
    return outcome.reject["reasons"]


def test_a_call_and_its_observation_become_the_parsed_turns():
    record = processed(row(("human", "Weather in Oslo?"), ("function_call", CALL),
                           ("observation", '{"temp": 3}'), ("gpt", "It is 3 degrees."), system="Be brief."))
    assert record["instruction"] == "Be brief."
    assert record["tools"] == [TOOL]
    assert record["turns"] == [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "function_call", "content": "", "name": "get_weather", "arguments": {"city": "Oslo"},
         "call_id": "call_0", "parallel": False},
        {"role": "function_response", "content": '{"temp": 3}', "call_id": "call_0"},
        {"role": "assistant", "content": "It is 3 degrees."},
    ]
    assert record["function_calls"] == [{"name": "get_weather", "arguments": {"city": "Oslo"}}]
    assert (record["num_calls"], record["validation_errors"], record["structure_warnings"]) == (1, [], [])


def test_a_first_system_message_is_the_instruction_and_parallel_calls_share_a_turn():
    calls = orjson.dumps([{"name": "get_weather", "arguments": {"city": "Oslo"}},
                          {"name": "get_weather", "arguments": '{"city": "Rome"}'}]).decode()
    record = processed(row(("system", "Sys."), ("human", "Both?"), ("function_call", calls),
                           ("observation", "1"), ("observation", "2"), ("gpt", "Done.")))
    assert record["instruction"] == "Sys."
    assert [(t["role"], t.get("call_id"), t.get("parallel")) for t in record["turns"]] == [
        ("user", None, None), ("function_call", "call_0", False), ("function_call", "call_1", True),
        ("function_response", "call_0", None), ("function_response", "call_1", None), ("assistant", None, None)]
    assert record["has_parallel"] is True


def test_the_row_own_schemas_validate_its_calls():
    bad_call = '{"name": "get_weather", "arguments": {"town": "Oslo"}}'
    record = processed(row(("human", "x"), ("function_call", bad_call), ("observation", "{}"), ("gpt", "ok")))
    assert record["validation_errors"] == [R.MISSING_REQUIRED_ARGUMENT, R.UNKNOWN_ARGUMENT]


def test_broken_alternation_is_flagged_as_glaive_rows_are():
    record = processed(row(("human", "a"), ("human", "b"), ("gpt", "c"), ("gpt", "d"), tools=()))
    assert record["structure_warnings"] == [R.CONSECUTIVE_ASSISTANT_TURNS, R.CONSECUTIVE_USER_TURNS]
    assert record["tools"] == [] and record["has_defined_functions"] is False


@pytest.mark.parametrize(("sharegpt_row", "reasons"), [
    (row(("human", "x"), ("function_call", "get_weather(city='Oslo')")), [R.FUNCTION_CALL_NOT_JSON]),
    (row(("human", "x"), ("observation", "{}"), ("gpt", "y")), [R.ORPHAN_FUNCTION_RESPONSE]),
    (row(("human", "x"), tools=()) | {"tools": "[{name: f}]"}, [R.TOOLS_UNPARSEABLE]),
    (row(("human", "x"), tools=({"description": "no name"},)), [R.TOOLS_UNPARSEABLE]),
    (row(("human", "x"), ("function_call", '{"name": "get_weather", "parameters": {}}')), [R.WRONG_ARGUMENTS_KEY]),
    (row(("human", "x"), ("function_call", '{"name": "get_weather", "arguments": [1]}')), [R.ARGUMENTS_NOT_OBJECT]),
    (row(("human", "x"), ("function_call", '{"name": "get_weather", "arguments": "{\\"a\\": "}')), [R.CALL_TRUNCATED]),
    (row(("human", "x"), ("function_call", '["get_weather"]')), [R.CALL_UNPARSEABLE]),
    (row(("human", "x"), ("bot", "y")), [R.UNKNOWN_ROLE]),
    ({"conversations": [{"from": "human", "value": 3}], "tools": ""}, [R.MESSAGE_NOT_OBJECT]),
    ({"conversations": "human: hi", "tools": ""}, [R.MISSING_MESSAGES]),
    (row(("human", "x\n\nASSISTANT: y"), ("gpt", "z")), [R.GLAIVE_MARKER_IN_TEXT]),
    (row(("human", "x"), ("gpt", "z"), system="Use:\n{json}"), [R.GLAIVE_MARKER_IN_TEXT]),
    (row(("human", "x"), ("gpt", "z"), system=5), [R.FIELD_NOT_STRING]),
])
def test_each_sharegpt_problem_has_its_reason(sharegpt_row, reasons):
    assert rejected(sharegpt_row) == reasons


def test_a_row_that_is_not_an_object_is_refused_like_a_glaive_one():
    outcome = process_row(["human", "hi"], 3, row_format="sharegpt")
    assert outcome.reject["reasons"] == [R.ROW_NOT_OBJECT]


def test_record_id_is_the_glaive_rendering_id_so_the_same_conversation_matches_across_formats():
    sharegpt = row(("human", "Hi"), ("gpt", "Hello"), tools=())
    openai = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    glaive = {"system": "SYSTEM: \n\n", "chat": "USER: Hi\n\n\nASSISTANT: Hello <|endoftext|>\n\n\n"}
    ids = {process_row(sharegpt, 0, row_format="sharegpt").processed["record_id"],
           process_row(openai, 0, row_format="openai").processed["record_id"],
           process_row(glaive, 0).processed["record_id"]}
    system, chat = glaive["system"].encode(), glaive["chat"].encode()
    assert ids == {hashlib.sha256(len(system).to_bytes(8, "big") + system + chat).hexdigest()[:32]}
