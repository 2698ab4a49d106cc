"""Engineered features of a parsed conversation (declared in records.LightFeatures). Each definition
is in the function that computes it.

Conventions: a "user turn" is a USER: turn; an "assistant turn" is any ASSISTANT: turn (text or call);
a "call" is one <functioncall> (or one foreign-syntax call such as "AI to= f: {...}"), read or not.
Code lists (malformed_reasons, validation_errors, structure_warnings) are sorted and unique.
"""

from __future__ import annotations

import re
from typing import Any

from glaive_assets.core.parse import NOT_JSON, ParsedChat, SystemPrompt
from glaive_assets.core.records import LightFeatures

# --- buckets and tiers -----------------------------------------------------------------------------


def complexity_tier(num_calls: int, calls: list[dict], has_malformed: bool) -> str:
    """none: no call; simple: one call with <= 2 arguments; moderate: one call with > 2 arguments;
    complex: two or more calls; malformed: any call that could not be read (wins over the others)."""
    if has_malformed:
        return "malformed"
    if num_calls == 0:
        return "none"
    if num_calls >= 2:
        return "complex"
    return "simple" if len(calls[0]["arguments"]) <= 2 else "moderate"


def turn_bucket(num_user_turns: int) -> str:
    """By user turns: none = 0, single = 1, short = 2-3, medium = 4-5, long = 6 or more."""
    if num_user_turns <= 0:
        return "none"
    if num_user_turns == 1:
        return "single"
    if num_user_turns <= 3:
        return "short"
    if num_user_turns <= 5:
        return "medium"
    return "long"


def call_bucket(num_calls: int) -> str:
    """By calls: no_calls = 0, one_call = 1, two_calls = 2, many_calls = 3 or more."""
    if num_calls <= 0:
        return "no_calls"
    if num_calls == 1:
        return "one_call"
    if num_calls == 2:
        return "two_calls"
    return "many_calls"


# --- function responses that report a failure ------------------------------------------------------

# Top-level keys (lower-cased) whose non-empty value means the function reports an error.
ERROR_KEYS = frozenset({"error", "errors", "error_message", "errormessage", "error_msg", "err", "exception", "fault"})
# Top-level keys whose string value is a status; FAILURE_STATUS decides whether it is a failure.
STATUS_KEYS = frozenset({"status", "state", "outcome", "result_status"})
# Top-level keys whose value false means failure.
SUCCESS_KEYS = frozenset({"success", "successful", "succeeded", "ok"})
# Values of an error key that report nothing (compared with ==, so 0.0 and False count too).
_NO_ERROR = (None, False, "", [], {}, 0)
FAILURE_STATUS = re.compile(
    r"\b(?:fail|fails|failed|failure|error|errors|unavailable|unsuccessful|denied|declined|rejected|"
    r"forbidden|unauthori[sz]ed|timeout|timed out)\b",
    re.IGNORECASE,
)
# A response that is not a JSON object but text: failure when it opens with one of these words.
FAILURE_TEXT = re.compile(r"\W{0,3}(?:error|failed|failure|exception)\b", re.IGNORECASE)


def is_error_response(value: Any, text: str) -> bool:
    """True when a function response reports a failure, decided on its parsed JSON.

    JSON object: a top-level key in ERROR_KEYS with a non-empty value ({"error": "..."}), a top-level
    key in STATUS_KEYS whose string value contains a failure word as a whole word
    ({"status": "unavailable"}, {"status": "failed"}, {"status": "error"}), or a key in SUCCESS_KEYS set
    to false ({"success": false}). Nested objects are not searched. A JSON string, or a response that
    is not JSON, counts when it starts with "error", "failed", "failure" or "exception" (whole word).
    """
    if isinstance(value, dict):
        for key, item in value.items():
            key = key.lower()
            if key in ERROR_KEYS:
                if item not in _NO_ERROR:
                    return True
            elif key in STATUS_KEYS:
                if isinstance(item, str) and FAILURE_STATUS.search(item):
                    return True
            elif key in SUCCESS_KEYS and item is False:
                return True
        return False
    if value is NOT_JSON:
        return FAILURE_TEXT.match(text) is not None
    if isinstance(value, str):
        return FAILURE_TEXT.match(value) is not None
    return False


# --- refusals ---------------------------------------------------------------------------------------

_A = "['\u2019]"  # straight or curly apostrophe
REFUSAL = re.compile(
    "|".join(
        (
            rf"\bI(?:{_A}m| am) (?:unable|not able|not capable|not equipped|not designed|not programmed) to\b",
            rf"\bI (?:can{_A}t|cannot|can not) (?:assist|help(?! but\b)|do that|perform|provide|fulfill|complete|"
            rf"carry out|process|handle)\b",
            rf"\bI (?:don{_A}t|do not) have (?:the |any )?(?:ability|capability|capabilities|functionality|"
            rf"function|functions|access|tools?|means|option|feature|permission)\b",
            r"\b(?:beyond|outside)(?: of)? (?:my|the scope of my) (?:current )?(?:capabilities|abilities|functions|scope)\b",
            r"\bnot (?:within|part of) my (?:current )?(?:capabilities|abilities|functions)\b",
            r"\bmy (?:current )?(?:capabilities|functions?|abilities) (?:are|is) (?:limited|restricted) to\b",
            rf"\bas an AI,? I (?:don{_A}t|do not|can{_A}t|cannot)\b",
            rf"\b(?:it|that|this)(?:{_A}s| is) an external task\b",
        )
    ),
    # ASCII: case folds only A-Z (so the lower-cased anchors below are exact) and \b sees ASCII words.
    re.IGNORECASE | re.ASCII,
)


# Every REFUSAL match contains one of these (lower-cased); a text with none of them is skipped without
# running the regex (test_core_features checks the implication).
REFUSAL_ANCHORS = (
    "unable", "not able", "not capable", "not equipped", "not designed", "not programmed",
    "can't", "can\u2019t", "cannot", "can not",
    "don't have", "don\u2019t have", "do not have",
    "beyond", "outside", "not within", "not part of", "limited to", "restricted to", "as an ai", "external task",
)


def has_refusal_text(assistant_texts: list[str]) -> bool:
    """True when an assistant text turn declines for lack of a fitting function or ability.

    Matches the REFUSAL patterns (whole words, any case, straight or curly apostrophes) on assistant
    text turns only (not user turns, not function responses, not the text before a call):
    "I'm sorry, but I don't have the capability to ...", "I'm unable to ...", "I can't assist with
    that as it's an external task", "... beyond my current capabilities", "As an AI, I cannot ...".
    """
    if not assistant_texts:
        return False
    # Joined by newlines: every pattern separates its words by single spaces, so no match spans turns.
    text = assistant_texts[0] if len(assistant_texts) == 1 else "\n".join(assistant_texts)
    if has_refusal_anchor(text.lower()):
        return REFUSAL.search(text) is not None
    return False


# Pieces that several anchors contain: those anchors are looked for only when their piece is there
# (an anchor in the text implies its piece is). Derived from REFUSAL_ANCHORS; any() over every anchor
# instead costs +X% on loads + process_row.
_SHARED_PIECES = ("not", "n't", "\u2019")
_ANCHORS_BY_PIECE = tuple((piece, tuple(a for a in REFUSAL_ANCHORS if piece in a)) for piece in _SHARED_PIECES)
_OTHER_ANCHORS = tuple(a for a in REFUSAL_ANCHORS if not any(piece in a for piece in _SHARED_PIECES))


def has_refusal_anchor(lowered: str) -> bool:
    """True when the lower-cased text holds one of the REFUSAL_ANCHORS."""
    for anchor in _OTHER_ANCHORS:
        if anchor in lowered:
            return True
    for piece, anchors in _ANCHORS_BY_PIECE:
        if piece in lowered:
            for anchor in anchors:
                if anchor in lowered:
                    return True
    return False


# --- everything together ------------------------------------------------------------------------


def light_features(parsed: ParsedChat, system: SystemPrompt) -> LightFeatures:
    """The features of a parsed conversation, kept on rejects too.

    num_turns: user turns. num_assistant_turns: ASSISTANT: turns, text and call alike.
    num_calls: calls attempted (read or not). num_function_responses: FUNCTION RESPONSE: turns.
    num_defined_functions: distinct function names declared in the system prompt.
    has_parallel: one assistant turn issues more than one call (Glaive never does: calls are
    sequential, one per assistant turn; the flag is still computed from the turns, not assumed).
    has_multiple_calls: two or more calls in the conversation. has_defined_functions: the system
    prompt declares at least one function. has_malformed: a call could not be read (see
    malformed_reasons). has_function_error_response: see is_error_response. has_refusal: see
    has_refusal_text. has_error_handling: has_function_error_response or has_refusal.
    """
    num_calls = parsed.num_call_attempts
    has_malformed = bool(parsed.malformed)
    has_error_response = any(map(is_error_response, parsed.response_values, parsed.response_texts))
    has_refusal = has_refusal_text(parsed.assistant_texts)
    return {
        "num_turns": parsed.num_user_turns,
        "num_assistant_turns": parsed.num_assistant_turns,
        "num_calls": num_calls,
        "num_function_responses": parsed.num_function_responses,
        "num_defined_functions": len(system.names),
        "complexity_tier": complexity_tier(num_calls, parsed.calls, has_malformed),
        "turn_bucket": turn_bucket(parsed.num_user_turns),
        "call_bucket": call_bucket(num_calls),
        "has_parallel": parsed.max_calls_in_one_turn > 1,
        "has_multiple_calls": num_calls >= 2,
        "has_defined_functions": bool(system.names),
        "has_malformed": has_malformed,
        "has_function_error_response": has_error_response,
        "has_refusal": has_refusal,
        "has_error_handling": has_error_response or has_refusal,
    }
