"""What the sharegpt and openai readers share: the Conversation they fill, the tools, the calls,
and the check that every text can be written in Glaive's layout without changing its parse."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from glaive_assets.core import reasons as R
from glaive_assets.core.jsonio import loads_exact
from glaive_assets.core.parse import CALL_TAG, ENDOFTEXT, ROLE_MARKERS, ParsedCall, parse_arguments_text

# A role marker at a line start splits a turn (or counts as a stray); the tags end or start a call.
_MARKERS = (CALL_TAG, ENDOFTEXT, *("\n" + marker for marker in ROLE_MARKERS))


@dataclass(slots=True)
class Conversation:
    """One row read: the instruction, the declared schemas and the ChatML messages after the system
    one; or the reject `reasons`. `warnings` are the exact repairs made reading call arguments."""

    instruction: str = ""
    tools: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: set[str] = field(default_factory=set)

    def chatml(self) -> dict[str, Any]:
        """The {"messages", "tools"} that chatml.render_glaive writes in Glaive's layout."""
        system = [{"role": "system", "content": self.instruction}] if self.instruction else []
        return {"messages": system + self.messages,
                "tools": [{"type": "function", "function": schema} for schema in self.tools]}

    def add_text(self, role: str, text: str) -> None:
        if has_glaive_marker(text):
            self.reasons.append(R.GLAIVE_MARKER_IN_TEXT)
        self.messages.append({"role": role, "content": text})


def has_glaive_marker(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def instruction_problem(instruction: str) -> str | None:
    """Why an instruction cannot open a Glaive system prompt: a "{" at a line start reads as a schema."""
    if instruction.startswith("{") or "\n{" in instruction or has_glaive_marker(instruction):
        return R.GLAIVE_MARKER_IN_TEXT
    return None


def read_tools(value: Any, as_json_text: bool) -> list[dict[str, Any]] | None:
    """The declared schemas: a list of schemas with a non-empty string "name", each bare or wrapped as
    {"type": "function", "function": schema}; None/"" is no tools. `as_json_text`: the list may come
    as JSON text (sharegpt). None when the value is none of these."""
    if value is None or value == "":
        return []
    if isinstance(value, str) and as_json_text:
        try:
            value = loads_exact(value)
        except orjson.JSONDecodeError:
            return None
    if not isinstance(value, list):
        return None
    schemas = []
    for tool in value:
        if isinstance(tool, dict) and tool.get("type") == "function" and isinstance(tool.get("function"), dict):
            tool = tool["function"]
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str) or not tool["name"]:
            return None
        schemas.append(tool)
    return schemas


def read_call(call: Any, extra_keys: frozenset[str], conversation: Conversation) -> dict[str, Any] | None:
    """{"name", "arguments": object} of one call object {"name", "arguments": object or JSON text}
    (keys in `extra_keys` allowed beside them), or None with its malformed code added."""
    if not isinstance(call, dict) or not isinstance(call.get("name"), str) or not call["name"]:
        conversation.reasons.append(R.CALL_UNPARSEABLE)
        return None
    if "arguments" not in call or not set(call) <= {"name", "arguments", *extra_keys}:
        conversation.reasons.append(R.WRONG_ARGUMENTS_KEY if "parameters" in call else R.CALL_UNPARSEABLE)
        return None
    arguments = call["arguments"]
    if isinstance(arguments, str):
        parsed = ParsedCall()
        parse_arguments_text(arguments, parsed)
        if not parsed.ok:
            conversation.reasons.extend(parsed.malformed)
            return None
        conversation.warnings.update(parsed.repairs)
        arguments = parsed.arguments
    elif not isinstance(arguments, dict):
        conversation.reasons.append(R.ARGUMENTS_NOT_OBJECT)
        return None
    if has_glaive_marker(call["name"]) or has_glaive_marker(json.dumps(arguments, ensure_ascii=False)):
        conversation.reasons.append(R.GLAIVE_MARKER_IN_TEXT)
    return {"name": call["name"], "arguments": arguments}
