"""hf export rows: arguments as objects, tools as one JSON string or null, the weight; and back."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.exports.conversation import calls_of, conversation_of
from glaive_assets.exports.hf import conversation_from_hf, hf_row
from glaive_assets_tests.exports.rows import CALL_ROW, PLAIN_ROW, TIME_SCHEMA, WEATHER_SCHEMA, row
from glaive_assets_tests.exports.strategies import conversation_records


def test_call_row_exactly():
    line = hf_row(CALL_ROW)
    assert list(line) == ["id", "messages", "tools", "sample_weight"]
    assert line["id"] == "a" * 32
    assert line["sample_weight"] == 1.5
    assert line["messages"][2] == {"role": "assistant", "content": "Let me look both up.", "tool_calls": [
        {"id": "call_0", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Zürich", "unit": "C"}}},
        {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": {}}},
    ]}
    # every other message is the ChatML message as it was
    assert [m for i, m in enumerate(line["messages"]) if i != 2] == [m for i, m in enumerate(CALL_ROW["messages"]) if i != 2]
    assert json.loads(line["tools"]) == [{"type": "function", "function": WEATHER_SCHEMA},
                                         {"type": "function", "function": TIME_SCHEMA}]


def test_the_input_row_is_not_changed():
    before = row(CALL_ROW)
    hf_row(CALL_ROW)
    assert CALL_ROW == before


def test_a_row_without_tools_has_null_tools_not_an_empty_list():
    line = hf_row(PLAIN_ROW)
    assert line == {"id": "b" * 32, "messages": PLAIN_ROW["messages"], "tools": None, "sample_weight": 1.0}
    assert b'"tools":null' in dumps_line(line)


@pytest.mark.parametrize("weight", [None, 0, -1.0, float("nan"), float("inf"), "1.0", True])
def test_a_bad_sample_weight_is_refused(weight):
    with pytest.raises(ValueError, match="sample_weight"):
        hf_row(row(PLAIN_ROW, sample_weight=weight))


def test_a_row_without_sample_weight_is_refused():
    bare = row(PLAIN_ROW)
    del bare["sample_weight"]
    with pytest.raises(ValueError, match="sample_weight"):
        hf_row(bare)


@pytest.mark.parametrize("arguments, message", [
    ({"city": "Oslo"}, "must be a JSON string"),
    ('["Oslo"]', "must encode a JSON object"),
])
def test_arguments_must_be_a_json_string_of_an_object(arguments, message):
    bad = row(CALL_ROW)
    bad["messages"][2]["tool_calls"][0]["function"]["arguments"] = arguments
    with pytest.raises(ValueError, match=message):
        hf_row(bad)


def test_round_trip_of_the_hand_written_row():
    back = conversation_from_hf(orjson.loads(dumps_line(hf_row(CALL_ROW))))
    assert back["instruction"] == "You are a helpful assistant."
    assert back["tools"] == [WEATHER_SCHEMA, TIME_SCHEMA]
    assert back["turns"] == [
        {"role": "user", "content": "Weather in Zürich, and the time?"},
        {"role": "function_call", "content": "Let me look both up.", "name": "get_weather",
         "arguments": {"city": "Zürich", "unit": "C"}, "call_id": "call_0", "parallel": False},
        {"role": "function_call", "content": "", "name": "get_time", "arguments": {}, "call_id": "call_1",
         "parallel": True},
        {"role": "function_response", "content": '{"temp": 21.5}', "call_id": "call_0"},
        {"role": "function_response", "content": '{"time": "14:02"}', "call_id": "call_1"},
        {"role": "assistant", "content": "21.5 °C, and it is 14:02."},
    ]


def test_every_sample_line_converts_back_to_its_processed_record(exports, processed_by_id):
    lines = [orjson.loads(line) for artifact in exports["hf"].artifacts[:3] for line in artifact.iter_lines()]
    assert len(lines) == 390
    for line in lines:
        record = processed_by_id[line["id"]]
        back = conversation_from_hf(line)
        assert back == conversation_of(record)
        assert calls_of(back) == record["function_calls"]


@settings(max_examples=200, deadline=None)
@given(conversation_records())
def test_round_trip_property(record):
    line = orjson.loads(dumps_line(hf_row({**to_chatml(record), "split": "train", "sample_weight": 1.0})))
    assert conversation_from_hf(line) == conversation_of(record)
