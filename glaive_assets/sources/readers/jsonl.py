"""A .jsonl file: one JSON value per line. Blank lines are not rows; a line that is not JSON (or not
UTF-8) becomes an UnreadableRow at its index, so it is rejected downstream, not lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from glaive_assets.sources.errors import UnreadableRow
from glaive_assets.sources.readers.strict_json import STRICT_DECODER
from glaive_assets.sources.sampling import sample_stream


def iter_jsonl(path: Path, sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    lines = _jsonl_lines(path)
    if sample_size:
        lines = iter(sample_stream(lines, sample_size, seed))  # keeps raw lines; parses only those kept
    for index, line in lines:
        yield index, _parse_line(line)


def _parse_line(line: bytes) -> object:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return UnreadableRow(line.decode("utf-8", "replace"), f"invalid UTF-8 at byte {error.start}")
    try:
        return STRICT_DECODER.decode(text)
    except (ValueError, RecursionError) as error:
        return UnreadableRow(text, f"not JSON: {error}")


def _jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(index, line) for every non-blank line, without its line ending or a leading BOM."""
    index = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if number == 0 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            yield index, line
            index += 1
