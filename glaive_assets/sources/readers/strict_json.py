"""The standard library's JSON decoder, refusing NaN and Infinity (they are not JSON).

It keeps every value as written: lone surrogate escapes (for the core to flag) and integers of any
size. It refuses what no strict JSON line can hold: NaN, Infinity and numbers beyond a double's range.
(ijson's fast backend rewrites lone surrogates to "?" and rejects big integers, so it is not used.)
"""

from __future__ import annotations

import json
import math


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """A number literal as a float; one beyond a double's range (1e999) is refused, since strict JSON
    out has no way to keep it (orjson would write null)."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is beyond a double's range")
    return value


STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
