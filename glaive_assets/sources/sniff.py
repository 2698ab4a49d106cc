"""What a source looks like, said in words, for the error when none of its rows is usable: the
file's encoding (UTF-16, a byte-order mark, empty) and the rows' layout (ShareGPT `conversations`,
OpenAI `messages`, other keys). It describes; it decides nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

_PROBE_BYTES = 4096
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32 text (little-endian: it starts with the byte-order mark FF FE 00 00)"),
    (b"\x00\x00\xfe\xff", "UTF-32 text (big-endian: it starts with the byte-order mark 00 00 FE FF)"),
    (b"\xff\xfe", "UTF-16 text (little-endian: it starts with the byte-order mark FF FE)"),
    (b"\xfe\xff", "UTF-16 text (big-endian: it starts with the byte-order mark FE FF)"),
)
GLAIVE_LAYOUT = "the Glaive layout, one object {system, chat} per row"


def describe_file(path: Path) -> str | None:
    """The file's encoding when it explains unusable rows (UTF-16/32, empty), else None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_PROBE_BYTES)
    except OSError:
        return None
    if not head:
        return "The file is empty (0 bytes)."
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


def describe_rows(rows: list[object]) -> str | None:
    """The rows' layout when it is not the Glaive one (by the most common shape), else None."""
    if not rows:
        return None
    shapes = Counter(_shape(row) for row in rows)
    shape, _ = shapes.most_common(1)[0]
    if shape == "glaive":
        return None
    if shape == "sharegpt":
        return (f"The rows look like the ShareGPT layout (a `conversations` list of {{from, value}} turns), not "
                f"{GLAIVE_LAYOUT}.")
    if shape == "openai":
        return (f"The rows look like the OpenAI chat layout (a `messages` list of {{role, content}}), not "
                f"{GLAIVE_LAYOUT}.")
    if shape.startswith("keys:"):
        return f"The rows are objects with the keys {shape[5:]}, not {GLAIVE_LAYOUT}."
    return f"The rows are JSON {shape}, not {GLAIVE_LAYOUT}."


def _shape(row: object) -> str:
    if isinstance(row, dict):
        if "system" in row or "chat" in row:
            return "glaive"
        if isinstance(row.get("conversations"), list):
            return "sharegpt"
        if isinstance(row.get("messages"), list):
            return "openai"
        return "keys:" + ", ".join(f"`{key}`" for key in sorted(map(str, row))[:8])
    return {list: "arrays", str: "strings", bool: "booleans", type(None): "nulls"}.get(type(row), "numbers")
