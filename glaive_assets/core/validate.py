"""Validate each call against the function schemas declared in the same record, with `jsonschema`.

A call's arguments are checked against its function's declared "parameters" by a Draft 2020-12
validator (Glaive schemas carry no "$schema"; their keywords mean the same in every draft since 4,
except that 2020-12 counts 12.0 as an integer). The validator is built from the declared schema plus
"additionalProperties": false (unless it says otherwise), so an undeclared argument is reported by
the library too. Errors map to codes by the failing JSON-schema keyword:

    required -> missing_required_argument       additionalProperties -> unknown_argument
    type -> argument_type_mismatch               enum, const -> argument_enum_mismatch
    anything else (minimum, items, ...) -> argument_constraint_violation

Safety: a schema comes from an untrusted row, so three keywords are not enforced: "pattern" and
"patternProperties" (Python's re has no timeout; a crafted regex could run for hours) and
"uniqueItems" (quadratic on large arrays of objects); "$schema" is ignored (it would switch the
validator class back to one that runs regexes). A schema jsonschema rejects (check_schema) or that
fails while validating (e.g. an unresolvable "$ref") gives invalid_declared_schema for that call.

Compiled validators are cached by the schema's canonical JSON, and per parsed system prompt by
function name, so the hot path is one dict lookup plus the validation itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import SystemPrompt

_UNENFORCED_KEYWORDS = ("pattern", "patternProperties", "uniqueItems", "$schema")
CallValidator = validators.extend(Draft202012Validator, {keyword: None for keyword in _UNENFORCED_KEYWORDS[:3]})

_CODE_BY_KEYWORD = {
    "required": R.MISSING_REQUIRED_ARGUMENT,
    "additionalProperties": R.UNKNOWN_ARGUMENT,
    "type": R.ARGUMENT_TYPE_MISMATCH,
    "enum": R.ARGUMENT_ENUM_MISMATCH,
    "const": R.ARGUMENT_ENUM_MISMATCH,
}

# Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema.
_ONE_SUBSCHEMA = ("items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not",
                  "if", "then", "else", "unevaluatedItems", "unevaluatedProperties")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "dependentSchemas")


@dataclass(frozen=True, slots=True)
class CompiledParameters:
    """A declared "parameters" schema ready to validate arguments (validator None: schema invalid)."""

    validator: Any | None


_COMPILED: dict[bytes, CompiledParameters] = {}
_COMPILED_LIMIT = 65536


def _without_unenforced(schema: Any) -> Any:
    """A copy of `schema` without the unenforced keywords, walking subschema positions only."""
    if not isinstance(schema, dict):
        return schema
    cleaned = {key: value for key, value in schema.items() if key not in _UNENFORCED_KEYWORDS}
    for key in _ONE_SUBSCHEMA:
        if key in cleaned:
            value = cleaned[key]
            cleaned[key] = [_without_unenforced(v) for v in value] if isinstance(value, list) else _without_unenforced(value)
    for key in _SUBSCHEMA_LISTS:
        if isinstance(cleaned.get(key), list):
            cleaned[key] = [_without_unenforced(v) for v in cleaned[key]]
    for key in _SUBSCHEMA_MAPS:
        if isinstance(cleaned.get(key), dict):
            cleaned[key] = {name: _without_unenforced(v) for name, v in cleaned[key].items()}
    return cleaned


def compile_parameters(parameters: Any) -> CompiledParameters:
    """Build (or fetch from the cache) the validator for one declared "parameters" schema."""
    try:
        key = orjson.dumps(parameters, option=orjson.OPT_SORT_KEYS)
    except Exception:  # not serializable (cannot come from a parsed row); treat as invalid
        return CompiledParameters(None)
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled
    compiled = _compile(parameters, key)
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()
    _COMPILED[key] = compiled
    return compiled


def _compile(parameters: Any, key: bytes) -> CompiledParameters:
    if not isinstance(parameters, dict):
        return CompiledParameters(None)
    schema = parameters
    if any(f'"{keyword}"'.encode() in key for keyword in _UNENFORCED_KEYWORDS):
        schema = _without_unenforced(schema)
    if "additionalProperties" not in schema:
        schema = {**schema, "additionalProperties": False}
    try:
        CallValidator.check_schema(schema)
        return CompiledParameters(CallValidator(schema))
    except (SchemaError, RecursionError):
        return CompiledParameters(None)
    except Exception:  # e.g. a "$ref" the referencing library rejects at build time
        return CompiledParameters(None)


def validate_call(name: str, arguments: dict, system: SystemPrompt) -> list[str]:
    """Codes for everything wrong with one call against its row's declared functions ([] when valid)."""
    signature = system.signatures.get(name)
    if signature is None:
        return [R.UNDECLARED_FUNCTION]
    table = _validators_of(system)
    compiled = table.get(name)
    if compiled is None:
        compiled = table[name] = compile_parameters(signature["parameters"])
    if compiled.validator is None:
        return [R.INVALID_DECLARED_SCHEMA]
    try:
        errors = list(compiled.validator.iter_errors(arguments))
    except Exception:  # unresolvable $ref, recursion through "$ref": "#", ...
        return [R.INVALID_DECLARED_SCHEMA]
    if not errors:
        return []
    return sorted({_CODE_BY_KEYWORD.get(error.validator, R.ARGUMENT_CONSTRAINT_VIOLATION) for error in errors})


# id(prompt) -> (prompt, name -> validator). Holding the prompt keeps its id from being reused.
_SYSTEM_VALIDATORS: dict[int, tuple[SystemPrompt, dict[str, CompiledParameters]]] = {}


def _validators_of(system: SystemPrompt) -> dict[str, CompiledParameters]:
    entry = _SYSTEM_VALIDATORS.get(id(system))
    if entry is not None and entry[0] is system:
        return entry[1]
    if len(_SYSTEM_VALIDATORS) >= _COMPILED_LIMIT:
        _SYSTEM_VALIDATORS.clear()
    table: dict[str, CompiledParameters] = {}
    _SYSTEM_VALIDATORS[id(system)] = (system, table)
    return table


def clear_caches() -> None:
    """Forget every compiled validator (benchmarks start each run cold)."""
    _COMPILED.clear()
    _SYSTEM_VALIDATORS.clear()
