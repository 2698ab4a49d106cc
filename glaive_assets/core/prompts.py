"""What the rows with the same system prompt share, prepared once: its parse, its compiled validators
and the first half of their record ids. Rows share a few thousand prompts, so the transform keeps
the prepared prompts in one bounded cache (PromptCache).

record_id: the first 32 hex digits (128 bits) of SHA-256 over len(system) as 8 big-endian bytes, the
UTF-8 bytes of system, then those of chat, with lone surrogates replaced by U+FFFD first: the raw
artifact stores them repaired (strict JSON has none), so a row gets the same id whether the core
reads it from the source or from glaive_raw.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from glaive_assets.core.jsonio import repair_text, utf8_of
from glaive_assets.core.parse import SystemPrompt, parse_system
from glaive_assets.core.schemas import CompiledParameters, compile_declared


@dataclass(frozen=True, slots=True)
class PreparedPrompt:
    """One system prompt, ready for every row that has it. Shared: read-only."""

    text: str  # the prompt as kept in the processed record: lone surrogates replaced by U+FFFD
    had_lone_surrogates: bool
    parsed: SystemPrompt
    validators: dict[str, CompiledParameters]  # declared function name -> its compiled "parameters"
    id_hash: Any  # SHA-256 state over the record id's system part (hashlib object: copy, never update)

    def record_id(self, chat_bytes: bytes) -> str:
        """The record id of this prompt with a chat (its UTF-8 bytes, lone surrogates as U+FFFD)."""
        digest = self.id_hash.copy()
        digest.update(chat_bytes)
        return digest.hexdigest()[:32]


def prepare_prompt(system: str) -> PreparedPrompt:
    system_bytes, had_lone_surrogates = utf8_of(system)
    id_hash = hashlib.sha256(len(system_bytes).to_bytes(8, "big"))
    id_hash.update(system_bytes)
    text = repair_text(system) if had_lone_surrogates else system
    parsed = parse_system(text)
    return PreparedPrompt(
        text=text,
        had_lone_surrogates=had_lone_surrogates,
        parsed=parsed,
        validators=compile_declared(parsed.signatures),
        id_hash=id_hash,
    )


class PromptCache:
    """Prepared prompts by text, the least recently used dropped beyond `max_entries` (a prepared
    prompt with its schemas weighs some kilobytes). A prompt longer than `max_text_chars` is prepared
    every time: a hostile row could be megabytes."""

    def __init__(self, max_entries: int = 4096, max_text_chars: int = 65_536) -> None:
        self.max_entries = max_entries
        self.max_text_chars = max_text_chars
        self._prepared: OrderedDict[str, PreparedPrompt] = OrderedDict()

    def get(self, system: str) -> PreparedPrompt:
        prepared = self._prepared.get(system)
        if prepared is not None:
            self._prepared.move_to_end(system)
            return prepared
        prepared = prepare_prompt(system)
        if len(system) <= self.max_text_chars:
            self._prepared[system] = prepared
            if len(self._prepared) > self.max_entries:
                self._prepared.popitem(last=False)
        return prepared

    def __len__(self) -> int:
        return len(self._prepared)

    def clear(self) -> None:
        self._prepared.clear()
