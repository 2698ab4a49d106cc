"""What the training stage keeps of one ChatML row: its dedup keys, user text and slice values.

Definitions (the structure key is a stable text.hash64, it orders the split; the others are
text.run_hash, compared only within one run):
- request: the user turns before the first tool call (every user turn when there is no call), each
  normalized (text.normalize_text). For the usual row this is the first user turn; in a row that
  opens with a vague request and a clarifying question it also holds the user's answer, which
  carries the values the call uses.
- call signature: the calls in order, each as its function name with its sorted argument keys:
  "get_weather(location,unit)|convert_currency(amount,from,to)"; "" when the row makes no call.
- exact key: the canonical JSON (sorted keys) of messages + tools. Metadata is left out: it holds
  the row's position.
- near key: request + call signature. 0 (no key) when the request is empty.
- structure key: the request with every run of words that also appear in a call's argument values
  replaced by one mask, + call signature. "What's the weather in Paris?" and "... in Lima?" calling
  get_weather(location) share it. A row with an empty request falls back to its exact key.
  Equal near keys imply equal structure keys.
- calls key: the calls with their argument values (canonical JSON). Paraphrases are looked for
  only among rows with equal calls keys: two requests worded alike that call with different values
  ("... from Madrid to Lima" / "... to Oslo") are different examples, not copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from glaive_assets.core.features import call_bucket, has_refusal_text, turn_bucket
from glaive_assets.core.jsonio import dumps_exact, loads_exact
from glaive_assets.qa.domains import function_domain
from glaive_assets.qa.stats import SLICES
from glaive_assets.training.text import hash_parts, normalize_text, run_hash, run_hash_parts

VALUE_MASK = "<v>"  # never a normalized word: "<" is not a word character
_MAX_VALUE_DEPTH = 8


@dataclass(frozen=True, slots=True)
class RowKeys:
    exact: int
    near: int  # 0: no request, so no near duplicate
    structure: int
    calls: int


@dataclass(frozen=True, slots=True)
class RowSignature:
    keys: RowKeys
    user_turns: tuple[str, ...]  # every user turn, normalized, in order
    slices: tuple[Any, ...]  # one value per qa.stats.SLICES entry, in that order


def _value_texts(value: Any, texts: list[str], depth: int = 0) -> None:
    """Collect every string and number inside an argument value, as text."""
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        texts.append(str(value))
    elif depth < _MAX_VALUE_DEPTH and isinstance(value, (dict, list)):
        for item in (value.values() if isinstance(value, dict) else value):
            _value_texts(item, texts, depth + 1)


@dataclass(slots=True)
class _Walk:
    """One pass over a row's messages."""

    user_turns: list[str]
    request_turns: int  # how many user turns come before the first call
    call_parts: list[str]
    calls: list[Any]  # [name, arguments] of every call
    value_texts: list[str]
    assistant_texts: list[str]  # assistant messages without a call (where the core reads refusals)
    has_parallel: bool


def _read_call(call: dict, walk: _Walk) -> None:
    function = call.get("function") or {}
    name = function.get("name")
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        try:
            arguments = loads_exact(arguments)
        except orjson.JSONDecodeError:
            pass  # kept as its text
    if isinstance(arguments, dict):
        walk.call_parts.append(f"{name}({','.join(sorted(arguments))})")
        texts = walk.value_texts
        for value in arguments.values():  # a string value inline (most are): one call fewer
            if type(value) is str:
                texts.append(value)
            else:
                _value_texts(value, texts, 1)
    else:
        walk.call_parts.append(f"{name}(<{type(arguments).__name__}>)")
    walk.calls.append([name, arguments])


def _walk(messages: list[dict]) -> _Walk:
    walk = _Walk([], -1, [], [], [], [], False)
    user_turns = walk.user_turns
    for message in messages:
        role = message.get("role")
        if role == "user":
            user_turns.append(normalize_text(message.get("content") or ""))
        elif role == "assistant":
            tool_calls = message.get("tool_calls")
            if not tool_calls:
                walk.assistant_texts.append(message.get("content") or "")
                continue
            if walk.request_turns < 0:
                walk.request_turns = len(user_turns)
            if len(tool_calls) > 1:
                walk.has_parallel = True
            for call in tool_calls:
                _read_call(call, walk)
    if walk.request_turns < 0:
        walk.request_turns = len(user_turns)
    return walk


def _mask(turn: str, values: set[str]) -> str:
    """The turn with each run of words found in `values` replaced by one mask ("new york" -> one)."""
    words = turn.split()
    if values.isdisjoint(words):
        return turn
    out: list[str] = []
    for word in words:
        if word not in values:
            out.append(word)
        elif not out or out[-1] is not VALUE_MASK:
            out.append(VALUE_MASK)
    return " ".join(out)


def _keys(row: dict[str, Any], walk: _Walk) -> RowKeys:
    exact = run_hash(dumps_exact([row["messages"], row.get("tools") or []], sort_keys=True))
    calls = run_hash(dumps_exact(walk.calls, sort_keys=True)) if walk.calls else 1
    request = walk.user_turns[:walk.request_turns]
    if not any(request):
        return RowKeys(exact, 0, exact, calls)
    call_signature = "|".join(walk.call_parts)
    near = run_hash_parts("near", call_signature, *request)
    if walk.value_texts:
        values = set(normalize_text(" ".join(walk.value_texts)).split())
        request = [_mask(turn, values) for turn in request]
    return RowKeys(exact, near, hash_parts("structure", call_signature, *request), calls)


def row_keys(row: dict[str, Any]) -> RowKeys:
    return _keys(row, _walk(row["messages"]))


@lru_cache(maxsize=65_536)
def _domain_of_first_tool(name: str) -> str:
    return function_domain([name])


def _slices(row: dict[str, Any], walk: _Walk) -> tuple[Any, ...]:
    """The bias slices, in qa.stats.SLICES order, read from the ChatML row with the core's own rules
    (test_signatures checks them against the processed records the core writes)."""
    metadata = row["metadata"]
    tools = row.get("tools") or []
    name = tools[0]["function"]["name"] if tools else None
    return (
        metadata["complexity_tier"],
        call_bucket(metadata["num_calls"]),
        turn_bucket(metadata["num_turns"]),
        metadata["has_error_handling"],
        walk.has_parallel,
        bool(tools),
        # has_error_handling is has_refusal or an error response, so only those rows can refuse (and only
        # they pay for the refusal patterns: 20.6 -> 13.2 s of CPU for the plan at 113k sample rows)
        metadata["has_error_handling"] and has_refusal_text(walk.assistant_texts),
        _domain_of_first_tool(name) if isinstance(name, str) else function_domain([name] if tools else []),
    )


SLICE_NAMES = ("complexity_tier", "call_bucket", "turn_bucket", "has_error_handling", "has_parallel",
               "has_defined_functions", "has_refusal", "function_domain")
assert SLICE_NAMES == tuple(spec.name for spec in SLICES), "the bias slices changed: update _slices"


def row_signature(row: dict[str, Any]) -> RowSignature:
    walk = _walk(row["messages"])
    return RowSignature(_keys(row, walk), tuple(walk.user_turns), _slices(row, walk))
