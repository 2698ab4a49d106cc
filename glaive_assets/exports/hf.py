"""The Hugging Face export (TRL, transformers' chat templates): tool-call arguments as JSON objects.

One line per conversation, keys in this order:

    {"id": record_id,
     "messages": [...],          # the ChatML messages; tool_calls[].function.arguments is an OBJECT
     "tools": "<JSON string>",   # the ChatML tools list, encoded once; null when the row declares none
     "sample_weight": float}     # the training set's weight (1.0 in validation and test)

Why this shape:
- chat templates render `tool_call.function.arguments | tojson`; a string there comes out
  double-encoded ("{\\"a\\": 1}"), so the arguments are objects;
- `tools` is one JSON string because its parameter schemas differ from row to row, and Arrow would
  otherwise merge them into one struct with null-filled keys; TRL json.loads a string `tools`;
  null (not []) for rows without tools, because templates render tool boilerplate for an empty list;
- every message keeps exactly the keys ChatML gives it. The card declares `messages` as a list of
  `Json` values (datasets >= 4.7), so `datasets.load_dataset` gives every message back as written,
  with no keys filled with None.
"""

from __future__ import annotations

import math
from typing import Any

from glaive_assets.core.jsonio import dumps_exact, loads_exact
from glaive_assets.exports.conversation import Conversation, arguments_object, conversation_from_messages

HF_COLUMNS: dict[str, str] = {
    "id": "str",
    "messages": "list[object]",
    "tools": "str|null",
    "sample_weight": "float",
}

# The card's dataset_info.features (datasets' YAML form), so the loader never guesses the schema.
HF_FEATURES: list[dict[str, Any]] = [
    {"name": "id", "dtype": "string"},
    {"name": "messages", "list": "json"},
    {"name": "tools", "dtype": "string"},
    {"name": "sample_weight", "dtype": "float64"},
]


def sample_weight_of(row: dict[str, Any]) -> float:
    """The row's sample_weight: a finite number > 0."""
    weight = row.get("sample_weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight <= 0:
        raise ValueError(f"row {row.get('id')}: sample_weight must be a finite number > 0, got {weight!r}")
    return float(weight)


def hf_messages(messages: list[dict[str, Any]], row_id: Any) -> list[dict[str, Any]]:
    """The ChatML messages with every call's arguments decoded to an object (other messages shared)."""
    out = []
    for message in messages:
        calls = message.get("tool_calls")
        if calls:
            message = {**message, "tool_calls": [
                {**call, "function": {**call["function"],
                                      "arguments": arguments_object(call["function"]["arguments"], row_id)}}
                for call in calls
            ]}
        out.append(message)
    return out


def hf_row(split_row: dict[str, Any]) -> dict[str, Any]:
    """The hf line of one training-split row (a glaive_chatml row plus split and sample_weight)."""
    row_id = split_row["id"]
    tools = split_row["tools"]
    return {
        "id": row_id,
        "messages": hf_messages(split_row["messages"], row_id),
        "tools": dumps_exact(tools).decode() if tools else None,
        "sample_weight": sample_weight_of(split_row),
    }


def conversation_from_hf(row: dict[str, Any]) -> Conversation:
    """Read the Conversation back from an hf line (the round trip)."""
    tools = loads_exact(row["tools"]) if row["tools"] is not None else []
    return conversation_from_messages(row["messages"], tools)
