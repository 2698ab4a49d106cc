"""What a source looks like: the layout of its rows (glaive, sharegpt, openai), detected from its first
rows unless GLAIVE_SOURCE_FORMAT forces one, and, for the error when none of its rows is usable, the
file's encoding (UTF-16, a byte-order mark, empty) and its first row, said in words.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from glaive_assets.core.formats import GLAIVE, OPENAI, SHAREGPT
from glaive_assets.sources.compressed import DECOMPRESSION_ERRORS, open_binary

AUTO = "auto"
_PROBE_BYTES = 4096
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32 text (little-endian: it starts with the byte-order mark FF FE 00 00)"),
    (b"\x00\x00\xfe\xff", "UTF-32 text (big-endian: it starts with the byte-order mark 00 00 FE FF)"),
    (b"\xff\xfe", "UTF-16 text (little-endian: it starts with the byte-order mark FF FE)"),
    (b"\xfe\xff", "UTF-16 text (big-endian: it starts with the byte-order mark FE FF)"),
)
LAYOUTS = {
    GLAIVE: "glaive {system, chat}",
    SHAREGPT: "sharegpt {conversations: [{from, value}], tools}",
    OPENAI: "openai {messages: [{role, content}], tools}",
}
EXPECTED = "expected one of the layouts " + ", ".join(LAYOUTS.values())


def row_format(row: object) -> str | None:
    """The layout one decoded row has, by its keys (None: none of them)."""
    if not isinstance(row, dict):
        return None
    if "chat" in row:
        return GLAIVE
    if isinstance(row.get("conversations"), list):
        return SHAREGPT
    if isinstance(row.get("messages"), list):
        return OPENAI
    if "system" in row:
        return GLAIVE
    return None


def detect_format(rows: list[object]) -> str | None:
    """The most common layout among `rows` (the first rows of a source; ties go to glaive, then
    sharegpt), or None when no row has any of them."""
    counts = Counter(found for found in map(row_format, rows) if found is not None)
    if not counts:
        return None
    return max(LAYOUTS, key=lambda name: counts[name])


def describe_file(path: Path, compression: str | None = None) -> str | None:
    """The file's encoding when it explains unusable rows (UTF-16/32, empty), else None. A compressed
    file is described by its decompressed bytes."""
    try:
        with open_binary(path, compression) as handle:
            head = handle.read(_PROBE_BYTES)
    except DECOMPRESSION_ERRORS:
        return None
    if not head:
        return "The file is empty (0 bytes)." if compression is None else "The file decompresses to 0 bytes."
    for mark, meaning in _BOMS:
        if head.startswith(mark):
            return f"The file is {meaning}; the readers take UTF-8: save it as UTF-8."
    if head.count(b"\x00") * 4 >= len(head):
        return "The file looks like UTF-16 text without a byte-order mark (every other byte is 0); save it as UTF-8."
    if not head.strip():
        return "The file holds only whitespace."
    if head.startswith(b"\xef\xbb\xbf"):
        return "The file starts with a UTF-8 byte-order mark (EF BB BF), which the readers skip."
    return None


def describe_rows(rows: list[object], expected: str = AUTO) -> str | None:
    """One line on the rows' layout when it explains why none is usable, else None: the first row's
    shape against what was expected (`expected`: a forced layout, or auto for any of them)."""
    if not rows:
        return None
    found = detect_format(rows)
    if expected == AUTO and found is not None:
        return None  # a known layout: the reject reasons say the rest
    if expected != AUTO and found == expected:
        return None
    first = _shape(rows[0])
    if expected == AUTO:
        return f"The first row is {first}; {EXPECTED}."
    if found is not None:
        return (f"The rows look like the {LAYOUTS[found]} layout, but GLAIVE_SOURCE_FORMAT={expected} expects "
                f"{LAYOUTS[expected]} (unset it to detect the layout).")
    return f"The first row is {first}; GLAIVE_SOURCE_FORMAT={expected} expects {LAYOUTS[expected]}."


def _shape(row: object) -> str:
    if isinstance(row, dict):
        if not row:
            return "an empty JSON object"
        keys = sorted(map(str, row))
        more = f" and {len(keys) - 8} more" if len(keys) > 8 else ""
        return "a JSON object with the keys " + ", ".join(f"`{key}`" for key in keys[:8]) + more
    kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(row), "a number")
    return f"JSON {kind}, not an object"
