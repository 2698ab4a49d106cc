"""One raw row in, one outcome out: a processed record (every PROCESSED_COLUMNS key) or a reject.

process_row never raises. A row that is not a Glaive record, or whose calls cannot be read
faithfully, becomes a reject with its reason codes; everything else becomes a processed record with
its validation errors and structure warnings. A bug inside the core would still give a reject, with
the code internal_error, rather than stop a run (the fuzz tests assert it never appears).

Rows of the sharegpt and openai formats (row_format, core/formats/) are read into a conversation,
written in Glaive's raw layout (chatml.render_glaive) and processed as that Glaive row; their
processed record's system and chat are that rendering, and a reject keeps the row as read in raw.

record_id: see core/prompts.py (a stable content hash of system and chat). A sharegpt or openai row
gets the record_id of its Glaive rendering, so a conversation has one id whatever its format. A row
that cannot be read as its format (no string system and chat; no message list, ...) is identified
by SHA-256 of b"row:" + its strict JSON line (jsonio.dumps_line).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from glaive_assets.core import reasons as R
from glaive_assets.core.chatml import render_glaive
from glaive_assets.core.features import light_features
from glaive_assets.core.formats import GLAIVE, read_conversation
from glaive_assets.core.jsonio import dumps_line, repair_text, utf8_of
from glaive_assets.core.parse import ParsedChat, clear_schema_block_cache, parse_chat
from glaive_assets.core.prompts import PreparedPrompt, PromptCache
from glaive_assets.core.records import PROCESSED_COLUMNS
from glaive_assets.core.schemas import clear_caches as clear_compiled_schemas
from glaive_assets.core.validate import call_codes

# Rows share a few thousand prompts (7,939 in the 100k benchmark rows); preparing each row's prompt
# again costs +40% on loads + process_row (benchmarks.core).
_PROMPTS = PromptCache(max_entries=4096, max_text_chars=65_536)


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """Exactly one of processed / reject is set."""

    processed: dict[str, Any] | None = None
    reject: dict[str, Any] | None = None


def clear_caches() -> None:
    """Forget every prepared prompt, schema and compiled validator (benchmarks start each run cold)."""
    _PROMPTS.clear()
    clear_schema_block_cache()
    clear_compiled_schemas()


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
    rid = hashlib.sha256(b"unreadable:" + utf8_of(text)[0]).hexdigest()[:32]
    return _reject(source_index, rid, [R.UNREADABLE_ROW], {"text": text, "error": error}, None)


def process_row(row: Any, source_index: int, unicode_repaired: bool = False, row_format: str = GLAIVE) -> RowOutcome:
    """Parse, validate and featurize one raw row of `row_format` (core/formats). Never raises.

    unicode_repaired: the row's lone surrogates were already replaced upstream (glaive_raw stores
    strict JSON), so flag invalid_unicode as if they were still here.
    """
    try:
        if row_format == GLAIVE:
            return _process_row(row, source_index, unicode_repaired)
        return _process_other_format(row, source_index, unicode_repaired, row_format)
    except Exception:  # a bug, or MemoryError-like trouble: reject, never stop the run
        try:
            rid = raw_row_id(row)
        except Exception:
            rid = ""
        return _reject(source_index, rid, [R.INTERNAL_ERROR], row, None)


def _process_other_format(row: Any, source_index: int, unicode_repaired: bool, row_format: str) -> RowOutcome:
    """A sharegpt or openai row: read into a conversation, then processed as its Glaive rendering."""
    if not isinstance(row, dict):
        return _reject(source_index, raw_row_id(row), [R.ROW_NOT_OBJECT], row, None)
    conversation = read_conversation(row, row_format)
    if conversation.reasons:
        return _reject(source_index, raw_row_id(row), conversation.reasons, row, None)
    outcome = _process_row(render_glaive(conversation.chatml()), source_index, unicode_repaired)
    if outcome.reject is not None:
        outcome.reject["raw"] = row
    elif conversation.warnings:
        warnings = outcome.processed["structure_warnings"]
        outcome.processed["structure_warnings"] = sorted({*warnings, *conversation.warnings})
    return outcome


def _process_row(row: Any, source_index: int, unicode_repaired: bool) -> RowOutcome:
    if not isinstance(row, dict):
        return _reject(source_index, raw_row_id(row), [R.ROW_NOT_OBJECT], row, None)
    system, chat = row.get("system"), row.get("chat")
    reasons: list[str] = []
    if not isinstance(system, str):
        reasons.append(R.MISSING_SYSTEM if system is None else R.FIELD_NOT_STRING)
    if not isinstance(chat, str):
        reasons.append(R.MISSING_CHAT if chat is None else R.FIELD_NOT_STRING)
    if reasons:
        return _reject(source_index, raw_row_id(row), reasons, row, None)

    prompt = _PROMPTS.get(system)
    chat_bytes, chat_had_lone_surrogates = utf8_of(chat)
    rid = prompt.record_id(chat_bytes)
    if chat_had_lone_surrogates:
        chat = repair_text(chat)
    if not chat or chat.isspace():  # what strip() removes is exactly what isspace() accepts
        return _reject(source_index, rid, [R.EMPTY_CHAT], row, None)

    parsed = parse_chat(chat)
    if not parsed.is_glaive:
        reasons.append(R.NOT_GLAIVE_CHAT)
    reasons.extend(prompt.parsed.reject_reasons)
    reasons.extend(parsed.malformed)
    if reasons:
        features = light_features(parsed, prompt.parsed) if parsed.is_glaive else None
        return _reject(source_index, rid, reasons, row, features)

    parsed.warnings.update(prompt.parsed.warnings)
    if prompt.had_lone_surrogates or chat_had_lone_surrogates or unicode_repaired:
        parsed.warnings.add(R.INVALID_UNICODE)
    return RowOutcome(processed=build_processed(source_index, rid, chat, prompt, parsed))


def build_processed(source_index: Any, rid: str, chat: str, prompt: PreparedPrompt, parsed: ParsedChat) -> dict[str, Any]:
    """The processed record of a conversation without malformed calls, keys in PROCESSED_COLUMNS order."""
    errors: set[str] = set(parsed.validation)
    for call in parsed.calls:
        errors.update(call_codes(call["name"], call["arguments"], prompt.validators))
    system = prompt.parsed
    record = dict.fromkeys(PROCESSED_COLUMNS)  # every column, in the declared order; all filled below
    record.update(light_features(parsed, system))
    record.update({
        "source_index": source_index,
        "record_id": rid,
        "system": prompt.text,
        "chat": chat,
        "instruction": system.instruction,
        "tools": list(system.tools),
        "turns": parsed.turns,
        "defined_function_names": list(system.names),
        "function_calls": parsed.calls,
        "function_signatures": dict(system.signatures),
        "malformed_reasons": [],
        "validation_errors": sorted(errors),
        "structure_warnings": sorted(parsed.warnings),
    })
    return record
