"""Strict JSON in and out.

Every line the pipeline writes goes through `dumps_line`: RFC 8259 JSON (no NaN/Infinity), valid UTF-8
(no lone surrogates), one object per line. orjson is the fast path; it refuses lone surrogates, integers
beyond 64 bits, non-string keys and nesting deeper than 255, so those rare values take a slower path
that repairs them instead of raising.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

# Containers nested deeper than this are replaced by a marker string on the slow path. The core caps
# argument and schema depth far below this (parse.MAX_JSON_DEPTH), so only odd raw rows in rejects
# can reach it; orjson.dumps itself stops at 255.
MAX_WRITE_DEPTH = 200
TOO_DEEP_MARKER = "<nesting deeper than 200 levels removed>"
REPLACEMENT_CHARACTER = "\ufffd"
_MAX_INT_BITS = 14_000  # about 4,200 decimal digits

_DUMPS_OPTIONS = orjson.OPT_APPEND_NEWLINE


def dumps_line(obj: Any) -> bytes:
    """Serialize `obj` as one strict JSON line (UTF-8, ending in b"\\n"). Never raises.

    orjson writes NaN and +-Infinity floats as null. Lone surrogates become U+FFFD, integers beyond
    64 bits are kept exactly (the standard library writes them), tuples and sets become lists, other
    objects their str(), and containers deeper than MAX_WRITE_DEPTH the marker string.
    """
    try:
        return orjson.dumps(obj, option=_DUMPS_OPTIONS)
    except Exception:  # orjson.JSONEncodeError (a TypeError), RecursionError, ...
        pass
    try:
        safe = make_json_safe(obj)
        return json.dumps(safe, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8") + b"\n"
    except Exception as error:  # unreachable in practice (MemoryError and the like); still never raise
        message = repair_text(f"{type(error).__name__}: {error}")
        return orjson.dumps({"unserializable": message}, option=_DUMPS_OPTIONS)


# orjson reads an integer beyond 64 bits as the nearest float (123456789012345678901234567890 becomes
# 1.2345678901234568e+29) and refuses to write one; the standard library keeps it exact both ways.
_FLOAT_FROM_WIDE_INTEGER = float(2**63)
# Such an integer has at least 19 digits (2^63 has 19). The text's bytes with every digit mapped to "0"
# and every other byte to " " show a run of them in one C-level pass, cheaper than walking the value.
_DIGITS_TO_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_WIDE_DIGIT_RUN = b"0" * 19


def loads_exact(text: str | bytes) -> Any:
    """orjson.loads, except that integers beyond 64 bits keep their exact value. Raises what orjson raises.

    Only a float of magnitude 2^63 or more can stand for such an integer, so the value is read again
    with the standard library (which reads the same RFC 8259 text to the same value, integers exact)
    only when it holds one. A value too deep for the standard library's recursion keeps orjson's.
    """
    value = orjson.loads(text)
    data = text.encode() if isinstance(text, str) else text  # orjson read it: no lone surrogate in it
    if _WIDE_DIGIT_RUN not in data.translate(_DIGITS_TO_ZEROS):
        return value  # no 19 digits in a row: nothing was rounded
    if any_leaf(value, _is_rounded_wide_integer):
        try:
            return json.loads(text)
        except RecursionError:
            return value
    return value


def dumps_exact(obj: Any, sort_keys: bool = False) -> bytes:
    """Compact JSON of a value read by loads_exact (no newline): orjson's bytes, or, for a value that holds
    an integer beyond 64 bits, the standard library's, the integer exact."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS if sort_keys else None)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          sort_keys=sort_keys).encode("utf-8")


def repair_text(text: str) -> str:
    """Return `text` with every lone UTF-16 surrogate replaced by U+FFFD (pairs are joined)."""
    if not has_lone_surrogate(text):
        return text
    # surrogatepass keeps pairs and lone halves as UTF-16 units; decoding joins the pairs and
    # replaces the lone halves.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def any_leaf(value: Any, test: Callable[[Any], bool]) -> bool:
    """True when `test` holds for a value anywhere in the decoded JSON `value` that is neither an object
    nor an array (walked without recursion, so any depth is safe)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif test(item):
            return True
    return False


def any_string(value: Any, test: Callable[[str], bool]) -> bool:
    """True when `test` holds for a string anywhere in the decoded JSON `value`."""
    return any_leaf(value, lambda item: isinstance(item, str) and test(item))


def is_wide_integer(item: Any) -> bool:
    """An integer orjson cannot read or write exactly (beyond 64 bits)."""
    return type(item) is int and not -(2**63) <= item < 2**64


def _is_rounded_wide_integer(item: Any) -> bool:
    return type(item) is float and abs(item) >= _FLOAT_FROM_WIDE_INTEGER


def utf8_of(text: str) -> tuple[bytes, bool]:
    """The UTF-8 bytes of `text` with lone surrogates as U+FFFD, and whether it held any."""
    try:
        return text.encode("utf-8"), False
    except UnicodeEncodeError:
        return repair_text(text).encode("utf-8"), True


def make_json_safe(obj: Any, depth: int = 0, _open: set[int] | None = None) -> Any:
    """A copy of `obj` that the standard json encoder writes as strict JSON, whatever `obj` holds.

    A container that contains itself (only possible for objects built in Python) becomes "<cycle>".
    """
    if obj is None or obj is True or obj is False:
        return obj
    if isinstance(obj, str):
        return repair_text(obj)
    if isinstance(obj, int):
        # Python refuses to print integers of more than 4300 digits (int_max_str_digits).
        return int(obj) if obj.bit_length() <= _MAX_INT_BITS else "<integer too large>"
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if depth >= MAX_WRITE_DEPTH:
        return TOO_DEEP_MARKER
    if isinstance(obj, (dict, list, tuple, set, frozenset)):
        open_ids = set() if _open is None else _open
        if id(obj) in open_ids:
            return "<cycle>"
        open_ids.add(id(obj))
        try:
            if isinstance(obj, dict):
                return {
                    (repair_text(key) if isinstance(key, str) else make_json_safe_key(key)): make_json_safe(
                        value, depth + 1, open_ids
                    )
                    for key, value in obj.items()
                }
            return [make_json_safe(item, depth + 1, open_ids) for item in obj]
        finally:
            open_ids.discard(id(obj))
    if isinstance(obj, (bytes, bytearray)):
        return repair_text(bytes(obj).decode("utf-8", "replace"))
    try:
        return repair_text(str(obj))
    except Exception:
        return f"<unprintable {type(obj).__name__}>"


def make_json_safe_key(key: Any) -> str:
    """A non-string dict key as the standard json module would write it (None -> "null", 1 -> "1")."""
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(make_json_safe(key))
    try:
        return repair_text(str(key))
    except Exception:
        return f"<unprintable {type(key).__name__}>"


class JsonlLineError(ValueError):
    """A line of a JSON-lines file that is not a JSON value (the file is corrupt, not just odd)."""


def read_jsonl(path: str | Path) -> Iterator[Any]:
    """Yield each line's JSON value, one at a time; a blank or broken line raises JsonlLineError
    naming the line."""
    with open(path, "rb") as handle:
        yield from parse_jsonl_lines(handle, lambda line_number, line: f"{path}:{line_number}")


def parse_jsonl_lines(lines: Iterable[bytes], where: Callable[[int, bytes], str]) -> Iterator[Any]:
    """read_jsonl over lines already read; `where(line_number, line)` names a broken line in the error."""
    for line_number, line in enumerate(lines, start=1):
        try:
            yield loads_exact(line)
        except orjson.JSONDecodeError as error:
            raise JsonlLineError(f"{where(line_number, line)}: not a JSON value ({error})") from None
