"""The ShareGPT export for LLaMA-Factory (`formatting: sharegpt`), with its dataset_info.json.

One line per conversation:

    {"id": record_id,
     "conversations": [{"from": "human" | "gpt" | "function_call" | "observation", "value": str}, ...],
     "system": str | null,      # the instruction; null when there is none
     "tools": str | null}       # the declared schemas as one JSON string ([schema, ...]); null when none

- function_call: the value is the JSON text of {"name", "arguments": OBJECT} (a list of them for
  parallel calls). LLaMA-Factory json.loads the value and dumps "arguments" itself, so a string there
  would be double-encoded.
- Text the assistant wrote before a call in the same turn: LLaMA-Factory's loader takes the roles in
  strict alternation (human/observation at odd positions, gpt/function_call at even ones), so it
  cannot be a gpt message of its own, and the function_call value renders only name and arguments.
  It is kept in the call object as "text_before_call" (LLaMA-Factory ignores the key; the round trip
  reads it back) and counted as not rendered.
- A conversation LLaMA-Factory would reject (sharegpt_problems) is left out of the export and counted
  by reason: it would be skipped with a warning at load time anyway.
"""

from __future__ import annotations

from typing import Any

from glaive_assets.core.formats.sharegpt import FUNCTION_CALL, GPT, HUMAN, OBSERVATION, TEXT_BEFORE_CALL_KEY
from glaive_assets.core.jsonio import dumps_exact, loads_exact
from glaive_assets.exports.conversation import Conversation, arguments_object, call_turn


# Why a conversation cannot be laid out as LLaMA-Factory's loader requires (one place, one meaning).
# two prompts or two answers in a row: consecutive user or assistant turns, several responses to one call turn
ROLE_OUT_OF_TURN = "role_out_of_turn"
ENDS_WITHOUT_ANSWER = "ends_without_answer"  # the last message is a human turn or an observation
OBSERVATION_WITHOUT_CALL = "observation_without_call"  # an observation not right after a function_call
NO_MESSAGES = "no_messages"
SHAREGPT_PROBLEMS = (ROLE_OUT_OF_TURN, ENDS_WITHOUT_ANSWER, OBSERVATION_WITHOUT_CALL, NO_MESSAGES)

SHAREGPT_COLUMNS: dict[str, str] = {
    "id": "str",
    "conversations": "list[object]",  # {"from", "value"}
    "system": "str|null",
    "tools": "str|null",
}

# dataset_info.json entry names, one per split file.
DATASET_NAMES = {"train": "glaive_train", "validation": "glaive_validation", "test": "glaive_test"}


def _call_value(message: dict[str, Any], row_id: Any) -> str:
    calls = []
    for position, call in enumerate(message["tool_calls"]):
        function = call["function"]
        entry = {"name": function["name"], "arguments": arguments_object(function["arguments"], row_id)}
        if position == 0 and message["content"]:
            entry[TEXT_BEFORE_CALL_KEY] = message["content"]
        calls.append(entry)
    return dumps_exact(calls[0] if len(calls) == 1 else calls).decode()


def sharegpt_conversations(messages: list[dict[str, Any]], row_id: Any) -> list[dict[str, str]]:
    """The ChatML messages (after the system message) as ShareGPT {"from", "value"} entries."""
    out = []
    for message in messages:
        role = message["role"]
        if role == "user":
            out.append({"from": HUMAN, "value": message["content"]})
        elif role == "assistant" and message.get("tool_calls"):
            out.append({"from": FUNCTION_CALL, "value": _call_value(message, row_id)})
        elif role == "assistant":
            out.append({"from": GPT, "value": message["content"]})
        elif role == "tool":
            out.append({"from": OBSERVATION, "value": message["content"]})
        else:
            raise ValueError(f"row {row_id}: unexpected message role {role!r}")
    return out


def sharegpt_row(split_row: dict[str, Any]) -> dict[str, Any]:
    """The sharegpt line of one training-split row (check it with sharegpt_problems before writing)."""
    messages = split_row["messages"]
    system = None
    if messages and messages[0]["role"] == "system":
        system = messages[0]["content"]
        messages = messages[1:]
    tools = split_row["tools"]
    return {
        "id": split_row["id"],
        "conversations": sharegpt_conversations(messages, split_row["id"]),
        "system": system,
        "tools": dumps_exact([tool["function"] for tool in tools]).decode() if tools else None,
    }


def sharegpt_problems(conversations: list[dict[str, str]]) -> list[str]:
    """Why LLaMA-Factory's sharegpt loader would reject these messages ([] when it takes them).

    Its documented rules, which its loader enforces: human and observation at odd positions (1st,
    3rd, ...), gpt and function_call at even ones, so an even number of messages ending with an
    answer. One more of ours: an observation answers the function_call right before it (the loader
    would take an observation after a gpt turn, but it would answer no call).
    """
    if not conversations:
        return [NO_MESSAGES]
    problems = []
    for position, message in enumerate(conversations):
        expected = (HUMAN, OBSERVATION) if position % 2 == 0 else (GPT, FUNCTION_CALL)
        if message["from"] not in expected:
            problems.append(ROLE_OUT_OF_TURN)
            break
    if len(conversations) % 2:
        problems.append(ENDS_WITHOUT_ANSWER)
    for previous, message in zip([None, *conversations], conversations):
        if message["from"] == OBSERVATION and (previous is None or previous["from"] != FUNCTION_CALL):
            problems.append(OBSERVATION_WITHOUT_CALL)
            break
    return problems


def conversation_from_sharegpt(row: dict[str, Any]) -> Conversation:
    """Read the Conversation back from a sharegpt line. Call ids are numbered call_0, call_1, ... in
    order, and each observation answers the oldest unanswered call of the function_call before it,
    as core/parse.py numbers and pairs them."""
    turns: list[dict[str, Any]] = []
    pending: list[str] = []
    calls = 0
    for message in row["conversations"]:
        kind, value = message["from"], message["value"]
        if kind == HUMAN:
            turns.append({"role": "user", "content": value})
        elif kind == GPT:
            turns.append({"role": "assistant", "content": value})
        elif kind == FUNCTION_CALL:
            decoded = loads_exact(value)
            pending = []
            for position, call in enumerate(decoded if isinstance(decoded, list) else [decoded]):
                call_id = f"call_{calls}"
                calls += 1
                pending.append(call_id)
                turns.append(call_turn(call, call_id, call.get(TEXT_BEFORE_CALL_KEY, ""), position > 0))
        elif kind == OBSERVATION:
            # an observation with no call before it answers nothing (call_id None, as the parser says)
            call_id = pending.pop(0) if pending else None
            turns.append({"role": "function_response", "content": value, "call_id": call_id})
        else:
            raise ValueError(f"unexpected ShareGPT role {kind!r}")
    tools = loads_exact(row["tools"]) if row["tools"] is not None else []
    return {"instruction": row["system"] or "", "tools": tools, "turns": turns}


def dataset_info(file_names: dict[str, str]) -> dict[str, Any]:
    """LLaMA-Factory's dataset_info.json for the split files ({split: file name})."""
    return {
        DATASET_NAMES[split]: {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
            "tags": {"role_tag": "from", "content_tag": "value", "user_tag": HUMAN, "assistant_tag": GPT,
                     "observation_tag": OBSERVATION, "function_tag": FUNCTION_CALL, "system_tag": "system"},
        }
        for split, file_name in file_names.items()
    }
