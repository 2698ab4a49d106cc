"""One call: the text after <functioncall>, read into a name and its arguments, or refused with a code.

Glaive writes {"name": "f", "arguments": '<JSON object text>'}: the arguments are JSON text inside
single quotes, so the call as a whole is not JSON. Apostrophes inside the quoted text are fine (the
text runs to the final "'}"). Also accepted, each repair exact and flagged: arguments as a plain
object {"name": "f", "arguments": {...}} (ARGUMENTS_PLAIN_OBJECT), \\' escapes (ESCAPED_APOSTROPHE) and
one closing brace too many (EXTRA_CLOSING_BRACE). Everything else gets a malformed code, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from glaive_assets.core import reasons as R
from glaive_assets.core.jsonio import any_string, loads_exact
from glaive_assets.core.parse.jsontext import MAX_JSON_DEPTH, NOT_READ, bracket_profile, is_too_deep, reads_leniently

_NAME_LITERAL = r'("[^"\\]*(?:\\.[^"\\]*)*")'  # a JSON string, quotes included
# {"name": "<JSON string>", "arguments": <rest>   (or "parameters")
_CALL_HEAD = re.compile(r'\{\s*"name"\s*:\s*' + _NAME_LITERAL + r'\s*,\s*"(arguments|parameters)"\s*:\s*', re.DOTALL)
# Glaive's own form as a whole: {"name": ..., "arguments": '<text>'} and nothing but whitespace around
# (\s is exactly what str.strip removes). The greedy group runs to the last "'}".
_GLAIVE_CALL = re.compile(r'\s*\{\s*"name"\s*:\s*' + _NAME_LITERAL + r'\s*,\s*"arguments"\s*:\s*\'(.*)\'\}\s*', re.DOTALL)
# An escape pair inside JSON text: \\ is kept, \' (not a JSON escape) becomes '.
_BACKSLASH_PAIR = re.compile(r"\\([\\'])")
# An unquoted placeholder such as [User provided data] where a JSON value belongs.
_PLACEHOLDER = re.compile(r"[:,\[] ?\[[A-Za-z][A-Za-z ]*\]")
# The same phrase as a whole JSON string value: "[User provided data]" (two words at least).
_PLACEHOLDER_STRING = re.compile(r"\[[A-Za-z]+(?: [A-Za-z]+)+\]")


@dataclass(slots=True)
class ParsedCall:
    """One call read from an assistant turn: either name + arguments, or the malformed codes."""

    name: str | None = None
    arguments: dict | None = None
    malformed: list[str] = field(default_factory=list)  # why it could not be read (empty when read)
    repairs: list[str] = field(default_factory=list)  # exact repairs applied (structure warnings)
    validation: list[str] = field(default_factory=list)  # problems of the values read (validation errors)

    @property
    def ok(self) -> bool:
        return not self.malformed


def parse_call(text: str) -> ParsedCall:
    """Read the text after <functioncall> (its <|endoftext|> already removed).

    A string argument that is only a bracketed placeholder phrase ("[User provided data]") is read
    as the string it is and flagged PLACEHOLDER_VALUE (a validation error).
    """
    call = ParsedCall()
    glaive = _GLAIVE_CALL.fullmatch(text)
    if glaive is not None:  # most calls: one match reads what _read_other_forms would (it costs +X% more)
        if _read_name(glaive.group(1), call):
            parse_arguments_text(glaive.group(2), call)
    else:
        _read_other_forms(text.strip(), call)
    if call.arguments and '"[' in text and _has_placeholder_value(call.arguments):
        call.validation.append(R.PLACEHOLDER_VALUE)
    return call


def _read_other_forms(body: str, call: ParsedCall) -> None:
    """Every call text but Glaive's plain form: cut off, repaired, JSON as a whole, or unreadable."""
    if not body:
        call.malformed.append(R.CALL_TRUNCATED)
        return
    head = _CALL_HEAD.match(body)
    if head is not None and body.startswith("'", head.end()):
        _read_quoted_call(head, body[head.end():], call)
    elif body[-1] == "}" and _read_json_call(body, call):
        pass
    elif head is None:
        call.malformed.append(R.CALL_TRUNCATED if body[0] == "{" and bracket_profile(body).is_cut else R.CALL_UNPARSEABLE)
    else:
        _read_unquoted_arguments(head, body[head.end():], call)


def _read_quoted_call(head: re.Match, rest: str, call: ParsedCall) -> None:
    """Glaive's form: the arguments as '<JSON text>' and then the call's "}" (rest starts at the quote)."""
    if head.group(2) == "parameters":
        call.malformed.append(R.WRONG_ARGUMENTS_KEY)
        return
    if not _read_name(head.group(1), call):
        return
    quoted = rest[1:]  # from after the opening quote to the end of the call
    if quoted.endswith("'}"):
        parse_arguments_text(quoted.removesuffix("'}"), call)
    elif quoted.endswith("'}}"):
        parse_arguments_text(quoted.removesuffix("'}}"), call)
        if call.ok:
            call.repairs.append(R.EXTRA_CLOSING_BRACE)
    else:
        # Cut off: inside the JSON text, or right after its closing quote (only the final "}" missing).
        cut = bracket_profile(quoted).is_cut or quoted.rstrip().endswith("'")
        call.malformed.append(R.CALL_TRUNCATED if cut else R.CALL_UNPARSEABLE)


def _read_json_call(body: str, call: ParsedCall) -> bool:
    """A call that is JSON as a whole: arguments as an object (or as a JSON string). False when it is not JSON."""
    try:
        obj = loads_exact(body)
    except orjson.JSONDecodeError:
        return False
    _call_from_object(obj, call)
    if call.ok and is_too_deep(body, MAX_JSON_DEPTH + 1):
        call.arguments = None
        call.malformed.append(R.ARGUMENTS_TOO_DEEP)
    return True


def _call_from_object(obj: Any, call: ParsedCall) -> None:
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


def _read_unquoted_arguments(head: re.Match, rest: str, call: ParsedCall) -> None:
    """Arguments written as a plain object that orjson refused as a whole call."""
    if head.group(2) == "parameters":
        call.malformed.append(R.WRONG_ARGUMENTS_KEY)
        return
    if not _read_name(head.group(1), call):
        return
    if rest.endswith("}"):
        parse_arguments_text(rest.removesuffix("}"), call)  # without the call's own "}"
        if call.ok:
            call.repairs.append(R.ARGUMENTS_PLAIN_OBJECT)
        return
    call.malformed.append(R.CALL_TRUNCATED if bracket_profile(rest).is_cut else R.CALL_UNPARSEABLE)


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


def parse_arguments_text(text: str, call: ParsedCall) -> None:
    """Read the JSON text of a call's arguments into `call` (arguments or malformed codes), with the
    two exact repairs: \\' read as ' and one "}" too many at the end."""
    try:
        value = loads_exact(text)
    except orjson.JSONDecodeError:
        value = _read_repaired(text, call)
        if value is NOT_READ:
            call.malformed.append(_diagnose_arguments(text))
            return
    if not isinstance(value, dict):
        call.malformed.append(R.ARGUMENTS_NOT_OBJECT)
    elif is_too_deep(text):
        call.malformed.append(R.ARGUMENTS_TOO_DEEP)
    else:
        call.arguments = value


def _read_repaired(text: str, call: ParsedCall) -> Any:
    """The value of `text` after the first repair that makes it JSON (recorded on `call`), or NOT_READ."""
    candidates = []
    if "\\'" in text:
        candidates.append((_BACKSLASH_PAIR.sub(_unescape_pair, text), R.ESCAPED_APOSTROPHE))
    stripped = text.rstrip()
    if stripped.endswith("}}"):
        candidates.append((stripped[:-1], R.EXTRA_CLOSING_BRACE))
    for candidate, repair in candidates:
        try:
            value = loads_exact(candidate)
        except orjson.JSONDecodeError:
            continue
        call.repairs.append(repair)
        return value
    return NOT_READ


def _unescape_pair(match: re.Match) -> str:
    return "'" if match.group(1) == "'" else match.group(0)


def _diagnose_arguments(text: str) -> str:
    """Why `text` (which orjson refused, repaired or not) is not a JSON object: one malformed code."""
    profile = bracket_profile(text)
    if profile.max_depth > MAX_JSON_DEPTH:
        return R.ARGUMENTS_TOO_DEEP
    if reads_leniently(text):
        return R.NONSTANDARD_JSON
    if _PLACEHOLDER.search(text):
        return R.PLACEHOLDER_ARGUMENT
    if profile.is_cut:
        return R.CALL_TRUNCATED
    return R.CALL_UNPARSEABLE


def _has_placeholder_value(value: Any) -> bool:
    """True when a string anywhere in `value` is a placeholder phrase."""
    return any_string(value, _is_placeholder_string)


def _is_placeholder_string(text: str) -> bool:
    return text[:1] == "[" and _PLACEHOLDER_STRING.fullmatch(text) is not None
