"""The system prompt: "SYSTEM: <instruction>\\n" followed by the function schemas it declares.

Glaive writes each schema as 4-space-indented JSON, one after another, not wrapped in a list. Other
layouts (compact, odd indents) parse the same; text after the schemas, which Glaive never has, joins
the instruction on a new line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from glaive_assets.core import reasons as R
from glaive_assets.core.jsonio import loads_exact
from glaive_assets.core.parse.jsontext import NOT_READ, STRICT_DECODER, is_too_deep
from glaive_assets.core.parse.layout import SYSTEM_PREFIX

_NOT_BLANK = re.compile(r"[^ \t\r\n]")


@dataclass(frozen=True, slots=True)
class SystemPrompt:
    """A parsed system prompt. Shared between the rows that have the same prompt: read-only."""

    instruction: str
    tools: tuple[dict, ...]  # first definition of each name, in declaration order
    names: tuple[str, ...]
    signatures: dict[str, dict]  # name -> {"description", "parameters", "required"}
    warnings: tuple[str, ...]  # structure warnings (duplicate declarations)
    reject_reasons: tuple[str, ...]  # row reasons: not Glaive / a schema unreadable


def parse_system(system: str) -> SystemPrompt:
    """Split a system prompt into its instruction and every function schema it declares.

    The instruction is the text after "SYSTEM: " without the schemas. Schemas start at the first
    line that begins with "{"; each must be a JSON object with a non-empty string "name".
    """
    if not system.startswith(SYSTEM_PREFIX):
        return _refused("", R.NOT_GLAIVE_SYSTEM)
    body = system[len(SYSTEM_PREFIX):]
    if body.startswith(" "):
        body = body[1:]
    start = 0 if body.startswith("{") else body.find("\n{")
    if start < 0:
        return _declaring(body.strip(), [])
    lead = body[:start].strip()
    read = _read_schemas(body, start)
    if isinstance(read, str):
        return _refused(lead, read)
    declared, trailing = read
    return _declaring(f"{lead}\n{trailing}" if trailing else lead, declared)


def _refused(instruction: str, code: str) -> SystemPrompt:
    return SystemPrompt(instruction=instruction, tools=(), names=(), signatures={}, warnings=(), reject_reasons=(code,))


def _declaring(instruction: str, declared: list[dict]) -> SystemPrompt:
    """The prompt of readable schemas: the first definition of each name wins; repeats are warned about."""
    first: dict[str, dict] = {}
    warnings: set[str] = set()
    for schema in declared:
        name = schema["name"]
        if name not in first:
            first[name] = schema
        else:
            warnings.add(R.DUPLICATE_FUNCTION_IDENTICAL if first[name] == schema else R.DUPLICATE_FUNCTION_CONFLICT)
    return SystemPrompt(
        instruction=instruction,
        tools=tuple(first.values()),
        names=tuple(first),
        signatures={name: _signature(schema) for name, schema in first.items()},
        warnings=tuple(sorted(warnings)),
        reject_reasons=(),
    )


def _signature(schema: dict) -> dict:
    parameters = schema.get("parameters", {})
    required = parameters.get("required", []) if isinstance(parameters, dict) else []
    return {
        "description": schema.get("description", ""),
        "parameters": parameters,
        "required": required if isinstance(required, list) else [],
    }


def _read_schemas(body: str, index: int) -> tuple[list[dict], str] | str:
    """Every schema from `index` on, and the text after them; or the reject code of the first bad one."""
    declared: list[dict] = []
    while True:
        blank_end = _NOT_BLANK.search(body, index)
        if blank_end is None:
            return declared, ""
        index = blank_end.start()
        if body[index] != "{":
            trailing = body[index:].strip()
            if "\n{" in trailing:  # more schemas after free text: not a layout Glaive has
                return R.SYSTEM_SCHEMA_UNPARSEABLE
            return declared, trailing
        read, index = _read_schema(body, index)
        if isinstance(read, str):
            return read
        declared.append(read)


def _read_schema(body: str, index: int) -> tuple[Any, int]:
    """The schema starting at `index` (or its reject code), and where it ends."""
    # A raw newline can only sit between JSON tokens, so in Glaive's layout the first "\n}" closes the
    # schema; when that slice is one JSON value it is the schema, exactly.
    close = body.find("\n}", index)
    if close >= 0:
        block = body[index:close + 2]
        read = _read_block_cached(block) if len(block) <= MAX_CACHED_BLOCK_CHARS else _read_block(block)
        if read is not NOT_READ:
            return read, close + 2
    try:
        _, stop = STRICT_DECODER.raw_decode(body, index)
        schema = loads_exact(body[index:stop])  # strict: no lone surrogates, <= 1024 deep
    except RecursionError:
        return R.SYSTEM_SCHEMA_TOO_DEEP, index
    except ValueError as error:  # json.JSONDecodeError and orjson.JSONDecodeError
        return (R.SYSTEM_SCHEMA_TOO_DEEP if "depth" in str(error) else R.SYSTEM_SCHEMA_UNPARSEABLE), index
    code = _schema_problem(schema, body[index:stop])
    return (schema if code is None else code), stop


def _read_block(block: str) -> Any:
    """One schema's text up to its first "\\n}": the schema, a reject code (str), or NOT_READ when
    orjson refuses the slice (the caller then finds the schema's end the slow way)."""
    try:
        schema = loads_exact(block)
    except orjson.JSONDecodeError:
        return NOT_READ
    code = _schema_problem(schema, block)
    return schema if code is None else code


def _schema_problem(schema: Any, text: str) -> str | None:
    """The reject code of a declared schema read from `text`, or None when it is usable."""
    if is_too_deep(text):
        return R.SYSTEM_SCHEMA_TOO_DEEP
    if not isinstance(schema, dict) or not isinstance(schema.get("name"), str) or not schema["name"]:
        return R.SYSTEM_SCHEMA_UNPARSEABLE
    return None


# Prompts combine a few schemas in many ways, so a prompt seen for the first time mostly finds its
# schemas here (the schema dicts are then shared between prompts, read-only).
MAX_CACHED_BLOCK_CHARS = 16_384
_read_block_cached = lru_cache(maxsize=4096)(_read_block)


def clear_schema_block_cache() -> None:
    """Forget every schema read so far (benchmarks start each run cold)."""
    _read_block_cached.cache_clear()
