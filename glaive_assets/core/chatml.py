"""ChatML (OpenAI-style messages with tool calls) from a processed record, and back to Glaive's layout.

to_chatml(processed) ->
    {"id": record_id,
     "messages": [{"role": "system", "content": instruction},            # when the instruction is not empty
                  {"role": "user", "content": ...},
                  {"role": "assistant", "content": ...},
                  {"role": "assistant", "content": <text before the call or "">,
                   "tool_calls": [{"id": "call_0", "type": "function",
                                   "function": {"name": ..., "arguments": "<JSON string>"}}]},
                  {"role": "tool", "tool_call_id": "call_0", "name": <function name>, "content": ...},
                  ...],                                                   # every turn, in chat order
     "tools": [{"type": "function", "function": <declared schema: name, description, parameters>}],
     "metadata": {source_index, record_id, complexity_tier, num_turns, num_calls, has_error_handling}}

TRL, axolotl and LLaMA-Factory read this shape (messages + tools, arguments as a JSON string).
A parallel call (never in Glaive) joins the tool_calls of the assistant message before it.

render_glaive(chatml) -> {"system", "chat"} writes the conversation back in Glaive's raw layout, so
parse(render(to_chatml(parse(raw)))) gives the same tools, turns, calls and arguments. On Glaive's own
rows the rendering is byte-identical when the row used "\\n\\n\\n" separators and one-line arguments.
"""

from __future__ import annotations

import json
from typing import Any

from glaive_assets.core.jsonio import dumps_exact
from glaive_assets.core.parse import CALL_TAG, ENDOFTEXT
from glaive_assets.core.records import CHATML_METADATA_COLUMNS


def to_chatml(processed: dict[str, Any]) -> dict[str, Any]:
    """The ChatML record of one processed record (whole conversation, in order)."""
    messages: list[dict[str, Any]] = []
    add = messages.append
    instruction = processed["instruction"]
    if instruction:
        add({"role": "system", "content": instruction})
    names_by_call_id: dict[str, str] = {}
    dumps = dumps_exact
    for turn in processed["turns"]:
        role = turn["role"]
        if role == "user" or role == "assistant":
            add({"role": role, "content": turn["content"]})
        elif role == "function_call":
            call_id = turn["call_id"]
            name = turn["name"]
            names_by_call_id[call_id] = name
            tool_call = {
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": dumps(turn["arguments"]).decode()},
            }
            if turn.get("parallel") and messages and "tool_calls" in messages[-1]:
                messages[-1]["tool_calls"].append(tool_call)
            else:
                add({"role": "assistant", "content": turn["content"], "tool_calls": [tool_call]})
        elif role == "function_response":
            call_id = turn["call_id"]
            add({"role": "tool", "tool_call_id": call_id, "name": names_by_call_id.get(call_id, ""),
                 "content": turn["content"]})
        else:
            raise ValueError(f"unknown turn role {role!r}")
    return {
        "id": processed["record_id"],
        "messages": messages,
        "tools": [{"type": "function", "function": schema} for schema in processed["tools"]],
        "metadata": {column: processed[column] for column in CHATML_METADATA_COLUMNS},
    }


def _glaive_call(function: dict[str, Any]) -> str:
    """One call in Glaive's form: {"name": "f", "arguments": '{"a": 1}'} (arguments as single-quoted JSON text)."""
    arguments = json.loads(function["arguments"]) if isinstance(function["arguments"], str) else function["arguments"]
    name = json.dumps(function["name"], ensure_ascii=False)
    return f"{{\"name\": {name}, \"arguments\": '{json.dumps(arguments, ensure_ascii=False)}'}}"


def render_system(instruction: str, schemas: list[dict[str, Any]]) -> str:
    """Glaive's system prompt: "SYSTEM: <instruction>\\n" then each schema as 4-space-indented JSON,
    followed by "\\n" when it is the only one and by "\\n\\n" each when there are several; a prompt
    without functions ends "\\n\\n"."""
    if not schemas:
        return f"SYSTEM: {instruction}\n\n"
    separator = "\n" if len(schemas) == 1 else "\n\n"
    body = "".join(json.dumps(schema, indent=4, ensure_ascii=False) + separator for schema in schemas)
    return f"SYSTEM: {instruction}\n{body}"


def render_glaive(chatml: dict[str, Any]) -> dict[str, str]:
    """Write a ChatML record back as a raw Glaive row {"system", "chat"} ("\\n\\n\\n" between turns)."""
    messages = chatml["messages"]
    instruction = ""
    if messages and messages[0]["role"] == "system":
        instruction = messages[0]["content"]
        messages = messages[1:]
    schemas = [tool["function"] for tool in chatml.get("tools", [])]
    parts: list[str] = []
    for message in messages:
        role = message["role"]
        content = message.get("content") or ""
        if role == "user":
            parts.append(f"USER: {content}")
        elif role == "assistant" and message.get("tool_calls"):
            calls = "\n".join(f"{CALL_TAG} {_glaive_call(call['function'])}" for call in message["tool_calls"])
            text = f"{content}\n" if content else ""
            parts.append(f"ASSISTANT: {text}{calls} {ENDOFTEXT}")
        elif role == "assistant":
            parts.append(f"ASSISTANT: {content} {ENDOFTEXT}")
        elif role == "tool":
            parts.append(f"FUNCTION RESPONSE: {content}")
        else:
            raise ValueError(f"no Glaive layout for role {role!r}")
    chat = "".join(part + "\n\n\n" for part in parts)
    return {"system": render_system(instruction, schemas), "chat": chat}
