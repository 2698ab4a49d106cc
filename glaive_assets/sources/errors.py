"""What reading a source can meet: errors that stop the read, and rows that could not be read (not
JSON, or too large) but do not stop it."""

from __future__ import annotations

from dataclasses import dataclass


class SourceError(Exception):
    """The source cannot be read: unknown name, missing or malformed file."""


class SourceUnavailable(SourceError):
    """The source exists but cannot be reached now (the Hugging Face hub from an offline machine)."""


@dataclass(frozen=True)
class UnreadableRow:
    """A jsonl line that is not JSON, kept at its index so the row is rejected, not lost."""

    text: str
    error: str


@dataclass(frozen=True)
class OversizedRow:
    """A row whose JSON text is longer than GLAIVE_MAX_ROW_BYTES: never decoded, kept as its size,
    hash and first characters, so that it is rejected (row_too_large), not lost."""

    size_bytes: int
    limit: int
    sha256: str
    head: str  # the first HEAD_CHARS characters, for a person to recognise the row


HEAD_CHARS = 200
