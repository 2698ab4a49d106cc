"""The chat: turns split at their role markers, one reader per role, calls paired with responses.

A turn starts at "USER:", "ASSISTANT:" or "FUNCTION RESPONSE:" after a blank line. A response answers
the oldest unanswered call of the assistant turn right before it; a response with no such call is an
orphan (malformed). The splitter and the stray-marker check are literal searches: nothing here runs
a regular expression over the whole chat that could backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from glaive_assets.core import reasons as R
from glaive_assets.core.parse.calls import parse_call
from glaive_assets.core.parse.jsontext import bracket_profile
from glaive_assets.core.parse.layout import (
    ASSISTANT_MARKER,
    CALL_TAG,
    ENDOFTEXT,
    ROLE_MARKERS,
    TURN_SEPARATOR,
    USER_MARKER,
)

_TURN_SPLIT = re.compile(re.escape(TURN_SEPARATOR) + "(" + "|".join(map(re.escape, ROLE_MARKERS)) + ")")
# The other call syntax seen in Glaive: "AI to= get_song_lyrics: {...}" (also "to=functions.x" on a line).
_FOREIGN_CALL = re.compile(r"(?:\bAI |^|\n)to= ?[A-Za-z_][\w.\-]*")
_LINE_USER, _LINE_ASSISTANT, _LINE_RESPONSE = ("\n" + marker for marker in ROLE_MARKERS)

NOT_JSON = object()  # stands for a function response that is not JSON


@dataclass(slots=True)
class ParsedChat:
    """A chat split into turns, with its calls read and its shape checked."""

    turns: list[dict] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)  # [{"name", "arguments"}] of the calls that were read
    num_user_turns: int = 0
    num_assistant_turns: int = 0  # every ASSISTANT: turn, text or call
    num_call_attempts: int = 0  # calls read + calls that could not be read (<functioncall> or foreign syntax)
    num_function_responses: int = 0
    max_calls_in_one_turn: int = 0
    assistant_texts: list[str] = field(default_factory=list)  # assistant text turns (not call turns)
    response_values: list[Any] = field(default_factory=list)  # parsed JSON of each response, or NOT_JSON
    response_texts: list[str] = field(default_factory=list)
    malformed: set[str] = field(default_factory=set)
    warnings: set[str] = field(default_factory=set)
    validation: set[str] = field(default_factory=set)  # found while reading values (placeholder_value)

    @property
    def is_glaive(self) -> bool:
        return bool(self.turns) or self.num_call_attempts > 0


def parse_chat(chat: str) -> ParsedChat:
    """Split `chat` into turns, read every call, pair calls with responses and check the shape."""
    parsed = ParsedChat()
    parts, markers_after_newline = _split_raw_turns(chat, parsed.warnings)
    reader = _TurnReader(parsed)
    for marker, raw_text in zip(parts[1::2], parts[2::2]):
        if marker == ASSISTANT_MARKER:
            reader.assistant(raw_text)
            continue
        text = raw_text.strip()
        if text.endswith(ENDOFTEXT):  # a stray one (the stray-marker count below flags it)
            text = text.removesuffix(ENDOFTEXT).rstrip()
        if marker == USER_MARKER:
            reader.user(text)
        else:
            reader.function_response(text)
    reader.finish()
    if len(parts) > 1 and _has_stray_markers(chat, markers_after_newline, reader.endings):
        parsed.warnings.add(R.STRAY_MARKER)
    return parsed


def _split_raw_turns(chat: str, warnings: set[str]) -> tuple[list[str], int]:
    """Cut the chat at every role marker that follows a blank line: [ignored, marker, text after it,
    marker, text, ...]. Also returns how many of the markers follow a newline (all but a first one at
    the very start of the chat)."""
    # A separator in front makes a marker at the very start split like every other one.
    parts = _TURN_SPLIT.split(TURN_SEPARATOR + chat)
    head = parts[0]
    count = len(parts) // 2
    if not head:
        return parts, max(count - 1, 0)
    after_newline = count
    head_text = head.lstrip()
    marker = next((marker for marker in ROLE_MARKERS if head_text.startswith(marker)), None)
    if marker is not None:  # the first turn starts after a single newline or some spaces
        parts[0:1] = ["", marker, head_text[len(marker):]]
        lead = len(head) - len(head_text)
        if lead and head[lead - 1] == "\n":
            after_newline += 1
    elif head_text:
        warnings.add(R.UNMARKED_LEADING_TEXT)
    return parts, after_newline


def _has_stray_markers(chat: str, markers_after_newline: int, endings: int) -> bool:
    """True when a marker shows up anywhere but where a turn starts or an assistant turn ends.

    Counting is enough: every turn start after a newline holds one "\\n<MARKER>:" and every properly
    ended assistant turn one <|endoftext|>; any extra occurrence is a stray inside some turn.
    """
    line_markers = chat.count(_LINE_USER) + chat.count(_LINE_ASSISTANT) + chat.count(_LINE_RESPONSE)
    return line_markers > markers_after_newline or chat.count(ENDOFTEXT) > endings


class _TurnReader:
    """Reads the turns of one chat in order into a ParsedChat, one method per role."""

    __slots__ = ("parsed", "pending", "previous", "endings")

    def __init__(self, parsed: ParsedChat) -> None:
        self.parsed = parsed
        self.pending: list[str | None] = []  # call ids of the latest call turn still waiting for a response
        self.previous = ""  # role of the previous turn: user, assistant, function_call, function_response
        self.endings = 0  # assistant turns properly ended by <|endoftext|>

    def user(self, text: str) -> None:
        parsed = self.parsed
        if self.pending:
            self._no_response()
        if self.previous == "user":
            parsed.warnings.add(R.CONSECUTIVE_USER_TURNS)
        if not text:
            parsed.warnings.add(R.EMPTY_TURN)
        parsed.num_user_turns += 1
        parsed.turns.append({"role": "user", "content": text})
        self.previous = "user"

    def function_response(self, text: str) -> None:
        parsed = self.parsed
        parsed.num_function_responses += 1
        if self.pending:
            call_id = self.pending.pop(0)
        else:
            call_id = None
            parsed.malformed.add(R.ORPHAN_FUNCTION_RESPONSE)
        parsed.response_values.append(_read_response(text, parsed.warnings))
        parsed.response_texts.append(text)
        parsed.turns.append({"role": "function_response", "content": text, "call_id": call_id})
        self.previous = "function_response"

    def assistant(self, raw_text: str) -> None:
        """An ASSISTANT: turn: text, or calls (maybe with text before the first)."""
        parsed = self.parsed
        parsed.num_assistant_turns += 1
        text = raw_text.strip()
        if text.endswith(ENDOFTEXT):
            text = text.removesuffix(ENDOFTEXT).rstrip()
            self.endings += 1
        else:
            parsed.warnings.add(R.MISSING_ENDOFTEXT)
        if self.pending:
            self._no_response()
        if self.previous == "assistant":
            parsed.warnings.add(R.CONSECUTIVE_ASSISTANT_TURNS)
            if text and not raw_text.startswith(" "):
                # "...<|endoftext|>\n\n\nASSISTANT:\n1. ..." -- one answer cut in two by a stray marker
                # (Glaive writes "ASSISTANT: " with a space at every real turn start).
                parsed.warnings.add(R.STRAY_MARKER)
        before, tag, calls = text.partition(CALL_TAG)
        if tag:
            self._function_calls(before.rstrip(), calls.split(CALL_TAG))
            return
        if "to=" in text and _FOREIGN_CALL.search(text):
            parsed.malformed.add(R.FOREIGN_CALL_SYNTAX)
            parsed.num_call_attempts += 1
            parsed.max_calls_in_one_turn = max(parsed.max_calls_in_one_turn, 1)
            self.pending.append(None)
        if not text:
            parsed.warnings.add(R.EMPTY_TURN)
        parsed.assistant_texts.append(text)
        parsed.turns.append({"role": "assistant", "content": text})
        self.previous = "assistant"

    def _function_calls(self, before: str, segments: list[str]) -> None:
        """The calls of one assistant turn: the text before the first tag, then each call's text."""
        parsed = self.parsed
        if before:
            parsed.warnings.add(R.TEXT_BEFORE_CALL)
        parsed.num_call_attempts += len(segments)
        parsed.max_calls_in_one_turn = max(parsed.max_calls_in_one_turn, len(segments))
        for position, segment in enumerate(segments):
            call = parse_call(segment)
            if call.repairs:
                parsed.warnings.update(call.repairs)
            if call.validation:
                parsed.validation.update(call.validation)
            if not call.ok:
                parsed.malformed.update(call.malformed)
                self.pending.append(None)
                continue
            call_id = f"call_{len(parsed.calls)}"
            self.pending.append(call_id)
            parsed.calls.append({"name": call.name, "arguments": call.arguments})
            parsed.turns.append({
                "role": "function_call",
                "content": before if position == 0 else "",
                "name": call.name,
                "arguments": call.arguments,
                "call_id": call_id,
                "parallel": position > 0,
            })
        self.previous = "function_call"

    def _no_response(self) -> None:
        """A user or assistant turn came while calls still waited for their responses."""
        self.parsed.warnings.add(R.CALL_WITHOUT_RESPONSE)
        self.pending.clear()

    def finish(self) -> None:
        if self.pending:
            self.parsed.warnings.add(R.CALL_WITHOUT_RESPONSE)
        if self.previous == "user":
            self.parsed.warnings.add(R.ENDS_ON_USER_TURN)


def _read_response(text: str, warnings: set[str]) -> Any:
    """The parsed JSON of a function response, or NOT_JSON (with the matching warning)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "depth" in str(error):
            warnings.add(R.RESPONSE_TOO_DEEP)
        else:
            truncated = text[:1] in ("{", "[", '"') and bracket_profile(text).is_cut
            warnings.add(R.RESPONSE_TRUNCATED if truncated else R.RESPONSE_NOT_JSON)
        return NOT_JSON
