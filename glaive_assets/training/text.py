"""Text normalization and stable 64-bit hashes shared by dedup, decontamination and the leakage check.

normalize_text: NFKC (only for non-ASCII text), case-folded, every run of characters that are not
letters or digits (punctuation, whitespace, underscores) collapsed to one space, trimmed.
"What's  the WEATHER?" -> "what s the weather".

Two hashes, both 64-bit and never 0 (0 means "no key" in the arrays):
- hash64: the first 8 bytes of BLAKE2b. Stable across processes and machines: for keys whose value
  decides an order that must be the same in every run (the split order, from the structure key).
- run_hash: Python's built-in hash (SipHash, salted per process), about 10x faster. For keys that are
  only compared with each other inside one run (exact, near and calls keys): equal inputs give equal
  keys, and two different inputs collide with probability 2^-64 per pair either way. The processes
  that share a plan's pass run with one PYTHONHASHSEED (scan.py), so their keys compare too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")
_ASCII_NON_WORD_TO_SPACE = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})
_UINT64 = 0xFFFF_FFFF_FFFF_FFFF
_KEY_SEPARATOR = "\x1f"  # unit separator: cannot occur in normalized text


def normalize_text(text: str) -> str:
    if text.isascii():  # the same result, about twice as fast as the regex (test_text checks they agree)
        return " ".join(text.lower().translate(_ASCII_NON_WORD_TO_SPACE).split())
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") or 1


def run_hash(data: bytes | str) -> int:
    return (hash(data) & _UINT64) or 1


def run_hash_parts(*parts: str) -> int:
    return run_hash(_KEY_SEPARATOR.join(parts))


def hash_parts(*parts: str) -> int:
    """hash64 of text parts joined by a separator that no normalized part contains."""
    return hash64(_KEY_SEPARATOR.join(parts).encode("utf-8", "surrogatepass"))
