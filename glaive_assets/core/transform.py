"""One raw row in, one outcome out: a processed record (every PROCESSED_COLUMNS key) or a reject.

process_row never raises. A row that is not a Glaive record, or whose calls cannot be read
faithfully, becomes a reject with its reason codes; everything else becomes a processed record with
its validation errors and structure warnings. A bug inside the core would still give a reject, with
the code internal_error, rather than stop a run (the fuzz tests assert it never appears).

record_id: the first 32 hex digits (128 bits) of SHA-256 over len(system) as 8 big-endian bytes,
the UTF-8 bytes of system, then those of chat, with lone surrogates replaced by U+FFFD first: the raw
artifact stores them repaired (strict JSON has none), so a row gets the same id whether the core
reads it from the source or from glaive_raw. A row without string system and chat is identified by SHA-256 of
b"row:" + its strict JSON line (jsonio.dumps_line).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from glaive_assets.core import reasons as R
from glaive_assets.core.features import light_feature_values, light_features
from glaive_assets.core.jsonio import dumps_line, repair_text
from glaive_assets.core.parse import MAX_CACHED_SYSTEM_CHARS, ParsedChat, SystemPrompt, parse_chat, parse_system
from glaive_assets.core.validate import call_codes

@dataclass(frozen=True, slots=True)
class RowOutcome:
    """Exactly one of processed / reject is set."""

    processed: dict[str, Any] | None = None
    reject: dict[str, Any] | None = None


def _utf8(text: str) -> tuple[bytes, bool]:
    """UTF-8 bytes of `text` (lone surrogates as U+FFFD) and whether it held lone surrogates."""
    try:
        return text.encode("utf-8"), False
    except UnicodeEncodeError:
        return repair_text(text).encode("utf-8"), True


def record_id_of(system_bytes: bytes, chat_bytes: bytes) -> str:
    digest = hashlib.sha256(len(system_bytes).to_bytes(8, "big"))
    digest.update(system_bytes)
    digest.update(chat_bytes)
    return digest.hexdigest()[:32]


def _system_entry(system: str) -> list[Any]:
    """What a row needs of its system prompt: [SHA-256 state over the record id's system part, the
    text to keep (lone surrogates repaired), whether it held lone surrogates, the parsed prompt (filled
    on first use: a row with an empty chat is rejected before its prompt is parsed)]."""
    system_bytes, bad = _utf8(system)
    digest = hashlib.sha256(len(system_bytes).to_bytes(8, "big"))
    digest.update(system_bytes)
    return [digest, repair_text(system) if bad else system, bad, None]


# Rows share a few thousand prompts: their hash state and parse are kept by text (bounded).
_cached_system_entry = lru_cache(maxsize=4096)(_system_entry)


def clear_row_caches() -> None:
    """Forget the per-prompt entries (benchmarks start each run cold; see also parse.clear_system_cache)."""
    _cached_system_entry.cache_clear()


def record_id(system: str, chat: str) -> str:
    """The stable content hash of (system, chat); see the module docstring."""
    return record_id_of(_utf8(system)[0], _utf8(chat)[0])


def raw_row_id(row: Any) -> str:
    return hashlib.sha256(b"row:" + dumps_line(row)).hexdigest()[:32]


def _reject(source_index: Any, rid: str, reasons: list[str], raw: Any, features: dict | None) -> RowOutcome:
    return RowOutcome(
        reject={
            "source_index": source_index,
            "record_id": rid,
            "reasons": sorted(set(reasons)),
            "raw": raw,
            "features": features,
        }
    )


def reject_unreadable_row(source_index: int, text: str, error: str) -> RowOutcome:
    """The reject for a source line that could not be decoded at all (reason unreadable_row).

    raw is {"text": the line as read, "error": the decoder's message}; record_id hashes the text.
    """
    text = text if isinstance(text, str) else repr(text)
    error = error if isinstance(error, str) else repr(error)
    rid = hashlib.sha256(b"unreadable:" + _utf8(text)[0]).hexdigest()[:32]
    return _reject(source_index, rid, [R.UNREADABLE_ROW], {"text": text, "error": error}, None)


def process_row(row: Any, source_index: int, unicode_repaired: bool = False) -> RowOutcome:
    """Parse, validate and featurize one raw row. Never raises.

    unicode_repaired: the row's lone surrogates were already replaced upstream (glaive_raw stores
    strict JSON), so flag invalid_unicode as if they were still here.
    """
    try:
        return _process_row(row, source_index, unicode_repaired)
    except Exception:  # a bug, or MemoryError-like trouble: reject, never stop the run
        try:
            rid = raw_row_id(row)
        except Exception:
            rid = ""
        return _reject(source_index, rid, [R.INTERNAL_ERROR], row, None)


def _process_row(row: Any, source_index: int, unicode_repaired: bool) -> RowOutcome:
    if not isinstance(row, dict):
        return _reject(source_index, raw_row_id(row), [R.ROW_NOT_OBJECT], row, None)
    system = row.get("system")
    chat = row.get("chat")
    reasons: list[str] = []
    if system is None:
        reasons.append(R.MISSING_SYSTEM)
    elif not isinstance(system, str):
        reasons.append(R.FIELD_NOT_STRING)
    if chat is None:
        reasons.append(R.MISSING_CHAT)
    elif not isinstance(chat, str):
        reasons.append(R.FIELD_NOT_STRING)
    if reasons:
        return _reject(source_index, raw_row_id(row), reasons, row, None)

    entry = _cached_system_entry(system) if len(system) <= MAX_CACHED_SYSTEM_CHARS else _system_entry(system)
    chat_bytes, chat_bad = _utf8(chat)
    digest = entry[0].copy()
    digest.update(chat_bytes)
    rid = digest.hexdigest()[:32]
    system = entry[1]
    system_bad = entry[2]
    if chat_bad:
        chat = repair_text(chat)
    if not chat or chat.isspace():  # what strip() removes is exactly what isspace() accepts
        return _reject(source_index, rid, [R.EMPTY_CHAT], row, None)

    prompt = entry[3]
    if prompt is None:
        prompt = entry[3] = parse_system(system)
    parsed = parse_chat(chat)
    if not parsed.is_glaive:
        reasons.append(R.NOT_GLAIVE_CHAT)
    reasons.extend(prompt.reject_reasons)
    reasons.extend(parsed.malformed)
    if reasons:
        features = light_features(parsed, prompt) if parsed.is_glaive else None
        return _reject(source_index, rid, reasons, row, features)

    warnings = parsed.warnings
    if prompt.warnings:
        warnings.update(prompt.warnings)
    if system_bad or chat_bad or unicode_repaired:
        warnings.add(R.INVALID_UNICODE)
    return RowOutcome(processed=build_processed(source_index, rid, system, chat, prompt, parsed))


def build_processed(
    source_index: Any, rid: str, system: str, chat: str, prompt: SystemPrompt, parsed: ParsedChat
) -> dict[str, Any]:
    """The processed record of a conversation without malformed calls, keys in PROCESSED_COLUMNS order."""
    errors: set[str] = set(parsed.validation)
    for call in parsed.calls:
        codes = call_codes(call["name"], call["arguments"], prompt)
        if codes:
            errors.update(codes)
    (num_turns, num_assistant_turns, num_calls, num_function_responses, num_defined_functions, tier, turns_bucket,
     calls_bucket, has_parallel, has_multiple_calls, has_defined_functions, has_malformed, has_error_response,
     has_refusal, has_error_handling) = light_feature_values(parsed, prompt)
    return {
        "source_index": source_index,
        "record_id": rid,
        "system": system,
        "chat": chat,
        "instruction": prompt.instruction,
        "tools": list(prompt.tools),
        "turns": parsed.turns,
        "num_turns": num_turns,
        "num_assistant_turns": num_assistant_turns,
        "num_calls": num_calls,
        "num_function_responses": num_function_responses,
        "num_defined_functions": num_defined_functions,
        "defined_function_names": list(prompt.names),
        "function_calls": parsed.calls,
        "function_signatures": dict(prompt.signatures),
        "complexity_tier": tier,
        "turn_bucket": turns_bucket,
        "call_bucket": calls_bucket,
        "has_parallel": has_parallel,
        "has_multiple_calls": has_multiple_calls,
        "has_defined_functions": has_defined_functions,
        "has_malformed": has_malformed,
        "has_function_error_response": has_error_response,
        "has_refusal": has_refusal,
        "has_error_handling": has_error_handling,
        "malformed_reasons": [],
        "validation_errors": sorted(errors),
        "structure_warnings": sorted(parsed.warnings),
    }
