"""ChatML rows for the training tests, made the way the pipeline makes them.

A conversation is written as ChatML, rendered to Glaive's raw layout (core.chatml.render_glaive) and
run through the core (process_row, to_chatml), so every row has the metadata, ids and argument
formatting of a real glaive_chatml row.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.core.chatml import render_glaive, to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.core.transform import process_row
from glaive_assets.sources.sample import iter_sample_rows

TOOL_PROMPT = "You are a helpful assistant with access to the following functions. Use them if required -"


def schema(name: str, *parameters: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"{name} for the tests",
        "parameters": {
            "type": "object",
            "properties": {parameter: {"type": "string", "description": parameter} for parameter in parameters},
            "required": list(parameters),
        },
    }


WEATHER = schema("get_weather", "location")
FLIGHT = schema("book_flight", "origin", "destination")
CURRENCY = schema("convert_currency", "amount", "from", "to")
NEWS = schema("get_news_headlines", "country")


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def call(name: str, call_id: str = "call_0", **arguments: Any) -> list[dict[str, Any]]:
    """The assistant's call and the tool's answer to it."""
    return [
        {"role": "assistant", "content": "", "tool_calls": [{"id": call_id, "type": "function", "function": {
            "name": name, "arguments": orjson.dumps(arguments).decode()}}]},
        {"role": "tool", "tool_call_id": call_id, "name": name, "content": orjson.dumps({"result": "ok"}).decode()},
    ]


def response(name: str, content: dict[str, Any], call_id: str = "call_0", **arguments: Any) -> list[dict[str, Any]]:
    """A call whose tool answer is `content`."""
    messages = call(name, call_id, **arguments)
    messages[1]["content"] = orjson.dumps(content).decode()
    return messages


def conversation(source_index: int, messages: list[dict[str, Any]], tools: Iterable[dict] = ()) -> dict[str, Any]:
    """The glaive_chatml row of this conversation (through the core)."""
    tools = list(tools)
    instruction = TOOL_PROMPT if tools else "You are a helpful assistant, with no access to external functions."
    chatml = {"messages": [{"role": "system", "content": instruction}, *messages],
              "tools": [{"type": "function", "function": tool} for tool in tools]}
    outcome = process_row(render_glaive(chatml), source_index)
    assert outcome.processed is not None, outcome.reject
    return to_chatml(outcome.processed)


def weather_row(source_index: int, request: str, city: str, temperature: int = 21,
                extra: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return conversation(source_index, [
        user(request),
        *response("get_weather", {"temperature": temperature}, location=city),
        assistant(f"It is {temperature} degrees in {city}."),
        *extra,
    ], [WEATHER])


def sample_chatml_rows(size: int, seed: int = 3) -> list[dict[str, Any]]:
    """The pipeline's ChatML rows for `size` generated sample rows (rejects left out)."""
    rows = []
    for source_index, raw in iter_sample_rows(size, seed):
        processed = process_row(raw, source_index).processed
        if processed is not None:
            rows.append(to_chatml(processed))
    return rows


def write_rows(path: Path, rows: Iterable[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(dumps_line(row) for row in rows))
    return path
