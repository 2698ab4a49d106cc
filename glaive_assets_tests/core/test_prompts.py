"""core/prompts.py: a system prompt prepared once (parse, validators, record-id hash) and the bounded cache."""

from __future__ import annotations

import hashlib
import json

from glaive_assets.core import reasons as R
from glaive_assets.core.prompts import PromptCache, prepare_prompt
from glaive_assets.core.validate import call_codes

LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
PING = {"name": "ping", "description": "Check the service", "parameters": {}}
PLAIN = "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"


def sha_id(system_bytes: bytes, chat_bytes: bytes) -> str:
    return hashlib.sha256(len(system_bytes).to_bytes(8, "big") + system_bytes + chat_bytes).hexdigest()[:32]


def test_prepared_prompt_holds_the_parse_the_validators_and_the_id_hash():
    system = LEAD + json.dumps(PING, indent=4) + "\n"
    prepared = prepare_prompt(system)
    assert prepared.text == system and prepared.had_lone_surrogates is False
    assert prepared.parsed.names == ("ping",)
    assert list(prepared.validators) == ["ping"]
    assert call_codes("ping", {"x": 1}, prepared.validators) == (R.UNKNOWN_ARGUMENT,)
    assert prepared.record_id("USER: hi".encode()) == sha_id(system.encode(), b"USER: hi")
    assert prepared.record_id(b"x") == prepared.record_id(b"x") != prepared.record_id(b"y")  # the state is copied


def test_lone_surrogates_are_replaced_before_parsing_and_hashing():
    prepared = prepare_prompt(PLAIN.replace("helpful", "help\ud800ful"))
    assert prepared.had_lone_surrogates is True
    assert prepared.text == PLAIN.replace("helpful", "help\ufffdful")
    assert prepared.parsed.instruction == "You are a help\ufffdful assistant, with no access to external functions."
    assert prepared.record_id(b"") == sha_id(prepared.text.encode(), b"")


def test_prompts_are_kept_by_text_unless_huge():
    cache = PromptCache(max_entries=4, max_text_chars=1_000)
    small = LEAD + json.dumps(PING, indent=4) + "\n"
    assert cache.get(small) is cache.get(small)
    huge = LEAD + json.dumps({**PING, "description": "x" * 2_000}, indent=4) + "\n"
    first, second = cache.get(huge), cache.get(huge)
    assert first is not second and first.parsed == second.parsed
    assert len(cache) == 1


def test_the_least_recently_used_prompt_is_dropped_first():
    cache = PromptCache(max_entries=2)
    a, b, c = (f"SYSTEM: prompt {name}\n\n" for name in "abc")
    kept_a, kept_b = cache.get(a), cache.get(b)
    assert cache.get(a) is kept_a  # a is now the most recently used
    cache.get(c)  # drops b
    assert len(cache) == 2
    assert cache.get(a) is kept_a
    assert cache.get(b) is not kept_b
    cache.clear()
    assert len(cache) == 0
