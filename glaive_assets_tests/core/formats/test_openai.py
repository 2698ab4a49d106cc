"""OpenAI-messages rows through the core: hand-written fixtures."""

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.transform import process_row

TOOL = {"name": "convert", "description": "Convert money",
        "parameters": {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]}}


def call(call_id, arguments='{"amount": 5}', name="convert"):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def row(*messages, tools=({"type": "function", "function": TOOL},)):
    return {"messages": list(messages), "tools": list(tools)}


USER = {"role": "user", "content": "Convert 5"}
ANSWER = {"role": "assistant", "content": "Done."}


def outcome(openai_row):
    return process_row(openai_row, 2, row_format="openai")


def test_tool_calls_and_tool_messages_become_the_parsed_turns():
    record = outcome(row({"role": "system", "content": "Use tools."}, USER,
                         {"role": "assistant", "content": None, "tool_calls": [call("a"), call("b", '{"amount": 6}')]},
                         {"role": "tool", "tool_call_id": "a", "content": "4.5"},
                         {"role": "tool", "tool_call_id": "b", "content": "5.4"}, ANSWER)).processed
    assert record["instruction"] == "Use tools."
    assert record["tools"] == [TOOL]
    assert record["turns"] == [
        {"role": "user", "content": "Convert 5"},
        {"role": "function_call", "content": "", "name": "convert", "arguments": {"amount": 5},
         "call_id": "call_0", "parallel": False},
        {"role": "function_call", "content": "", "name": "convert", "arguments": {"amount": 6},
         "call_id": "call_1", "parallel": True},
        {"role": "function_response", "content": "4.5", "call_id": "call_0"},
        {"role": "function_response", "content": "5.4", "call_id": "call_1"},
        {"role": "assistant", "content": "Done."},
    ]
    assert (record["num_calls"], record["has_parallel"], record["structure_warnings"]) == (2, True, [])


def test_bare_schemas_and_object_arguments_are_read_and_repairs_are_kept_as_warnings():
    record = outcome(row(USER, {"role": "assistant", "content": "", "tool_calls": [
        {"function": {"name": "convert", "arguments": {"amount": 5}}}]}, ANSWER, tools=(TOOL,))).processed
    assert record["function_calls"] == [{"name": "convert", "arguments": {"amount": 5}}]
    assert record["structure_warnings"] == [R.CALL_WITHOUT_RESPONSE]
    repaired = outcome(row(USER, {"role": "assistant", "content": "", "tool_calls": [
        call("a", '{"amount": 5}}')]}, {"role": "tool", "content": "1"}, ANSWER)).processed
    assert repaired["structure_warnings"] == [R.EXTRA_CLOSING_BRACE]


@pytest.mark.parametrize(("openai_row", "reasons"), [
    (row(USER, {"role": "assistant", "content": "", "tool_calls": [call("a"), call("b")]},
         {"role": "tool", "tool_call_id": "b", "content": "1"}), [R.TOOL_CALL_ID_MISMATCH]),
    (row(USER, {"role": "tool", "tool_call_id": "a", "content": "1"}, ANSWER), [R.ORPHAN_FUNCTION_RESPONSE]),
    (row(USER, {"role": "assistant", "content": "", "tool_calls": [call("a", "amount=5")]}), [R.CALL_UNPARSEABLE]),
    (row(USER, {"role": "assistant", "content": "", "tool_calls": [call("a", '[5]')]}), [R.ARGUMENTS_NOT_OBJECT]),
    (row(USER, {"role": "assistant", "content": "", "tool_calls": "convert"}), [R.CALL_UNPARSEABLE]),
    (row(USER, tools=({"type": "function"},)), [R.TOOLS_UNPARSEABLE]),
    (row(USER, tools=()) | {"tools": "[]"}, [R.TOOLS_UNPARSEABLE]),  # openai tools are a list, not JSON text
    (row(USER, {"role": "function", "content": "1"}), [R.UNKNOWN_ROLE]),
    (row(USER, {"role": "system", "content": "late"}), [R.UNKNOWN_ROLE]),
    (row({"role": "user", "content": [{"type": "image_url"}]}), [R.MESSAGE_NOT_OBJECT]),
    (row("hi"), [R.MESSAGE_NOT_OBJECT]),
    ({"prompt": "hi"}, [R.MISSING_MESSAGES]),
    (row(USER, {"role": "assistant", "content": "a <|endoftext|> b"}), [R.GLAIVE_MARKER_IN_TEXT]),
    (row(USER, {"role": "assistant", "content": "", "tool_calls": [call("a", '{"amount": "<functioncall>"}')]}),
     [R.GLAIVE_MARKER_IN_TEXT]),
])
def test_each_openai_problem_has_its_reason(openai_row, reasons):
    result = outcome(openai_row)
    assert result.processed is None
    assert (result.reject["reasons"], result.reject["raw"]) == (reasons, openai_row)

