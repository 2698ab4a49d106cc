"""Parse a Glaive v2 record: the system prompt into instruction + schemas, the chat into turns and calls.

Layout (see ../shared/glaive/FORMAT.md): the system prompt is "SYSTEM: <instruction>\\n" followed by
pretty-printed function schemas one after another; the chat is a sequence of turns, each beginning with
"USER: ", "ASSISTANT: " or "FUNCTION RESPONSE: " and separated by blank lines. A call is an assistant
turn "<functioncall> {"name": ..., "arguments": '<JSON text>'} <|endoftext|>".

Parsed turns (the `turns` column of a processed record) are plain dicts, in chat order:

    {"role": "user", "content": str}
    {"role": "assistant", "content": str}                     # assistant text, <|endoftext|> removed
    {"role": "function_call", "content": str,                 # text before <functioncall> ("" usually)
     "name": str, "arguments": dict, "call_id": "call_<k>",   # k counts the calls of the record from 0
     "parallel": bool}                                        # same assistant turn as the previous call
    {"role": "function_response", "content": str,             # the response text, verbatim
     "call_id": "call_<k>"}                                   # the call it answers

Every content is stripped of surrounding whitespace. A response answers the oldest unanswered call of
the assistant turn right before it; a response with no such call is an orphan (malformed).

Nothing here uses a regular expression over the whole chat that can backtrack: the turn splitter and
the stray-marker check are literal searches, and the few patterns used on a single turn have no nested
or overlapping quantifiers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson

from glaive_assets.core import reasons as R

SYSTEM_PREFIX = "SYSTEM:"
ENDOFTEXT = "<|endoftext|>"
CALL_TAG = "<functioncall>"
USER_MARKER = "USER:"
ASSISTANT_MARKER = "ASSISTANT:"
RESPONSE_MARKER = "FUNCTION RESPONSE:"
ROLE_MARKERS = (USER_MARKER, ASSISTANT_MARKER, RESPONSE_MARKER)

# Deepest JSON nesting accepted in arguments and declared schemas. Glaive needs 4 at most; orjson
# writes at most 255 levels and a processed record adds 3 around them.
MAX_JSON_DEPTH = 64

# A turn starts at a marker that follows a blank line ("\n\n"; Glaive mostly uses "\n\n\n"). Matches
# exactly "\n\nUSER:", "\n\nASSISTANT:" and "\n\nFUNCTION RESPONSE:", capturing the marker's first letter.
_TURN_SPLIT = re.compile(r"\n\n(U(?=SER:)|A(?=SSISTANT:)|F(?=UNCTION RESPONSE:))(?:SER:|SSISTANT:|UNCTION RESPONSE:)")
# JSON lexing for the failure diagnostics: a whole string, a bracket, or an unterminated string's quote.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]|"', re.DOTALL)
# {"name": "<JSON string>", "arguments": <rest>   (or "parameters")
_CALL_HEAD = re.compile(r'\{\s*"name"\s*:\s*("[^"\\]*(?:\\.[^"\\]*)*")\s*,\s*"(arguments|parameters)"\s*:\s*', re.DOTALL)
# An escape pair inside JSON text: \\ is kept, \' (not a JSON escape) becomes '.
_BACKSLASH_PAIR = re.compile(r"\\([\\'])")
# An unquoted placeholder such as [User provided data] where a JSON value belongs.
_PLACEHOLDER = re.compile(r"[:,\[] ?\[[A-Za-z][A-Za-z ]*\]")
# The same phrase as a whole JSON string value: "[User provided data]" (two words at least).
_PLACEHOLDER_STRING = re.compile(r"\[[A-Za-z]+(?: [A-Za-z]+)+\]")
# The other call syntax seen in Glaive: "AI to= get_song_lyrics: {...}" (also "to=functions.x" on a line).
_FOREIGN_CALL = re.compile(r"(?:\bAI |^|\n)to= ?[A-Za-z_][\w.\-]*")


# ----------------------------------------------------------------------------------------------
# JSON helpers
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BracketProfile:
    max_depth: int
    open_brackets: int  # brackets still open at the end (negative: more closers than openers)
    open_string: bool  # the text ends inside a string


def bracket_profile(text: str) -> BracketProfile:
    """Lex `text` as JSON just enough to know its nesting: linear, strings skipped."""
    depth = max_depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == '"':
            return BracketProfile(max_depth, depth, True)
        if token == "{" or token == "[":
            depth += 1
            if depth > max_depth:
                max_depth = depth
        elif token == "}" or token == "]":
            depth -= 1
    return BracketProfile(max_depth, depth, False)


def is_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON `text` nests deeper than `limit` (cheap upper bounds first)."""
    if len(text) <= limit or text.count("{") + text.count("[") <= limit:
        return False
    return bracket_profile(text).max_depth > limit


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _lenient_loads(text: str) -> bool:
    """True when Python's lenient json reads `text` (Infinity, NaN, 1e999, lone-surrogate escapes)."""
    try:
        json.loads(text)
        return True
    except (ValueError, RecursionError):
        return False


_NOT_READ = object()  # a value that could not be read


# ----------------------------------------------------------------------------------------------
# System prompt
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SystemPrompt:
    """A parsed system prompt. Cached and shared between rows: treat every field as read-only."""

    instruction: str
    tools: tuple[dict, ...]  # first definition of each name, in declaration order
    names: tuple[str, ...]
    signatures: dict[str, dict]  # name -> {"description", "parameters", "required"}
    warnings: tuple[str, ...]  # structure warnings (duplicate declarations)
    reject_reasons: tuple[str, ...]  # row reasons: not Glaive / a schema unreadable
    # name -> compiled validator, filled by validate.py on first use; evicted with the prompt.
    validators: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _signature(schema: dict) -> dict:
    parameters = schema.get("parameters", {})
    required = parameters.get("required", []) if isinstance(parameters, dict) else []
    return {
        "description": schema.get("description", ""),
        "parameters": parameters,
        "required": required if isinstance(required, list) else [],
    }


# Prompts longer than this are parsed every time rather than cached (a hostile row could be megabytes).
MAX_CACHED_SYSTEM_CHARS = 65_536


def parse_system(system: str) -> SystemPrompt:
    """Split a system prompt into its instruction and every function schema it declares.

    The instruction is the text after "SYSTEM: " without the schemas (text after the schemas, which
    Glaive never has, is appended on a new line). Schemas start at the first line that begins with
    "{"; each must be a JSON object with a non-empty string "name". Cached by the prompt text.
    """
    if len(system) > MAX_CACHED_SYSTEM_CHARS:
        return _parse_system(system)
    return _cached_parse_system(system)


def _parse_system(system: str) -> SystemPrompt:
    if not system.startswith(SYSTEM_PREFIX):
        return SystemPrompt("", (), (), {}, (), (R.NOT_GLAIVE_SYSTEM,))
    body = system[len(SYSTEM_PREFIX):]
    if body.startswith(" "):
        body = body[1:]
    start = 0 if body.startswith("{") else body.find("\n{")
    if start < 0:
        return SystemPrompt(body.strip(), (), (), {}, (), ())
    lead = body[:start].strip()
    trailing = ""
    declared: list[dict] = []
    index, end = start, len(body)
    while index < end:
        while index < end and body[index] in " \t\r\n":
            index += 1
        if index >= end:
            break
        if body[index] != "{":
            trailing = body[index:].strip()
            if "\n{" in trailing:  # more schemas after free text: not a layout Glaive has
                return SystemPrompt(lead, (), (), {}, (), (R.SYSTEM_SCHEMA_UNPARSEABLE,))
            break
        # Fast path: a raw newline can only sit between JSON tokens, so in Glaive's 4-space layout the
        # first "\n}" closes the schema; if that slice is one JSON value it is the schema, exactly.
        close = body.find("\n}", index)
        if close >= 0:
            block = body[index:close + 2]
            read = _read_schema_block(block) if len(block) <= MAX_CACHED_BLOCK_CHARS else _read_block(block)
            if read is _NOT_READ:
                close = -1
            elif type(read) is str:  # a reject code
                return SystemPrompt(lead, (), (), {}, (), (read,))
            else:
                declared.append(read)
                index = close + 2
                continue
        try:
            if close < 0:
                _, stop = _STRICT_DECODER.raw_decode(body, index)
                schema = orjson.loads(body[index:stop])  # strict: no lone surrogates, <= 1024 deep
        except RecursionError:
            return SystemPrompt(lead, (), (), {}, (), (R.SYSTEM_SCHEMA_TOO_DEEP,))
        except ValueError as error:  # json.JSONDecodeError and orjson.JSONDecodeError
            code = R.SYSTEM_SCHEMA_TOO_DEEP if "depth" in str(error) else R.SYSTEM_SCHEMA_UNPARSEABLE
            return SystemPrompt(lead, (), (), {}, (), (code,))
        code = _schema_problem(schema, body[index:stop])
        if code is not None:
            return SystemPrompt(lead, (), (), {}, (), (code,))
        declared.append(schema)
        index = stop
    instruction = f"{lead}\n{trailing}" if trailing else lead
    first: dict[str, dict] = {}
    warnings: set[str] = set()
    for schema in declared:
        name = schema["name"]
        if name in first:
            warnings.add(R.DUPLICATE_FUNCTION_IDENTICAL if first[name] == schema else R.DUPLICATE_FUNCTION_CONFLICT)
        else:
            first[name] = schema
    return SystemPrompt(
        instruction=instruction,
        tools=tuple(first.values()),
        names=tuple(first),
        signatures={name: _signature(schema) for name, schema in first.items()},
        warnings=tuple(sorted(warnings)),
        reject_reasons=(),
    )


def _schema_problem(schema: Any, text: str) -> str | None:
    """The reject code of a declared schema read from `text`, or None when it is usable."""
    if is_too_deep(text):
        return R.SYSTEM_SCHEMA_TOO_DEEP
    if not isinstance(schema, dict) or not isinstance(schema.get("name"), str) or not schema["name"]:
        return R.SYSTEM_SCHEMA_UNPARSEABLE
    return None


def _read_block(block: str) -> Any:
    """One schema's text up to its first "\n}": the schema, a reject code (str), or _NOT_READ when
    orjson refuses the slice (the caller then reads the schema the slow way)."""
    try:
        schema = orjson.loads(block)
    except orjson.JSONDecodeError:
        return _NOT_READ
    code = _schema_problem(schema, block)
    return schema if code is None else code


# Blocks longer than this are read every time rather than cached.
MAX_CACHED_BLOCK_CHARS = 16_384
# Prompts combine a few schemas in many ways (the dataset has far more distinct prompts than distinct
# schemas), so a prompt missing from the prompt cache mostly finds its schemas here. The schema dicts
# are then shared between prompts, read-only like everything in a SystemPrompt.
_read_schema_block = lru_cache(maxsize=4096)(_read_block)

# Bounded: a parsed prompt with its schemas and validators weighs some kilobytes.
_cached_parse_system = lru_cache(maxsize=4096)(_parse_system)


def clear_system_cache() -> None:
    """Forget every parsed system prompt (benchmarks start each run cold)."""
    _cached_parse_system.cache_clear()
    _read_schema_block.cache_clear()


# ----------------------------------------------------------------------------------------------
# Calls
# ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedCall:
    """One call read from an assistant turn: either name + arguments, or the malformed codes."""

    name: str | None
    arguments: dict | None
    malformed: list[str] = field(default_factory=list)  # why it could not be read (empty when read)
    repairs: list[str] = field(default_factory=list)  # exact repairs applied (structure warnings)
    validation: list[str] = field(default_factory=list)  # problems of the values read (validation errors)

    @property
    def ok(self) -> bool:
        return not self.malformed


def _diagnose_arguments(text: str) -> str:
    """Why `text` (which orjson refused) is not a JSON object: one malformed code."""
    profile = bracket_profile(text)
    if profile.max_depth > MAX_JSON_DEPTH:
        return R.ARGUMENTS_TOO_DEEP
    if _lenient_loads(text):
        return R.NONSTANDARD_JSON
    if _PLACEHOLDER.search(text):
        return R.PLACEHOLDER_ARGUMENT
    if profile.open_string or profile.open_brackets > 0:
        return R.CALL_TRUNCATED
    return R.CALL_UNPARSEABLE


def parse_arguments_text(text: str, call: ParsedCall) -> None:
    """Read the JSON text of a call's arguments into `call` (arguments or malformed codes).

    Repairs, each exact and flagged: \\' read as ' (ESCAPED_APOSTROPHE); one "}" too many at the
    end (EXTRA_CLOSING_BRACE).
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = _NOT_READ
        candidates = []
        if "\\'" in text:
            candidates.append((_BACKSLASH_PAIR.sub(_unescape_pair, text), R.ESCAPED_APOSTROPHE))
        stripped = text.rstrip()
        if stripped.endswith("}}"):
            candidates.append((stripped[:-1], R.EXTRA_CLOSING_BRACE))
        for candidate, repair in candidates:
            try:
                value = orjson.loads(candidate)
            except orjson.JSONDecodeError:
                continue
            call.repairs.append(repair)
            break
        if value is _NOT_READ:
            call.malformed.append(_diagnose_arguments(text))
            return
    if not isinstance(value, dict):
        call.malformed.append(R.ARGUMENTS_NOT_OBJECT)
        return
    if is_too_deep(text):
        call.malformed.append(R.ARGUMENTS_TOO_DEEP)
        return
    call.arguments = value


def _unescape_pair(match: re.Match) -> str:
    return "'" if match.group(1) == "'" else match.group(0)


def _call_from_object(obj: Any, call: ParsedCall) -> None:
    """A call whose text was valid JSON as a whole: arguments written as an object (or a JSON string)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not obj["name"]:
        call.malformed.append(R.CALL_UNPARSEABLE)
        return
    call.name = obj["name"]
    if "arguments" not in obj:
        call.malformed.append(R.WRONG_ARGUMENTS_KEY if "parameters" in obj else R.CALL_UNPARSEABLE)
        return
    if len(obj) != 2:
        call.malformed.append(R.CALL_UNPARSEABLE)  # keys besides name and arguments would be lost
        return
    arguments = obj["arguments"]
    if isinstance(arguments, str):
        parse_arguments_text(arguments, call)  # OpenAI's form: the arguments as a JSON string
        return
    if not isinstance(arguments, dict):
        call.malformed.append(R.ARGUMENTS_NOT_OBJECT)
        return
    call.repairs.append(R.ARGUMENTS_PLAIN_OBJECT)
    call.arguments = arguments


def parse_call(text: str) -> ParsedCall:
    """Parse the text after <functioncall> into a ParsedCall; see _read_call for what is accepted.

    A string argument that is only a bracketed placeholder phrase ("[User provided data]") is read
    as the string it is and flagged PLACEHOLDER_VALUE (a validation error).
    """
    call = _read_call(text)
    if call.arguments and '"[' in text and _has_placeholder_value(call.arguments):
        call.validation.append(R.PLACEHOLDER_VALUE)
    return call


def _has_placeholder_value(value: Any) -> bool:
    """True when a string anywhere in `value` (at most MAX_JSON_DEPTH deep) is a placeholder phrase."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item[:1] == "[" and _PLACEHOLDER_STRING.fullmatch(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _read_call(text: str) -> ParsedCall:
    """Parse the text after <functioncall> (its <|endoftext|> already removed) into name + arguments.

    Accepted: Glaive's {"name": "f", "arguments": '<JSON object text>'} (apostrophes inside the quoted
    text are fine: the text runs to the final "'}"), pretty-printed or not, any Unicode; arguments as a
    plain object {"name": "f", "arguments": {...}} (flagged ARGUMENTS_PLAIN_OBJECT); \\' escapes and one
    extra closing brace (both repaired and flagged). Everything else gets a malformed code, never a guess.
    """
    call = ParsedCall(None, None)
    body = text.strip()
    if not body:
        call.malformed.append(R.CALL_TRUNCATED)
        return call
    head = _CALL_HEAD.match(body)
    if head is not None and body.startswith("'", head.end()):
        if head.group(2) == "parameters":
            call.malformed.append(R.WRONG_ARGUMENTS_KEY)
            return call
        if not _read_name(head.group(1), call):
            return call
        _quoted_arguments(body[head.end():], call)
        return call
    if body[-1] == "}":
        try:
            obj = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        else:
            _call_from_object(obj, call)
            if call.ok and is_too_deep(body, MAX_JSON_DEPTH + 1):
                call.arguments = None
                call.malformed.append(R.ARGUMENTS_TOO_DEEP)
            return call
    if head is None:
        call.malformed.append(R.CALL_TRUNCATED if body[0] == "{" and _is_cut(body) else R.CALL_UNPARSEABLE)
        return call
    if head.group(2) == "parameters":
        call.malformed.append(R.WRONG_ARGUMENTS_KEY)
        return call
    if not _read_name(head.group(1), call):
        return call
    rest = body[head.end():]
    # Plain-object arguments that orjson refused as a whole call: read them without the wrapper's "}".
    if rest.endswith("}"):
        parse_arguments_text(rest[:-1], call)
        if call.ok:
            call.repairs.append(R.ARGUMENTS_PLAIN_OBJECT)
        return call
    call.malformed.append(R.CALL_TRUNCATED if _is_cut(rest) else R.CALL_UNPARSEABLE)
    return call


def _is_cut(text: str) -> bool:
    """True when JSON `text` ends inside a string or with a bracket left open."""
    profile = bracket_profile(text)
    return profile.open_string or profile.open_brackets > 0


def _read_name(literal: str, call: ParsedCall) -> bool:
    """The call's name from its JSON string literal (quotes included)."""
    if "\\" not in literal and literal.isprintable():
        name = literal[1:-1]  # no escape and no control character: the text is the value
    else:
        try:
            name = orjson.loads(literal)
        except orjson.JSONDecodeError:
            name = None
    if not name:
        call.malformed.append(R.CALL_UNPARSEABLE)
        return False
    call.name = name
    return True


def _quoted_arguments(rest: str, call: ParsedCall) -> None:
    """Arguments written as '<JSON text>' followed by the call's closing "}" (rest starts at the quote)."""
    if rest.endswith("'}") and len(rest) >= 3:
        parse_arguments_text(rest[1:-2], call)
    elif rest.endswith("'}}") and len(rest) >= 4:
        parse_arguments_text(rest[1:-3], call)
        if call.ok:
            call.repairs.append(R.EXTRA_CLOSING_BRACE)
    else:
        inner = rest[1:]
        # Cut off: inside the JSON text, or right after its closing quote (only the final "}" missing).
        cut = _is_cut(inner) or inner.rstrip().endswith("'")
        call.malformed.append(R.CALL_TRUNCATED if cut else R.CALL_UNPARSEABLE)


# ----------------------------------------------------------------------------------------------
# Chat
# ----------------------------------------------------------------------------------------------

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


def _split_raw_turns(chat: str, warnings: set[str]) -> tuple[list[str], int]:
    """Cut the chat at every role marker that follows a blank line: [ignored, marker, text after it,
    marker, text, ...] (read the turns as zip(parts[1::2], parts[2::2])).

    The marker is "U", "A" or "F" (USER:, ASSISTANT:, FUNCTION RESPONSE:). Also returns how many of
    the markers follow a newline (all but a first one at the very start of the chat).
    """
    # A blank line in front makes a marker at the very start split like every other one.
    parts = _TURN_SPLIT.split("\n\n" + chat)
    head = parts[0]
    count = len(parts) >> 1
    if not head:
        return parts, count - 1 if count else 0
    after_newline = count
    head_text = head.lstrip()
    if head_text.startswith(ROLE_MARKERS):
        marker = next(m for m in ROLE_MARKERS if head_text.startswith(m))
        parts[0:1] = ["", marker[0], head_text[len(marker):]]
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
    line_markers = chat.count("\nUSER:") + chat.count("\nASSISTANT:") + chat.count("\nFUNCTION RESPONSE:")
    return line_markers > markers_after_newline or chat.count(ENDOFTEXT) > endings


# The whole common call in one match: _CALL_HEAD with "arguments", then '<JSON text>'} and nothing but
# whitespace around (\s is exactly what str.strip removes). The greedy group runs to the last "'}".
_QUOTED_CALL = re.compile(
    r'\s*\{\s*"name"\s*:\s*("[^"\\]*(?:\\.[^"\\]*)*")\s*,\s*"arguments"\s*:\s*\'(.*)\'\}\s*', re.DOTALL
)


def _fast_call(segment: str) -> tuple[str, dict] | None:
    """The common case, read without allocating a ParsedCall: {"name": "f", "arguments": '{...}'}
    whose quoted text is a plain JSON object (no repair, no placeholder, shallow). None otherwise."""
    match = _QUOTED_CALL.fullmatch(segment)
    if match is None:
        return None
    literal, inner = match.groups()
    try:
        arguments = orjson.loads(inner)
    except orjson.JSONDecodeError:
        return None
    if type(arguments) is not dict or '"[' in inner or is_too_deep(inner):
        return None
    if "\\" in literal or not literal.isprintable() or len(literal) < 3:
        return None
    return literal[1:-1], arguments


def parse_chat(chat: str) -> ParsedChat:
    """Split `chat` into turns, read every call, pair calls with responses and check the shape."""
    warnings: set[str] = set()
    malformed: set[str] = set()
    validation: set[str] = set()
    turns: list[dict] = []
    calls: list[dict] = []
    assistant_texts: list[str] = []
    response_values: list[Any] = []
    response_texts: list[str] = []
    add_turn = turns.append
    parts, markers_after_newline = _split_raw_turns(chat, warnings)
    pending: list[str | None] = []  # call ids of the latest call turn still waiting for a response
    previous = ""  # role of the previous turn: user, assistant, function_call, function_response
    endings = 0  # assistant turns properly ended by <|endoftext|>
    users = assistants = attempts = responses = most_in_one_turn = 0
    for marker, raw_text in zip(parts[1::2], parts[2::2]):
        text = raw_text.strip()
        if marker == "U":
            if text.endswith("<|endoftext|>"):
                text = text[:-13].rstrip()
            if pending:
                warnings.add(R.CALL_WITHOUT_RESPONSE)
                pending.clear()
            if previous == "user":
                warnings.add(R.CONSECUTIVE_USER_TURNS)
            if not text:
                warnings.add(R.EMPTY_TURN)
            users += 1
            add_turn({"role": "user", "content": text})
            previous = "user"
            continue
        if marker == "F":
            if text.endswith("<|endoftext|>"):
                text = text[:-13].rstrip()
            responses += 1
            if pending:
                call_id = pending.pop(0)
            else:
                call_id = None
                malformed.add(R.ORPHAN_FUNCTION_RESPONSE)
            response_values.append(_read_response(text, warnings))
            response_texts.append(text)
            add_turn({"role": "function_response", "content": text, "call_id": call_id})
            previous = "function_response"
            continue
        # An assistant turn: text, or a call (maybe with text before it).
        assistants += 1
        if text.endswith("<|endoftext|>"):
            text = text[:-13].rstrip()
            endings += 1
        else:
            warnings.add(R.MISSING_ENDOFTEXT)
        if pending:
            warnings.add(R.CALL_WITHOUT_RESPONSE)
            pending.clear()
        if previous == "assistant":
            warnings.add(R.CONSECUTIVE_ASSISTANT_TURNS)
            if text and raw_text[:1] != " ":
                # "...<|endoftext|>\n\n\nASSISTANT:\n1. ..." -- one answer cut in two by a stray marker
                # (Glaive writes "ASSISTANT: " with a space at every real turn start).
                warnings.add(R.STRAY_MARKER)
        tag_at = text.find("<functioncall>")
        if tag_at < 0:
            if "to=" in text and _FOREIGN_CALL.search(text):
                malformed.add(R.FOREIGN_CALL_SYNTAX)
                attempts += 1
                most_in_one_turn = max(most_in_one_turn, 1)
                pending.append(None)
            if not text:
                warnings.add(R.EMPTY_TURN)
            assistant_texts.append(text)
            add_turn({"role": "assistant", "content": text})
            previous = "assistant"
            continue
        before = text[:tag_at].rstrip()
        if before:
            warnings.add(R.TEXT_BEFORE_CALL)
        segments = text[tag_at + 14:].split("<functioncall>")
        attempts += len(segments)
        if len(segments) > most_in_one_turn:
            most_in_one_turn = len(segments)
        for position, segment in enumerate(segments):
            fast = _fast_call(segment)
            if fast is not None:
                name, arguments = fast
            else:
                call = parse_call(segment)
                if call.repairs:
                    warnings.update(call.repairs)
                if call.validation:
                    validation.update(call.validation)
                if not call.ok:
                    malformed.update(call.malformed)
                    pending.append(None)
                    continue
                name, arguments = call.name, call.arguments
            call_id = f"call_{len(calls)}"
            pending.append(call_id)
            calls.append({"name": name, "arguments": arguments})
            add_turn(
                {
                    "role": "function_call",
                    "content": before if position == 0 else "",
                    "name": name,
                    "arguments": arguments,
                    "call_id": call_id,
                    "parallel": position > 0,
                }
            )
        previous = "function_call"
    if pending:
        warnings.add(R.CALL_WITHOUT_RESPONSE)
    if previous == "user":
        warnings.add(R.ENDS_ON_USER_TURN)
    if len(parts) > 1 and _has_stray_markers(chat, markers_after_newline, endings):
        warnings.add(R.STRAY_MARKER)
    return ParsedChat(
        turns, calls, users, assistants, attempts, responses, most_in_one_turn, assistant_texts, response_values,
        response_texts, malformed, warnings, validation,
    )


def _read_response(text: str, warnings: set[str]) -> Any:
    """The parsed JSON of a function response, or NOT_JSON (with the matching warning)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "depth" in str(error):
            warnings.add(R.RESPONSE_TOO_DEEP)
        else:
            profile = bracket_profile(text)
            starts_json = text[:1] in ('{', '[', '"')
            truncated = starts_json and (profile.open_string or profile.open_brackets > 0)
            warnings.add(R.RESPONSE_TRUNCATED if truncated else R.RESPONSE_NOT_JSON)
        return NOT_JSON
