"""What reading a source can meet: errors that stop the read, and a row that could not be read but
does not stop it."""

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
