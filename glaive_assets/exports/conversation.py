"""What every export must keep of a conversation, and how to read it back from OpenAI-style messages.

A `Conversation` is the part of a processed record (core/parse.py) that a trainer sees:

    {"instruction": str,            # the system prompt's instruction ("" when there is none)
     "tools": [schema, ...],        # the declared function schemas, in order
     "turns": [turn, ...]}          # the parsed turns, exactly as the processed record holds them

`conversation_of(processed)` takes it from a processed record; each format module reads it back from
its own rows, and the round-trip tests compare the two with ==. Nothing may be lost or reordered.
"""

from __future__ import annotations

from typing import Any, TypedDict

from glaive_assets.core.jsonio import loads_exact


class Conversation(TypedDict):
    instruction: str
    tools: list[dict[str, Any]]
    turns: list[dict[str, Any]]


def conversation_of(processed: dict[str, Any]) -> Conversation:
    """The Conversation of a processed record (what the round trip must give back)."""
    return {"instruction": processed["instruction"], "tools": processed["tools"], "turns": processed["turns"]}


def arguments_object(arguments: Any, row_id: Any) -> dict[str, Any]:
    """A call's arguments as a JSON object: ChatML holds them as a JSON string (the OpenAI form)."""
    if not isinstance(arguments, str):
        raise ValueError(f"row {row_id}: tool call arguments must be a JSON string, got {type(arguments).__name__}")
    value = loads_exact(arguments)
    if not isinstance(value, dict):
        raise ValueError(f"row {row_id}: tool call arguments must encode a JSON object, got {arguments[:80]!r}")
    return value


def call_turn(function: dict[str, Any], call_id: str, content: str, parallel: bool) -> dict[str, Any]:
    """A processed function_call turn (keys in core/parse.py's order)."""
    arguments = function["arguments"]
    if isinstance(arguments, str):
        arguments = loads_exact(arguments)
    return {"role": "function_call", "content": content, "name": function["name"], "arguments": arguments,
            "call_id": call_id, "parallel": parallel}


def conversation_from_messages(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> Conversation:
    """Read a Conversation back from OpenAI-style messages (arguments as objects or as JSON strings) and
    tools as [{"type": "function", "function": schema}]."""
    instruction = ""
    if messages and messages[0]["role"] == "system":
        instruction = messages[0]["content"]
        messages = messages[1:]
    turns: list[dict[str, Any]] = []
    for message in messages:
        role = message["role"]
        if role == "user":
            turns.append({"role": "user", "content": message["content"]})
        elif role == "assistant" and "tool_calls" in message:
            for position, call in enumerate(message["tool_calls"]):
                text = message["content"] if position == 0 else ""
                turns.append(call_turn(call["function"], call["id"], text, position > 0))
        elif role == "assistant":
            turns.append({"role": "assistant", "content": message["content"]})
        elif role == "tool":
            turns.append({"role": "function_response", "content": message["content"],
                          "call_id": message["tool_call_id"]})
        else:
            raise ValueError(f"unexpected message role {role!r}")
    return {"instruction": instruction, "tools": [tool["function"] for tool in tools], "turns": turns}


def calls_of(conversation: Conversation) -> list[dict[str, Any]]:
    """The conversation's calls as the processed record's function_calls column holds them."""
    return [{"name": turn["name"], "arguments": turn["arguments"]}
            for turn in conversation["turns"] if turn["role"] == "function_call"]
