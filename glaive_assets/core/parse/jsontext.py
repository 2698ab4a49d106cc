"""What the parsers need to know about a piece of JSON text besides its value: nesting depth, whether
it was cut off, whether only a lenient reader accepts it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Deepest JSON nesting accepted in arguments and declared schemas. Glaive needs 4 at most; orjson
# writes at most 255 levels and a processed record adds 3 around them.
MAX_JSON_DEPTH = 64

# A whole string, a bracket, or an unterminated string's quote. Linear: no nested quantifiers.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]|"', re.DOTALL)

NOT_READ = object()  # stands for a value that could not be read


@dataclass(frozen=True, slots=True)
class BracketProfile:
    max_depth: int
    open_brackets: int  # brackets still open at the end (negative: more closers than openers)
    open_string: bool  # the text ends inside a string

    @property
    def is_cut(self) -> bool:
        """The text stops inside a string or with a bracket left open."""
        return self.open_string or self.open_brackets > 0


def bracket_profile(text: str) -> BracketProfile:
    """Lex `text` as JSON just enough to know its nesting: linear, strings skipped."""
    depth = max_depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == '"':
            return BracketProfile(max_depth, depth, True)
        if token == "{" or token == "[":
            depth += 1
            max_depth = max(max_depth, depth)
        elif token == "}" or token == "]":
            depth -= 1
    return BracketProfile(max_depth, depth, False)


def is_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON `text` nests deeper than `limit` (cheap upper bounds first)."""
    if len(text) <= limit or text.count("{") + text.count("[") <= limit:
        return False
    return bracket_profile(text).max_depth > limit


def reads_leniently(text: str) -> bool:
    """True when Python's lenient json reads `text` (Infinity, NaN, 1e999, lone-surrogate escapes)."""
    try:
        json.loads(text)
        return True
    except (ValueError, RecursionError):
        return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


# Finds where one JSON value ends inside a longer text (raw_decode), refusing NaN and Infinity.
STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
