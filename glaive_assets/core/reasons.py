"""Every reason code the pipeline emits, defined in one place.

A code is short, stable and snake_case: downstream reports, checks and the README key on it.
Three families:
- REJECT reasons put a raw row in glaive_rejects (it cannot become a faithful training record);
- VALIDATION errors flag a call that parsed but does not match the schemas declared in its own row;
- STRUCTURE warnings flag a conversation whose shape is odd but still convertible.
"""

from __future__ import annotations

# --- rows that are not Glaive records at all --------------------------------------------------
ROW_NOT_OBJECT = "row_not_object"  # the row is not a JSON object
MISSING_SYSTEM = "missing_system"  # no "system" key, or null
MISSING_CHAT = "missing_chat"  # no "chat" key, or null
FIELD_NOT_STRING = "field_not_string"  # system or chat is a number, list, ...
EMPTY_CHAT = "empty_chat"  # chat is empty or blank
NOT_GLAIVE_CHAT = "not_glaive_chat"  # chat has no USER:/ASSISTANT: turns at all
NOT_GLAIVE_SYSTEM = "not_glaive_system"  # system prompt does not start with "SYSTEM:"
SYSTEM_SCHEMA_UNPARSEABLE = "system_schema_unparseable"  # a declared schema is not JSON
INVALID_UNICODE = "invalid_unicode"  # lone surrogates etc.; repaired when written, flagged here

# --- calls that could not be parsed (record is "malformed"; it goes to the rejects) --------------
CALL_TRUNCATED = "call_truncated"  # the call stops mid-arguments
CALL_UNPARSEABLE = "call_unparseable"  # not JSON even after the known repairs
ARGUMENTS_NOT_OBJECT = "arguments_not_object"  # arguments are a list, null, a number, ...
NONSTANDARD_JSON = "nonstandard_json"  # Infinity / NaN inside the arguments
WRONG_ARGUMENTS_KEY = "wrong_arguments_key"  # "parameters" used instead of "arguments"
FOREIGN_CALL_SYNTAX = "foreign_call_syntax"  # e.g. "AI to= get_song_lyrics: {...}"
ORPHAN_FUNCTION_RESPONSE = "orphan_function_response"  # a response with no call before it

# --- calls that parsed but break the row's own declared schemas --------------------------------
UNDECLARED_FUNCTION = "undeclared_function"
MISSING_REQUIRED_ARGUMENT = "missing_required_argument"
UNKNOWN_ARGUMENT = "unknown_argument"
ARGUMENT_TYPE_MISMATCH = "argument_type_mismatch"
ARGUMENT_ENUM_MISMATCH = "argument_enum_mismatch"
PLACEHOLDER_ARGUMENT = "placeholder_argument"  # "[User provided data]" instead of a value

# --- conversation shape ---------------------------------------------------------------------------
CALL_WITHOUT_RESPONSE = "call_without_response"
RESPONSE_NOT_JSON = "response_not_json"
RESPONSE_TRUNCATED = "response_truncated"
ENDS_ON_USER_TURN = "ends_on_user_turn"
DUPLICATE_FUNCTION_CONFLICT = "duplicate_function_conflict"  # same name, different definitions
DUPLICATE_FUNCTION_IDENTICAL = "duplicate_function_identical"  # same name declared twice, same body
STRAY_MARKER = "stray_marker"  # <|endoftext|> or a role marker inside a turn
CONSECUTIVE_USER_TURNS = "consecutive_user_turns"
CONSECUTIVE_ASSISTANT_TURNS = "consecutive_assistant_turns"
TEXT_BEFORE_CALL = "text_before_call"  # assistant text then <functioncall> in one turn
MISSING_ENDOFTEXT = "missing_endoftext"  # an assistant turn without its <|endoftext|>
EXTRA_CLOSING_BRACE = "extra_closing_brace"  # repaired: one "}" too many after a call
ARGUMENTS_PLAIN_OBJECT = "arguments_plain_object"  # repaired: arguments were not a quoted string
