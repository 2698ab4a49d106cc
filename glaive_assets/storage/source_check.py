"""The source's first rows, read before glaive_raw replaces anything: they decide the rows' layout
(glaive, sharegpt, openai; unless GLAIVE_SOURCE_FORMAT forces one), and a source none of whose first
rows the core can use (an unknown layout, another encoding, an empty file) fails with a message that
says why, and the previous artifacts stay as they were."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

import orjson

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.errors import OversizedRow, SourceError, UnreadableRow
from glaive_assets.sources.locate import FileSource, locate_source
from glaive_assets.sources.sniff import AUTO, GLAIVE, describe_file, describe_rows, detect_format
from glaive_assets.storage.errors import path_error
from glaive_assets.storage.stages import raw_line, raw_outcome

FIRST_ROWS = 1000
TOP_REASONS = 3


class UnusableSource(SourceError):
    """None of the source's first rows can become a processed record."""


def _file_description(settings: SourceSettings) -> str | None:
    try:
        located = locate_source(settings.source)
    except SourceError:
        return None
    return describe_file(located.path, located.compression) if isinstance(located, FileSource) else None


def _unusable_message(settings: SourceSettings, head: list[tuple[int, object]], reasons: Counter) -> str:
    source = repr(settings.source)
    if not head:
        what = f"the source {source} yields no rows"
    elif len(head) < FIRST_ROWS:
        what = f"none of the {len(head):,} rows of the source {source} is usable"
    else:
        what = f"none of the first {len(head):,} rows of the source {source} is usable"
    parts = [f"glaive_raw stopped before replacing anything: {what}."]
    if reasons:
        top = ", ".join(f"{code} ×{count:,}" for code, count in reasons.most_common(TOP_REASONS))
        parts.append(f"Top reasons: {top}.")
    decoded = [row for _, row in head if not isinstance(row, (UnreadableRow, OversizedRow))]
    layout = describe_rows(decoded, settings.source_format)
    parts.extend(text for text in (_file_description(settings), layout) if text)
    parts.append("The previous artifacts are unchanged.")
    return " ".join(parts)


def check_first_rows(rows: Iterator[tuple[int, object]],
                     settings: SourceSettings) -> tuple[str, Iterator[tuple[int, object]]]:
    """Read the first FIRST_ROWS rows now and decide their layout (row_format); raise UnusableSource if
    the core can use none of them, else return the layout and every row (those read, then the rest).
    A source error on the way says what the file looks like."""
    try:
        head = list(islice(rows, FIRST_ROWS))
    except OSError as error:  # e.g. permission denied on the source file
        raise SourceError(str(path_error(error, Path(error.filename or settings.source), "the source", "read"))) from None
    except SourceError as error:
        layout = _file_description(settings)
        if layout is None:
            raise
        raise type(error)(f"{error}. {layout}") from None
    row_format = settings.source_format
    if row_format == AUTO:
        decoded = [row for _, row in head if not isinstance(row, (UnreadableRow, OversizedRow))]
        row_format = detect_format(decoded) or GLAIVE
    reasons: Counter = Counter()
    for source_index, row in head:
        line, _ = raw_line(source_index, row, settings.max_row_bytes, row_format)
        outcome = raw_outcome(orjson.loads(line))
        if outcome.processed is not None:
            return row_format, chain(head, rows)
        reasons.update(outcome.reject["reasons"])
    raise UnusableSource(_unusable_message(settings, head, reasons))
