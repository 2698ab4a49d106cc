"""The standard library's JSON decoder, refusing NaN and Infinity (they are not JSON).

It keeps every value as written: lone surrogate escapes (for the core to flag) and integers of any
size. (ijson's fast backend rewrites lone surrogates to "?" and rejects big integers, so it is not used.)
"""

from __future__ import annotations

import json


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
