"""The real Glaive rows of ../shared/glaive, laid out as raw Glaive JSON lines, for measuring and benchmarks.

The folder (see its SOURCES.md) holds 606 real rows: 6 raw v2 rows verbatim and 2 x 300 rows that
LLaMA-Factory converted to ShareGPT. `real_glaive_lines` gives all 606 in the raw layout, one
`orjson.dumps(row)` each (as the raw artifact and `python -m glaive_assets.sources.sample` write them):

- the raw rows as read;
- a ShareGPT row written back with the core's `render_glaive`: human -> `USER: `, gpt -> `ASSISTANT: ...
  <|endoftext|>`, function_call -> `ASSISTANT: <functioncall> {"name": ..., "arguments": '{...}'}`,
  observation -> `FUNCTION RESPONSE: `, turns joined by "\\n\\n\\n"; the tools as 4-space-indented schemas
  (the no-functions prompt when there are none); non-ASCII text kept as UTF-8, as Glaive writes it.

Laid out so, the 606 lines average 2,380 bytes (issue 13). The rows are read from the shared folder
at run time and never copied into the project.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import orjson

import glaive_assets
from glaive_assets.core.chatml import render_glaive

SHARED_GLAIVE_DIR = Path(glaive_assets.__file__).resolve().parents[1].parent / "shared" / "glaive"
RAW_FILES = ("glaive_v2_rows_0_4.jsonl", "glaive_v2_row_25475.jsonl")
SHAREGPT_FILES = ("glaive_toolcall_en_demo.json", "glaive_toolcall_zh_demo.json")
TOOLS_INSTRUCTION = "You are a helpful assistant with access to the following functions. Use them if required -"
PLAIN_INSTRUCTION = "You are a helpful assistant, with no access to external functions."


def shared_glaive_dir() -> Path | None:
    """../shared/glaive beside the repository, or None where it is absent (it is not in a fresh clone)."""
    return SHARED_GLAIVE_DIR if SHARED_GLAIVE_DIR.is_dir() else None


def sharegpt_to_glaive(row: dict) -> dict[str, str]:
    """A LLaMA-Factory ShareGPT row ({"conversations", "tools"}) as a raw Glaive row {"system", "chat"}."""
    tools = json.loads(row["tools"]) if row["tools"] else []
    messages: list[dict] = [{"role": "system", "content": TOOLS_INSTRUCTION if tools else PLAIN_INSTRUCTION}]
    for turn in row["conversations"]:
        kind, value = turn["from"], turn["value"]
        if kind == "human":
            messages.append({"role": "user", "content": value})
        elif kind == "gpt":
            messages.append({"role": "assistant", "content": value})
        elif kind == "function_call":
            call = json.loads(value)
            function = {"name": call["name"], "arguments": call["arguments"]}
            messages.append({"role": "assistant", "content": "", "tool_calls": [{"function": function}]})
        elif kind == "observation":
            messages.append({"role": "tool", "content": value})
        else:
            raise ValueError(f"unknown ShareGPT turn {kind!r}")
    return render_glaive({"messages": messages, "tools": [{"function": tool} for tool in tools]})


def real_glaive_rows(folder: Path) -> list[dict[str, str]]:
    """The 606 real rows as raw Glaive rows: the raw files' rows first, then the ShareGPT files'."""
    rows = [orjson.loads(line) for name in RAW_FILES for line in (folder / name).read_bytes().splitlines()
            if line.strip()]
    for name in SHAREGPT_FILES:
        rows.extend(sharegpt_to_glaive(row) for row in json.loads((folder / name).read_text(encoding="utf-8")))
    return rows


def real_glaive_lines(folder: Path) -> list[bytes]:
    """real_glaive_rows as JSON lines (without the newline)."""
    return [orjson.dumps(row) for row in real_glaive_rows(folder)]


def repeat_lines(lines: list[bytes], rows: int) -> Iterator[bytes]:
    """The lines over and over, in order, until `rows` lines are given."""
    return itertools.islice(itertools.cycle(lines), rows)


def write_jsonl(lines: Iterator[bytes] | list[bytes], path: Path) -> int:
    """Write the lines to `path`, one per line; returns the bytes written."""
    written = 0
    with open(path, "wb") as handle:
        for line in lines:
            handle.write(line)
            handle.write(b"\n")
            written += len(line) + 1
    return written
