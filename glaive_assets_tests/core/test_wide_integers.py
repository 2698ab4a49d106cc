"""Integers beyond 64 bits keep their exact value from the raw row to every export.

orjson reads such an integer as the nearest float and refuses to write one; jsonio.loads_exact and
dumps_exact keep it exact. Found by feeding the CLI hand-made rows: 123456789012345678901234567890 in a
call's arguments came out as 1.2345678901234568e+29 in processed, ChatML and all three exports.
"""

from __future__ import annotations

import json

import orjson
import pytest

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_exact, dumps_line, loads_exact
from glaive_assets.core.transform import process_row
from glaive_assets.exports.hf import hf_row
from glaive_assets.exports.openai import openai_row
from glaive_assets.exports.sharegpt import conversation_from_sharegpt, sharegpt_row
from glaive_assets.storage.stages import SplitOutputs, SplitStats, raw_line, raw_outcome, split_lines

WIDE = 123456789012345678901234567890  # > 2^96
JUST_PAST_U64 = 2**64  # orjson reads integers up to 2^64 - 1 exactly, this one not
BELOW_I64 = -(2**63) - 1
SCHEMA = {"name": "calc", "description": "Compute", "parameters": {
    "type": "object", "required": ["n"], "properties": {
        "n": {"type": "integer", "maximum": WIDE * 10}, "low": {"type": "integer"}, "edge": {"type": "integer"},
        "f": {"type": "number"}}}}
SYSTEM = ("SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
          + json.dumps(SCHEMA, indent=4) + "\n\n")
CHAT = ("USER: Compute it\n\n\nASSISTANT: <functioncall> {\"name\": \"calc\", \"arguments\": "
        f"'{{\"n\": {WIDE}, \"low\": {BELOW_I64}, \"edge\": {JUST_PAST_U64}, \"f\": 1e20}}'}} <|endoftext|>\n\n\n"
        "FUNCTION RESPONSE: {\"result\": 1}\n\n\nASSISTANT: Done. <|endoftext|>\n\n\n")
EXACT_ARGUMENTS = {"n": WIDE, "low": BELOW_I64, "edge": JUST_PAST_U64, "f": 1e20}


@pytest.mark.parametrize("text", [str(WIDE), str(JUST_PAST_U64), str(BELOW_I64), f'{{"a": [1, {{"b": {WIDE}}}]}}'])
def test_loads_exact_keeps_what_orjson_rounds(text):
    assert loads_exact(text) == json.loads(text)
    assert loads_exact(text.encode()) == json.loads(text)
    assert repr(orjson.loads(text)) != repr(json.loads(text))  # the case this exists for (2^64 compares equal)


def test_loads_exact_is_orjson_elsewhere_and_raises_as_it_does():
    assert loads_exact('{"a": 1.5, "b": 1e20, "c": 18446744073709551615}') == {"a": 1.5, "b": 1e20,
                                                                               "c": 2**64 - 1}
    assert loads_exact(b'{"s": "12345678901234567890123", "f": 2e30}') == {"s": "12345678901234567890123", "f": 2e30}
    with pytest.raises(orjson.JSONDecodeError):
        loads_exact('{"a": NaN}')


def test_dumps_exact_writes_what_orjson_refuses():
    assert dumps_exact({"n": WIDE, "b": [1]}) == f'{{"n":{WIDE},"b":[1]}}'.encode()
    assert dumps_exact({"n": WIDE, "b": [1]}, sort_keys=True) == f'{{"b":[1],"n":{WIDE}}}'.encode()
    assert dumps_exact({"b": 1, "a": "é"}, sort_keys=True) == orjson.dumps({"a": "é", "b": 1})


def test_a_wide_integer_stays_exact_from_raw_to_every_export():
    line, readable = raw_line(0, {"system": SYSTEM, "chat": CHAT}, 10**7)
    assert readable
    entry = orjson.loads(line)
    assert "wide_integers" not in entry  # they are inside the chat text, which the core reads exactly
    outcome = raw_outcome(entry)
    assert outcome.reject is None, outcome.reject
    processed = outcome.processed
    assert processed["validation_errors"] == []
    [call] = [turn for turn in processed["turns"] if turn["role"] == "function_call"]
    assert call["arguments"] == EXACT_ARGUMENTS
    assert type(call["arguments"]["n"]) is int
    assert processed["tools"][0]["parameters"]["properties"]["n"]["maximum"] == WIDE * 10
    assert str(WIDE) in dumps_line(processed).decode()

    chatml = to_chatml(processed)
    arguments_text = chatml["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments_text) == EXACT_ARGUMENTS
    chatml_line = dumps_line(chatml)
    split_row = {**loads_exact(chatml_line), "split": "train", "sample_weight": 1.0}
    assert split_row["tools"][0]["function"]["parameters"]["properties"]["n"]["maximum"] == WIDE * 10

    hf = json.loads(dumps_line(hf_row(split_row)))
    assert hf["messages"][2]["tool_calls"][0]["function"]["arguments"] == EXACT_ARGUMENTS  # an object
    assert json.loads(hf["tools"])[0]["function"]["parameters"]["properties"]["n"]["maximum"] == WIDE * 10

    openai = json.loads(dumps_line(openai_row(split_row)))
    assert json.loads(openai["messages"][2]["tool_calls"][0]["function"]["arguments"]) == EXACT_ARGUMENTS

    sharegpt = json.loads(dumps_line(sharegpt_row(split_row)))
    [function_call] = [turn for turn in sharegpt["conversations"] if turn["from"] == "function_call"]
    assert json.loads(function_call["value"])["arguments"] == EXACT_ARGUMENTS
    assert json.loads(sharegpt["tools"])[0]["parameters"]["properties"]["n"]["maximum"] == WIDE * 10
    [back] = [turn for turn in conversation_from_sharegpt(sharegpt)["turns"] if turn["role"] == "function_call"]
    assert back["arguments"] == EXACT_ARGUMENTS


def test_a_sharegpt_row_with_a_wide_integer_is_read_exactly():
    row = {"conversations": [
        {"from": "human", "value": "Compute it"},
        {"from": "function_call", "value": json.dumps({"name": "calc", "arguments": {"n": WIDE}})},
        {"from": "observation", "value": '{"result": 1}'},
        {"from": "gpt", "value": "Done."},
    ], "tools": json.dumps([SCHEMA])}
    outcome = process_row(row, 0, row_format="sharegpt")
    assert outcome.reject is None, outcome.reject
    [call] = [turn for turn in outcome.processed["turns"] if turn["role"] == "function_call"]
    assert call["arguments"] == {"n": WIDE}


class _Lines(list):
    def write_line(self, line: bytes) -> None:
        self.append(line)


def test_a_row_with_wide_integers_of_its_own_is_marked_in_raw_and_read_exactly():
    # An openai row whose tools are JSON objects: the schema's number is the row's own, not text.
    row = {"messages": [
        {"role": "user", "content": "Compute it"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "calc", "arguments": json.dumps({"n": 5})}}]},
        {"role": "tool", "content": '{"result": 1}'},
        {"role": "assistant", "content": "Done."},
    ], "tools": [{"type": "function", "function": SCHEMA}]}
    line, readable = raw_line(3, row, 1 << 20, "openai")
    assert readable and orjson.loads(line)["wide_integers"] is True
    plain, _ = raw_line(4, {"system": SYSTEM, "chat": CHAT}, 1 << 20)
    assert "wide_integers" not in orjson.loads(plain)

    out = SplitOutputs(_Lines(), _Lines(), _Lines(), _Lines())
    assert split_lines([line, plain], out, SplitStats()) == 2
    assert len(out.rejects) == 0
    first = json.loads(out.processed[0])
    assert first["tools"][0]["parameters"]["properties"]["n"]["maximum"] == WIDE * 10  # exact, not a float
