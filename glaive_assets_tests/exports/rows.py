"""Hand-written training-split rows (glaive_chatml rows + split + sample_weight) for exact-value tests."""

from __future__ import annotations

import copy
from typing import Any

WEATHER_SCHEMA = {
    "name": "get_weather",
    "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
                   "required": ["city"]},
}
TIME_SCHEMA = {"name": "get_time", "description": "Local time", "parameters": {"type": "object", "properties": {}}}

# Text before the call, two parallel calls, one response each, a closing answer.
CALL_ROW: dict[str, Any] = {
    "id": "a" * 32,
    "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Weather in Zürich, and the time?"},
        {"role": "assistant", "content": "Let me look both up.", "tool_calls": [
            {"id": "call_0", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city":"Zürich","unit":"C"}'}},
            {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
        ]},
        {"role": "tool", "tool_call_id": "call_0", "name": "get_weather", "content": '{"temp": 21.5}'},
        {"role": "tool", "tool_call_id": "call_1", "name": "get_time", "content": '{"time": "14:02"}'},
        {"role": "assistant", "content": "21.5 °C, and it is 14:02."},
    ],
    "tools": [{"type": "function", "function": WEATHER_SCHEMA}, {"type": "function", "function": TIME_SCHEMA}],
    "metadata": {"source_index": 7, "record_id": "a" * 32, "complexity_tier": "complex", "num_turns": 6,
                 "num_calls": 2, "has_error_handling": False},
    "split": "train",
    "sample_weight": 1.5,
}

# One call with its response, no text before it.
ONE_CALL_ROW: dict[str, Any] = {
    "id": "c" * 32,
    "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "call_0", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}},
        ]},
        {"role": "tool", "tool_call_id": "call_0", "name": "get_weather", "content": '{"temp": 3}'},
        {"role": "assistant", "content": "3 degrees."},
    ],
    "tools": [{"type": "function", "function": WEATHER_SCHEMA}],
    "metadata": {"source_index": 9, "record_id": "c" * 32, "complexity_tier": "simple", "num_turns": 4,
                 "num_calls": 1, "has_error_handling": False},
    "split": "validation",
    "sample_weight": 1.0,
}

# No system prompt, no tools, no calls.
PLAIN_ROW: dict[str, Any] = {
    "id": "b" * 32,
    "messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
    ],
    "tools": [],
    "metadata": {"source_index": 8, "record_id": "b" * 32, "complexity_tier": "none", "num_turns": 2,
                 "num_calls": 0, "has_error_handling": False},
    "split": "test",
    "sample_weight": 1.0,
}


def row(template: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a hand-written row with some keys replaced."""
    return {**copy.deepcopy(template), **changes}
