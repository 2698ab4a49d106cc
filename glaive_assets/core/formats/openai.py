"""OpenAI's chat layout with tools (what OpenAI fine-tuning takes, and what our openai export writes):

    {"messages": [{"role": "system" | "user" | "assistant" | "tool", "content": str, ...}, ...],
     "tools": [{"type": "function", "function": schema}, ...]}   # or bare schemas; absent: none

- system: only as the first message (the instruction).
- assistant: "content" (null allowed when it calls) and optionally "tool_calls":
  [{"id", "type": "function", "function": {"name", "arguments": "<JSON text>" or object}}].
- tool: the response to the oldest unanswered call of the assistant message right before it; its
  "tool_call_id", when given, must name that call (else tool_call_id_mismatch). A tool message with no
  call before it is an orphan (orphan_function_response), as in Glaive's layout.
"""

from __future__ import annotations

from typing import Any

from glaive_assets.core import reasons as R
from glaive_assets.core.formats.common import Conversation, instruction_problem, read_call, read_tools

_NO_EXTRA_KEYS: frozenset[str] = frozenset()


def read_openai(row: dict[str, Any]) -> Conversation:
    conversation = Conversation()
    messages = row.get("messages")
    if not isinstance(messages, list):
        conversation.reasons.append(R.MISSING_MESSAGES)
        return conversation
    tools = read_tools(row.get("tools"), as_json_text=False)
    if tools is None:
        conversation.reasons.append(R.TOOLS_UNPARSEABLE)
    else:
        conversation.tools = tools
    pending: list[Any] = []  # ids of the latest assistant message's calls still unanswered
    for position, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            conversation.reasons.append(R.MESSAGE_NOT_OBJECT)
            break
        if not _read_message(message, position, pending, conversation):
            break
    return conversation


def _read_message(message: dict[str, Any], position: int, pending: list[Any], conversation: Conversation) -> bool:
    """Add one message; False when the row cannot be read on."""
    role, content = message["role"], message.get("content")
    if content is None and role == "assistant" and message.get("tool_calls"):
        content = ""
    if not isinstance(content, str):
        conversation.reasons.append(R.MESSAGE_NOT_OBJECT)
        return False
    if role == "system" and position == 0:
        conversation.instruction = content.strip()
        problem = instruction_problem(conversation.instruction)
        if problem:
            conversation.reasons.append(problem)
    elif role == "user":
        pending.clear()
        conversation.add_text("user", content)
    elif role == "assistant":
        pending.clear()
        return _read_assistant(message, content, pending, conversation)
    elif role == "tool":
        call_id = message.get("tool_call_id")
        answered = pending.pop(0) if pending else None
        if answered is not None and call_id is not None and call_id != answered:
            conversation.reasons.append(R.TOOL_CALL_ID_MISMATCH)
        conversation.add_text("tool", content)
    else:
        conversation.reasons.append(R.UNKNOWN_ROLE)
        return False
    return True


def _read_assistant(message: dict[str, Any], content: str, pending: list[Any], conversation: Conversation) -> bool:
    tool_calls = message.get("tool_calls")
    conversation.add_text("assistant", content)
    if not tool_calls:
        return True
    if not isinstance(tool_calls, list):
        conversation.reasons.append(R.CALL_UNPARSEABLE)
        return False
    calls = []
    for tool_call in tool_calls:
        function = tool_call.get("function") if isinstance(tool_call, dict) else None
        call = read_call(function, _NO_EXTRA_KEYS, conversation)
        if call is None:
            return False
        pending.append(tool_call.get("id"))
        calls.append({"function": call})
    conversation.messages[-1]["tool_calls"] = calls
    return True
