"""The OpenAI export (OpenAI fine-tuning upload, axolotl's chat_template with OpenAI messages).

One line per conversation, the two keys of OpenAI's chat fine-tuning format:

    {"messages": [...],   # the ChatML messages as glaive_chatml holds them: arguments are JSON STRINGS
     "tools": [...]}      # [{"type": "function", "function": schema}], [] when the row declares none

The lines follow the hf export's order row for row (the id and sample_weight stay out: OpenAI's
format has no such keys). Do not feed this file to a transformers chat template that renders
`arguments | tojson`: the string comes out double-encoded (the consumer test counts it).
"""

from __future__ import annotations

from typing import Any

from glaive_assets.exports.conversation import Conversation, conversation_from_messages

OPENAI_COLUMNS: dict[str, str] = {
    "messages": "list[object]",
    "tools": "list[object]",
}

OPENAI_FEATURES: list[dict[str, Any]] = [
    {"name": "messages", "list": "json"},
    {"name": "tools", "list": "json"},
]


def openai_row(split_row: dict[str, Any]) -> dict[str, Any]:
    """The openai line of one training-split row."""
    for message in split_row["messages"]:
        for call in message.get("tool_calls") or ():
            if not isinstance(call["function"]["arguments"], str):
                raise ValueError(f"row {split_row['id']}: tool call arguments must be a JSON string")
    return {"messages": split_row["messages"], "tools": split_row["tools"]}


def conversation_from_openai(row: dict[str, Any]) -> Conversation:
    """Read the Conversation back from an openai line (the round trip)."""
    return conversation_from_messages(row["messages"], row["tools"])
