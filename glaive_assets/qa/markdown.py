"""Plain Markdown tables for the QA reports (the Dagster UI renders MetadataValue.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def format_number(value: Any) -> str:
    """Integers as they are, other numbers with up to 4 significant decimals, None as "n/a"."""
    if value is None:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return str(value)
    if isinstance(value, int) or value == int(value):
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}"


def format_share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def _cell(value: Any) -> str:
    # A "|" would end the cell and a newline the row.
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; every cell is escaped."""
    lines = [
        "| " + " | ".join(_cell(header) for header in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
