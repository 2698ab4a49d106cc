"""Every reason code the pipeline emits, defined in one place.

A code is short, stable and snake_case: downstream reports, checks and the README key on it.
Four families, each with its frozenset below:
- ROW reasons put a raw row in glaive_rejects because it is not a readable Glaive record at all;
- MALFORMED reasons put a row in glaive_rejects because a call (or the call/response pairing) cannot
  be read faithfully; the reject keeps the row's light features;
- VALIDATION errors flag a call that parsed but does not match the schemas declared in its own row;
- STRUCTURE warnings flag a conversation whose shape is odd (or that needed a safe, exact repair) but
  that still converts faithfully to ChatML.
A processed record only ever carries validation errors and structure warnings (its malformed_reasons
list is always empty, because a malformed row is a reject).
"""

from __future__ import annotations

# --- rows that are not Glaive records at all (reject) -------------------------------------------
ROW_NOT_OBJECT = "row_not_object"  # the row is not a JSON object
MISSING_SYSTEM = "missing_system"  # no "system" key, or null
MISSING_CHAT = "missing_chat"  # no "chat" key, or null
FIELD_NOT_STRING = "field_not_string"  # system or chat is a number, list, ...
EMPTY_CHAT = "empty_chat"  # chat is empty or blank
NOT_GLAIVE_CHAT = "not_glaive_chat"  # chat has no USER:/ASSISTANT:/FUNCTION RESPONSE: turn at all
NOT_GLAIVE_SYSTEM = "not_glaive_system"  # system prompt does not start with "SYSTEM:"
SYSTEM_SCHEMA_UNPARSEABLE = "system_schema_unparseable"  # a declared schema is not a JSON object with a name
SYSTEM_SCHEMA_TOO_DEEP = "system_schema_too_deep"  # a declared schema nests deeper than parse.MAX_JSON_DEPTH
UNREADABLE_ROW = "unreadable_row"  # the source line itself could not be decoded (see transform.reject_unreadable_row)
ROW_TOO_LARGE = "row_too_large"  # the row's JSON text exceeds GLAIVE_MAX_ROW_BYTES: never decoded (storage/stages.py)
INTERNAL_ERROR = "internal_error"  # the core itself failed on this row (a bug; tests assert it never happens)
# Rows of the sharegpt and openai formats (core/formats/):
MISSING_MESSAGES = "missing_messages"  # no `conversations` (sharegpt) or `messages` (openai) list
MESSAGE_NOT_OBJECT = "message_not_object"  # a message is not an object with a string role and string text
UNKNOWN_ROLE = "unknown_role"  # a role the format does not have (or a system message after the first)
TOOLS_UNPARSEABLE = "tools_unparseable"  # `tools` is not (JSON text of) a list of schemas with a name
GLAIVE_MARKER_IN_TEXT = "glaive_marker_in_text"  # a text holds a Glaive marker: it cannot be carried faithfully

# --- calls that could not be read (record is "malformed"; it goes to the rejects) -----------------
CALL_TRUNCATED = "call_truncated"  # the call stops mid-JSON (open string or bracket at the end)
CALL_UNPARSEABLE = "call_unparseable"  # not JSON even after the known repairs, or not {"name", "arguments"}
ARGUMENTS_NOT_OBJECT = "arguments_not_object"  # arguments are a list, null, a number, ...
NONSTANDARD_JSON = "nonstandard_json"  # Infinity / NaN / 1e999 / lone-surrogate escapes inside the arguments
WRONG_ARGUMENTS_KEY = "wrong_arguments_key"  # "parameters" used instead of "arguments"
FOREIGN_CALL_SYNTAX = "foreign_call_syntax"  # e.g. "AI to= get_song_lyrics: {...}"
ORPHAN_FUNCTION_RESPONSE = "orphan_function_response"  # a response with no call right before it
PLACEHOLDER_ARGUMENT = "placeholder_argument"  # unquoted "[User provided data]" instead of a value
ARGUMENTS_TOO_DEEP = "arguments_too_deep"  # arguments nest deeper than parse.MAX_JSON_DEPTH
FUNCTION_CALL_NOT_JSON = "function_call_not_json"  # a sharegpt function_call value that is not JSON
TOOL_CALL_ID_MISMATCH = "tool_call_id_mismatch"  # an openai tool message answers another call than the next one

# --- calls that parsed but break the row's own declared schemas ----------------------------------
UNDECLARED_FUNCTION = "undeclared_function"  # the called name is not declared in the system prompt
MISSING_REQUIRED_ARGUMENT = "missing_required_argument"
UNKNOWN_ARGUMENT = "unknown_argument"  # an argument the declared parameters do not list
ARGUMENT_TYPE_MISMATCH = "argument_type_mismatch"  # JSON-schema "type" fails (at any depth)
ARGUMENT_ENUM_MISMATCH = "argument_enum_mismatch"  # JSON-schema "enum" or "const" fails
ARGUMENT_CONSTRAINT_VIOLATION = "argument_constraint_violation"  # any other keyword (minimum, minItems, ...)
INVALID_DECLARED_SCHEMA = "invalid_declared_schema"  # the declared parameters are not a valid JSON schema
PLACEHOLDER_VALUE = "placeholder_value"  # a string argument that is only "[User provided data]"-like text

# --- conversation shape ----------------------------------------------------------------------------
CALL_WITHOUT_RESPONSE = "call_without_response"  # no FUNCTION RESPONSE answers the call
RESPONSE_NOT_JSON = "response_not_json"
RESPONSE_TRUNCATED = "response_truncated"  # not JSON because it stops mid-string or mid-bracket
RESPONSE_TOO_DEEP = "response_too_deep"  # nests deeper than orjson reads (1024); kept as text
ENDS_ON_USER_TURN = "ends_on_user_turn"
DUPLICATE_FUNCTION_CONFLICT = "duplicate_function_conflict"  # same name, different definitions
DUPLICATE_FUNCTION_IDENTICAL = "duplicate_function_identical"  # same name declared twice, same body
STRAY_MARKER = "stray_marker"  # <|endoftext|> or a role marker inside a turn
CONSECUTIVE_USER_TURNS = "consecutive_user_turns"
CONSECUTIVE_ASSISTANT_TURNS = "consecutive_assistant_turns"  # two assistant text turns in a row
TEXT_BEFORE_CALL = "text_before_call"  # assistant text then <functioncall> in one turn
MISSING_ENDOFTEXT = "missing_endoftext"  # an assistant turn without its <|endoftext|>
EXTRA_CLOSING_BRACE = "extra_closing_brace"  # repaired: one "}" too many after a call
ARGUMENTS_PLAIN_OBJECT = "arguments_plain_object"  # repaired: arguments were not a quoted string
ESCAPED_APOSTROPHE = "escaped_apostrophe"  # repaired: \\' (not a JSON escape) read as '
INVALID_UNICODE = "invalid_unicode"  # repaired: lone surrogates in system/chat replaced by U+FFFD
EMPTY_TURN = "empty_turn"  # a turn with no text after its marker
UNMARKED_LEADING_TEXT = "unmarked_leading_text"  # text before the first marker (not kept)

ROW_REASONS = frozenset(
    {
        ROW_NOT_OBJECT,
        MISSING_SYSTEM,
        MISSING_CHAT,
        FIELD_NOT_STRING,
        EMPTY_CHAT,
        NOT_GLAIVE_CHAT,
        NOT_GLAIVE_SYSTEM,
        SYSTEM_SCHEMA_UNPARSEABLE,
        SYSTEM_SCHEMA_TOO_DEEP,
        UNREADABLE_ROW,
        ROW_TOO_LARGE,
        INTERNAL_ERROR,
        MISSING_MESSAGES,
        MESSAGE_NOT_OBJECT,
        UNKNOWN_ROLE,
        TOOLS_UNPARSEABLE,
        GLAIVE_MARKER_IN_TEXT,
    }
)
MALFORMED_REASONS = frozenset(
    {
        CALL_TRUNCATED,
        CALL_UNPARSEABLE,
        ARGUMENTS_NOT_OBJECT,
        NONSTANDARD_JSON,
        WRONG_ARGUMENTS_KEY,
        FOREIGN_CALL_SYNTAX,
        ORPHAN_FUNCTION_RESPONSE,
        PLACEHOLDER_ARGUMENT,
        ARGUMENTS_TOO_DEEP,
        FUNCTION_CALL_NOT_JSON,
        TOOL_CALL_ID_MISMATCH,
    }
)
VALIDATION_ERRORS = frozenset(
    {
        UNDECLARED_FUNCTION,
        MISSING_REQUIRED_ARGUMENT,
        UNKNOWN_ARGUMENT,
        ARGUMENT_TYPE_MISMATCH,
        ARGUMENT_ENUM_MISMATCH,
        ARGUMENT_CONSTRAINT_VIOLATION,
        INVALID_DECLARED_SCHEMA,
        PLACEHOLDER_VALUE,
    }
)
STRUCTURE_WARNINGS = frozenset(
    {
        CALL_WITHOUT_RESPONSE,
        RESPONSE_NOT_JSON,
        RESPONSE_TRUNCATED,
        RESPONSE_TOO_DEEP,
        ENDS_ON_USER_TURN,
        DUPLICATE_FUNCTION_CONFLICT,
        DUPLICATE_FUNCTION_IDENTICAL,
        STRAY_MARKER,
        CONSECUTIVE_USER_TURNS,
        CONSECUTIVE_ASSISTANT_TURNS,
        TEXT_BEFORE_CALL,
        MISSING_ENDOFTEXT,
        EXTRA_CLOSING_BRACE,
        ARGUMENTS_PLAIN_OBJECT,
        ESCAPED_APOSTROPHE,
        INVALID_UNICODE,
        EMPTY_TURN,
        UNMARKED_LEADING_TEXT,
    }
)
# Codes that send a row to glaive_rejects.
REJECT_REASONS = ROW_REASONS | MALFORMED_REASONS
ALL_REASONS = REJECT_REASONS | VALIDATION_ERRORS | STRUCTURE_WARNINGS
