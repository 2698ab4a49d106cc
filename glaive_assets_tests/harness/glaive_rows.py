"""Our own rows in the Glaive Function Calling v2 byte layout (see ../shared/glaive/FORMAT.md), for e2e sources.

Three shapes, cycling: a conversation with one function call and its response, a declined request
(functions declared, none fits), and a plain chat without functions. Each row's text depends on its
number, so every row is distinct and a changed file really differs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

NO_FUNCTIONS_SYSTEM = "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"
WITH_FUNCTIONS_PREFIX = (
    "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
)
CITIES = ("Lisbon", "Oslo", "Quito", "Hanoi", "Nairobi", "Perth", "Tallinn", "Cusco")

_FORECAST_SCHEMA = {
    "name": "get_forecast",
    "description": "Get the weather forecast for a city",
    "parameters": {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "The city name"},
            "days": {"type": "integer", "description": "How many days ahead"},
        },
        "required": ["city"],
    },
}


def _system_with(schema: dict) -> str:
    # Glaive pretty-prints each schema with 4-space indents; a one-function prompt ends "}\n".
    return WITH_FUNCTIONS_PREFIX + json.dumps(schema, indent=4) + "\n"


def _call_row(number: int) -> dict[str, str]:
    city = CITIES[number % len(CITIES)]
    days = 1 + number % 5
    arguments = json.dumps({"city": city, "days": days})
    response = json.dumps({"city": city, "days": days, "summary": f"{10 + number % 20} C, light wind"})
    chat = (
        f"USER: What will the weather be like in {city} over the next {days} days? (ticket {number})\n\n\n"
        f"ASSISTANT: <functioncall> {{\"name\": \"get_forecast\", \"arguments\": '{arguments}'}} <|endoftext|>\n\n\n"
        f"FUNCTION RESPONSE: {response}\n\n\n"
        f"ASSISTANT: In {city} expect {10 + number % 20} C with light wind for the next {days} days. <|endoftext|>\n\n\n"
    )
    return {"system": _system_with(_FORECAST_SCHEMA), "chat": chat}


def _declined_row(number: int) -> dict[str, str]:
    city = CITIES[(number * 3) % len(CITIES)]
    chat = (
        f"USER: Can you book me a table for {2 + number % 6} in {city}?\n\n\n"
        "ASSISTANT: I'm sorry, but I don't have the capability to book tables. My current function allows me "
        "to get weather forecasts. <|endoftext|>\n\n\n"
    )
    return {"system": _system_with(_FORECAST_SCHEMA), "chat": chat}


def _plain_row(number: int) -> dict[str, str]:
    chat = (
        f"USER: What is {number} plus {number + 7}?\n\n\n"
        f"ASSISTANT: {number} plus {number + 7} is {2 * number + 7}. <|endoftext|>\n\n\n"
    )
    return {"system": NO_FUNCTIONS_SYSTEM, "chat": chat}


_SHAPES = (_call_row, _declined_row, _plain_row)


def glaive_rows(count: int, *, first_number: int = 0) -> list[dict[str, str]]:
    """`count` distinct rows numbered from `first_number`."""
    return [_SHAPES[number % len(_SHAPES)](number) for number in range(first_number, first_number + count)]


def write_jsonl_atomically(path: Path, rows: list[dict[str, str]]) -> None:
    """One row per line, then rename into place, so a sensor never reads a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    os.replace(tmp, path)


def truncated_call_row(number: int) -> dict[str, str]:
    """A row whose function call stops mid-JSON: a malformed reject (call_truncated)."""
    city = CITIES[number % len(CITIES)]
    chat = (
        f"USER: Will it rain in {city} tomorrow? (ticket {number})\n\n\n"
        f"ASSISTANT: <functioncall> {{\"name\": \"get_forecast\", \"arguments\": '{{\"city\": \"{city}"
    )
    return {"system": _system_with(_FORECAST_SCHEMA), "chat": chat}


# Lines a reader cannot decode (kept as unreadable rows) and JSON values that are not Glaive rows.
UNREADABLE_LINES = (b'{"system": "SYSTEM: cut', b"not json at all", b'{"chat": "USER: hi"', b"[1, 2")
WRONG_TYPE_ROWS = (None, 12, ["system", "chat"], {"system": 7, "chat": ["USER: hi"]})


def mostly_rejected_lines(good_rows: list[dict], *, first_number: int = 0) -> list[bytes]:
    """JSON lines: `good_rows`, then 12 rows that are all rejected: 4 truncated calls (malformed), the 4
    UNREADABLE_LINES and the 4 WRONG_TYPE_ROWS. With 17 good rows that is 12 of 29 rejected (41%)."""
    good = [json.dumps(row, ensure_ascii=False).encode() for row in good_rows]
    malformed = [json.dumps(truncated_call_row(first_number + index)).encode() for index in range(4)]
    wrong_types = [json.dumps(row).encode() for row in WRONG_TYPE_ROWS]
    return [*good, *malformed, *UNREADABLE_LINES, *wrong_types]


def write_lines_atomically(path: Path, lines: list[bytes]) -> None:
    """The lines, each ended by a newline, renamed into place (see write_jsonl_atomically)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(b"".join(line + b"\n" for line in lines))
    os.replace(tmp, path)
