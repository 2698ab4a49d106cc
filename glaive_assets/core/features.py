"""Engineered features of a parsed conversation. Each definition is in the function that computes it.

Conventions: a "user turn" is a USER: turn; an "assistant turn" is any ASSISTANT: turn (text or call);
a "call" is one <functioncall> (or one foreign-syntax call such as "AI to= f: {...}"), read or not.
Code lists (malformed_reasons, validation_errors, structure_warnings) are sorted and unique.
"""

from __future__ import annotations

import re
from typing import Any

from glaive_assets.core.parse import NOT_JSON, ParsedChat, SystemPrompt
from glaive_assets.core.records import LIGHT_FEATURE_COLUMNS

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
# One lookup per key instead of three (the three sets are disjoint).
_KEY_KINDS = {**{key: "success" for key in SUCCESS_KEYS}, **{key: "status" for key in STATUS_KEYS},
              **{key: "error" for key in ERROR_KEYS}}
assert len(_KEY_KINDS) == len(ERROR_KEYS) + len(STATUS_KEYS) + len(SUCCESS_KEYS)
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
        kinds = _KEY_KINDS
        for key, item in value.items():
            kind = kinds.get(key.lower())
            if kind is None:
                continue
            if kind == "error":
                if item not in (None, False, "", [], {}, 0):
                    return True
            elif kind == "status":
                if isinstance(item, str) and FAILURE_STATUS.search(item):
                    return True
            elif item is False:
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


def has_refusal_anchor(lowered: str) -> bool:
    """any(anchor in lowered for anchor in REFUSAL_ANCHORS), in fewer scans: the anchors that share
    a piece ("not", "n't", the curly apostrophe) are looked for only when the piece is there."""
    return (
        "unable" in lowered or "cannot" in lowered or "beyond" in lowered or "outside" in lowered
        or "limited to" in lowered or "restricted to" in lowered or "as an ai" in lowered or "external task" in lowered
        or ("not" in lowered and (
            "not able" in lowered or "not capable" in lowered or "not equipped" in lowered or "not designed" in lowered
            or "not programmed" in lowered or "not within" in lowered or "not part of" in lowered
            or "can not" in lowered or "do not have" in lowered))
        or ("n't" in lowered and ("can't" in lowered or "don't have" in lowered))
        or ("\u2019" in lowered and ("can\u2019t" in lowered or "don\u2019t have" in lowered))
    )


# --- everything together ------------------------------------------------------------------------


def light_features(parsed: ParsedChat, system: SystemPrompt) -> dict[str, Any]:
    """The features kept on rejects too (records.LIGHT_FEATURE_COLUMNS), in that order.

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
    return dict(zip(LIGHT_FEATURE_COLUMNS, light_feature_values(parsed, system)))


def light_feature_values(parsed: ParsedChat, system: SystemPrompt) -> tuple:
    """The values of light_features, in LIGHT_FEATURE_COLUMNS order (the processed record is built
    from them directly, without an intermediate dict)."""
    num_calls = parsed.num_call_attempts
    num_users = parsed.num_user_turns
    has_malformed = bool(parsed.malformed)
    has_error_response = False
    for value, text in zip(parsed.response_values, parsed.response_texts):
        if is_error_response(value, text):
            has_error_response = True
            break
    has_refusal = has_refusal_text(parsed.assistant_texts)
    return (
        num_users,
        parsed.num_assistant_turns,
        num_calls,
        parsed.num_function_responses,
        len(system.names),
        complexity_tier(num_calls, parsed.calls, has_malformed),
        turn_bucket(num_users),
        call_bucket(num_calls),
        parsed.max_calls_in_one_turn > 1,
        num_calls >= 2,
        bool(system.names),
        has_malformed,
        has_error_response,
        has_refusal,
        has_error_response or has_refusal,
    )
