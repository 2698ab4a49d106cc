"""chatml.py: exact ChatML of a conversation, Glaive rendering, and the render -> parse round trip."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glaive_assets.core.chatml import render_glaive, render_system, to_chatml
from glaive_assets.core.transform import process_row

FIXTURES = Path(__file__).parents[1] / "fixtures" / "core"
TOOL_PROMPT = "You are a helpful assistant with access to the following functions. Use them if required -"


def fixture(kind: str, name: str) -> dict:
    return orjson.loads((FIXTURES / kind / f"{name}.jsonl").read_bytes())


def test_chatml_of_a_two_call_conversation():
    record = process_row(fixture("shapes", "two_calls_two_schemas"), 11).processed
    chatml = to_chatml(record)
    assert list(chatml) == ["id", "messages", "tools", "metadata"]
    assert chatml["id"] == record["record_id"]
    assert chatml["messages"] == [
        {"role": "system", "content": TOOL_PROMPT},
        {"role": "user", "content": "Set a 12 minute timer for the eggs with a chime."},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "call_0", "type": "function", "function": {
                "name": "set_kitchen_timer", "arguments": '{"minutes":12,"label":"eggs","alarm":"chime"}'}}]},
        {"role": "tool", "tool_call_id": "call_0", "name": "set_kitchen_timer",
         "content": '{"status": "started", "ends_at": "08:42"}'},
        {"role": "assistant", "content": "Your 12 minute egg timer is running; it ends at 08:42."},
        {"role": "user", "content": "And the tide times for Whitby on 2024-05-01?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {
                "name": "get_tide_times", "arguments": '{"harbour":"Whitby","date":"2024-05-01"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "name": "get_tide_times",
         "content": '{"high": ["02:03", "14:29"], "low": ["08:15", "20:44"]}'},
        {"role": "assistant", "content": "On 1 May in Whitby high tide is at 02:03 and 14:29."},
    ]
    assert [tool["type"] for tool in chatml["tools"]] == ["function", "function"]
    assert [tool["function"]["name"] for tool in chatml["tools"]] == ["get_tide_times", "set_kitchen_timer"]
    assert chatml["tools"][0]["function"] == record["tools"][0]
    assert chatml["metadata"] == {
        "source_index": 11, "record_id": record["record_id"], "complexity_tier": "complex", "num_turns": 2,
        "num_calls": 2, "has_error_handling": False,
    }


def test_chatml_without_functions_or_instruction():
    record = process_row({"system": "SYSTEM: \n\n", "chat": "USER: a\n\nASSISTANT: b <|endoftext|>"}, 0).processed
    assert to_chatml(record)["messages"] == [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    assert to_chatml(record)["tools"] == []


def test_parallel_calls_share_one_assistant_message():
    chat = (
        "USER: both\n\n\nASSISTANT: Checking both.\n<functioncall> {\"name\": \"a\", \"arguments\": '{}'}\n"
        "<functioncall> {\"name\": \"b\", \"arguments\": '{\"x\": 1}'} <|endoftext|>\n\n\n"
        "FUNCTION RESPONSE: {\"a\": 1}\n\n\nFUNCTION RESPONSE: {\"b\": 2}\n\n\n"
    )
    record = process_row({"system": "SYSTEM: x\n\n", "chat": chat}, 0).processed
    assert record["has_parallel"] is True
    messages = to_chatml(record)["messages"]
    assert messages[2] == {"role": "assistant", "content": "Checking both.", "tool_calls": [
        {"id": "call_0", "type": "function", "function": {"name": "a", "arguments": "{}"}},
        {"id": "call_1", "type": "function", "function": {"name": "b", "arguments": '{"x":1}'}},
    ]}
    assert [(m["tool_call_id"], m["name"]) for m in messages[3:]] == [("call_0", "a"), ("call_1", "b")]
    assert render_glaive(to_chatml(record))["chat"] == chat


def test_render_system_layout():
    one = {"name": "a", "description": "A", "parameters": {}}
    assert render_system("Lead", []) == "SYSTEM: Lead\n\n"
    assert render_system("Lead", [one]) == 'SYSTEM: Lead\n{\n    "name": "a",\n    "description": "A",\n    "parameters": {}\n}\n'
    two = render_system("Lead", [one, one])
    assert two.endswith("}\n\n") and two.count("}\n\n{") == 1


def test_render_writes_glaive_calls_with_single_quoted_arguments():
    chatml = {
        "messages": [
            {"role": "user", "content": "Send it"},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "call_0", "type": "function", "function": {
                "name": "send_note", "arguments": '{"message":"Let\'s go, café"}'}}]},
            {"role": "tool", "tool_call_id": "call_0", "content": '{"ok": true}'},
            {"role": "assistant", "content": "Sent."},
        ],
        "tools": [],
    }
    assert render_glaive(chatml) == {
        "system": "SYSTEM: \n\n",
        "chat": "USER: Send it\n\n\n"
                "ASSISTANT: <functioncall> {\"name\": \"send_note\", \"arguments\": '{\"message\": \"Let's go, café\"}'}"
                " <|endoftext|>\n\n\n"
                "FUNCTION RESPONSE: {\"ok\": true}\n\n\n"
                "ASSISTANT: Sent. <|endoftext|>\n\n\n",
    }


# --- hypothesis: generated conversations survive render -> parse ----------------------------------

MARKERS = ("USER:", "ASSISTANT:", "FUNCTION RESPONSE:", "<|endoftext|>", "<functioncall>", "to=")
# Glaive's layout has no escaping: a text that holds a marker cannot be written faithfully, and such a
# row never becomes a processed record (the marker would have split or malformed it). Texts are stored
# stripped, so generated texts are too.
any_char = st.characters(blacklist_categories=("Cs",))
texts = st.text(any_char, max_size=40).filter(lambda t: t == t.strip() and not any(m in t for m in MARKERS))
spiky = st.sampled_from(["it's", "'}", "{", "}", "\\'", '"', "\\", "[User]", "\n", "\n\n", "é", "東京", "🙂"])
mixed_texts = st.lists(st.one_of(texts, spiky), max_size=6).map(" ".join).filter(
    lambda t: t == t.strip() and not any(m in t for m in MARKERS)
)
names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
scalars = (
    st.none() | st.booleans() | st.integers(-(2**62), 2**62)
    | st.floats(allow_nan=False, allow_infinity=False) | mixed_texts
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(mixed_texts, children, max_size=3),
    max_leaves=8,
)
arguments = st.dictionaries(mixed_texts, json_values, max_size=4)


@st.composite
def tools(draw) -> list[dict]:
    tool_names = draw(st.lists(names, unique=True, max_size=3))
    return [
        {"name": name, "description": draw(mixed_texts),
         "parameters": {"type": "object", "properties": draw(st.dictionaries(names, st.just({"type": "string"}),
                                                                              max_size=3))}}
        for name in tool_names
    ]


@st.composite
def conversations(draw) -> dict:
    """A ChatML conversation in the shape to_chatml writes (call ids call_0, call_1, ... in order)."""
    declared = draw(tools())
    callable_names = [tool["name"] for tool in declared] or ["lookup"]
    instruction = draw(mixed_texts.filter(lambda t: "\n{" not in t and not t.startswith("{")))
    messages: list[dict] = [{"role": "system", "content": instruction}] if instruction else []
    call_number = 0
    for _ in range(draw(st.integers(1, 4))):
        messages.append({"role": "user", "content": draw(mixed_texts)})
        if draw(st.booleans()):
            calls = []
            for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):
                name = draw(st.sampled_from(callable_names))
                calls.append({"id": f"call_{call_number}", "type": "function", "function": {
                    "name": name, "arguments": orjson.dumps(draw(arguments)).decode()}})
                call_number += 1
            messages.append({"role": "assistant", "content": draw(mixed_texts), "tool_calls": calls})
            for call in calls:
                messages.append({"role": "tool", "tool_call_id": call["id"], "name": call["function"]["name"],
                                 "content": draw(st.one_of(mixed_texts, json_values.map(json.dumps)))})
        if draw(st.booleans()):
            messages.append({"role": "assistant", "content": draw(mixed_texts)})
    return {"messages": messages, "tools": [{"type": "function", "function": tool} for tool in declared]}


def comparable(messages: list[dict]) -> list[dict]:
    """Messages with call arguments parsed, so number spelling (1e16 vs 1e+16) does not matter."""
    out = []
    for message in messages:
        message = dict(message)
        if "tool_calls" in message:
            message["tool_calls"] = [
                {**call, "function": {**call["function"], "arguments": json.loads(call["function"]["arguments"])}}
                for call in message["tool_calls"]
            ]
        out.append(message)
    return out


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_render_then_parse_gives_back_the_conversation(chatml):
    raw = render_glaive(chatml)
    outcome = process_row(raw, 0)
    assert outcome.reject is None, outcome.reject["reasons"]
    record = outcome.processed
    again = to_chatml(record)
    assert comparable(again["messages"]) == comparable(chatml["messages"])
    assert again["tools"] == chatml["tools"]
    # tools, turns, calls and arguments of the parsed record match the conversation
    assert record["tools"] == [tool["function"] for tool in chatml["tools"]]
    expected_calls = [
        {"name": call["function"]["name"], "arguments": json.loads(call["function"]["arguments"])}
        for message in chatml["messages"] for call in message.get("tool_calls", [])
    ]
    assert record["function_calls"] == expected_calls
    assert record["num_turns"] == sum(m["role"] == "user" for m in chatml["messages"])
    assert record["malformed_reasons"] == []
    # and rendering the parsed record again gives the same bytes
    assert render_glaive(again) == raw
