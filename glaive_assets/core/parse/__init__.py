"""Parse a Glaive v2 record: the system prompt into instruction + schemas, the chat into turns and calls.

    system.parse_system(system) -> SystemPrompt      instruction, declared schemas, signatures
    chat.parse_chat(chat) -> ParsedChat              turns, calls, counts, shape codes
    calls.parse_call(text) -> ParsedCall             one call (the text after <functioncall>)

Layout (see ../shared/glaive/FORMAT.md; the literal markers are in layout.py): the system prompt is
"SYSTEM: <instruction>\\n" followed by pretty-printed function schemas one after another; the chat is a
sequence of turns, each beginning with "USER: ", "ASSISTANT: " or "FUNCTION RESPONSE: " and separated
by blank lines. A call is an assistant turn
"<functioncall> {"name": ..., "arguments": '<JSON text>'} <|endoftext|>".

Parsed turns (the `turns` column of a processed record) are plain dicts, in chat order:

    {"role": "user", "content": str}
    {"role": "assistant", "content": str}                     # assistant text, <|endoftext|> removed
    {"role": "function_call", "content": str,                 # text before <functioncall> ("" usually)
     "name": str, "arguments": dict, "call_id": "call_<k>",   # k counts the calls of the record from 0
     "parallel": bool}                                        # same assistant turn as the previous call
    {"role": "function_response", "content": str,             # the response text, verbatim
     "call_id": "call_<k>"}                                   # the call it answers (None: an orphan)

Every content is stripped of surrounding whitespace.
"""

from glaive_assets.core.parse.calls import ParsedCall, parse_arguments_text, parse_call
from glaive_assets.core.parse.chat import NOT_JSON, ParsedChat, parse_chat
from glaive_assets.core.parse.jsontext import MAX_JSON_DEPTH, BracketProfile, bracket_profile, is_too_deep
from glaive_assets.core.parse.layout import (
    ASSISTANT_MARKER,
    CALL_TAG,
    ENDOFTEXT,
    RESPONSE_MARKER,
    ROLE_MARKERS,
    SYSTEM_PREFIX,
    USER_MARKER,
)
from glaive_assets.core.parse.system import SystemPrompt, clear_schema_block_cache, parse_system

__all__ = [
    "ASSISTANT_MARKER",
    "CALL_TAG",
    "ENDOFTEXT",
    "MAX_JSON_DEPTH",
    "NOT_JSON",
    "RESPONSE_MARKER",
    "ROLE_MARKERS",
    "SYSTEM_PREFIX",
    "USER_MARKER",
    "BracketProfile",
    "ParsedCall",
    "ParsedChat",
    "SystemPrompt",
    "bracket_profile",
    "clear_schema_block_cache",
    "is_too_deep",
    "parse_arguments_text",
    "parse_call",
    "parse_chat",
    "parse_system",
]
