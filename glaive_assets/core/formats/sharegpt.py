"""LLaMA-Factory's ShareGPT layout for tool calling (its glaive_toolcall files, `formatting: sharegpt`):

    {"conversations": [{"from": "human" | "gpt" | "function_call" | "observation", "value": str}, ...],
     "tools": "<JSON text of [schema, ...]>",      # "" or absent: none
     "system": str}                                # optional; or a first {"from": "system"} message

- function_call: the value is the JSON text of {"name", "arguments"} (arguments an object, or JSON text
  of one), or of a list of them (parallel calls). Our own export (exports/sharegpt.py) adds
  "text_before_call" to the first call: the assistant's text before it, read back here.
- observation: the response to the oldest unanswered call of the function_call right before it; one
  with no call before it is an orphan (orphan_function_response), as in Glaive's layout.
- LLaMA-Factory's loader drops a row whose roles do not alternate (human/observation, then
  gpt/function_call). Here the core flags it as Glaive's rows are flagged: consecutive_user_turns,
  consecutive_assistant_turns, call_without_response, ends_on_user_turn.
"""

from __future__ import annotations

from typing import Any

import orjson

from glaive_assets.core import reasons as R
from glaive_assets.core.jsonio import loads_exact
from glaive_assets.core.formats.common import Conversation, instruction_problem, read_call, read_tools

HUMAN, GPT, FUNCTION_CALL, OBSERVATION, SYSTEM = "human", "gpt", "function_call", "observation", "system"
TEXT_BEFORE_CALL_KEY = "text_before_call"
_CALL_KEYS = frozenset({TEXT_BEFORE_CALL_KEY})


def read_sharegpt(row: dict[str, Any]) -> Conversation:
    conversation = Conversation()
    messages = row.get("conversations")
    if not isinstance(messages, list):
        conversation.reasons.append(R.MISSING_MESSAGES)
        return conversation
    system = row.get("system")
    if messages and isinstance(messages[0], dict) and messages[0].get("from") == SYSTEM:
        system, messages = messages[0].get("value"), messages[1:]
    if system is not None and not isinstance(system, str):
        conversation.reasons.append(R.FIELD_NOT_STRING)
    elif system:
        conversation.instruction = system.strip()
        problem = instruction_problem(conversation.instruction)
        if problem:
            conversation.reasons.append(problem)
    tools = read_tools(row.get("tools"), as_json_text=True)
    if tools is None:
        conversation.reasons.append(R.TOOLS_UNPARSEABLE)
    else:
        conversation.tools = tools
    for message in messages:
        if not _read_message(message, conversation):
            break
    return conversation


def _read_message(message: Any, conversation: Conversation) -> bool:
    """Add one message to the conversation; False when the row cannot be read on."""
    if not isinstance(message, dict) or not isinstance(message.get("from"), str) \
            or not isinstance(message.get("value"), str):
        conversation.reasons.append(R.MESSAGE_NOT_OBJECT)
        return False
    kind, value = message["from"], message["value"]
    if kind == HUMAN:
        conversation.add_text("user", value)
    elif kind == GPT:
        conversation.add_text("assistant", value)
    elif kind == OBSERVATION:
        conversation.add_text("tool", value)
    elif kind == FUNCTION_CALL:
        _read_function_call(value, conversation)
    else:
        conversation.reasons.append(R.UNKNOWN_ROLE)
        return False
    return True


def _read_function_call(value: str, conversation: Conversation) -> None:
    try:
        decoded = loads_exact(value)
    except orjson.JSONDecodeError:
        conversation.reasons.append(R.FUNCTION_CALL_NOT_JSON)
        return
    objects = decoded if isinstance(decoded, list) and decoded else [decoded]
    text = objects[0].get(TEXT_BEFORE_CALL_KEY, "") if isinstance(objects[0], dict) else ""
    calls = [read_call(call, _CALL_KEYS, conversation) for call in objects]
    if any(call is None for call in calls):
        return
    if not isinstance(text, str):
        conversation.reasons.append(R.CALL_UNPARSEABLE)
        return
    conversation.add_text("assistant", text)
    conversation.messages[-1]["tool_calls"] = [{"function": call} for call in calls]
