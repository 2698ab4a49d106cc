"""The shape of the artifacts the core produces: column names, their types, and the closed sets.

The Dagster layer, the GX suite and the bias slices read these constants instead of repeating them.
"""

from __future__ import annotations

COMPLEXITY_TIERS = ("none", "simple", "moderate", "complex", "malformed")
TURN_BUCKETS = ("none", "single", "short", "medium", "long")
CALL_BUCKETS = ("no_calls", "one_call", "two_calls", "many_calls")

# Roles of the parsed turns in a processed record's "turns" (keys per role: see core/parse.py).
TURN_ROLES = ("user", "assistant", "function_call", "function_response")

# Boolean feature columns of a processed record.
FLAG_COLUMNS = (
    "has_parallel",
    "has_multiple_calls",
    "has_defined_functions",
    "has_malformed",
    "has_function_error_response",
    "has_refusal",
    "has_error_handling",
)

# Integer count columns of a processed record.
COUNT_COLUMNS = (
    "num_turns",
    "num_assistant_turns",
    "num_calls",
    "num_function_responses",
    "num_defined_functions",
)

# Every key of a processed record (one JSON object per line of glaive_processed.jsonl), with the
# type shown as the column schema in the Dagster UI.
PROCESSED_COLUMNS: dict[str, str] = {
    "source_index": "int",  # the row's position in the source dataset
    "record_id": "str",  # stable content hash of (system, chat)
    "system": "str",  # the raw system prompt, verbatim
    "chat": "str",  # the raw chat, verbatim
    "instruction": "str",  # the system prompt without "SYSTEM: " and without the schemas
    "tools": "list[object]",  # every declared schema, first definition of each name, in order
    "turns": "list[object]",  # the parsed conversation ({"role", "content", ...}), see core/parse.py
    "num_turns": "int",
    "num_assistant_turns": "int",
    "num_calls": "int",
    "num_function_responses": "int",
    "num_defined_functions": "int",
    "defined_function_names": "list[str]",
    "function_calls": "list[object]",  # [{name, arguments}]
    "function_signatures": "object",  # name -> {description, parameters, required}
    "complexity_tier": "str",
    "turn_bucket": "str",
    "call_bucket": "str",
    "has_parallel": "bool",
    "has_multiple_calls": "bool",
    "has_defined_functions": "bool",
    "has_malformed": "bool",
    "has_function_error_response": "bool",
    "has_refusal": "bool",
    "has_error_handling": "bool",
    "malformed_reasons": "list[str]",
    "validation_errors": "list[str]",
    "structure_warnings": "list[str]",
}

# Every key of a reject (one JSON object per line of glaive_rejects.jsonl).
REJECT_COLUMNS: dict[str, str] = {
    "source_index": "int",
    "record_id": "str",
    "reasons": "list[str]",  # reason codes from core/reasons.py, at least one
    "raw": "any",  # the source row as it was read
    "features": "object|null",  # the light features of a parsed but malformed conversation
}

# The light feature columns kept on a malformed reject, so that QA can say where rejects fall.
LIGHT_FEATURE_COLUMNS = (
    *COUNT_COLUMNS,
    "complexity_tier",
    "turn_bucket",
    "call_bucket",
    *FLAG_COLUMNS,
)

# One line of glaive_chatml.jsonl (see core/chatml.py).
CHATML_COLUMNS: dict[str, str] = {
    "id": "str",  # the record_id
    "messages": "list[object]",  # {"role": system|user|assistant|tool, "content", ["tool_calls"|"tool_call_id", "name"]}
    "tools": "list[object]",  # {"type": "function", "function": {name, description, parameters}}
    "metadata": "object",  # the CHATML_METADATA_COLUMNS of the processed record
}
CHATML_ROLES = ("system", "user", "assistant", "tool")
CHATML_METADATA_COLUMNS = (
    "source_index",
    "record_id",
    "complexity_tier",
    "num_turns",
    "num_calls",
    "has_error_handling",
)
